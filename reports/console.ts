import { FAMILIES, type RunReport } from './model.js';
import { Redactor } from '../engine/redact.js';
import {
  blockedChecks,
  blockedLine,
  checkCount,
  checkMessage,
  countsLine,
  formatDuration,
  problemChecks,
  promisesLine,
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

/** The marks that open a check's line: a failure (or a crash), a warning (a broken open rule), a blocked check. */
export const CONSOLE_MARKS = { failed: '✗ ', errored: '✗ ', warned: '! ', blocked: '⊘ ' } as const;

/**
 * The compact plain-text summary printed at the end of a run (no colours: it also lands in CI logs).
 * `secrets` are redacted before lines are cut, so a cut can never leave half a secret behind.
 */
export function renderSummary(report: Readonly<RunReport>, secrets: readonly string[] = []): string {
  const redactor = new Redactor(secrets);
  // Redacted before and after flattening: a secret with whitespace in it, or one a line break split.
  const oneLine = (text: string) => redactor.text(flatten(redactor.text(text)));
  const strict = report.strict ? ' — strict' : '';
  const lines = [
    cut(`clientele ${oneLine(report.api)} — ${oneLine(report.target)} — seed ${report.seed}${strict} — ${report.outcome.toUpperCase()}`),
  ];
  if (report.error !== undefined) lines.push(cut(`error: ${oneLine(report.error)}`));
  for (const line of gateLines(report)) lines.push(cut(oneLine(line)));

  const width = Math.max(...FAMILIES.map((family) => family.length));
  for (const [family, counts] of coveredFamilies(report)) lines.push(`  ${family.padEnd(width)}  ${countsLine(counts)}`);

  for (const check of problemChecks(report)) {
    const expected = check.expectedFailure ? ' (expected: in the baseline)' : '';
    lines.push(
      cut(
        `${CONSOLE_MARKS[check.status as 'failed' | 'errored']}${check.family}/${oneLine(check.name)}${expected} — ${oneLine(checkMessage(check))}`,
      ),
    );
  }
  for (const check of warnedChecks(report)) {
    lines.push(cut(`${CONSOLE_MARKS.warned}${check.family}/${oneLine(check.name)} — warning: ${oneLine(checkMessage(check))}`));
  }
  for (const check of blockedChecks(report)) {
    lines.push(cut(`${CONSOLE_MARKS.blocked}${check.family}/${oneLine(check.name)} — ${oneLine(blockedLine(check))}`));
  }
  if (report.fixFirst?.length) lines.push(cut(`Fix first: ${report.fixFirst.map(oneLine).join(', ')}`));

  lines.push(promisesLine(report.promises));
  const total = report.summary.total;
  lines.push(
    `${checkCount(total)} checks: ${countsLine(total)}; ${report.summary.requests} requests in ${formatDuration(report.durationMs)}`,
  );
  return `${lines.join('\n')}\n`;
}
