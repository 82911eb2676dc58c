/** A crash inside a check is a finding (errored, exit 4), never a crashed run: later checks still run. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findApi } from '../apis/registry.js';
import { parseCli } from '../cli/args.js';
import { embeddedRequest, embeddedRun } from '../cli/run-config.js';
import { PROJECT_ROOT } from '../generators/spec.js';
import { runSuites } from '../runner/run.js';

describe('the runner', () => {
  it('reports a crashing check as errored, keeps running, and ends as an internal error', { timeout: 60_000 }, async () => {
    const { target, config } = await embeddedRun(
      parseCli(['run', '--seed', '1', '--runs', '2', '--only', 'contract'], {}),
      findApi('freshbooks-rest'),
      undefined,
    );
    const report = await runSuites(config, { targetLabel: 'fixture' }, [join(PROJECT_ROOT, 'tests', 'fixtures', 'crash.suite.ts')]).finally(
      () => target.close(),
    );
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

describe('an embedded target the worker cannot start', () => {
  it('fails every check of the run as not run, each under its own family, and ends as an internal error', { timeout: 60_000 }, async () => {
    // The CLI checks a mutant id before the run: a request made by hand reaches the worker with one it lacks.
    const request = await embeddedRequest(
      parseCli(['run', '--seed', '1', '--only', 'ordering,actions'], {}),
      findApi('growcrm'),
      undefined,
    );
    const report = await runSuites({ ...request, target: { kind: 'embedded', mutant: 'no-such-mutant' } }, { targetLabel: 'fixture' });
    expect(report.checks.length).toBeGreaterThan(0);
    for (const check of report.checks) {
      expect(check.status).toBe('errored');
      expect(check.note).toMatch(/^did not run: .*unknown mutant 'no-such-mutant'/);
      expect(check.id.startsWith(`${check.family}/`)).toBe(true);
    }
    expect(new Set(report.checks.map((check) => check.family))).toEqual(new Set(['ordering', 'actions']));
    expect(report.outcome).toBe('internal-error');
    expect(report.exitCode).toBe(4);
  });
});

describe('a worker that dies', () => {
  it('ends the run with a report (internal error, exit 4) that says so, and no stack trace', { timeout: 60_000 }, async () => {
    const child = spawnSync(
      process.execPath,
      ['--max-old-space-size=160', '--import', 'tsx', join(PROJECT_ROOT, 'tests', 'support', 'run-fixture.ts'), 'worker-oom.suite.ts'],
      {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
        timeout: 50_000,
      },
    );
    expect(child.stderr).not.toMatch(/\n\s+at /);
    expect(child.status).toBe(0);
    const report = JSON.parse(child.stdout);
    expect(report.outcome).toBe('internal-error');
    expect(report.exitCode).toBe(4);
    expect(report.error).toMatch(/worker running the checks died/);
  });
});
