/**
 * The promise each mutant catalogue rests on: every mutant is killed, every family kills one, and every
 * check that runs is failed by some mutant that does not break every response (or is allow-listed).
 */
import { describe, expect, it } from 'vitest';
import { APIS } from '../apis/registry.js';
import { parseCli } from '../cli/args.js';
import { killMatrix, renderMatrix, unprovenChecks } from '../cli/mutants.js';
import { sharedRunner } from './support/in-process.js';

const runner = sharedRunner();

describe.each(APIS.map((api) => [api.id, api] as const))('the %s mutant catalogue', (_, api) => {
  it('has at least 12 mutants, each with a one-line description', async () => {
    const { mutants } = await api.embedded();
    expect(mutants.length).toBeGreaterThanOrEqual(12);
    for (const mutant of mutants) expect(mutant.description).toMatch(/^[^\n]{10,160}$/);
  });

  it('is killed whole: every mutant by some check, every family by some mutant, every check by a non-global mutant', { timeout: 600_000 }, async () => {
    const matrix = await killMatrix(runner(), parseCli(['mutants', '--seed', '20261123'], {}), api.id);
    const { mutants } = await api.embedded();
    expect(matrix.reference).toMatchObject({ failed: 0, errored: 0 });
    expect(matrix.mutants.map((m) => m.id).sort()).toEqual(mutants.map((m) => m.id).sort());
    expect(matrix.mutants.filter((m) => m.failedChecks.length === 0).map((m) => m.id)).toEqual([]);
    for (const family of api.families) expect(matrix.mutants.some((m) => m.killedBy.includes(family)), `${family} kills a mutant`).toBe(true);
    expect(unprovenChecks(matrix), renderMatrix(matrix)).toEqual([]);
  });
});
