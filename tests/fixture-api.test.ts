/**
 * "One folder and one line": an API registered from tests/fixtures/acme-api/ through CLIENTELE_APIS,
 * which no file of clientele names, goes through `run`, `init`, a config file, `mutants` and `merge`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../generators/spec.js';
import type { CliResult } from './support/cli.js';

let runMain: (args: readonly string[], env?: Record<string, string>) => Promise<CliResult>;
let readReport: (dir: string) => Record<string, any>;
let tempDir: (prefix: string) => string;
const before = process.env.CLIENTELE_APIS;

beforeAll(async () => {
  // The registry reads the variable when it loads: set it first, then load the CLI.
  process.env.CLIENTELE_APIS = join(PROJECT_ROOT, 'tests', 'fixtures', 'acme-api', 'api.ts');
  ({ runMain, readReport, tempDir } = await import('./support/cli.js'));
});

afterAll(() => {
  if (before === undefined) delete process.env.CLIENTELE_APIS;
  else process.env.CLIENTELE_APIS = before;
});

describe('an API the registry is given from outside', () => {
  it('runs against its embedded target, by id and by alias', async () => {
    const dir = tempDir('acme-run');
    const result = await runMain(['run', '--api', 'acme-crm', '--only', 'ordering,actions', '--seed', '3', '--report-dir', dir]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const report = readReport(dir);
    expect(report.api).toBe('acme');
    expect(report.checks.map((check: { id: string }) => check.id)).toContain('actions/set-action-replaces-the-set');
  });

  it('gets a starter config from init, which a run then reads', async () => {
    const dir = tempDir('acme-config');
    const file = join(dir, 'clientele.config.yaml');
    expect((await runMain(['init', '--api', 'acme', '--out', file])).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^ {4}api: acme$/m);
    // The embedded target, as the starter config's comment shows.
    writeFileSync(file, ['targets:', '  - name: local', '    api: acme', 'options:', '  only: [ordering]', '  seed: 5', ''].join('\n'));
    const result = await runMain(['run', '--config', file, '--report-dir', join(dir, 'reports')]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(readReport(join(dir, 'reports')).api).toBe('acme');
  });

  it('has its mutant catalogue run: each mutant killed, and the checks no mutant evidences named', async () => {
    const dir = tempDir('acme-mutants');
    const result = await runMain(['mutants', '--api', 'acme', '--runs', '3', '--seed', '20261123', '--report-dir', dir]);
    expect(result.stdout).toMatch(/mutants: 2\/2 killed/);
    // Two mutants cannot evidence every check: the catalogue is judged as any other, and fails for it.
    expect(result.stdout).toMatch(/no evidence for: contract\//);
    expect(result.code).toBe(1);
  });

  it('merges the shards of a run of it', async () => {
    const dir = tempDir('acme-shards');
    for (const shard of ['1/2', '2/2'])
      expect(
        (
          await runMain([
            'run',
            '--api',
            'acme',
            '--only',
            'contract',
            '--seed',
            '4',
            '--shard',
            shard,
            '--report-dir',
            join(dir, shard.replace('/', '-')),
          ])
        ).code,
      ).toBe(0);
    const merged = join(dir, 'merged');
    const result = await runMain(['merge', join(dir, '1-2'), join(dir, '2-2'), '--report-dir', merged]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(readReport(merged).api).toBe('acme');
    expect(readReport(merged).mergedFrom).toBe(2);
  });
});
