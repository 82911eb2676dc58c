/**
 * Property checks on fast-check. On failure the shrunk counterexample is replayed once, alone, so the
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

/** A deterministic edge case a property runs before its random ones, named for the report. */
interface Boundary<T> {
  readonly name: string;
  readonly value: T;
}

/**
 * A case's broken assumption is recorded as a warning and the case counts as passed, so the property
 * goes on looking for broken promises; a broken promise is thrown.
 */
async function judged<T>(run: PropertyRun, predicate: (value: T) => Promise<void>, value: T, boundary?: string): Promise<void> {
  const before = run.log.total;
  try {
    await predicate(value);
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

/**
 * A boundary phase: each hand-picked case runs alone, in order; the first broken promise fails at once,
 * named (`boundary: update to empty string`), since a hand-picked case needs no shrinking. Checks whose
 * cases are all hand-picked (and costly, like a list larger than a page) run only this.
 */
export async function boundaryPhase<T>(
  run: PropertyRun,
  boundaries: readonly Boundary<T>[],
  predicate: (value: T) => Promise<void>,
): Promise<void> {
  if (!run.config.boundary) return;
  const started = performance.now();
  const requestsBefore = run.log.total;
  for (const { name, value } of boundaries) {
    run.log.clear();
    try {
      await judged(run, predicate, value, name);
    } catch (error) {
      if (!(error instanceof ConformanceFailure)) throw new PropertyError(error, run.config.seed, `boundary: ${name}`);
      const failure = new ConformanceFailure(error.rule, error.message, { ...error.details, boundary: name });
      throw new PropertyFailure(failure, run.config.seed, '', `boundary: ${name}`, run.log.snapshot());
    }
  }
  run.tally?.boundaryPhase(boundaries.length, run.log.total - requestsBefore, performance.now() - started);
}

/** The property's boundary phase, then its random cases, shrunk on failure. */
export async function forAll<T>(
  run: PropertyRun,
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T) => Promise<void>,
  boundaries: readonly Boundary<T>[] = [],
): Promise<void> {
  await boundaryPhase(run, boundaries, predicate);

  // Once the target has timed out, hung up or vanished, every smaller case would wait for the same
  // deadline: fail them at once instead, so shrinking costs nothing. The replay below still sends.
  let broken: unknown;
  const property = fc.asyncProperty(arbitrary, async (value) => {
    if (broken) throw broken;
    try {
      await judged(run, predicate, value);
    } catch (error) {
      if (isTransportBreakdown(error)) broken = error;
      throw error;
    }
  });
  const details = await fc.check(property, { seed: run.config.seed, numRuns: run.config.runs });
  if (!details.failed) return;
  const path = details.counterexamplePath ?? '';
  const shrunk = details.counterexample?.[0] as T;
  // Replay the shrunk case alone (a fresh copy: command sequences remember their runs), so the log
  // then holds exactly its requests.
  run.log.clear();
  let error: unknown = details.errorInstance;
  let exchanges: readonly Exchange[] = [];
  try {
    await predicate(fc.hasCloneMethod(shrunk) ? (shrunk[fc.cloneMethod]() as T) : shrunk);
  } catch (replayed) {
    error = replayed;
    exchanges = run.log.snapshot();
  }
  if (!(error instanceof ConformanceFailure)) throw new PropertyError(error, details.seed, path);
  const counterexample = fc.stringify(shrunk);
  throw new PropertyFailure(error, details.seed, path, counterexample, exchanges.length ? exchanges : (error.details.exchanges ?? []));
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
