/** A crash inside a check is a finding (errored, exit 4), never a crashed run: later checks still run. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findApi } from '../apis/registry.js';
import { parseCli } from '../cli/args.js';
import { embeddedRun } from '../cli/targets.js';
import { PROJECT_ROOT } from '../generators/spec.js';
import { runSuites } from '../runner/run.js';

describe('the runner', () => {
  it('reports a crashing check as errored, keeps running, and ends as an internal error', { timeout: 60_000 }, async () => {
    const { target, config } = await embeddedRun(parseCli(['run', '--seed', '1', '--runs', '2', '--only', 'contract'], {}), findApi('freshbooks-rest'), undefined);
    const report = await runSuites(config, { targetLabel: 'fixture' }, [join(PROJECT_ROOT, 'tests', 'fixtures', 'crash.suite.ts')]).finally(() => target.close());
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
