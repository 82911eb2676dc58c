/**
 * The CI gate as a platform team uses it: a config file with several targets and tokens in
 * environment variables, a baseline of expected failures, a run split into shards and merged back,
 * `init`, and an unreachable target. Every run goes through `main`, in this process.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedTarget } from '../apis/descriptor.js';
import { findApi } from '../apis/registry.js';
import { loadConfig } from '../cli/config-file.js';
import { CONFIG_SCHEMA, starterConfig } from '../cli/gate.js';
import { readReport, runCli, runMain, tempDir } from './support/cli.js';

const QUICK = ['--runs', '3', '--seed', '7'];

/** Every file under a directory, as text. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'));
}

function credential(target: StartedTarget, key: string): string {
  return target.credentials.find((c) => c.key === key)!.value;
}

describe('a config file with two targets', () => {
  let rest: StartedTarget;
  let grow: StartedTarget;
  beforeAll(async () => {
    rest = await (await findApi('freshbooks-rest').embedded()).start();
    grow = await (await findApi('growcrm').embedded()).start();
  });
  afterAll(async () => {
    await rest?.close();
    await grow?.close();
  });

  it('runs both, takes their tokens from the variables it names, and never prints a token', async () => {
    const dir = tempDir('config');
    const file = join(dir, 'clientele.config.yaml');
    const custom = Object.entries(grow.customFields ?? {}).map(([name, value]) => `      ${name}: "${value}"`);
    writeFileSync(
      file,
      [
        'targets:',
        '  - name: staging-rest',
        '    api: freshbooks-rest',
        `    url: ${rest.address.kind === 'url' ? rest.address.url : ''}`,
        `    accountId: ${credential(rest, 'accountId')}`,
        '    tokenEnv: REST_STAGING_TOKEN',
        '  - name: staging-grow',
        '    api: grow-crm',
        `    url: ${grow.address.kind === 'url' ? grow.address.url : ''}`,
        '    tokenEnv: GROW_STAGING_TOKEN',
        '    customFields:',
        ...custom,
        'options:',
        '  only: [contract]',
        '  runs: 20',
      ].join('\n'),
    );
    const tokens = { REST_STAGING_TOKEN: credential(rest, 'token'), GROW_STAGING_TOKEN: credential(grow, 'token') };
    // --runs on the command line overrides the file's 20.
    const result = await runMain(['run', '--config', file, '--report-dir', join(dir, 'reports'), ...QUICK], tokens);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const restReport = readReport(join(dir, 'reports', 'staging-rest'));
    const growReport = readReport(join(dir, 'reports', 'staging-grow'));
    expect([restReport.api, growReport.api]).toEqual(['freshbooks-rest', 'growcrm']);
    expect([restReport.runs, growReport.runs]).toEqual([3, 3]);
    expect(Object.keys(restReport.summary.families)).toEqual(['contract']);
    expect(growReport.summary.total.passed).toBeGreaterThan(5);
    for (const text of [result.stdout, result.stderr, ...filesUnder(dir)]) {
      for (const token of Object.values(tokens)) expect(text).not.toContain(token);
    }
  });

  it('refuses a bad config with one line naming the key, exit 2', async () => {
    const dir = tempDir('config-bad');
    const cases: [string, RegExp][] = [
      ['targets:\n  - api: freshbooks-rest\n    tokn_env: X\n', /targets\[0\]\.tokn_env: unknown key/],
      [
        'targets:\n  - api: freshbooks-rest\n    token: a3f09b17c4d2e865\n',
        /targets\[0\]\.token: a token never goes in the file.*tokenEnv/,
      ],
      ['targets:\n  - api: freshbook\n', /targets\[0\]\.api: must be one of freshbooks-rest/],
      [
        'targets:\n  - api: freshbooks-rest\n    url: http://127.0.0.1:9\n    accountId: A\n    tokenEnv: UNSET_TOKEN_VARIABLE\n',
        /targets\[0\]\.tokenEnv: the environment variable UNSET_TOKEN_VARIABLE is not set/,
      ],
      ['targets: [\n', /not valid YAML/],
      ['options:\n  runs: 3\n', /targets: missing/],
      ['targets:\n  - api: mcp\n    url: http://127.0.0.1:9/mcp\n    command: x\n', /url and command exclude each other/],
    ];
    for (const [text, message] of cases) {
      const file = join(dir, 'clientele.config.yaml');
      writeFileSync(file, text);
      const result = await runMain(['run', '--config', file, '--report-dir', join(dir, 'reports')]);
      expect(result.code, text).toBe(2);
      expect(result.stdout, text).toBe('');
      expect(result.stderr.trimEnd().split('\n'), text).toHaveLength(1);
      expect(result.stderr, text).toMatch(message);
      expect(result.stderr).not.toContain('a3f09b17c4d2e865');
    }
  });
});

describe('a baseline of expected failures', () => {
  it('turns a failing run into a pass, fails on a new failure, and reports fixed entries as stale', async () => {
    const dir = tempDir('baseline');
    const run = (mutant: string | undefined, out: string, extra: string[] = []) =>
      runMain([
        'run',
        '--api',
        'freshbooks-rest',
        ...(mutant ? ['--mutant', mutant] : []),
        '--only',
        'partial-update,deletion',
        '--report-dir',
        join(dir, out),
        ...QUICK,
        ...extra,
      ]);
    const failing = await run('update-ignores-lname', 'first');
    expect(failing.code).toBe(1);
    const baseline = join(dir, 'baseline.yaml');
    const written = await runMain(['baseline', '--from', join(dir, 'first', 'report.json'), '--out', baseline]);
    expect(written.code).toBe(0);
    expect(readFileSync(baseline, 'utf8')).toMatch(/expected-failures:\n {2}- check: partial-update\//);

    const same = await run('update-ignores-lname', 'same', ['--baseline', baseline]);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/PASSED/);
    expect(same.stdout).toMatch(/\(expected: in the baseline\)/);
    const sameReport = readReport(join(dir, 'same'));
    expect(sameReport.baseline.unexpected).toEqual([]);
    expect(sameReport.baseline.expected.length).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'same', 'report.junit.xml'), 'utf8')).toMatch(/<skipped message="expected failure \(in the baseline\)/);

    const other = await run('hard-delete', 'other', ['--baseline', baseline]);
    expect(other.code).toBe(1);
    expect(readReport(join(dir, 'other')).baseline.unexpected.some((id: string) => id.startsWith('deletion/'))).toBe(true);

    const fixed = await run(undefined, 'fixed', ['--baseline', baseline]);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toMatch(/stale baseline entries \(their checks pass now; remove them from the baseline\): partial-update\//);
    expect(readReport(join(dir, 'fixed')).baseline.stale.length).toBe(sameReport.baseline.expected.length);
  });

  it('refuses a malformed baseline with one line, exit 2', async () => {
    const dir = tempDir('baseline-bad');
    const file = join(dir, 'b.yaml');
    writeFileSync(file, 'expected-failures:\n  - chek: contract/x\n');
    const result = await runMain(['run', '--api', 'freshbooks-rest', '--baseline', file, '--report-dir', dir, ...QUICK]);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/expected-failures\[0\]\.chek: unknown key/);
  });
});

describe('sharding', () => {
  it('splits the checks into disjoint parts that cover the whole run, and merge gives the whole run back', async () => {
    const dir = tempDir('shard');
    const args = (out: string, extra: string[] = []) => [
      'run',
      '--api',
      'growcrm',
      '--quiet',
      '--report-dir',
      join(dir, out),
      ...QUICK,
      ...extra,
    ];
    expect((await runMain(args('whole'))).code).toBe(0);
    expect((await runMain(args('s1', ['--shard', '1/2']))).code).toBe(0);
    expect((await runMain(args('s2', ['--shard', '2/2']))).code).toBe(0);
    const [whole, s1, s2] = ['whole', 's1', 's2'].map((name) => readReport(join(dir, name)));
    const ids = (report: Record<string, any>) => report.checks.map((check: { id: string }) => check.id) as string[];
    expect(ids(s1).filter((id) => ids(s2).includes(id))).toEqual([]);
    expect([...ids(s1), ...ids(s2)].sort()).toEqual(ids(whole).sort());
    expect(Math.abs(ids(s1).length - ids(s2).length)).toBeLessThanOrEqual(1);
    expect(s1.shard).toEqual({ index: 1, count: 2, balancedBy: 'count' });

    const merged = await runMain(['merge', join(dir, 's1'), join(dir, 's2'), '--report-dir', join(dir, 'merged')]);
    expect(merged.code).toBe(0);
    const report = readReport(join(dir, 'merged'));
    expect(report.summary.total).toEqual(whole.summary.total);
    expect(report.summary.families).toEqual(whole.summary.families);
    expect(report.mergedFrom).toBe(2);
    expect(report.shard).toBeUndefined();
    expect(ids(report).sort()).toEqual(ids(whole).sort());
    for (const file of ['report.junit.xml', 'report.md', 'report.html']) expect(existsSync(join(dir, 'merged', file))).toBe(true);
    // Merged shards merge coverage: what either shard covered, as the whole run covered it.
    const counted = (r: Record<string, any>) =>
      (r.coverage.criteria as { name: string; covered: number; total: number }[]).map((c) => [c.name, c.covered, c.total]);
    expect(counted(report)).toEqual(counted(whole));
    expect(counted(s1)).not.toEqual(counted(whole));
    expect(report.coverage.level).toBe(whole.coverage.level);

    // Balanced by the durations the whole run recorded: still disjoint and whole.
    const timed = await Promise.all(
      ['1/3', '2/3', '3/3'].map((shard, i) => runMain(args(`t${i}`, ['--shard', shard, '--durations', join(dir, 'whole', 'report.json')]))),
    );
    expect(timed.map((result) => result.code)).toEqual([0, 0, 0]);
    const parts = [0, 1, 2].map((i) => readReport(join(dir, `t${i}`)));
    expect(parts[0]!.shard.balancedBy).toBe('durations');
    expect(parts.flatMap(ids).sort()).toEqual(ids(whole).sort());

    const missing = await runMain(['merge', join(dir, 't0'), join(dir, 't1'), '--report-dir', join(dir, 'm2')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^clientele: merge: growcrm: shard 3\/3 missing; its checks did not run\n$/);
  });

  it('refuses a malformed --shard with one line', async () => {
    const dir = tempDir('shard-usage');
    for (const shard of ['3/2', '0/2', 'a/b', '1/0']) {
      const result = await runMain(['run', '--shard', shard, '--report-dir', dir]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^clientele: --shard must be I\/N/);
    }
  });
});

describe('init', () => {
  it('writes a commented starter config that validates, for every API, and never overwrites one', async () => {
    const dir = tempDir('init');
    for (const api of ['freshbooks-rest', 'freshbooks-classic', 'freshbooks-mcp', 'growcrm']) {
      const file = join(dir, `${api}.yaml`);
      const result = await runMain(['init', '--api', api, '--out', file]);
      expect(result.code).toBe(0);
      expect(readFileSync(file, 'utf8')).toMatch(/^# /);
      expect(loadConfig(file).targets[0]!.api).toBe(api);
      // The live-safety default stays on: the placeholder remote target is not written to.
      expect(loadConfig(file).targets[0]!.options?.allowWrites).toBe(false);
      expect(starterConfig(api, relative(dir, CONFIG_SCHEMA))).toBe(readFileSync(file, 'utf8'));
      const again = await runMain(['init', '--api', api, '--out', file, '--report-dir', join(dir, 'reports')]);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/exists; pass --force/);
      // init is no run: its error leaves no run report behind (not even where one is asked for).
      expect(existsSync(join(dir, 'reports'))).toBe(false);
    }
  });
});

describe('console output', () => {
  it('prints only the error line for an unreachable target', async () => {
    const dir = tempDir('unreachable');
    const result = await runMain([
      'run',
      '--api',
      'freshbooks-rest',
      '--target',
      'http://127.0.0.1:9',
      '--token',
      'c0ffee5e11a7b0de',
      '--account-id',
      'A1',
      '--report-dir',
      dir,
    ]);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, 'report.json'))).toBe(true);
  });

  it('in CI prints one plain line per finished check, and with --quiet only the summary', async () => {
    const dir = tempDir('ci-lines');
    const ci = await runCli(['run', '--api', 'freshbooks-rest', '--only', 'contract', '--report-dir', dir, ...QUICK], { CI: 'true' });
    expect(ci.code).toBe(0);
    const report = readReport(dir);
    const lines = ci.stdout.split('\n').filter((line) => /^[✓✗!\-⊘] contract\//.test(line));
    expect(lines).toHaveLength(report.checks.length);
    expect(ci.stdout).not.toContain('\u001b');
    const quiet = await runCli(['run', '--api', 'freshbooks-rest', '--only', 'contract', '--quiet', '--report-dir', dir, ...QUICK], {
      CI: 'true',
    });
    expect(quiet.stdout.split('\n').filter((line) => /^[✓✗!\-⊘] contract\//.test(line))).toEqual([]);
    expect(quiet.stdout).toMatch(/checks: \d+ passed/);
  });
});
