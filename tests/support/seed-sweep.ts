/**
 * The promise every embedded reference rests on: it passes with zero failures and zero warnings whatever
 * the seed. Twenty seeds, in one batch per API (`SuiteRunner.runBatch`), each at 3 random cases a
 * property: the boundary phase runs its edge cases first on every seed whatever the runs, so the seeds
 * add random cases where the edges are already covered. (`clientele run` keeps its default 20.)
 */
import { describe, expect, it } from 'vitest';
import { findApi } from '../../apis/registry.js';
import { SEEDS, SWEEP_RUNS, runEmbeddedBatch, sharedRunner } from './in-process.js';

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
          SEEDS.map((seed) => ({ args: ['--seed', String(seed), '--runs', SWEEP_RUNS] })),
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
