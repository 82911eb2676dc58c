/**
 * The promise each mutant catalogue rests on: every mutant is killed, every family kills one, every check
 * that runs is reported by some mutant that does not break every response (or is allow-listed), and each
 * mutant's verdict matches its kind: one that breaks only an assumption warns and never fails (exit 0,
 * exit 1 with --strict), one that breaks a promise fails, and one that only the boundary phase reaches
 * survives without it.
 */
import { describe, expect, it } from 'vitest';
import { APIS } from '../apis/registry.js';
import { parseCli } from '../cli/args.js';
import { isKilled, killMatrix, misjudged, renderMatrix, unprovenChecks, type MutantVerdict } from '../cli/mutants.js';
import type { RunReport } from '../reports/model.js';
import { runEmbedded, sharedRunner, sweepArgs } from './support/in-process.js';

const runner = sharedRunner();
const SEED = '20261123';

/** The families in which the matrix saw a mutant reported: a rerun of just those says the same, faster. */
function familiesOf(mutant: MutantVerdict): string {
  return mutant.killedBy.join(',');
}

const reported = (report: RunReport) => report.checks.filter((c) => c.status === 'failed' || c.status === 'warned').map((c) => c.id);

describe.each(APIS.map((api) => [api.id, api] as const))('the %s mutant catalogue', (_, api) => {
  it('has at least 12 mutants with one-line descriptions (the HTTP APIs: 6 of them reached only by the boundary phase)', async () => {
    const { mutants } = await api.embedded();
    expect(mutants.length).toBeGreaterThanOrEqual(12);
    for (const mutant of mutants) expect(mutant.description).toMatch(/^[^\n]{10,160}$/);
    if (api.transport === 'http') expect(mutants.filter((m) => m.boundaryOnly).length).toBeGreaterThanOrEqual(6);
  });

  it(
    'is killed whole, each mutant as its kind says; boundary-only mutants survive without the boundary phase',
    { timeout: 600_000 },
    async () => {
      const matrix = await killMatrix(runner(), parseCli(['mutants', '--seed', SEED, ...sweepArgs(api)], {}), api.id);
      const { mutants } = await api.embedded();
      expect(matrix.reference).toMatchObject({ failed: 0, warned: 0, errored: 0 });
      expect(matrix.mutants.map((m) => m.id).sort()).toEqual(mutants.map((m) => m.id).sort());
      expect(matrix.mutants.filter((m) => !isKilled(m)).map((m) => m.id)).toEqual([]);
      expect(misjudged(matrix), renderMatrix(matrix)).toEqual([]);
      for (const family of api.families)
        expect(
          matrix.mutants.some((m) => m.killedBy.includes(family)),
          `${family} kills a mutant`,
        ).toBe(true);
      expect(unprovenChecks(matrix), renderMatrix(matrix)).toEqual([]);

      for (const mutant of matrix.mutants.filter((m) => m.boundaryOnly)) {
        const report = await runEmbedded(
          runner(),
          api.id,
          ['--seed', SEED, ...sweepArgs(api), '--no-boundary', '--only', familiesOf(mutant)],
          mutant.id,
        );
        expect(reported(report), `${mutant.id} without the boundary phase`).toEqual([]);
      }

      // Over stdio too, where the API has it: no mutant depends on the transport, so each is killed there,
      // as its kind says (rerun in just the families that killed it; each family's server is a process).
      if (!(await api.embedded()).stdioCommand) return;
      const wrong: string[] = [];
      for (const mutant of matrix.mutants) {
        const report = await runEmbedded(
          runner(),
          api.id,
          ['--stdio', '--seed', SEED, ...sweepArgs(api), '--only', familiesOf(mutant)],
          mutant.id,
        );
        const failed = report.summary.total.failed;
        if (reported(report).length === 0) wrong.push(`${mutant.id} survives over stdio`);
        else if (mutant.open && failed > 0) wrong.push(`${mutant.id} breaks an assumption, yet fails over stdio`);
        else if (!mutant.open && failed === 0) wrong.push(`${mutant.id} breaks a promise, yet only warns over stdio`);
      }
      expect(wrong).toEqual([]);
    },
  );
});

describe('mutants that break only an assumption', () => {
  it('there are at least 3; runs exit 0 with a warning naming the assumption, and 1 with --strict', { timeout: 600_000 }, async () => {
    const cases = (
      await Promise.all(
        APIS.map(async (api) => (await api.embedded()).mutants.filter((m) => m.open && !m.global).map((m) => [api.id, m.id] as const)),
      )
    ).flat();
    expect(cases.length).toBeGreaterThanOrEqual(3);
    // Three of them, one run each way; the kill matrix above checks every one of them never fails.
    for (const [api, id] of cases.filter((_, i) => i % Math.ceil(cases.length / 3) === 0)) {
      const report = await runEmbedded(runner(), api, ['--seed', SEED], id);
      expect(report.exitCode, `${api} ${id}`).toBe(0);
      const warned = report.checks.filter((c) => c.status === 'warned');
      expect(warned.length, `${api} ${id} warns`).toBeGreaterThan(0);
      for (const check of warned)
        expect(check.failure).toMatchObject({ severity: 'warning', basis: { grade: 'open', says: expect.any(String) } });
      const families = [...new Set(warned.map((c) => c.family))].join(',');
      const strict = await runEmbedded(runner(), api, ['--seed', SEED, '--strict', '--only', families], id);
      expect(strict.exitCode, `${api} ${id} --strict`).toBe(1);
    }
  });
});
