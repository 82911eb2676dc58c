/**
 * The one place the suites meet vitest. `family()` opens the API for a suite file; `check()` is a
 * vitest test that turns what its body throws into a typed result in the task's meta, which the
 * runner's collector reads. Suite files import this module, the port, the model and fast-check.
 */
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { openClientApi } from '../apis/open.js';
import type { ClientApi } from '../adapters/port.js';
import type { RunConfig } from '../engine/config.js';
import type { Exchange } from '../engine/exchange.js';
import type { ExchangeLog } from '../engine/exchange-log.js';
import type { Family } from '../engine/families.js';
import { ConformanceFailure, TargetUnreachableError, describeError } from '../engine/failures.js';
import { PropertyError, PropertyFailure, type PropertyRun } from '../engine/property.js';
import type { FailureRecord } from '../engine/records.js';
import { Redactor } from '../engine/redact.js';
import { secretsOf } from '../engine/config.js';

/** What a check leaves for the collector. JSON only: it crosses from the worker to the main process. */
export interface CheckMeta {
  family: Family;
  requests: number;
  failure?: FailureRecord;
  /** Set when the check could not judge the target: it crashed, or the target went away. */
  error?: { kind: 'internal' | 'unreachable'; message: string };
  skipped?: string;
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

export interface SuiteEnv {
  readonly config: RunConfig;
  readonly family: Family;
  /** Opened before the first check of the file, closed (after cleanup) after the last. */
  readonly api: ClientApi;
}

export interface CheckOptions {
  /** Creates, updates or deletes on the target: skipped under `--read-only`. */
  readonly writes: boolean;
}

export function family(name: Family, define: (env: SuiteEnv) => void): void {
  const config = inject('clientele');
  let api: ClientApi | undefined;
  const env: SuiteEnv = {
    config,
    family: name,
    get api() {
      if (!api) throw new Error('adapter not open');
      return api;
    },
  };
  describe(name, () => {
    beforeAll(async () => {
      api = await openClientApi(config);
    });
    afterAll(async () => {
      // Touch only what we created, and delete it as the API deletes, also when checks failed.
      await api?.cleanup().catch(() => undefined);
      await api?.close();
    });
    define(env);
  });
}

export function check(env: SuiteEnv, name: string, options: CheckOptions, body: (run: CheckRun) => Promise<void>): void {
  it(name, async (ctx) => {
    const meta: CheckMeta = { family: env.family, requests: 0 };
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
    try {
      await body(new CheckRun(env.config, api, env.family));
    } catch (error) {
      if (error instanceof SkipCheck) {
        meta.skipped = error.message;
        ctx.skip();
        return;
      }
      if (error instanceof ConformanceFailure) {
        meta.failure = toFailureRecord(error, env, api, redactor);
        throw new Error(redactor.text(`${error.rule}: ${error.message}`));
      }
      const cause = error instanceof PropertyError ? error.cause : error;
      const seedNote = error instanceof PropertyError ? ` (seed ${error.seed}, path ${error.path})` : '';
      meta.error = {
        kind: cause instanceof TargetUnreachableError ? 'unreachable' : 'internal',
        message: redactor.text(describeError(cause) + seedNote),
      };
      throw new Error(meta.error.message);
    } finally {
      meta.requests = log.total - before;
    }
  });
}

const MAX_REPRODUCTION_STEPS = 60;

function toFailureRecord(failure: ConformanceFailure, env: SuiteEnv, api: ClientApi, redactor: Redactor): FailureRecord {
  const fromProperty = failure instanceof PropertyFailure;
  let exchanges: readonly Exchange[] = fromProperty ? failure.details.exchanges ?? [] : api.session.log.snapshot();
  if (exchanges.length === 0) exchanges = failure.details.exchanges ?? [];
  const seed = fromProperty ? failure.seed : env.config.seed;
  return {
    rule: failure.rule,
    operation: failure.details.operation ?? exchanges.at(-1)?.operation,
    message: redactor.text(failure.message),
    expected: redactor.optional(failure.details.expected),
    actual: redactor.optional(failure.details.actual),
    seed,
    path: fromProperty ? failure.path : undefined,
    counterexample: fromProperty ? redactor.optional(failure.counterexample) : undefined,
    reproduction: {
      steps: exchanges.slice(-MAX_REPRODUCTION_STEPS).map((exchange) => api.session.reproduce(exchange)),
      replay: `${env.config.replayPrefix} --seed ${seed} --only ${env.family}`,
    },
  };
}
