/**
 * `npm run test:full`: every mutant of every catalogue against every check, at the record's seed and
 * runs, must give exactly the committed kill record (`apis/<id>/kill-matrix.json`), which `npm test`
 * relies on to run each mutant against its killers only. A change to a suite, a spec or a mutant that
 * moves a kill shows here; `clientele mutants --api ID --record` writes the record again.
 */
import { describe, expect, it } from 'vitest';
import { APIS } from '../../apis/registry.js';
import { parseCli } from '../../cli/args.js';
import { killText, readRecord, recordOf } from '../../cli/kill-record.js';
import { isKilled, killMatrix, misjudged, renderMatrix, unprovenChecks } from '../../cli/mutants.js';
import { sharedRunner } from '../support/in-process.js';

const runner = sharedRunner();

describe.each(APIS.map((api) => [api.id, api] as const))('the full %s kill matrix', (_, api) => {
  it('kills every mutant as its kind says, evidences every check, and equals the committed record', { timeout: 1_200_000 }, async () => {
    const record = readRecord(api.id);
    expect(record, `apis/${api.id}/kill-matrix.json`).toBeDefined();
    const options = parseCli(['mutants', '--seed', String(record!.seed), '--runs', String(record!.runs)], {});
    const matrix = await killMatrix(runner(), options, api.id);
    expect(matrix.reference).toMatchObject({ failed: 0, warned: 0, errored: 0 });
    expect(matrix.mutants.filter((m) => !isKilled(m)).map((m) => m.id)).toEqual([]);
    expect(misjudged(matrix), renderMatrix(matrix)).toEqual([]);
    expect(unprovenChecks(matrix), renderMatrix(matrix)).toEqual([]);
    const fresh = recordOf(matrix).mutants.map((m) => `${m.id}: ${m.kills.map(killText).sort().join('; ')}`);
    const committed = record!.mutants.map((m) => `${m.id}: ${m.kills.map(killText).sort().join('; ')}`);
    expect(fresh).toEqual(committed);
  });
});
