/** A crash inside a check is a finding (errored, exit 4), never a crashed run: later checks still run. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../generators/spec.js';
import type { RunReport } from '../reports/model.js';

describe('the runner', () => {
  it('reports a crashing check as errored, keeps running, and ends as an internal error', () => {
    // vitest leaves process.exitCode 1 after failed tests; the report on stdout is what counts here.
    const child = spawnSync(process.execPath, ['--import', 'tsx', join('tests', 'fixtures', 'run-suite.ts'), 'tests/fixtures/crash.suite.ts'], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000 });
    const report = JSON.parse(child.stdout) as RunReport;
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    expect(byName['a check that passes']?.status).toBe('passed');
    expect(byName['a check with a bug']?.status).toBe('errored');
    expect(byName['a check with a bug']?.note).toMatch(/Cannot read properties of undefined/);
    expect(byName['a check after the crash']?.status).toBe('passed');
    expect(report.outcome).toBe('internal-error');
    expect(report.exitCode).toBe(4);
    expect(report.error).toMatch(/a-check-with-a-bug/);
  });
});
