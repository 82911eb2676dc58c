import { FAMILIES, type RunReport } from './model.js';
import { redactSecrets } from '../engine/redact.js';
import {
  blockedChecks,
  blockedLine,
  checkCount,
  checkMessage,
  countsLine,
  formatDuration,
  problemChecks,
  promisesLine,
  warnedChecks,
} from './render.js';

const MAX_LINE = 160;

/** Whitespace runs (including line breaks) become one space and control chars go, so each item stays on its line. */
function flatten(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000E-\u001F\u007F-\u009F]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function cut(line: string): string {
  const chars = [...line]; // by code point, so a cut never splits a surrogate pair
  return chars.length <= MAX_LINE ? line : `${chars.slice(0, MAX_LINE - 1).join('')}…`;
}

/** The marks that open a check's line: a failure (or a crash), a warning (a broken assumption), a blocked check. */
export const CONSOLE_MARKS = { failed: '✗ ', errored: '✗ ', warned: '! ', blocked: '⊘ ' } as const;

/**
 * The compact plain-text summary printed at the end of a run (no colours: it also lands in CI logs).
 * `secrets` are redacted before lines are cut, so a cut can never leave half a secret behind.
 */
export function renderSummary(report: Readonly<RunReport>, secrets: readonly string[] = []): string {
  const oneLine = (text: string) => redactSecrets(flatten(text), secrets);
  const strict = report.strict ? ' — strict' : '';
  const lines = [
    cut(`clientele ${oneLine(report.api)} — ${oneLine(report.target)} — seed ${report.seed}${strict} — ${report.outcome.toUpperCase()}`),
  ];
  if (report.error !== undefined) lines.push(cut(`error: ${oneLine(report.error)}`));

  const width = Math.max(...FAMILIES.map((family) => family.length));
  for (const family of FAMILIES) lines.push(`  ${family.padEnd(width)}  ${countsLine(report.summary.families[family])}`);

  for (const check of problemChecks(report)) {
    lines.push(cut(`${CONSOLE_MARKS[check.status as 'failed' | 'errored']}${check.family}/${oneLine(check.name)} — ${oneLine(checkMessage(check))}`));
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
  lines.push(`${checkCount(total)} checks: ${countsLine(total)}; ${report.summary.requests} requests in ${formatDuration(report.durationMs)}`);
  return `${lines.join('\n')}\n`;
}
