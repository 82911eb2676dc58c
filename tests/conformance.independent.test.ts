/**
 * A correct server written by someone else from the same documents passes: 0 failures, 0 errors, nothing
 * blocked, exit 0, on every seed. It may get warnings, each on an open rule (a choice the documents leave
 * to the implementer, where its author chose otherwise than clientele's own reference): they are listed.
 * `npm test` sweeps 3 seeds; `npm run test:full` all 20.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIS } from '../apis/registry.js';
import { startIndependent, runExternalBatch, type IndependentTarget } from './support/independent.js';
import { SEEDS, SWEEP_RUNS, sharedRunner } from './support/in-process.js';

const runner = sharedRunner();
const seeds = process.env.CLIENTELE_FULL ? SEEDS : SEEDS.slice(0, 3);

describe.each(APIS.map((api) => [api.id, api] as const))('the independent %s reference', (_, api) => {
  let target: IndependentTarget;
  beforeAll(async () => {
    target = await startIndependent(api.id);
  });
  afterAll(() => target?.close());

  it(
    `passes with no failure on ${seeds.length} seeds, every family running, warnings only on open rules`,
    { timeout: 600_000 },
    async () => {
      const wrong: string[] = [];
      const warnings = new Set<string>();
      const reports = await runExternalBatch(
        runner(),
        api.id,
        seeds.map((seed) => [...target.args, '--seed', String(seed), '--runs', SWEEP_RUNS]),
      );
      for (const [i, report] of reports.entries()) {
        const seed = seeds[i];
        // A family runs when a check of it passed or warned (it broke an open rule: it ran to judge it).
        for (const family of api.families) {
          const counts = report.summary.families[family];
          if (!((counts?.passed ?? 0) + (counts?.warned ?? 0))) wrong.push(`seed ${seed}: no check of ${family} ran`);
        }
        if (report.exitCode !== 0) wrong.push(`seed ${seed}: exit ${report.exitCode} (${report.error ?? report.outcome})`);
        for (const check of report.checks) {
          if (check.status === 'warned') {
            warnings.add(`${check.id}: ${check.failure?.basisRule}`);
            if (check.failure?.basis.grade !== 'open')
              wrong.push(`seed ${seed}: ${check.id} warned on a ${check.failure?.basis.grade} rule`);
          } else if (!['passed', 'skipped'].includes(check.status))
            wrong.push(`seed ${seed}: ${check.id} ${check.status}: ${check.failure?.message ?? check.note ?? ''}`);
        }
      }
      if (warnings.size) console.log(`independent ${api.id}, warnings on open rules:\n  ${[...warnings].join('\n  ')}`);
      expect(wrong).toEqual([]);
    },
  );
});
