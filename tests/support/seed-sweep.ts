/**
 * The promise every embedded reference rests on: it passes with zero failures and zero warnings whatever
 * the seed. Twenty seeds, in one batch per API (`SuiteRunner.runBatch`), each at 3 random cases a
 * property. The boundary phase's edge cases are the same hand-picked cases whatever the seed, so the
 * first `BOUNDARY_SEEDS` seeds run them and the others add random cases only (`--no-boundary`); under
 * `npm run test:full` every seed runs them. (`clientele run` keeps its default 20 cases.)
 */
import { describe, expect, it } from 'vitest';
import { findApi } from '../../apis/registry.js';
import { SEEDS, SWEEP_RUNS, runEmbeddedBatch, sharedRunner } from './in-process.js';

/** Seeds that run the boundary phase too: its cases do not change with the seed, what ran before them does. */
const BOUNDARY_SEEDS = process.env.CLIENTELE_FULL ? SEEDS.length : 2;

/** The sweep of one API's reference, in a file of its own (`conformance.seeds.<api>.test.ts`): the two workers share the load. */
export function seedSweep(apiId: string): void {
  const api = findApi(apiId);
  const runner = sharedRunner();
  describe(`the embedded ${api.id} reference`, () => {
    it(
      'passes every check with zero failures and zero warnings on 20 different seeds, and runs checks in every family it has',
      { timeout: 600_000 },
      async () => {
        const reports = await runEmbeddedBatch(
          runner(),
          api.id,
          SEEDS.map((seed, i) => ({
            args: ['--seed', String(seed), '--runs', SWEEP_RUNS, ...(i < BOUNDARY_SEEDS ? [] : ['--no-boundary'])],
          })),
        );
        expect(reports).toHaveLength(20);
        const wrong: string[] = [];
        for (const [i, report] of reports.entries()) {
          const seed = SEEDS[i];
          for (const family of api.families)
            if (!(report.summary.families[family]?.passed ?? 0)) wrong.push(`seed ${seed}: ${family} did not run`);
          if (report.exitCode !== 0) wrong.push(`seed ${seed}: exit ${report.exitCode}`);
          for (const check of report.checks)
            if (!['passed', 'skipped'].includes(check.status)) wrong.push(`seed ${seed}: ${check.id} ${check.status}`);
        }
        expect(wrong.join('\n')).toBe('');
      },
    );
  });
}
