/**
 * The one place the suites meet vitest. `family()` opens the API for a suite file; `check()` is a
 * vitest test that turns what its body throws into a typed result in the task's meta, which the
 * runner's collector reads: passed, failed (a broken promise), warned (only broken assumptions),
 * blocked (a prerequisite failed), skipped, or errored. Suite files import this module, the port, the
 * model and fast-check.
 */
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { closeRun, openClientApi } from '../apis/open.js';
import type { ClientApi } from '../adapters/port.js';
import { severityOf } from '../engine/basis.js';
import { secretsOf, type RunConfig } from '../engine/config.js';
import { SHOWN_HEADERS, detachedPrefix, type Exchange } from '../engine/exchange.js';
import type { ExchangeLog } from '../engine/exchange-log.js';
import { FAMILIES, familyBlockName, type Family } from '../engine/families.js';
import { ConformanceFailure, TargetUnreachableError, describeError } from '../engine/failures.js';
import { PropertyError, PropertyFailure, type PropertyRun } from '../engine/property.js';
import { checkId, type FailureRecord, type RecordedStep, type ResponseExcerpt } from '../engine/records.js';
import { redactHeaders, Redactor } from '../engine/redact.js';
import { RunStopped } from '../engine/guard.js';
import { closeTally, openTally, type Tally } from '../engine/verdicts.js';

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

/** What a check body gets: the run's config, the API, and fresh scopes for the clients it creates. */
export class CheckRun implements PropertyRun {
  private static scopes = 0;

  constructor(
    readonly config: RunConfig,
    readonly api: ClientApi,
    readonly family: Family,
  ) {}

  get log(): ExchangeLog {
    return this.api.session.log;
  }

  /** Ends the check as skipped: the API's documents promise nothing to judge here, or the target has nothing to read. */
  skip(reason: string): never {
    throw new SkipCheck(reason);
  }

  /** A scope no other check or property case of this run uses, so lists can be confined to it. */
  scope(): string {
    CheckRun.scopes += 1;
    return `${this.family}-${CheckRun.scopes}`;
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
const prerequisites = new Map<string, Promise<PrerequisiteOutcome>>();

function prerequisiteOutcome(prerequisite: Prerequisite, run: CheckRun): Promise<PrerequisiteOutcome> {
  const key = `${run.config.runTag}:${checkId(prerequisite.family, prerequisite.name)}`;
  let outcome = prerequisites.get(key);
  if (!outcome) {
    outcome = prerequisite.probe(run).then(
      (): PrerequisiteOutcome => ({ ok: true }),
      (error): PrerequisiteOutcome => {
        if (error instanceof SkipCheck) return { ok: 'unknown', reason: error.message };
        if (error instanceof ConformanceFailure) return { ok: false, failure: error };
        throw error;
      },
    );
    prerequisites.set(key, outcome);
  }
  return outcome;
}

interface SuiteEnv {
  readonly config: RunConfig;
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
  const env: SuiteEnv = {
    config,
    family: name,
    run,
    get api() {
      if (!api) throw new Error('adapter not open');
      return api;
    },
  };
  describe(familyBlockName(name, run, runs), () => {
    beforeAll(async () => {
      api = await openClientApi(config);
    });
    afterAll(async () => {
      // Touch only what we created, and delete it as the API deletes, also when checks failed.
      await api?.cleanup().catch(() => undefined);
      const stopped = api?.session.guard?.stopped !== undefined;
      await api?.close();
      // No family runs after the last one, nor after a stop: the run's shared servers go now.
      if (stopped || name === lastFamily(config.families)) await closeRun(config);
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
  it(name, async (ctx) => {
    const meta: CheckMeta = { family: env.family, claim: options.claim, run: env.run, requests: 0 };
    ctx.task.meta.clientele = meta;
    if (options.writes && env.config.readOnly) {
      meta.skipped = 'writes to the target (--read-only)';
      ctx.skip();
      return;
    }
    const api = env.api;
    const log = api.session.log;
    const before = log.total;
    log.clear();
    const redactor = new Redactor(secretsOf(env.config));
    const run = new CheckRun(env.config, api, env.family);
    let blocked: CheckMeta['blocked'] = api.session.guard?.stopped ? { reason: `blocked: ${api.session.guard.stopped}` } : undefined;
    try {
      blocked ??= await blockedBy(options.needs ?? [], run, redactor);
    } catch (error) {
      if (!(error instanceof RunStopped)) throw crashed(meta, error, redactor);
      blocked = { reason: `blocked: ${error.message}` };
    }
    if (blocked) {
      meta.blocked = blocked;
      meta.requests = log.total - before;
      ctx.skip();
      return;
    }
    const tally = openTally(api.session.spec.basis);
    api.session.guard?.startCheck();
    // An interrupt cancels the run: the check stops at its next request instead of running its cases out.
    ctx.signal.addEventListener('abort', () => api.session.guard?.stop('the run was interrupted'), { once: true });
    try {
      log.clear();
      await body(run);
      const [warning] = tally.warnings;
      if (warning) meta.failure = toFailureRecord(warning, env, api, redactor, tally);
    } catch (error) {
      if (error instanceof SkipCheck) {
        meta.skipped = error.message;
        ctx.skip();
        return;
      }
      const stopped = error instanceof PropertyError ? error.cause : error;
      if (stopped instanceof RunStopped) {
        // The run stopped under this check: what it found so far stands only if it was a failure.
        meta.blocked = { reason: `blocked: ${stopped.message}` };
        ctx.skip();
        return;
      }
      if (error instanceof ConformanceFailure) {
        // A broken assumption thrown outside a property (which would have recorded it) is a warning too.
        if (tally.isWarning(error)) {
          tally.warn(error);
          meta.failure = toFailureRecord(tally.warnings[0]!, env, api, redactor, tally);
          return;
        }
        meta.failure = toFailureRecord(error, env, api, redactor, tally);
        throw new Error(redactor.text(`${error.rule}: ${error.message}`), { cause: error });
      }
      throw crashed(meta, error, redactor);
    } finally {
      meta.requests = log.total - before;
      meta.rules = [...tally.rules];
      if (tally.warningCount) meta.warnings = tally.warningCount;
      if (tally.boundary.cases) meta.boundary = { ...tally.boundary, ms: Math.round(tally.boundary.ms) };
      if (tally.rateLimit.retries) meta.rateLimit = { ...tally.rateLimit };
      closeTally();
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

const MAX_REPRODUCTION_STEPS = 60;
const MAX_BODY_EXCERPT = 4096;

/** The answer that broke the rule: its status, the headers a reader needs, and the body's first 4 KiB. */
function excerpt(exchange: Exchange | undefined): ResponseExcerpt | undefined {
  if (!exchange) return undefined;
  const response = exchange.response;
  if (!response)
    return exchange.transportError
      ? { headers: {}, body: '', truncated: false, transportError: exchange.transportError.message }
      : undefined;
  const headers = redactHeaders(
    Object.fromEntries(Object.entries(response.headers ?? {}).filter(([name]) => SHOWN_HEADERS.includes(name))),
  );
  return {
    ...(response.httpStatus !== undefined ? { httpStatus: response.httpStatus } : {}),
    ...(headers['content-type'] ? { contentType: headers['content-type'] } : {}),
    headers,
    body: detachedPrefix(response.body, MAX_BODY_EXCERPT),
    truncated: response.truncated || response.body.length > MAX_BODY_EXCERPT,
    ...(response.rpcErrorCode !== undefined ? { rpcErrorCode: response.rpcErrorCode } : {}),
    ...(exchange.transportError ? { transportError: exchange.transportError.message } : {}),
  };
}

/** The excerpt as it may leave the check: the target's body, headers and error text with every secret redacted. */
function redactExcerpt(response: ResponseExcerpt, redactor: Redactor): ResponseExcerpt {
  const headers = Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, redactor.text(value)]));
  return {
    ...response,
    headers,
    ...(response.contentType !== undefined ? { contentType: redactor.text(response.contentType) } : {}),
    body: redactor.text(response.body),
    ...(response.transportError !== undefined ? { transportError: redactor.text(response.transportError) } : {}),
  };
}

/** An exchange as `clientele replay` sends it again: redacted, its answer's body cut at 4 KiB. */
function recordedStep(exchange: Exchange, redactor: Redactor): RecordedStep {
  const { request, response } = exchange;
  return {
    operation: exchange.operation,
    request: {
      ...request,
      ...(request.url !== undefined ? { url: redactor.text(request.url) } : {}),
      ...(request.body !== undefined ? { body: redactor.text(request.body) } : {}),
      ...(request.headers
        ? { headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, redactor.text(value)])) }
        : {}),
    },
    ...(exchange.expect ? { expect: exchange.expect } : {}),
    ...(response
      ? {
          answer: {
            ...(response.httpStatus !== undefined ? { httpStatus: response.httpStatus } : {}),
            ...(response.rpcErrorCode !== undefined ? { rpcErrorCode: response.rpcErrorCode } : {}),
            ...(response.toolError ? { toolError: true } : {}),
            body: redactor.text(detachedPrefix(response.body, MAX_BODY_EXCERPT)),
            truncated: response.truncated || response.body.length > MAX_BODY_EXCERPT,
          },
        }
      : {}),
    ...(exchange.transportError ? { transportError: redactor.text(exchange.transportError.message) } : {}),
  };
}

function toFailureRecord(failure: ConformanceFailure, env: SuiteEnv, api: ClientApi, redactor: Redactor, tally: Tally): FailureRecord {
  const fromProperty = failure instanceof PropertyFailure;
  let exchanges: readonly Exchange[] =
    fromProperty || tally.warnings.includes(failure) ? (failure.details.exchanges ?? []) : api.session.log.snapshot();
  if (exchanges.length === 0) exchanges = failure.details.exchanges ?? [];
  const seed = fromProperty ? failure.seed : env.config.seed;
  const basis = failure.basisIn(api.session.spec.basis);
  const culprit = failure.details.exchanges?.at(-1) ?? exchanges.at(-1);
  const serverLog = api.session.serverLog();
  const cut = excerpt(culprit);
  const shown = exchanges.slice(-MAX_REPRODUCTION_STEPS);
  // The log keeps redacted copies of the exchanges a failure holds; the request object is the same one.
  const failingStep = culprit ? shown.map((exchange) => exchange.request).lastIndexOf(culprit.request) : -1;
  const response = cut && serverLog ? { ...cut, serverLog } : cut;
  return {
    rule: failure.rule,
    basisRule: failure.basisRule,
    severity: severityOf(basis),
    basis,
    operation: failure.details.operation ?? exchanges.at(-1)?.operation,
    message: redactor.text(failure.message),
    expected: redactor.optional(failure.details.expected),
    actual: redactor.optional(failure.details.actual),
    seed,
    path: fromProperty && failure.path ? failure.path : undefined,
    counterexample: fromProperty ? redactor.optional(failure.counterexample) : undefined,
    ...(failure.details.boundary ? { boundary: failure.details.boundary } : {}),
    ...(response ? { response: redactExcerpt(response, redactor) } : {}),
    reproduction: {
      steps: shown.map((exchange) => api.session.reproduce(exchange)),
      replay: `${env.config.replayPrefix} --seed ${seed} --only ${env.family}`,
      exchanges: shown.map((exchange) => recordedStep(exchange, redactor)),
      ...(failingStep >= 0 ? { failingStep } : {}),
    },
  };
}
