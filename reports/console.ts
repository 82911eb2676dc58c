import { FAMILIES, type RunReport } from './model.js';
import { redactSecrets } from '../engine/redact.js';
import { checkMessage, formatDuration, problemChecks } from './render.js';

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

/**
 * The compact plain-text summary printed at the end of a run (no colours: it also lands in CI logs).
 * `secrets` are redacted before lines are cut, so a cut can never leave half a secret behind.
 */
export function renderSummary(report: Readonly<RunReport>, secrets: readonly string[] = []): string {
  const oneLine = (text: string) => redactSecrets(flatten(text), secrets);
  const lines = [
    cut(`clientele ${oneLine(report.api)} — ${oneLine(report.target)} — seed ${report.seed} — ${report.outcome.toUpperCase()}`),
  ];
  if (report.error !== undefined) lines.push(cut(`error: ${oneLine(report.error)}`));

  const width = Math.max(...FAMILIES.map((family) => family.length));
  for (const family of FAMILIES) {
    const counts = report.summary.families[family];
    lines.push(
      `  ${family.padEnd(width)}  ${counts.passed} passed, ${counts.failed} failed, ${counts.errored} errored, ${counts.skipped} skipped`,
    );
  }

  for (const check of problemChecks(report)) {
    lines.push(cut(`✗ ${check.family}/${oneLine(check.name)} — ${oneLine(checkMessage(check))}`));
  }

  const total = report.summary.total;
  const checks = total.passed + total.failed + total.errored + total.skipped;
  lines.push(
    `${checks} checks: ${total.passed} passed, ${total.failed} failed, ${total.errored} errored, ${total.skipped} skipped; ` +
      `${report.summary.requests} requests in ${formatDuration(report.durationMs)}`,
  );
  return `${lines.join('\n')}\n`;
}
