/**
 * The committed kill record of an API (`apis/<id>/kill-matrix.json`): for each mutant, the checks a full
 * run of the suite made fail or warn, each with the rule it broke, at one seed and one number of runs.
 * `npm test` re-runs each mutant against just those checks and expects exactly those kills (a cheaper
 * proof, not a weaker one); `npm run test:full` runs every mutant against every check and expects the
 * record unchanged. `clientele mutants --record` writes it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../generators/spec.js';
import type { Kill, KillMatrix } from '../reports/model.js';

export interface KillRecord {
  readonly api: string;
  readonly seed: number;
  readonly runs: number;
  readonly mutants: readonly { readonly id: string; readonly kills: readonly Kill[] }[];
}

function recordPath(api: string): string {
  return join(PROJECT_ROOT, 'apis', api, 'kill-matrix.json');
}

export function recordOf(matrix: KillMatrix): KillRecord {
  return { api: matrix.api, seed: matrix.seed, runs: matrix.runs, mutants: matrix.mutants.map(({ id, kills }) => ({ id, kills })) };
}

export function readRecord(api: string): KillRecord | undefined {
  const file = recordPath(api);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as KillRecord) : undefined;
}

export function writeRecord(record: KillRecord): string {
  const file = recordPath(record.api);
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}

/** One kill as text, for comparisons and messages: `family/check (rule, failure)`. */
export function killText(kill: Kill): string {
  return `${kill.check} (${kill.rule}, ${kill.severity})`;
}
