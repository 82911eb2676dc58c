/**
 * The one place the suites meet vitest, on the worker side of the boundary. What crosses it: the run
 * configs (`inject('clientele')`, JSON) in, each check's `CheckMeta` (task meta, JSON) out. On this
 * side, each run gets one `RunContext`, held by a worker-scoped fixture (`runs`) so that every family
 * file of the run shares it and nothing of it lives at module level. `family()` opens the API for a
 * suite file; `check()` is a vitest test that turns what its body throws into a typed result: passed,
 * failed (a broken promise), warned (only broken assumptions), blocked (a prerequisite failed),
 * skipped, or errored. Suite files import this module, the port, the model and fast-check.
 */
import { test as vitestTest, describe, inject } from 'vitest';
import { openClientApi } from '../apis/open.js';
import type { ClientApi } from '../port/port.js';
import type { RunConfig } from '../engine/config.js';
import type { ExchangeLog } from '../engine/exchange-log.js';
import { FAMILIES, familyBlockName, type Family } from '../engine/families.js';
import { ConformanceFailure, TargetUnreachableError, describeError } from '../engine/failures.js';
import { toFailureRecord } from '../engine/failure-record.js';
import { PropertyError, type PropertyRun } from '../engine/property.js';
import { checkId, type FailureRecord } from '../engine/records.js';
import type { Redactor } from '../engine/redact.js';
import { RunContext } from '../engine/run-context.js';
import { RunStopped } from '../engine/guard.js';
import type { Tally } from '../engine/verdicts.js';

/** What a check leaves for the collector. JSON only: it crosses from the worker to the main process. */
export interface CheckMeta {
  family: Family;
  /** What the check proves, as one sentence; its title (the test's name) is the short form. */
  claim: string;
  /** Which run of the batch the check belongs to. */
  run: number;
  requests: number;
  failure?: FailureRecord;
  warnings?: number;
  /** The rule ids the check evaluated. */
  rules?: string[];
  boundary?: { cases: number; requests: number; ms: number };
  rateLimit?: { retries: number; waitedMs: number };
  /** Set when the check could not judge the target: it crashed, or the target went away. */
  error?: { kind: 'internal' | 'unreachable'; message: string };
  skipped?: string;
  /** `by`: the prerequisite check that failed; absent when the run itself stopped (budget, unresponsive target, interrupt). */
  blocked?: { by?: string; reason: string };
}

declare module 'vitest' {
  interface TaskMeta {
    clientele?: CheckMeta;
  }
}

/** The contexts of the runs this vitest run carries, one per run config, made for the first family file that needs one. */
class RunContexts {
  private readonly byTag = new Map<string, RunContext>();

  of(config: RunConfig): RunContext {
    let context = this.byTag.get(config.runTag);
    if (!context) {
      context = new RunContext(config);
      this.byTag.set(config.runTag, context);
    }
    return context;
  }

  /** The run is over (its last family ended): what it shares goes now, and the context with it. */
  async release(config: RunConfig): Promise<void> {
    const context = this.byTag.get(config.runTag);
    this.byTag.delete(config.runTag);
    await context?.close();
  }

  async closeAll(): Promise<void> {
    const open = [...this.byTag.values()];
    this.byTag.clear();
    await Promise.all(open.map((context) => context.close()));
  }
}

/** vitest's `test` with the worker's run contexts as a fixture: hooks and checks receive them explicitly. */
const test = vitestTest.extend(
  'runs',
  { scope: 'worker' },
  // vitest reads which fixtures a fixture needs from its destructuring: this one needs none.
  // eslint-disable-next-line no-empty-pattern
  async ({}, { onCleanup }) => {
    const runs = new RunContexts();
    onCleanup(() => runs.closeAll());
    return runs;
  },
);

/** What a check body gets: the run's config and context, the API, and fresh scopes for the clients it creates. */
export class CheckRun implements PropertyRun {
  constructor(
    readonly config: RunConfig,
    readonly context: RunContext,
    readonly api: ClientApi,
    readonly family: Family,
  ) {}

  get log(): ExchangeLog {
    return this.api.session.log;
  }

  /** The tally of this check: the rules it evaluated, the warnings it met. */
  get tally(): Tally | undefined {
    return this.context.tally;
  }

  /** Ends the check as skipped: the API's documents promise nothing to judge here, or the target has nothing to read. */
  skip(reason: string): never {
    throw new SkipCheck(reason);
  }

  /** A scope no other check or property case of this run uses, so lists can be confined to it. */
  scope(): string {
    return `${this.family}-${this.context.nextNumber()}`;
  }
}

class SkipCheck extends Error {
  override readonly name = 'SkipCheck';
}

/**
 * A behaviour other checks rely on (the scope filter confines a list; the restricted credential works).
 * It runs once per run, in the first check that needs it; when it fails, its dependants are reported
 * `blocked` with the reason, and its own check (see `prerequisiteCheck`) fails: fix that one first.
 */
export interface Prerequisite {
  /** The family, short title and full claim of the check that reports it. */
  readonly family: Family;
  readonly name: string;
  readonly claim: string;
  /** Throws a ConformanceFailure when the behaviour is not there; skips (run.skip) when it cannot be judged. */
  probe(run: CheckRun): Promise<void>;
}

type PrerequisiteOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly failure: ConformanceFailure }
  | { readonly ok: 'unknown'; readonly reason: string };
/** A prerequisite's outcome, probed once per run by the first check that needs it. */
function prerequisiteOutcome(prerequisite: Prerequisite, run: CheckRun): Promise<PrerequisiteOutcome> {
  return run.context.once(`prerequisite:${checkId(prerequisite.family, prerequisite.name)}`, () =>
    prerequisite.probe(run).then(
      (): PrerequisiteOutcome => ({ ok: true }),
      (error): PrerequisiteOutcome => {
        if (error instanceof SkipCheck) return { ok: 'unknown', reason: error.message };
        if (error instanceof ConformanceFailure) return { ok: false, failure: error };
        throw error;
      },
    ),
  );
}

interface SuiteEnv {
  readonly config: RunConfig;
  /** The run's context; set once the family's block starts. */
  readonly context: RunContext;
  readonly family: Family;
  /** Which run of the batch this is (0 for a single run). */
  readonly run: number;
  /** Opened before the first check of the file, closed (after cleanup) after the last. */
  readonly api: ClientApi;
}

interface CheckOptions {
  /** What the check proves, in one sentence (reports print it under the short title). */
  readonly claim: string;
  /** Creates, updates or deletes on the target: skipped under `--read-only`. */
  readonly writes: boolean;
  /** Behaviours this check relies on; when one fails, the check is blocked instead of failing for its sake. */
  readonly needs?: readonly Prerequisite[];
}

/** The family whose file runs last in a run (the runner orders files as FAMILIES lists them). */
function lastFamily(families: readonly Family[]): Family | undefined {
  return [...families].sort((a, b) => FAMILIES.indexOf(a) - FAMILIES.indexOf(b)).at(-1);
}

/**
 * A family's checks, once for each run the vitest run carries (`SuiteRunner.runBatch`) that covers the
 * family: one describe block per run, each with its own adapter on its own target.
 */
export function family(name: Family, define: (env: SuiteEnv) => void): void {
  const configs = inject('clientele');
  configs.forEach((config, run) => {
    if (config.families.includes(name)) familyOfRun(name, config, run, configs.length, define);
  });
}

function familyOfRun(name: Family, config: RunConfig, run: number, runs: number, define: (env: SuiteEnv) => void): void {
  let api: ClientApi | undefined;
  let context: RunContext | undefined;
  const env: SuiteEnv = {
    config,
    family: name,
    run,
    get context() {
      if (!context) throw new Error('run context not open');
      return context;
    },
    get api() {
      if (!api) throw new Error('adapter not open');
      return api;
    },
  };
  describe(familyBlockName(name, run, runs), () => {
    test.beforeAll(async ({ runs: contexts }) => {
      context = contexts.of(config);
      api = await openClientApi(context, config);
    });
    test.afterAll(async ({ runs: contexts }) => {
      // Touch only what we created, and delete it as the API deletes, also when checks failed.
      await api?.cleanup().catch(() => undefined);
      const stopped = context?.guard.stopped !== undefined;
      await api?.close();
      // No family runs after the last one, nor after a stop: the run's shared servers go now. The
      // context itself stays until the last family, so the families after a stop see that it stopped.
      if (name === lastFamily(config.families)) await contexts.release(config);
      else if (stopped) await context?.close();
    });
    define(env);
  });
}

/** The first of these prerequisites that failed, as the reason a check is blocked. */
async function blockedBy(needs: readonly Prerequisite[], run: CheckRun, redactor: Redactor): Promise<CheckMeta['blocked']> {
  for (const prerequisite of needs) {
    const outcome = await prerequisiteOutcome(prerequisite, run);
    if (outcome.ok !== false) continue;
    const by = checkId(prerequisite.family, prerequisite.name);
    return { by, reason: redactor.text(`blocked: the prerequisite ${by} failed (${outcome.failure.message}); fix it first`) };
  }
  return undefined;
}

/** The check that reports a prerequisite: it fails (and names itself as what to fix first) when the behaviour is not there. */
export function prerequisiteCheck(env: SuiteEnv, prerequisite: Prerequisite, options: Omit<CheckOptions, 'claim'>): void {
  if (prerequisite.family !== env.family) throw new Error(`prerequisite ${prerequisite.name} belongs to ${prerequisite.family}`);
  check(env, prerequisite.name, { ...options, claim: prerequisite.claim }, async (run) => {
    const outcome = await prerequisiteOutcome(prerequisite, run);
    if (outcome.ok === false) throw outcome.failure;
    if (outcome.ok === 'unknown') run.skip(outcome.reason);
  });
}

export function check(env: SuiteEnv, name: string, options: CheckOptions, body: (run: CheckRun) => Promise<void>): void {
  // Another shard's check is not registered at all: this run neither runs nor reports it.
  if (env.config.checks && !env.config.checks.includes(checkId(env.family, name))) return;
  test(name, async ({ task, skip, signal }) => {
    const meta: CheckMeta = { family: env.family, claim: options.claim, run: env.run, requests: 0 };
    task.meta.clientele = meta;
    if (options.writes && env.config.readOnly) {
      meta.skipped = 'writes to the target (--read-only)';
      skip();
      return;
    }
    const api = env.api;
    const log = api.session.log;
    const before = log.total;
    log.clear();
    const context = env.context;
    const redactor = context.redactor;
    const run = new CheckRun(env.config, context, api, env.family);
    let blocked: CheckMeta['blocked'] = context.guard.stopped ? { reason: `blocked: ${context.guard.stopped}` } : undefined;
    try {
      blocked ??= await blockedBy(options.needs ?? [], run, redactor);
    } catch (error) {
      if (!(error instanceof RunStopped)) throw crashed(meta, error, redactor);
      blocked = { reason: `blocked: ${error.message}` };
    }
    if (blocked) {
      meta.blocked = blocked;
      meta.requests = log.total - before;
      skip();
      return;
    }
    const tally = context.openTally(api.session.spec.basis);
    context.guard.startCheck();
    // An interrupt cancels the run: the check stops at its next request instead of running its cases out.
    signal.addEventListener('abort', () => context.guard.stop('the run was interrupted'), { once: true });
    const scene = { session: api.session, config: env.config, family: env.family, redactor, tally };
    try {
      log.clear();
      await body(run);
      const [warning] = tally.warnings;
      if (warning) meta.failure = toFailureRecord(warning, scene);
    } catch (error) {
      if (error instanceof SkipCheck) {
        meta.skipped = error.message;
        skip();
        return;
      }
      const stopped = error instanceof PropertyError ? error.cause : error;
      if (stopped instanceof RunStopped) {
        // The run stopped under this check: what it found so far stands only if it was a failure.
        meta.blocked = { reason: `blocked: ${stopped.message}` };
        skip();
        return;
      }
      if (error instanceof ConformanceFailure) {
        // A broken assumption thrown outside a property (which would have recorded it) is a warning too.
        if (tally.isWarning(error)) {
          tally.warn(error);
          meta.failure = toFailureRecord(tally.warnings[0]!, scene);
          return;
        }
        meta.failure = toFailureRecord(error, scene);
        throw new Error(redactor.text(`${error.rule}: ${error.message}`), { cause: error });
      }
      throw crashed(meta, error, redactor);
    } finally {
      meta.requests = log.total - before;
      meta.rules = [...tally.rules];
      if (tally.warningCount) meta.warnings = tally.warningCount;
      if (tally.boundary.cases) meta.boundary = { ...tally.boundary, ms: Math.round(tally.boundary.ms) };
      if (tally.rateLimit.retries) meta.rateLimit = { ...tally.rateLimit };
      context.closeTally();
    }
  });
}

/** A check that could not judge the target: it crashed (our bug) or the target went away. */
function crashed(meta: CheckMeta, error: unknown, redactor: Redactor): Error {
  const cause = error instanceof PropertyError ? error.cause : error;
  const seedNote = error instanceof PropertyError ? ` (seed ${error.seed}, path ${error.path})` : '';
  meta.error = {
    kind: cause instanceof TargetUnreachableError ? 'unreachable' : 'internal',
    message: redactor.text(describeError(cause) + seedNote),
  };
  return new Error(meta.error.message);
}
