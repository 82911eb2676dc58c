import { FAMILIES, type CheckResult, type FailureRecord, type FamilySummary, type RunReport } from '../model.js';
import type { ReportFormat } from '../format.js';
import { SUMMARY_COLUMNS, checkMessage, formatDuration, problemChecks, stepsLanguage } from '../render.js';

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

/** A fenced block whose fence is longer than any backtick run inside, so content cannot close it. */
export function fence(content: string, language = ''): string {
  const marker = '`'.repeat(Math.max(3, longestBacktickRun(content) + 1));
  return `${marker}${language}\n${content}\n${marker}`;
}

/** An inline code span, on one line, that survives backticks in the value. */
export function codeSpan(value: string): string {
  const text = value.replace(/\r?\n|\r/g, ' ');
  const marker = '`'.repeat(longestBacktickRun(text) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text.startsWith(' ') ? ' ' : '';
  return `${marker}${pad}${text}${pad}${marker}`;
}

/** Backslash-escapes what CommonMark/GFM would read as markup (emphasis, links, HTML, tables, entities). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|~&#!]/g, '\\$&');
}

/** One-line text goes inline (escaped); anything with a line break goes in a fence, verbatim. */
function prose(text: string): string {
  return /[\r\n]/.test(text) ? fence(text, 'text') : escapeMarkdown(text);
}

function summaryTable(report: Readonly<RunReport>): string[] {
  const rows = [
    '| Family | Passed | Failed | Errored | Skipped |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...FAMILIES.map((family) => {
      const counts = report.summary.families[family];
      return `| ${family} | ${SUMMARY_COLUMNS.map((column) => counts[column]).join(' | ')} |`;
    }),
  ];
  const total = report.summary.total;
  rows.push(`| **Total** | ${SUMMARY_COLUMNS.map((column) => `**${total[column]}**`).join(' | ')} |`);
  return rows;
}

function failureSection(failure: FailureRecord, facts: string[], note?: string): string[] {
  const out: string[] = [];
  facts.push(`- **Rule:** ${codeSpan(failure.rule)}`);
  if (failure.operation !== undefined) facts.push(`- **Operation:** ${codeSpan(failure.operation)}`);
  facts.push(`- **Seed:** ${codeSpan(String(failure.seed))}`);
  if (failure.path !== undefined) facts.push(`- **Path:** ${codeSpan(failure.path)}`);
  out.push(facts.join('\n'));
  if (note !== undefined) out.push(prose(note));
  out.push(prose(failure.message));
  if (failure.expected !== undefined) out.push('**Expected**', fence(failure.expected, 'text'));
  if (failure.actual !== undefined) out.push('**Actual**', fence(failure.actual, 'text'));
  if (failure.counterexample !== undefined) out.push('**Counterexample**', fence(failure.counterexample, 'text'));
  const { steps, replay } = failure.reproduction;
  out.push('**Reproduction**');
  if (steps.length > 0) out.push(fence(steps.map((step) => step.command).join('\n'), stepsLanguage(steps)));
  steps.forEach((step, index) => {
    if (step.body) out.push(`Body of request ${index + 1}:`, fence(step.body, step.language ?? ''));
  });
  out.push('Replay:', fence(replay, 'sh'));
  return out;
}

function checkSection(check: CheckResult): string {
  const out = [`### ${check.status === 'failed' ? 'Failed' : 'Errored'}: ${escapeMarkdown(check.family)} / ${escapeMarkdown(check.name)}`];
  // One list, so the check line and the failure facts do not render as two lists glued together.
  const facts = [`- **Check:** ${codeSpan(check.id)} (${formatDuration(check.durationMs)}, ${check.requests} requests)`];
  if (check.failure) {
    out.push(...failureSection(check.failure, facts, check.status === 'errored' ? check.note : undefined));
  } else {
    out.push(facts.join('\n'), prose(checkMessage(check)));
  }
  return out.join('\n\n');
}

/** The human-readable report, for PR comments and CI job summaries. */
export const markdownFormat: ReportFormat = {
  fileName: 'report.md',
  render(report: Readonly<RunReport>): string {
    const parts: string[] = [
      `# clientele: ${escapeMarkdown(report.api)} against ${escapeMarkdown(report.target)} — ${report.outcome}`,
      [
        `- **API:** ${codeSpan(report.api)}`,
        `- **Target:** ${codeSpan(report.target)}`,
        `- **Outcome:** ${report.outcome} (exit code ${report.exitCode})`,
        `- **Seed:** ${codeSpan(String(report.seed))}, ${report.runs} runs per property${report.readOnly ? ', read-only' : ''}`,
        `- **Started:** ${report.startedAt}, took ${formatDuration(report.durationMs)}, ${report.summary.requests} requests`,
        `- **Tool:** clientele ${escapeMarkdown(report.tool.version)}`,
      ].join('\n'),
    ];
    if (report.error !== undefined) parts.push(`> **Error:** ${escapeMarkdown(report.error.replace(/\s+/g, ' '))}`);
    parts.push('## Summary', summaryTable(report).join('\n'));

    const problems = problemChecks(report);
    parts.push('## Failures');
    if (problems.length === 0) parts.push('No failed or errored checks.');
    else parts.push(...problems.map(checkSection));

    const skipped = report.checks.filter((check) => check.status === 'skipped');
    if (skipped.length > 0) {
      parts.push(
        '## Skipped',
        skipped
          .map((check) => `- ${codeSpan(check.id)}: ${escapeMarkdown((check.note ?? 'skipped').replace(/\s+/g, ' '))}`)
          .join('\n'),
      );
    }
    return `${parts.join('\n\n')}\n`;
  },
};
