/**
 * Runs the suites in this process, as the CLI does, on one vitest instance for many runs: the seed
 * sweeps and the mutant catalogues would otherwise start a CLI (and a vitest) per run.
 */
import { afterAll, beforeAll } from 'vitest';
import type { ApiDescriptor } from '../../apis/descriptor.js';
import { findApi } from '../../apis/registry.js';
import { parseCli } from '../../cli/args.js';
import { embeddedRun } from '../../cli/targets.js';
import type { RunReport } from '../../reports/model.js';
import { SuiteRunner } from '../../runner/run.js';

/** Seeds spread over the whole range, fixed so a failure names its seed and reproduces. */
export const SEEDS = Array.from({ length: 20 }, (_, i) => (i * 2_654_435_761 + 97) % 2 ** 31);

/**
 * What a sweep (20 seeds, or a kill matrix) adds to the defaults, per API, to keep `npm test` in its
 * budget: 5 cases per property, and 10 for Grow CRM, whose stateful-only mutant needs them (measured at
 * the matrix's seed: every mutant killed as its kind says and every check evidenced at these counts,
 * one Grow CRM mutant surviving at 5). Twenty seeds still reach every check, and the boundary phase runs
 * first whatever --runs says. `clientele mutants` itself keeps the default 20.
 */
export function sweepArgs(api: ApiDescriptor): string[] {
  return ['--runs', api.id === 'growcrm' ? '10' : '5'];
}

/** A SuiteRunner opened before the file's tests and closed after them. */
export function sharedRunner(): () => SuiteRunner {
  let runner: SuiteRunner | undefined;
  beforeAll(async () => {
    runner = await SuiteRunner.open();
  }, 60_000);
  afterAll(async () => {
    await runner?.close();
  });
  return () => {
    if (!runner) throw new Error('runner not open');
    return runner;
  };
}

/**
 * One run against an embedded reference (or mutant), with command-line options as a user would give
 * them; `checks`: only these (ids), as a shard's part runs, in the families they belong to.
 */
export async function runEmbedded(
  runner: SuiteRunner,
  api: string,
  args: readonly string[],
  mutantId?: string,
  checks?: readonly string[],
): Promise<RunReport> {
  const options = parseCli(['run', ...args], {});
  const { target, config } = await embeddedRun(options, findApi(api), mutantId);
  const confined = checks
    ? { ...config, checks, families: config.families.filter((f) => checks.some((c) => c.startsWith(`${f}/`))) }
    : config;
  try {
    return await runner.run(confined);
  } finally {
    await target.close();
  }
}
