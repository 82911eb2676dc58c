/** `clientele promises`: the traceability matrix as plain text, one promise per block. */
import type { RunReport } from './model.js';

const MARK = { kept: '✓', broken: '✗', untested: '·' } as const;

export function renderPromises(report: Readonly<RunReport>): string {
  const lines = [`promises of ${report.api} (${report.promises.length}): ✓ kept, ✗ broken, · untested`];
  for (const row of report.promises) {
    lines.push(`${MARK[row.verdict]} "${row.says}" (${row.source}${row.operation ? `, ${row.operation}` : ''})`);
    const checks = row.checks.map((check) => `${check.id} [${check.status}]`);
    lines.push(`    rules: ${row.rules.join(', ')}`, `    checks: ${checks.length ? checks.join(', ') : 'none ran'}`);
  }
  return lines.join('\n');
}
