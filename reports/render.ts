/** Renderers the report formats and the console share: they present the same content, each its own way. */
import type { Basis, Grade } from '../engine/basis.js';
import type { ReproductionStep } from '../engine/exchange.js';
import type { ResponseExcerpt } from '../engine/records.js';
import {
  FAMILIES,
  type BaselineEntry,
  type CheckResult,
  type Family,
  type FamilySummary,
  type CoverageReport,
  type OperationCoverage,
  type PromiseRow,
  type RunReport,
} from './model.js';

/**
 * Characters a terminal or a viewer acts on instead of showing: C0 controls but tab, LF and CR (ESC starts
 * CSI and OSC sequences), DEL, C1 controls (U+009B is a one-character CSI), and the bidi overrides and
 * isolates that reorder what a reader sees (U+202A–U+202E, U+2066–U+2069).
 */
const UNSAFE_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/**
 * Target-controlled text made safe to show: each unsafe character becomes a visible escape (`\u001b`),
 * tab and line breaks stay. Every format and the console pass every target-controlled string through it.
 */
export function visible(text: string): string {
  return text.replace(UNSAFE_CHARACTERS, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A copy of a JSON-like value with every string, object keys included, mapped. */
export function mapStrings<T>(value: T, map: (text: string) => string): T {
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return map(item);
    if (Array.isArray(item)) return item.map(walk);
    if (item !== null && typeof item === 'object')
      return Object.fromEntries(Object.entries(item).map(([key, inner]) => [map(key), walk(inner)]));
    return item;
  };
  return walk(value) as T;
}

/**
 * The report with every string made `visible`: the model's text is the target's (bodies, headers,
 * messages quoting them), so each format starts from this and nothing unsafe reaches a file.
 */
export function visibleReport(report: Readonly<RunReport>): RunReport {
  return mapStrings(report as RunReport, visible);
}

/** What to say about a check in one sentence: the failure for failed and warned checks, the note otherwise. */
export function checkMessage(check: CheckResult): string {
  if (check.status === 'failed' || check.status === 'warned') return check.failure?.message ?? check.note ?? check.status;
  return check.note ?? check.failure?.message ?? check.status;
}

/** Failed and errored checks: the ones that get a section of their own, first. */
export function problemChecks(report: Readonly<RunReport>): CheckResult[] {
  return report.checks.filter((check) => check.status === 'failed' || check.status === 'errored');
}

/** Checks that broke only open rules: a section of their own, after the failures. */
export function warnedChecks(report: Readonly<RunReport>): CheckResult[] {
  return report.checks.filter((check) => check.status === 'warned');
}

/** Checks whose prerequisite failed, so they did not judge anything. */
export function blockedChecks(report: Readonly<RunReport>): CheckResult[] {
  return report.checks.filter((check) => check.status === 'blocked');
}

export function skippedChecks(report: Readonly<RunReport>): CheckResult[] {
  return report.checks.filter((check) => check.status === 'skipped');
}

/** The language of a reproduction's command lines: shell for curl, JSON for JSON-RPC messages. */
export function stepsLanguage(steps: readonly ReproductionStep[]): string {
  return steps.every((step) => step.kind === 'jsonrpc') ? 'json' : 'sh';
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export const SUMMARY_COLUMNS = [
  'passed',
  'warned',
  'failed',
  'errored',
  'skipped',
  'blocked',
] as const satisfies readonly (keyof FamilySummary)[];

/** `3 passed, 1 warned`: the summary columns that are not zero, in order (`no checks` when all are). */
export function countsLine(counts: Readonly<FamilySummary>): string {
  return nonZero(
    SUMMARY_COLUMNS.map((column) => [counts[column], column]),
    'no checks',
  );
}

/** `52 kept, 1 untested`: the counts that are not zero, each with its word; `none` when all are. */
export function nonZero(counts: readonly (readonly [number, string])[], none: string): string {
  const shown = counts.filter(([count]) => count > 0).map(([count, word]) => `${count} ${word}`);
  return shown.length ? shown.join(', ') : none;
}

export function checkCount(counts: Readonly<FamilySummary>): number {
  return SUMMARY_COLUMNS.reduce((sum, column) => sum + counts[column], 0);
}

const LEADS: Readonly<Record<Grade, string>> = {
  stated: 'The docs say',
  shown: 'Every example shows',
  meaning: 'What the documented name means',
  open: 'Left open by the docs',
};

/** How the basis of a verdict is introduced, with its grade: `The docs say [stated]`, `Left open by the docs [open]`. */
export function basisLead(basis: Basis): string {
  return `${LEADS[basis.grade]} [${basis.grade}]`;
}

/** The convention a `meaning` entry cites, as a clause; empty for other grades. */
export function conventionNote(basis: Basis): string {
  return basis.convention ? `by ${oneLine(basis.convention)}` : '';
}

/** Whitespace runs become one space: basis sentences and sources are shown inline. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The basis as one plain-text sentence: `The docs say [stated]: "…" (source)`, a meaning with its convention, or an open choice. */
export function basisText(basis: Basis): string {
  const says = oneLine(basis.says);
  const convention = conventionNote(basis);
  return `${basisLead(basis)}: ${basis.grade === 'stated' ? `"${says}"` : says}${convention ? `, ${convention}` : ''} (${oneLine(basis.source)})`;
}

/** The response's status line in words: `HTTP 500, application/json, JSON-RPC error -32005`, or why none came. */
export function responseStatus(response: ResponseExcerpt): string {
  const parts: string[] = [];
  if (response.httpStatus !== undefined) parts.push(`HTTP ${response.httpStatus}`);
  if (response.contentType !== undefined) parts.push(oneLine(response.contentType));
  if (response.rpcErrorCode !== undefined) parts.push(`JSON-RPC error ${response.rpcErrorCode}`);
  if (response.transportError !== undefined) parts.push(`transport error: ${oneLine(response.transportError)}`);
  return parts.length > 0 ? parts.join(', ') : 'no status';
}

/** The shown headers, one `name: value` line each (values on one line). */
export function headerLines(response: ResponseExcerpt): string[] {
  return Object.entries(response.headers).map(([name, value]) => `${oneLine(name)}: ${oneLine(value)}`);
}

/** How to introduce the body excerpt, marking a cut one. */
export function bodyLabel(response: ResponseExcerpt): string {
  if (response.body.length === 0) return response.truncated ? 'Body (empty, truncated)' : 'Body (empty)';
  return response.truncated ? `Body (truncated: the first ${response.body.length} characters)` : 'Body';
}

/** A fence/code language for the body, from its content type. */
export function bodyLanguage(response: ResponseExcerpt): string {
  const type = (response.contentType ?? '').toLowerCase();
  if (/[/+]json\b/.test(type)) return 'json';
  if (/[/+]xml\b/.test(type)) return 'xml';
  if (type.startsWith('text/html')) return 'html';
  return 'text';
}

/** A line on the other broken open rules a check saw, when there were any beyond the one shown. */
export function warningsNote(check: CheckResult): string | undefined {
  const count = check.warnings ?? 0;
  if (check.status === 'warned' && count > 1) return `${count} broken open rules in all; the first is shown.`;
  if (check.status === 'failed' && count > 0) return `This check also broke ${count} open rule${count === 1 ? '' : 's'} (warnings).`;
  return undefined;
}

/** Why a blocked check did not judge: `blocked by <id>`. */
export function blockedLine(check: CheckResult): string {
  return check.blockedBy !== undefined ? `blocked by ${check.blockedBy}` : 'blocked';
}

export function promiseCounts(promises: readonly PromiseRow[]): Record<PromiseRow['verdict'], number> {
  const counts = { kept: 0, broken: 0, untested: 0 };
  for (const row of promises) counts[row.verdict]++;
  return counts;
}

/** `promises: 4 kept, 1 broken, 2 untested`, leaving out the counts that are zero. */
/** The coverage in one line: the level reached, then the main criteria's counts (`statuses 19/28`). */
export function coverageLine(coverage: CoverageReport): string {
  const shown: Partial<Record<CoverageReport['criteria'][number]['name'], string>> = {
    operations: 'operations',
    statuses: 'statuses',
    parameters: 'parameters',
    properties: 'properties',
    flows: 'facets',
  };
  const counts = coverage.criteria
    .filter((criterion) => criterion.total > 0 && shown[criterion.name])
    .map((criterion) => `${shown[criterion.name]} ${criterion.covered}/${criterion.total}`);
  return `coverage: level ${coverage.level} of 7; ${counts.join(', ')}`;
}

/** What the next coverage level lacks, as a sentence; undefined at level 7. */
export function nextLevelLine(coverage: CoverageReport): string | undefined {
  return coverage.next && `level ${coverage.next.level} needs ${coverage.next.missing.join('; ')}`;
}

/** An operation's answers as coverage shows them: seen ones plain, missed ones with why, unreachable ones with why. */
export function answerNotes(operation: OperationCoverage): { key: string; note?: string; seen: boolean }[] {
  return operation.answers.map((answer) => ({
    key: answer.key,
    seen: answer.seen,
    ...(answer.seen
      ? {}
      : {
          note: answer.unreachable ?? noteOfUnseen(operation, answer),
        }),
  }));
}

/** Why an answer one can bring about was not seen: another of its group stood in for it, or no check of the run brought it. */
function noteOfUnseen(operation: OperationCoverage, answer: OperationCoverage['answers'][number]): string {
  const group = operation.answers.filter(
    (other) => other !== answer && (other.key === answer.alternativeOf || other.alternativeOf === (answer.alternativeOf ?? answer.key)),
  );
  const stood = group.find((other) => other.seen);
  if (stood) return `the documents allow ${stood.key} in its place, and this server answered ${stood.key}`;
  return 'no check of this run brought it about';
}

export function promisesLine(promises: readonly PromiseRow[]): string {
  const counts = promiseCounts(promises);
  return `promises: ${nonZero(
    [
      [counts.kept, 'kept'],
      [counts.broken, 'broken'],
      [counts.untested, 'untested'],
    ],
    'none recorded',
  )}`;
}

/** The families the run covered, in the model's order, with their counts. */
export function coveredFamilies(report: Readonly<RunReport>): [Family, FamilySummary][] {
  return FAMILIES.flatMap((family) => {
    const counts = report.summary.families[family];
    return counts ? [[family, counts] as [Family, FamilySummary]] : [];
  });
}

/** One baseline entry in words: `contract/x (freshbooks-rest)`, `rule response-schema`. */
export function baselineEntryText(entry: BaselineEntry): string {
  const what = entry.check !== undefined ? entry.check : `rule ${entry.rule}`;
  return entry.api !== undefined ? `${what} (${entry.api})` : what;
}

/** The run's facts beyond its target: which shard it was, how many it merged, the baseline's verdict. */
export function gateLines(report: Readonly<RunReport>): string[] {
  const lines: string[] = [];
  if (report.shard)
    lines.push(
      `shard ${report.shard.index}/${report.shard.count} (balanced by ${report.shard.balancedBy === 'durations' ? 'recorded durations' : 'check count'})`,
    );
  if (report.mergedFrom !== undefined) lines.push(`merged from ${report.mergedFrom} shard reports`);
  const baseline = report.baseline;
  if (baseline) {
    lines.push(
      `baseline ${baseline.file}: ${baseline.expected.length} expected failure${baseline.expected.length === 1 ? '' : 's'}, ` +
        `${baseline.unexpected.length} not in it`,
    );
    if (baseline.stale.length)
      lines.push(
        `stale baseline entries (their checks pass now; remove them from the baseline): ${baseline.stale.map(baselineEntryText).join(', ')}`,
      );
  }
  return lines;
}
