/**
 * `--shard I/N`: a deterministic part of a run's checks, so N CI machines split one run and
 * `clientele merge` puts it back together. The split depends only on the list of checks (in run
 * order) and, when given, the durations an earlier report recorded: the same inputs give every
 * machine the same split, and the parts are disjoint and cover the list.
 */
import { UsageError } from '../engine/failures.js';

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

/** `2/4` → {index 2, count 4}. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || count > 64 || index < 1 || index > count)
    throw new UsageError(`--shard must be I/N with 1 <= I <= N <= 64, got '${text}'`);
  return { index, count };
}

/**
 * The checks of each shard, by id. With durations (ms by check id), the longest checks go first, each
 * to the shard with the least work so far (checks an earlier run did not time count as the median);
 * without, checks go round in run order, so shard sizes differ by one at most.
 */
export function splitChecks(ids: readonly string[], count: number, durations?: ReadonlyMap<string, number>): string[][] {
  const shards: string[][] = Array.from({ length: count }, () => []);
  const known = durations ? ids.flatMap((id) => (durations.has(id) ? [durations.get(id)!] : [])) : [];
  if (known.length === 0) {
    ids.forEach((id, i) => shards[i % count]!.push(id));
    return shards;
  }
  const median = [...known].sort((a, b) => a - b)[Math.floor(known.length / 2)]!;
  const cost = (id: string) => durations!.get(id) ?? median;
  const load = new Array<number>(count).fill(0);
  // Ties broken by run order, so the split never depends on a sort's stability.
  const order = ids.map((id, at) => ({ id, at })).sort((a, b) => cost(b.id) - cost(a.id) || a.at - b.at);
  for (const { id } of order) {
    const lightest = load.indexOf(Math.min(...load));
    shards[lightest]!.push(id);
    load[lightest]! += cost(id);
  }
  // Each shard runs its checks in the run's own order (contract first).
  const rank = new Map(ids.map((id, at) => [id, at]));
  return shards.map((shard) => shard.sort((a, b) => rank.get(a)! - rank.get(b)!));
}
