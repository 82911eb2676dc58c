import type { Basis } from '../../engine/basis.js';
import type { ResponseExcerpt } from '../../engine/records.js';
import { plural } from '../../engine/words.js';
import type { CheckResult, CoverageReport, FailureRecord, PromiseRow, RunReport } from '../model.js';
import type { ReportFormat } from '../format.js';
import {
  SUMMARY_COLUMNS,
  answerNotes,
  basisLead,
  nextLevelLine,
  conventionNote,
  blockedChecks,
  blockedLine,
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
  gateLines,
} from '../render.js';

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

/** A fenced block whose fence is longer than any backtick run inside, so content cannot close it. */
function fence(raw: string, language = ''): string {
  const content = visible(raw);
  const marker = '`'.repeat(Math.max(3, longestBacktickRun(content) + 1));
  return `${marker}${language}\n${content}\n${marker}`;
}

/** An inline code span, on one line, that survives backticks in the value. */
function codeSpan(value: string): string {
  const text = visible(value).replace(/\r?\n|\r/g, ' ');
  const marker = '`'.repeat(longestBacktickRun(text) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text.startsWith(' ') ? ' ' : '';
  return `${marker}${pad}${text}${pad}${marker}`;
}

/** Backslash-escapes what CommonMark/GFM would read as markup (emphasis, links, HTML, tables, entities). */
function escapeMarkdown(text: string): string {
  return visible(text).replace(/[\\`*_[\]<>|~&#!]/g, '\\$&');
}

/** One-line text goes inline (escaped); anything with a line break goes in a fence, verbatim. */
function prose(text: string): string {
  return /[\r\n]/.test(text) ? fence(text, 'text') : escapeMarkdown(text);
}

const CAPITAL = {
  passed: 'Passed',
  warned: 'Warned',
  failed: 'Failed',
  errored: 'Errored',
  skipped: 'Skipped',
  blocked: 'Blocked',
} as const;

function summaryTable(report: Readonly<RunReport>): string[] {
  const rows = [
    `| Family | ${SUMMARY_COLUMNS.map((column) => CAPITAL[column]).join(' | ')} |`,
    `| --- |${SUMMARY_COLUMNS.map(() => ' ---: |').join('')}`,
    ...coveredFamilies(report).map(([family, counts]) => {
      return `| ${family} | ${SUMMARY_COLUMNS.map((column) => counts[column]).join(' | ')} |`;
    }),
  ];
  const total = report.summary.total;
  rows.push(`| **Total** | ${SUMMARY_COLUMNS.map((column) => `**${total[column]}**`).join(' | ')} |`);
  return rows;
}

/** `The docs say [stated]: *…* (source)`, a meaning with its convention, or an open choice, on one line, escaped. */
function basisMarkdown(basis: Basis): string {
  const says = escapeMarkdown(oneLine(basis.says));
  const convention = conventionNote(basis);
  const text = basis.grade === 'stated' ? `*${says}*` : says;
  return `${basisLead(basis)}: ${text}${convention ? `, ${escapeMarkdown(convention)}` : ''} (${escapeMarkdown(oneLine(basis.source))})`;
}

/** The answer that broke the rule: status and type inline, then the headers and the body in fences. */
function responseSection(response: ResponseExcerpt): string[] {
  const out: string[] = [];
  const facts: string[] = [];
  if (response.httpStatus !== undefined) facts.push(`- **Status:** ${codeSpan(String(response.httpStatus))}`);
  if (response.contentType !== undefined) facts.push(`- **Content type:** ${codeSpan(response.contentType)}`);
  if (response.rpcErrorCode !== undefined) facts.push(`- **JSON-RPC error code:** ${codeSpan(String(response.rpcErrorCode))}`);
  if (response.transportError !== undefined) facts.push(`- **Transport error:** ${codeSpan(response.transportError)}`);
  out.push('**Response**');
  if (facts.length > 0) out.push(facts.join('\n'));
  const headers = headerLines(response);
  if (headers.length > 0) out.push('Headers:', fence(headers.join('\n'), 'http'));
  if (response.body.length > 0) out.push(`${bodyLabel(response)}:`, fence(response.body, bodyLanguage(response)));
  else if (response.transportError === undefined || response.truncated) out.push(`${bodyLabel(response)}.`);
  if (response.serverLog) out.push("The server's stderr (its end):", fence(response.serverLog, 'text'));
  return out;
}

function failureSection(check: CheckResult, failure: FailureRecord, facts: string[], note?: string): string[] {
  const out: string[] = [];
  facts.push(`- **Severity:** ${failure.severity}`);
  facts.push(`- **Basis:** ${basisMarkdown(failure.basis)}`);
  const basisRule = failure.basisRule !== failure.rule ? ` (basis rule ${codeSpan(failure.basisRule)})` : '';
  facts.push(`- **Rule:** ${codeSpan(failure.rule)}${basisRule}`);
  if (failure.boundary !== undefined) facts.push(`- **Boundary:** ${escapeMarkdown(oneLine(failure.boundary))}`);
  if (failure.operation !== undefined) facts.push(`- **Operation:** ${codeSpan(failure.operation)}`);
  facts.push(`- **Seed:** ${codeSpan(String(failure.seed))}`);
  if (failure.path !== undefined) facts.push(`- **Path:** ${codeSpan(failure.path)}`);
  out.push(facts.join('\n'));
  if (note !== undefined) out.push(prose(note));
  out.push(prose(failure.message));
  const more = warningsNote(check);
  if (more !== undefined) out.push(`*${escapeMarkdown(more)}*`);
  if (failure.expected !== undefined) out.push('**Expected**', fence(failure.expected, 'text'));
  if (failure.actual !== undefined) out.push('**Actual**', fence(failure.actual, 'text'));
  if (failure.counterexample !== undefined) out.push('**Counterexample**', fence(failure.counterexample, 'text'));
  if (failure.response !== undefined) out.push(...responseSection(failure.response));
  const { steps, replay } = failure.reproduction;
  out.push('**Reproduction**');
  if (steps.length > 0) out.push(fence(steps.map((step) => step.command).join('\n'), stepsLanguage(steps)));
  steps.forEach((step, index) => {
    if (step.body) out.push(`Body of request ${index + 1}:`, fence(step.body, step.language ?? ''));
  });
  out.push('Replay:', fence(replay, 'sh'));
  return out;
}

const TITLE = { failed: 'Failed', errored: 'Errored', warned: 'Warning' } as const;

function checkSection(check: CheckResult): string {
  const title = TITLE[check.status as keyof typeof TITLE] ?? CAPITAL[check.status];
  const expected = check.expectedFailure ? ' (expected: in the baseline)' : '';
  const out = [`### ${title}: ${escapeMarkdown(check.family)} / ${escapeMarkdown(check.name)}${expected}`];
  // One list, so the check line and the failure facts do not render as two lists glued together.
  const facts = [`- **Check:** ${codeSpan(check.id)} (${formatDuration(check.durationMs)}, ${plural(check.requests, 'request')})`];
  if (check.claim) facts.push(`- **Proves:** ${escapeMarkdown(oneLine(check.claim))}`);
  if (check.failure) {
    out.push(...failureSection(check, check.failure, facts, check.status === 'errored' ? check.note : undefined));
  } else {
    out.push(facts.join('\n'), prose(checkMessage(check)));
  }
  return out.join('\n\n');
}

/** Text for one GFM table cell: one line, markup escaped (including `|`). */
function cell(text: string): string {
  return escapeMarkdown(oneLine(text));
}

/** A code span inside a table cell: GFM splits cells on `|` even inside code spans unless it is escaped. */
function cellCode(text: string): string {
  return codeSpan(oneLine(text)).replace(/\|/g, '\\|');
}

/** The coverage: the level and its criteria, each operation's answers, the facets and what went unjudged. */
function coverageSection(coverage: CoverageReport): string[] {
  const next = nextLevelLine(coverage);
  const out = [
    `Test coverage level **${coverage.level} of 7** (the levels of Martin-Lopez, Segura and Ruiz-Cortés, 2019).` +
      (next ? ` To reach the next: ${escapeMarkdown(next)}.` : ''),
    [
      '| Criterion | Level | Covered | Not covered |',
      '| --- | ---: | ---: | --- |',
      ...coverage.criteria.map(
        (c) =>
          `| ${escapeMarkdown(c.what)} | ${c.level} | ${c.covered}/${c.total} | ${escapeMarkdown(
            c.unknown ?? [...(c.missing ?? []), ...(c.more ? [`${c.more} more`] : [])].join(', '),
          )} |`,
      ),
    ].join('\n'),
    [
      '| Operation | Calls | Successes | Answers seen | Not seen, and why |',
      '| --- | ---: | ---: | --- | --- |',
      ...coverage.operations.map((operation) => {
        const answers = answerNotes(operation);
        const seen = answers.filter((a) => a.seen).map((a) => codeSpan(a.key));
        const unseen = answers.filter((a) => !a.seen).map((a) => `${codeSpan(a.key)} (${escapeMarkdown(a.note ?? '')})`);
        const name = [operation.method, operation.path].filter(Boolean).join(' ');
        const why = operation.why ? ` — ${escapeMarkdown(operation.why)}` : '';
        return `| ${codeSpan(operation.id)}${name ? ` ${escapeMarkdown(name)}` : ''}${why} | ${operation.calls} | ${operation.succeeded} | ${seen.join(', ')} | ${unseen.join(', ')} |`;
      }),
    ].join('\n'),
  ];
  if (coverage.facets.length > 0) {
    const judged = coverage.facets.filter((facet) => facet.judged).length;
    out.push(`Semantic facets judged: ${judged} of ${coverage.facets.length}.`);
    const unjudged = coverage.facets.filter((facet) => !facet.judged);
    if (unjudged.length > 0)
      out.push(
        unjudged
          .map((f) => `- ${escapeMarkdown([f.kind, f.subject, f.aspect].filter(Boolean).join(' '))}: ${escapeMarkdown(f.why ?? '')}`)
          .join('\n'),
      );
  }
  if (coverage.lost.length > 0)
    out.push(
      `Checks that did not run to the end, whose coverage is missing above: ${coverage.lost
        .map((lost) => `${codeSpan(lost.check)} (${lost.status})`)
        .join(', ')}.`,
    );
  return out;
}

function promisesTable(promises: readonly PromiseRow[]): string[] {
  const counts = promiseCounts(promises);
  const rows = [
    `${counts.kept} kept, ${counts.broken} broken, ${counts.untested} untested.`,
    ['| Promise | Source | Checks | Verdict |', '| --- | --- | --- | --- |']
      .concat(
        promises.map((row) => {
          const source = row.operation !== undefined ? `${cell(row.source)} (${cellCode(row.operation)})` : cell(row.source);
          const checks = row.checks.length > 0 ? row.checks.map((check) => `${cellCode(check.id)} ${check.status}`).join(', ') : 'none';
          return `| ${cell(row.says)} | ${source} | ${checks} | ${row.verdict === 'broken' ? '**broken**' : row.verdict} |`;
        }),
      )
      .join('\n'),
  ];
  return rows;
}

/** The human-readable report, for PR comments and CI job summaries. */
export const markdownFormat: ReportFormat = {
  fileName: 'report.md',
  render(report: Readonly<RunReport>): string {
    const facts = [
      `- **API:** ${codeSpan(report.api)}`,
      `- **Target:** ${codeSpan(report.target)}`,
      `- **Outcome:** ${report.outcome} (exit code ${report.exitCode})`,
      `- **Seed:** ${codeSpan(String(report.seed))}, ${report.runs} runs per property${report.readOnly ? ', read-only' : ''}`,
      `- **Strict:** ${report.strict ? 'yes, warnings fail the run' : 'no, warnings do not fail the run'}`,
      `- **Started:** ${report.startedAt}, took ${formatDuration(report.durationMs)}, ${plural(report.summary.requests, 'request')}`,
      `- **Tool:** clientele ${escapeMarkdown(report.tool.version)}`,
    ];
    const parts: string[] = [
      `# clientele: ${escapeMarkdown(report.api)} against ${escapeMarkdown(report.target)} — ${report.outcome}`,
      facts.join('\n'),
    ];
    if (report.error !== undefined) parts.push(`> **Error:** ${escapeMarkdown(report.error.replace(/\s+/g, ' '))}`);
    const gate = gateLines(report);
    if (gate.length) parts.push(gate.map((line) => `> ${escapeMarkdown(line)}`).join('\n>\n'));
    parts.push('## Summary', summaryTable(report).join('\n'));
    if (report.fixFirst?.length) {
      parts.push(`> **Fix first:** ${report.fixFirst.map(codeSpan).join(', ')}: these prerequisites failed and blocked other checks.`);
    }

    const problems = problemChecks(report);
    parts.push('## Failures');
    if (problems.length === 0) parts.push('No failed or errored checks.');
    else parts.push(...problems.map(checkSection));

    const warned = warnedChecks(report);
    if (warned.length > 0) {
      parts.push(
        '## Warnings',
        'Checks that broke only open rules (choices the docs leave to the implementer)' +
          (report.strict ? '; under strict they fail the run.' : '; they do not fail the run.'),
      );
      parts.push(...warned.map(checkSection));
    }

    const blocked = blockedChecks(report);
    if (blocked.length > 0) {
      const items = blocked.map((check) => {
        const by = check.blockedBy !== undefined ? `blocked by ${codeSpan(check.blockedBy)}` : escapeMarkdown(blockedLine(check));
        return `- ${codeSpan(check.id)}: ${by}${check.note !== undefined ? ` — ${escapeMarkdown(oneLine(check.note))}` : ''}`;
      });
      parts.push('## Blocked', 'Checks whose prerequisite failed: their verdict would say nothing until it is fixed.', items.join('\n'));
    }

    const skipped = skippedChecks(report);
    if (skipped.length > 0) {
      parts.push(
        '## Skipped',
        skipped.map((check) => `- ${codeSpan(check.id)}: ${escapeMarkdown((check.note ?? 'skipped').replace(/\s+/g, ' '))}`).join('\n'),
      );
    }

    if (report.coverage) parts.push('## Coverage', ...coverageSection(report.coverage));

    parts.push('## Promises');
    if (report.promises.length === 0) parts.push('No documented promises recorded for this API.');
    else parts.push(...promisesTable(report.promises));
    // Every value went through `fence`, `codeSpan` or `escapeMarkdown`; `visible` over the whole is the net for any that did not.
    return visible(`${parts.join('\n\n')}\n`);
  },
};
