/**
 * Property checks on fast-check. A property's cases run side by side on the check's lanes; the first
 * that fails is shrunk alone, and the shrunk counterexample is replayed once, alone, so the
 * reproduction holds exactly its requests; the failure carries the seed and path to replay it again.
 */
import fc from 'fast-check';
import type { Exchange } from './exchange.js';
import type { ExchangeLog } from './exchange-log.js';
import { ConformanceFailure, TargetUnreachableError } from './failures.js';
import type { Tallied } from './verdicts.js';

export class PropertyFailure extends ConformanceFailure {
  constructor(
    cause: ConformanceFailure,
    readonly seed: number,
    readonly path: string,
    readonly counterexample: string,
    exchanges: readonly Exchange[],
  ) {
    super(cause.rule, cause.message, { ...cause.details, exchanges });
  }
}

/** Thrown when a property fails with something other than a ConformanceFailure; keeps seed and path. */
export class PropertyError extends Error {
  constructor(
    readonly cause: unknown,
    readonly seed: number,
    readonly path: string,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** What a property needs of the check that runs it: the run's seed and runs, and the log of its exchanges. */
export interface PropertyRun extends Tallied {
  readonly config: { readonly seed: number; readonly runs: number; readonly boundary: boolean };
  readonly log: ExchangeLog;
}

/**
 * Where a check runs its property's cases: side by side, each on a lane (a run of the check's own, with
 * its own session, log and tally, and scopes named after the case), as many at once as the run's slots
 * have room for. Every case runs whatever the others do, so what a check reports does not depend on how
 * many ran at once; a lane's tallies count in the check's in the order of the cases.
 */
export interface CaseLanes<R extends PropertyRun> {
  /** Resolves, once every case has ended, with the number of requests they sent. */
  each(cases: readonly string[], body: (index: number, lane: R) => Promise<void>): Promise<number>;
}

/** A check's run whose property cases can run on lanes of their own. */
export interface LanedRun<R extends PropertyRun> extends PropertyRun {
  readonly lanes: CaseLanes<R>;
}

/** A deterministic edge case a property runs before its random ones, named for the report. */
interface Boundary<T> {
  readonly name: string;
  readonly value: T;
}

type Predicate<T, R> = (value: T, run: R) => Promise<void>;

/**
 * A case's broken assumption is recorded as a warning and the case counts as passed, so the property
 * goes on looking for broken promises; a broken promise is thrown.
 */
async function judged<T, R extends PropertyRun>(run: R, predicate: Predicate<T, R>, value: T, boundary?: string): Promise<void> {
  const before = run.log.total;
  try {
    await predicate(value, run);
  } catch (error) {
    const tally = run.tally;
    if (!(error instanceof ConformanceFailure) || !tally?.isWarning(error)) throw error;
    const sent = run.log.total - before;
    const exchanges = sent > 0 ? run.log.snapshot().slice(-sent) : [];
    tally.warn(
      new ConformanceFailure(error.rule, error.message, {
        ...error.details,
        exchanges: error.details.exchanges ?? exchanges,
        ...(boundary ? { boundary } : {}),
      }),
    );
  }
}

/** What the first case (by index) that broke something threw, and the exchanges of that case. */
interface Broken {
  readonly index: number;
  readonly error: unknown;
  readonly exchanges: readonly Exchange[];
}

/**
 * Runs every case on the check's lanes and gives back the first (by index) that threw, and the requests
 * they sent. Once the target has timed out, hung up or vanished, the cases not yet begun fail at once
 * with the same error.
 */
async function runCases<T, R extends PropertyRun>(
  run: LanedRun<R>,
  cases: readonly { readonly name: string; readonly value: T }[],
  predicate: Predicate<T, R>,
  boundary: boolean,
): Promise<{ readonly first?: Broken; readonly requests: number }> {
  let first: Broken | undefined;
  let breakdown: unknown;
  // A case's scopes are named after its place in its phase: b1, b2, ... for boundaries, c1, c2, ... after.
  const requests = await run.lanes.each(
    cases.map((_, i) => `${boundary ? 'b' : 'c'}${i + 1}`),
    async (index, lane) => {
      lane.log.clear();
      try {
        if (breakdown) throw breakdown;
        const { name, value } = cases[index]!;
        await judged(lane, predicate, unused(value), boundary ? name : undefined);
      } catch (error) {
        if (isTransportBreakdown(error)) breakdown ??= error;
        if (!first || index < first.index) first = { index, error, exchanges: lane.log.snapshot() };
      }
    },
  );
  return { first, requests };
}

/**
 * A boundary phase: the hand-picked cases, side by side on the check's lanes; once all have run, the
 * first (in order) that broke a promise fails the check, named (`boundary: update to empty string`),
 * since a hand-picked case needs no shrinking. Checks whose cases are all hand-picked (and costly, like a list larger than
 * a page) run only this.
 */
export async function boundaryPhase<T, R extends PropertyRun>(
  run: LanedRun<R>,
  boundaries: readonly Boundary<T>[],
  predicate: Predicate<T, R>,
): Promise<void> {
  if (!run.config.boundary || boundaries.length === 0) return;
  const started = performance.now();
  const requestsBefore = run.log.total;
  const { first: broken, requests } = await runCases(run, boundaries, predicate, true);
  if (broken) {
    const name = boundaries[broken.index]!.name;
    const { error } = broken;
    if (!(error instanceof ConformanceFailure)) throw new PropertyError(error, run.config.seed, `boundary: ${name}`);
    const failure = new ConformanceFailure(error.rule, error.message, { ...error.details, boundary: name });
    throw new PropertyFailure(failure, run.config.seed, '', `boundary: ${name}`, broken.exchanges);
  }
  run.tally?.boundaryPhase(boundaries.length, requests + run.log.total - requestsBefore, performance.now() - started);
}

/**
 * The property's boundary phase, then its random cases, shrunk on failure. The cases are the ones
 * fast-check draws for the run's seed, in its order (drawing does not depend on how a case fares);
 * they run side by side on the check's lanes. The first that fails is then run again by fast-check
 * alone (`path`), on the check's own run, and shrunk there exactly as a sequential run would.
 */
export async function forAll<T, R extends PropertyRun>(
  run: LanedRun<R> & R,
  arbitrary: fc.Arbitrary<T>,
  predicate: Predicate<T, R>,
  boundaries: readonly Boundary<T>[] = [],
): Promise<void> {
  await boundaryPhase(run, boundaries, predicate);
  const { seed, runs } = run.config;
  const drawn: T[] = [];
  await fc.check(
    fc.asyncProperty(arbitrary, async (value) => void drawn.push(value)),
    { seed, numRuns: runs },
  );
  const { first: broken } = await runCases(
    run,
    drawn.map((value, i) => ({ name: `case ${i + 1}`, value })),
    predicate,
    false,
  );
  if (!broken) return;

  // Once the target has timed out, hung up or vanished, every smaller case would wait for the same
  // deadline: fail them at once instead, so shrinking costs nothing. The replay below still sends.
  let breakdown: unknown;
  const property = fc.asyncProperty(arbitrary, async (value) => {
    if (breakdown) throw breakdown;
    try {
      await judged(run, predicate, value);
    } catch (error) {
      if (isTransportBreakdown(error)) breakdown = error;
      throw error;
    }
  });
  const details = await fc.check(property, { seed, numRuns: runs, path: String(broken.index) });
  if (!details.failed) {
    // The case broke beside the others but not alone: report it as it broke, unshrunk.
    const { error, index, exchanges } = broken;
    if (!(error instanceof ConformanceFailure)) throw new PropertyError(error, seed, String(index));
    throw new PropertyFailure(error, seed, String(index), fc.stringify(drawn[index]), exchanges);
  }
  const path = details.counterexamplePath ?? '';
  const shrunk = details.counterexample?.[0] as T;
  // Replay the shrunk case alone (a fresh copy: command sequences remember their runs), so the log
  // then holds exactly its requests.
  run.log.clear();
  let error: unknown = details.errorInstance;
  let exchanges: readonly Exchange[] = [];
  try {
    await predicate(unused(shrunk), run);
  } catch (replayed) {
    error = replayed;
    exchanges = run.log.snapshot();
  }
  if (!(error instanceof ConformanceFailure)) throw new PropertyError(error, details.seed, path);
  const counterexample = fc.stringify(shrunk);
  throw new PropertyFailure(error, details.seed, path, counterexample, exchanges.length ? exchanges : (error.details.exchanges ?? []));
}

/** A value as fast-check drew it, never run before: a copy of one that remembers its runs (command sequences). */
function unused<T>(value: T): T {
  return fc.hasCloneMethod(value) ? (value[fc.cloneMethod]() as T) : value;
}

function isTransportBreakdown(error: unknown): boolean {
  return error instanceof TargetUnreachableError || (error instanceof ConformanceFailure && error.rule === 'transport');
}

/** An assertion inside a check (`on`: the check's run, or the session, whose tally counts the rule): a typed failure with the rule, expected and actual side by side. */
export function expectThat(
  on: Tallied,
  condition: boolean,
  rule: string,
  message: string,
  details: { expected?: unknown; actual?: unknown; operation?: string } = {},
): asserts condition {
  on.tally?.evaluated(rule);
  if (condition) return;
  const show = (v: unknown) => (v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v));
  throw new ConformanceFailure(rule, message, {
    operation: details.operation,
    expected: show(details.expected),
    actual: show(details.actual),
  });
}
