/** The promise every embedded reference rests on: it passes with zero failures and zero warnings whatever the seed. */
import { describe, expect, it } from 'vitest';
import { APIS } from '../apis/registry.js';
import { SEEDS, runEmbedded, sharedRunner, sweepArgs } from './support/in-process.js';

const runner = sharedRunner();

describe.each(APIS.map((api) => [api.id, api] as const))('the embedded %s reference', (_, api) => {
  it(
    'passes every check with zero failures and zero warnings on 20 different seeds, and runs checks in every family it has',
    { timeout: 600_000 },
    async () => {
      const outcomes: { seed: number; code: number; notPassed: string[] }[] = [];
      for (const seed of SEEDS) {
        const report = await runEmbedded(runner(), api.id, ['--seed', String(seed), ...sweepArgs(api)]);
        for (const family of api.families)
          expect(report.summary.families[family]?.passed ?? 0, `${family} ran on seed ${seed}`).toBeGreaterThan(0);
        outcomes.push({
          seed,
          code: report.exitCode,
          notPassed: report.checks.filter((c) => !['passed', 'skipped'].includes(c.status)).map((c) => `${c.id} ${c.status}`),
        });
      }
      expect(outcomes).toHaveLength(20);
      expect(outcomes.filter((o) => o.code !== 0 || o.notPassed.length > 0)).toEqual([]);
    },
  );
});
