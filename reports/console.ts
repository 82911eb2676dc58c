import { FAMILIES, type Outcome, type RunReport } from './model.js';
import { Redactor } from '../engine/redact.js';
import { plural } from '../engine/words.js';
import {
  blockedChecks,
  blockedLine,
  checkCount,
  checkMessage,
  countsLine,
  formatDuration,
  problemChecks,
  promisesLine,
  coverageLine,
  visible,
  warnedChecks,
  coveredFamilies,
  gateLines,
} from './render.js';

const MAX_LINE = 160;

/**
 * Control characters and bidi overrides are shown as escapes (`\u001b`), never sent to the terminal, and
 * whitespace runs (line breaks included) become one space, so each item stays on its line.
 */
export function flatten(text: string): string {
  return visible(text).replace(/\s+/g, ' ').trim();
}

/** Cuts by code point, so a cut never splits a surrogate pair; the ellipsis takes the last column. */
export function cut(line: string, max = MAX_LINE): string {
  const chars = [...line];
  return chars.length <= max ? line : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/**
 * Cuts out of the middle: a failure message names what it judged first and what it found last
 * (`get shows ["alpha","beta","gamma"]`, `... differ`), so both ends stay and the ellipsis takes the middle.
 */
export function cutMiddle(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  if (max < 8) return cut(text, max);
  const tail = Math.floor((max - 1) * 0.4);
  const head = max - 1 - tail;
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - tail).join('')}`;
}

/** The marks that open a check's line: a failure (or a crash), a warning (a broken open rule), a blocked check. */
export const CONSOLE_MARKS = { failed: '✗ ', errored: '✗ ', warned: '! ', blocked: '⊘ ' } as const;

/**
 * How the console colours what it prints. Colour goes on after lines are cut and redacted, so escape
 * codes never count against a line's width and never split a secret's redaction.
 */
export interface Paint {
  readonly good: (text: string) => string;
  readonly bad: (text: string) => string;
  readonly warn: (text: string) => string;
  readonly dim: (text: string) => string;
}

const same = (text: string) => text;
export const PLAIN: Paint = { good: same, bad: same, warn: same, dim: same };
/** SGR codes written directly: util.styleText decides on its own whether stdout is a terminal, and the CLI already has. */
const sgr = (open: string, close: string) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
export const COLOURS: Paint = {
  good: sgr('32', '39'),
  bad: sgr('1;31', '22;39'),
  warn: sgr('33', '39'),
  dim: sgr('2', '22'),
};

function paintOutcome(outcome: Outcome, paint: Paint): string {
  const word = outcome.toUpperCase();
  if (outcome === 'passed') return paint.good(word);
  return outcome === 'failed' || outcome === 'internal-error' ? paint.bad(word) : paint.warn(word);
}

/** Colours the counts of a counts line by what they say (`2 failed` red, `1 warned` yellow). */
function paintCounts(line: string, paint: Paint): string {
  return line
    .replace(/\b\d+ (failed|errored|broken)\b/g, (text) => paint.bad(text))
    .replace(/\b\d+ (warned|blocked|untested)\b/g, (text) => paint.warn(text))
    .replace(/\b\d+ (passed|kept)\b/g, (text) => paint.good(text));
}

export interface SummaryOptions {
  /** The run's secrets: redacted before lines are cut, so a cut can never leave half a secret behind. */
  readonly secrets?: readonly string[];
  readonly paint?: Paint;
  /** The widest a line may be: a terminal's width, or 160 columns in a log. */
  readonly width?: number;
}

/** The compact summary printed at the end of a run: plain text, coloured only when `paint` says so. */
export function renderSummary(
  report: Readonly<RunReport>,
  { secrets = [], paint = PLAIN, width: columns = MAX_LINE }: SummaryOptions = {},
): string {
  const widest = Math.max(60, Math.min(columns, MAX_LINE));
  const redactor = new Redactor(secrets);
  // Redacted before and after flattening: a secret with whitespace in it, or one a line break split.
  const oneLine = (text: string) => redactor.text(flatten(redactor.text(text)));
  const strict = report.strict ? ' — strict' : '';
  const head = cut(`clientele ${oneLine(report.api)} — ${oneLine(report.target)} — seed ${report.seed}${strict} — `, widest - 20);
  const lines = [`${head}${paintOutcome(report.outcome, paint)}`];
  if (report.error !== undefined) lines.push(cut(`error: ${oneLine(report.error)}`, widest));
  for (const line of gateLines(report)) lines.push(cut(oneLine(line), widest));

  const width = Math.max(...FAMILIES.map((family) => family.length));
  for (const [family, counts] of coveredFamilies(report))
    lines.push(`  ${family.padEnd(width)}  ${paintCounts(countsLine(counts), paint)}`);

  /** A check's line: its mark and id whole, then as much of the message as fits, cut in the middle. */
  const checkLine = (mark: string, colour: (text: string) => string, id: string, message: string) => {
    const lead = `${mark}${oneLine(id)} — `;
    return `${colour(mark)}${lead.slice(mark.length)}${cutMiddle(oneLine(message), Math.max(20, widest - [...lead].length))}`;
  };
  for (const check of problemChecks(report)) {
    const expected = check.expectedFailure ? ' (expected: in the baseline)' : '';
    lines.push(checkLine(CONSOLE_MARKS[check.status as 'failed' | 'errored'], paint.bad, `${check.id}${expected}`, checkMessage(check)));
  }
  for (const check of warnedChecks(report)) {
    lines.push(checkLine(CONSOLE_MARKS.warned, paint.warn, check.id, `warning: ${checkMessage(check)}`));
  }
  for (const check of blockedChecks(report)) {
    lines.push(checkLine(CONSOLE_MARKS.blocked, paint.warn, check.id, blockedLine(check)));
  }
  if (report.fixFirst?.length) lines.push(cut(`Fix first: ${report.fixFirst.map(oneLine).join(', ')}`, widest));

  lines.push(paintCounts(cut(promisesLine(report.promises), widest), paint));
  if (report.coverage) lines.push(cut(coverageLine(report.coverage), widest));
  const total = report.summary.total;
  const totals = `${plural(checkCount(total), 'check')}: ${countsLine(total)}; ${plural(report.summary.requests, 'request')} in ${formatDuration(report.durationMs)}`;
  // Too wide for the terminal: the totals on one line, the requests on the next, rather than cut.
  const [counted, spent] = totals.split('; ');
  if ([...totals].length <= widest) lines.push(paintCounts(totals, paint));
  else lines.push(paintCounts(cut(`${counted};`, widest), paint), cut(`  ${spent}`, widest));
  return `${lines.join('\n')}\n`;
}

/**
 * The closing verdict of an invocation that ran several targets (`npm start` runs every API): one line per
 * run with its outcome and what was not a pass, then the verdict over all of them and the exit code.
 */
export function renderVerdict(
  reports: readonly Readonly<RunReport>[],
  exitCode: number,
  { secrets = [], paint = PLAIN }: SummaryOptions = {},
): string {
  const redactor = new Redactor(secrets);
  const name = (report: Readonly<RunReport>) => redactor.text(flatten(redactor.text(report.api)));
  const width = Math.max(...reports.map((report) => [...name(report)].length));
  const lines = reports.map((report) => {
    const counts = cut(countsLine(report.summary.total), MAX_LINE - width - 20);
    return `  ${name(report).padEnd(width)}  ${paintOutcome(report.outcome, paint)}  ${paintCounts(counts, paint)}`;
  });
  const worst = reports.find((report) => report.exitCode === exitCode && report.outcome !== 'passed');
  const outcome = worst?.outcome ?? 'passed';
  const passed = reports.filter((report) => report.outcome === 'passed').length;
  return [
    `verdict over ${plural(reports.length, 'run')}: ${paintOutcome(outcome, paint)} (${passed} of ${reports.length} passed; exit ${exitCode})`,
    ...lines,
    '',
  ].join('\n');
}
