/**
 * The one place the engine meets vitest. `family()` opens the adapter for a suite file; `check()` is a
 * vitest test that turns what its body throws into a typed result in the task's meta, which the
 * runner's reporter reads. Suites import only this module, the model and fast-check.
 */
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { openApi } from '../adapters/index.js';
import type { ClientApi } from '../adapters/types.js';
import type { Family, FailureRecord } from '../reports/model.js';
import { CheckRun, SkipCheck } from './check-run.js';
import type { RunConfig } from './config.js';
import type { Exchange } from './exchange.js';
import { ConformanceFailure, TargetUnreachableError, describeError } from './failures.js';
import { PropertyError, PropertyFailure } from './property.js';
import { redactText, secretsOf } from './redact.js';

/** What a check leaves for the reporter. JSON only: it crosses from the worker to the main process. */
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
      api = await openApi(config);
    });
    afterAll(async () => {
      // Touch only what we created, and leave it soft-deleted, also when checks failed.
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
    const before = api.log.total;
    api.log.clear();
    try {
      await body(new CheckRun(env.config, api, env.family, name));
    } catch (error) {
      if (error instanceof SkipCheck) {
        meta.skipped = error.message;
        ctx.skip();
        return;
      }
      const secrets = secretsOf(env.config);
      if (error instanceof ConformanceFailure) {
        meta.failure = toFailureRecord(error, env, name, api);
        throw new Error(redactText(`${error.rule}: ${error.message}`, secrets));
      }
      const cause = error instanceof PropertyError ? error.cause : error;
      const seedNote = error instanceof PropertyError ? ` (seed ${error.seed}, path ${error.path})` : '';
      meta.error = {
        kind: cause instanceof TargetUnreachableError ? 'unreachable' : 'internal',
        message: redactText(describeError(cause) + seedNote, secrets),
      };
      throw new Error(meta.error.message);
    } finally {
      meta.requests = api.log.total - before;
    }
  });
}

const MAX_REPRODUCTION_STEPS = 60;

function toFailureRecord(failure: ConformanceFailure, env: SuiteEnv, name: string, api: ClientApi): FailureRecord {
  const secrets = secretsOf(env.config);
  const fromProperty = failure instanceof PropertyFailure;
  let exchanges: readonly Exchange[] = fromProperty ? failure.details.exchanges ?? [] : api.log.snapshot();
  if (exchanges.length === 0) exchanges = failure.details.exchanges ?? [];
  const steps = exchanges.slice(-MAX_REPRODUCTION_STEPS).map((exchange) => api.reproduce(exchange));
  const seed = fromProperty ? failure.seed : env.config.seed;
  const redact = (text: string | undefined) => (text === undefined ? undefined : redactText(text, secrets));
  return {
    rule: failure.rule,
    operation: failure.details.operation ?? exchanges.at(-1)?.operation,
    message: redact(failure.message)!,
    expected: redact(failure.details.expected),
    actual: redact(failure.details.actual),
    seed,
    path: fromProperty ? failure.path : undefined,
    counterexample: fromProperty ? redact(failure.counterexample) : undefined,
    reproduction: {
      curl: steps.map((s) => redactText(s.command, secrets)),
      bodies: steps.map((s) => redactText(s.body ?? '', secrets)),
      replay: `${env.config.replayPrefix} --seed ${seed} --only ${env.family}`,
    },
  };
}
