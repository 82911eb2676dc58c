/**
 * Runs the suites in this process, as the CLI does, on one vitest instance for many runs: the seed
 * sweeps and the mutant catalogues would otherwise start a CLI (and a vitest) per run.
 */
import { afterAll, beforeAll } from 'vitest';
import { findApi } from '../../apis/registry.js';
import { parseCli } from '../../cli/args.js';
import { embeddedRequest } from '../../cli/run-config.js';
import type { RunReport } from '../../reports/model.js';
import { SuiteRunner } from '../../runner/run.js';
import { targetLabel } from '../../engine/config.js';

/** Seeds spread over the whole range, fixed so a failure names its seed and reproduces. */
export const SEEDS = Array.from({ length: 20 }, (_, i) => (i * 2_654_435_761 + 97) % 2 ** 31);

/**
 * Random cases per property in the seed sweeps: the boundary phase runs every edge case on every seed
 * whatever this says, so the sweeps add a few random cases per seed on top of covered edges.
 */
export const SWEEP_RUNS = '3';

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

/** One run of a batch: command-line options as a user would give them, a mutant, and (as a shard's part runs) only these checks. */
export interface EmbeddedRun {
  readonly args: readonly string[];
  readonly mutantId?: string;
  readonly checks?: readonly string[];
}

/**
 * Runs against embedded references (or mutants), each on its own target, all in one vitest run
 * (`SuiteRunner.runBatch`): the suites' worker starts once for the lot, and each run's target in it.
 */
export async function runEmbeddedBatch(runner: SuiteRunner, api: string, runs: readonly EmbeddedRun[]): Promise<RunReport[]> {
  const descriptor = findApi(api);
  const { surface } = await descriptor.specView();
  const configs = [];
  for (const { args, mutantId, checks } of runs) {
    // The worker starts each run's target, on its own thread, as the CLI's runs have it.
    const config = await embeddedRequest(parseCli(['run', ...args], {}), descriptor, mutantId);
    const families = checks ? config.families.filter((f) => checks.some((c) => c.startsWith(`${f}/`))) : config.families;
    configs.push({
      config: checks ? { ...config, checks, families } : config,
      meta: { targetLabel: targetLabel(config.target), ...(surface ? { surface } : {}) },
    });
  }
  return runner.runBatch(configs);
}

/** One run against an embedded reference (or mutant), with command-line options as a user would give them. */
export async function runEmbedded(
  runner: SuiteRunner,
  api: string,
  args: readonly string[],
  mutantId?: string,
  checks?: readonly string[],
): Promise<RunReport> {
  const [report] = await runEmbeddedBatch(runner, api, [{ args, mutantId, checks }]);
  return report!;
}
