import { FAMILIES, type CheckResult, type FailureRecord, type RunReport } from '../model.js';
import type { ReportFormat } from '../format.js';
import { SUMMARY_COLUMNS, checkMessage, formatDuration, problemChecks, stepsLanguage } from '../render.js';

// C0/C1 controls other than tab/LF/CR are parse errors in HTML; show that something was there.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

export function escapeHtml(text: string): string {
  return text
    .replace(CONTROL, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
:root { color-scheme: light dark; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --muted: #6e7781; --line: #d0d7de; --code: rgba(127,127,127,.12); }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
h2 { border-bottom: 1px solid var(--line); padding-bottom: .25rem; margin-top: 2rem; }
h3 { margin-top: 1.75rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--line); padding: .3rem .7rem; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.total { font-weight: 700; }
code, pre { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code { background: var(--code); padding: 0 .25rem; border-radius: 3px; }
pre { background: var(--code); padding: .75rem; border-radius: 6px; overflow-x: auto; white-space: pre; }
pre code { background: none; padding: 0; }
.label { font-weight: 600; margin: .75rem 0 .25rem; }
.outcome-passed, .passed { color: var(--ok); }
.outcome-failed, .failed, .errored, [class^="outcome-"]:not(.outcome-passed):not(.outcome-failed) { color: var(--bad); }
.skipped { color: var(--warn); }
.error { border-left: 4px solid var(--bad); padding: .25rem .75rem; }
.message { white-space: pre-wrap; }
`;

function pre(content: string, language?: string): string {
  const cls = language ? ` class="language-${language}"` : '';
  return `<pre><code${cls}>${escapeHtml(content)}</code></pre>`;
}

function labelled(label: string, content: string, language?: string): string {
  return `<div class="label">${escapeHtml(label)}</div>\n${pre(content, language)}`;
}

function facts(rows: readonly (readonly [string, string])[]): string {
  const items = rows.map(([term, html]) => `<dt>${escapeHtml(term)}</dt><dd>${html}</dd>`);
  return `<dl class="facts">\n${items.join('\n')}\n</dl>`;
}

const code = (value: string | number) => `<code>${escapeHtml(String(value))}</code>`;

function summaryTable(report: Readonly<RunReport>): string {
  const head = `<tr><th>Family</th>${SUMMARY_COLUMNS.map((column) => `<th class="${column}">${column}</th>`).join('')}</tr>`;
  const row = (label: string, counts: Readonly<Record<(typeof SUMMARY_COLUMNS)[number], number>>, cls = '') =>
    `<tr${cls}><td>${escapeHtml(label)}</td>${SUMMARY_COLUMNS.map((column) => `<td class="n">${escapeHtml(String(counts[column]))}</td>`).join('')}</tr>`;
  const rows = FAMILIES.map((family) => row(family, report.summary.families[family]));
  rows.push(row('Total', report.summary.total, ' class="total"'));
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
}

function failureHtml(failure: FailureRecord): string[] {
  const rows: [string, string][] = [['Rule', code(failure.rule)]];
  if (failure.operation !== undefined) rows.push(['Operation', code(failure.operation)]);
  rows.push(['Seed', code(failure.seed)]);
  if (failure.path !== undefined) rows.push(['Path', code(failure.path)]);
  const out = [facts(rows), `<p class="message">${escapeHtml(failure.message)}</p>`];
  if (failure.expected !== undefined) out.push(labelled('Expected', failure.expected));
  if (failure.actual !== undefined) out.push(labelled('Actual', failure.actual));
  if (failure.counterexample !== undefined) out.push(labelled('Counterexample', failure.counterexample));
  const { steps, replay } = failure.reproduction;
  out.push('<h4>Reproduction</h4>');
  if (steps.length > 0) out.push(pre(steps.map((step) => step.command).join('\n'), stepsLanguage(steps)));
  steps.forEach((step, index) => {
    if (step.body) out.push(labelled(`Body of request ${index + 1}`, step.body, step.language));
  });
  out.push(labelled('Replay', replay, 'sh'));
  return out;
}

function checkHtml(check: CheckResult): string {
  const title = `${check.status === 'failed' ? 'Failed' : 'Errored'}: ${check.family} / ${check.name}`;
  const out = [
    `<section class="check ${check.status}">`,
    `<h3 class="${check.status}">${escapeHtml(title)}</h3>`,
    `<p>${code(check.id)} (${escapeHtml(formatDuration(check.durationMs))}, ${check.requests} requests)</p>`,
  ];
  if (check.failure) {
    if (check.status === 'errored' && check.note !== undefined) out.push(`<p class="message">${escapeHtml(check.note)}</p>`);
    out.push(...failureHtml(check.failure));
  } else {
    out.push(`<p class="message">${escapeHtml(checkMessage(check))}</p>`);
  }
  out.push('</section>');
  return out.join('\n');
}

/** One self-contained page (inline CSS, no scripts, nothing fetched) with the Markdown report's content. */
export const htmlFormat: ReportFormat = {
  fileName: 'report.html',
  render(report: Readonly<RunReport>): string {
    const title = `clientele: ${report.api} against ${report.target} — ${report.outcome}`;
    const body: string[] = [
      `<h1>clientele: ${escapeHtml(report.api)} against ${escapeHtml(report.target)} — <span class="outcome-${escapeHtml(report.outcome)}">${escapeHtml(report.outcome)}</span></h1>`,
      facts([
        ['API', code(report.api)],
        ['Target', code(report.target)],
        ['Outcome', `${escapeHtml(report.outcome)} (exit code ${escapeHtml(String(report.exitCode))})`],
        ['Seed', `${code(report.seed)}, ${escapeHtml(String(report.runs))} runs per property${report.readOnly ? ', read-only' : ''}`],
        ['Started', escapeHtml(report.startedAt)],
        ['Duration', `${escapeHtml(formatDuration(report.durationMs))}, ${escapeHtml(String(report.summary.requests))} requests`],
        ['Tool', `clientele ${escapeHtml(report.tool.version)}`],
      ]),
    ];
    if (report.error !== undefined) body.push(`<p class="error"><strong>Error:</strong> ${escapeHtml(report.error)}</p>`);
    body.push('<h2>Summary</h2>', summaryTable(report), '<h2>Failures</h2>');
    const problems = problemChecks(report);
    if (problems.length === 0) body.push('<p>No failed or errored checks.</p>');
    else body.push(...problems.map(checkHtml));
    const skipped = report.checks.filter((check) => check.status === 'skipped');
    if (skipped.length > 0) {
      const items = skipped.map((check) => `<li>${code(check.id)}: ${escapeHtml(check.note ?? 'skipped')}</li>`);
      body.push('<h2>Skipped</h2>', `<ul>\n${items.join('\n')}\n</ul>`);
    }
    return [
      '<!DOCTYPE html>',
      '<html lang="en">',
      '<head>',
      '<meta charset="utf-8">',
      // The page needs nothing but its own styles; forbid everything else even if content slipped through.
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
      `<title>${escapeHtml(title)}</title>`,
      `<style>${STYLE}</style>`,
      '</head>',
      '<body>',
      ...body,
      '</body>',
      '</html>',
      '',
    ].join('\n');
  },
};
