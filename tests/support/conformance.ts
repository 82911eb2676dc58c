/**
 * The two promises each mutant catalogue rests on: the reference passes with zero failures whatever the
 * seed, and every mutant is killed. Both run the real CLI, as `npm start` and `clientele mutants` do.
 * One test file per API calls `conformanceOf(api)`, so vitest runs the APIs side by side.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KillMatrix } from '../../cli/mutants.js';
import { FAMILIES, type Family } from '../../reports/model.js';
import { EMBEDDED } from '../../targets/index.js';
import { readReport, runCli, tempDir } from './cli.js';

/** Seeds spread over the whole range, fixed so a failure names its seed and reproduces. */
const SEEDS = Array.from({ length: 20 }, (_, i) => (i * 2_654_435_761 + 97) % 2 ** 31);

/** Families each embedded API has checks to run in (REST documents no restricted user). */
const FAMILIES_OF: Readonly<Record<string, readonly Family[]>> = {
  freshbooks: FAMILIES.filter((f) => f !== 'access'),
  'freshbooks-classic': FAMILIES,
};

export function conformanceOf(api: string): void {
  describe(`the embedded ${api} reference`, () => {
    it('passes every check with zero failures on 20 different seeds', { timeout: 600_000 }, async () => {
      const outcomes: { seed: number; code: number; failed: string[] }[] = [];
      const queue = [...SEEDS];
      // Two at a time: the machine has two cores.
      await Promise.all(
        [0, 1].map(async () => {
          for (let seed = queue.shift(); seed !== undefined; seed = queue.shift()) {
            const dir = tempDir(`${api}-seed-${seed}`);
            const result = await runCli(['run', '--api', api, '--seed', String(seed), '--report-dir', dir]);
            const report = readReport(dir);
            for (const family of FAMILIES_OF[api]!) expect(report.summary.families[family].passed, `${family} ran on seed ${seed}`).toBeGreaterThan(0);
            const notPassed = report.checks.filter((c: { status: string }) => c.status === 'failed' || c.status === 'errored');
            outcomes.push({ seed, code: result.code, failed: notPassed.map((c: { id: string }) => c.id) });
          }
        }),
      );
      expect(outcomes).toHaveLength(20);
      expect(outcomes.filter((o) => o.code !== 0 || o.failed.length > 0)).toEqual([]);
    });
  });

  describe(`the ${api} mutant catalogue`, () => {
    const mutants = EMBEDDED[api]!.mutants;

    it('has at least 12 mutants, each with a one-line description', () => {
      expect(mutants.length).toBeGreaterThanOrEqual(12);
      for (const mutant of mutants) expect(mutant.description).toMatch(/^[^\n]{10,160}$/);
    });

    it('clientele mutants kills every mutant, every family kills one, and the reference has no failure', { timeout: 600_000 }, async () => {
      const dir = tempDir(`${api}-mutants`);
      const result = await runCli(['mutants', '--api', api, '--seed', '20261123', '--report-dir', dir]);
      const matrix = JSON.parse(readFileSync(join(dir, `mutants.${api}.json`), 'utf8')) as KillMatrix;
      expect(matrix.reference).toMatchObject({ failed: 0, errored: 0 });
      expect(matrix.mutants.map((m) => m.id).sort()).toEqual(mutants.map((m) => m.id).sort());
      expect(matrix.mutants.filter((m) => m.killedBy.length === 0).map((m) => m.id)).toEqual([]);
      for (const family of FAMILIES_OF[api]!) expect(matrix.mutants.some((m) => m.killedBy.includes(family)), `${family} kills a mutant`).toBe(true);
      expect(result.stdout).toContain('kill matrix');
      expect(result.code).toBe(0);
    });
  });
}
