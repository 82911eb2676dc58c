import type { Basis } from '../../engine/basis.js';
import type { ResponseExcerpt } from '../../engine/records.js';
import type { CheckResult, FailureRecord, FamilySummary, PromiseRow, RunReport } from '../model.js';
import type { ReportFormat } from '../format.js';
import {
  SUMMARY_COLUMNS,
  basisLead,
  blockedChecks,
  bodyLabel,
  bodyLanguage,
  checkMessage,
  formatDuration,
  headerLines,
  oneLine,
  problemChecks,
  promiseCounts,
  skippedChecks,
  stepsLanguage,
  visible,
  warnedChecks,
  warningsNote,
  coveredFamilies,
} from '../render.js';

// C0/C1 controls other than tab/LF/CR are parse errors in HTML, and bidi overrides reorder the page:
// `visible` shows each as an escape (`\u001b`).
export function escapeHtml(text: string): string {
  return visible(text)
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
.skipped, .warned, .untested { color: var(--warn); }
.blocked { color: var(--muted); }
.kept { color: var(--ok); }
.broken { color: var(--bad); font-weight: 600; }
.error, .fix-first { border-left: 4px solid var(--bad); padding: .25rem .75rem; }
section.warned { border-left: 4px solid var(--warn); padding-left: .75rem; }
.basis q { font-style: italic; }
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
  const row = (label: string, counts: Readonly<FamilySummary>, cls = '') =>
    `<tr${cls}><td>${escapeHtml(label)}</td>${SUMMARY_COLUMNS.map((column) => `<td class="n">${escapeHtml(String(counts[column]))}</td>`).join('')}</tr>`;
  const rows = coveredFamilies(report).map(([family, counts]) => row(family, counts));
  rows.push(row('Total', report.summary.total, ' class="total"'));
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
}

/** `The docs say: <q>…</q> (source)` or `Assumed (the docs are silent): … (source)`, escaped. */
export function basisHtml(basis: Basis): string {
  const says = escapeHtml(oneLine(basis.says));
  return `<span class="basis ${basis.kind}">${escapeHtml(basisLead(basis))}: ${basis.kind === 'promise' ? `<q>${says}</q>` : says} (<cite>${escapeHtml(oneLine(basis.source))}</cite>)</span>`;
}

/** The answer that broke the rule: status, type, headers and the body excerpt (marked when cut). */
function responseHtml(response: ResponseExcerpt): string[] {
  const rows: [string, string][] = [];
  if (response.httpStatus !== undefined) rows.push(['Status', code(response.httpStatus)]);
  if (response.contentType !== undefined) rows.push(['Content type', code(response.contentType)]);
  if (response.rpcErrorCode !== undefined) rows.push(['JSON-RPC error code', code(response.rpcErrorCode)]);
  if (response.transportError !== undefined) rows.push(['Transport error', code(response.transportError)]);
  const out = ['<h4>Response</h4>'];
  if (rows.length > 0) out.push(facts(rows));
  const headers = headerLines(response);
  if (headers.length > 0) out.push(labelled('Headers', headers.join('\n'), 'http'));
  if (response.body.length > 0) out.push(labelled(bodyLabel(response), response.body, bodyLanguage(response)));
  else if (response.transportError === undefined || response.truncated) out.push(`<div class="label">${escapeHtml(bodyLabel(response))}</div>`);
  if (response.serverLog) out.push(labelled("The server's stderr (its end)", response.serverLog, 'text'));
  return out;
}

function failureHtml(check: CheckResult, failure: FailureRecord): string[] {
  const rule = failure.basisRule !== failure.rule ? `${code(failure.rule)} (basis rule ${code(failure.basisRule)})` : code(failure.rule);
  const rows: [string, string][] = [
    ['Severity', `<span class="${failure.severity === 'warning' ? 'warned' : 'failed'}">${escapeHtml(failure.severity)}</span>`],
    ['Basis', basisHtml(failure.basis)],
    ['Rule', rule],
  ];
  if (failure.boundary !== undefined) rows.push(['Boundary', escapeHtml(oneLine(failure.boundary))]);
  if (failure.operation !== undefined) rows.push(['Operation', code(failure.operation)]);
  rows.push(['Seed', code(failure.seed)]);
  if (failure.path !== undefined) rows.push(['Path', code(failure.path)]);
  const out = [facts(rows), `<p class="message">${escapeHtml(failure.message)}</p>`];
  const more = warningsNote(check);
  if (more !== undefined) out.push(`<p><em>${escapeHtml(more)}</em></p>`);
  if (failure.expected !== undefined) out.push(labelled('Expected', failure.expected));
  if (failure.actual !== undefined) out.push(labelled('Actual', failure.actual));
  if (failure.counterexample !== undefined) out.push(labelled('Counterexample', failure.counterexample));
  if (failure.response !== undefined) out.push(...responseHtml(failure.response));
  const { steps, replay } = failure.reproduction;
  out.push('<h4>Reproduction</h4>');
  if (steps.length > 0) out.push(pre(steps.map((step) => step.command).join('\n'), stepsLanguage(steps)));
  steps.forEach((step, index) => {
    if (step.body) out.push(labelled(`Body of request ${index + 1}`, step.body, step.language));
  });
  out.push(labelled('Replay', replay, 'sh'));
  return out;
}

const TITLE: Partial<Record<CheckResult['status'], string>> = { failed: 'Failed', errored: 'Errored', warned: 'Warning' };

function checkHtml(check: CheckResult): string {
  const title = `${TITLE[check.status] ?? check.status}: ${check.family} / ${check.name}`;
  const out = [
    `<section class="check ${check.status}">`,
    `<h3 class="${check.status}">${escapeHtml(title)}</h3>`,
    `<p>${code(check.id)} (${escapeHtml(formatDuration(check.durationMs))}, ${check.requests} requests)</p>`,
  ];
  if (check.failure) {
    if (check.status === 'errored' && check.note !== undefined) out.push(`<p class="message">${escapeHtml(check.note)}</p>`);
    out.push(...failureHtml(check, check.failure));
  } else {
    out.push(`<p class="message">${escapeHtml(checkMessage(check))}</p>`);
  }
  out.push('</section>');
  return out.join('\n');
}

function fixFirstHtml(ids: readonly string[]): string {
  return `<p class="fix-first"><strong>Fix first:</strong> ${ids.map((id) => code(id)).join(', ')}: these prerequisites failed and blocked other checks.</p>`;
}

function promisesHtml(promises: readonly PromiseRow[]): string[] {
  const counts = promiseCounts(promises);
  const rows = promises.map((row) => {
    const source = `${escapeHtml(oneLine(row.source))}${row.operation !== undefined ? ` (${code(row.operation)})` : ''}`;
    const checks = row.checks.length > 0 ? row.checks.map((check) => `${code(check.id)} <span class="${check.status}">${escapeHtml(check.status)}</span>`).join('<br>') : 'none';
    return `<tr><td>${escapeHtml(oneLine(row.says))}</td><td>${source}</td><td>${checks}</td><td class="${row.verdict}">${escapeHtml(row.verdict)}</td></tr>`;
  });
  return [
    `<p>${counts.kept} kept, ${counts.broken} broken, ${counts.untested} untested.</p>`,
    `<table class="promises">\n<thead><tr><th>Promise</th><th>Source</th><th>Checks</th><th>Verdict</th></tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`,
  ];
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
        ['Strict', report.strict ? 'yes, warnings fail the run' : 'no, warnings do not fail the run'],
        ['Started', escapeHtml(report.startedAt)],
        ['Duration', `${escapeHtml(formatDuration(report.durationMs))}, ${escapeHtml(String(report.summary.requests))} requests`],
        ['Tool', `clientele ${escapeHtml(report.tool.version)}`],
      ]),
    ];
    if (report.error !== undefined) body.push(`<p class="error"><strong>Error:</strong> ${escapeHtml(report.error)}</p>`);
    body.push('<h2>Summary</h2>', summaryTable(report));
    if (report.fixFirst?.length) body.push(fixFirstHtml(report.fixFirst));
    body.push('<h2>Failures</h2>');
    const problems = problemChecks(report);
    if (problems.length === 0) body.push('<p>No failed or errored checks.</p>');
    else body.push(...problems.map(checkHtml));
    const warned = warnedChecks(report);
    if (warned.length > 0) {
      const consequence = report.strict ? 'under strict they fail the run' : 'they do not fail the run';
      body.push('<h2>Warnings</h2>', `<p>Checks that broke only assumptions (the docs are silent there); ${consequence}.</p>`, ...warned.map(checkHtml));
    }
    const blocked = blockedChecks(report);
    if (blocked.length > 0) {
      const items = blocked.map((check) => {
        const by = check.blockedBy !== undefined ? `blocked by ${code(check.blockedBy)}` : 'blocked';
        return `<li>${code(check.id)}: ${by}${check.note !== undefined ? ` — ${escapeHtml(check.note)}` : ''}</li>`;
      });
      body.push('<h2>Blocked</h2>', '<p>Checks whose prerequisite failed: their verdict would say nothing until it is fixed.</p>', `<ul>\n${items.join('\n')}\n</ul>`);
    }
    const skipped = skippedChecks(report);
    if (skipped.length > 0) {
      const items = skipped.map((check) => `<li>${code(check.id)}: ${escapeHtml(check.note ?? 'skipped')}</li>`);
      body.push('<h2>Skipped</h2>', `<ul>\n${items.join('\n')}\n</ul>`);
    }
    body.push('<h2>Promises</h2>');
    if (report.promises.length === 0) body.push('<p>No documented promises recorded for this API.</p>');
    else body.push(...promisesHtml(report.promises));
    // Every value went through `escapeHtml`; `visible` over the whole is the net for any that did not.
    return visible([
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
    ].join('\n'));
  },
};
