/**
 * The engine-owned session: the only way an adapter reaches its target. `call` sends a message through
 * the transport, records the exchange (searched for an echoed credential), verifies it against the spec
 * view with the case's expectation, and hands back the decoded answer. An adapter describes messages;
 * it cannot skip the record or the verification.
 */
import type { SpecView } from './checks/types.js';
import type { Credential } from './config.js';
import {
  detachedPrefix,
  type Exchange,
  type Expectation,
  type Outcome,
  type ReproductionStep,
  type WireRequest,
  type WireResponse,
} from './exchange.js';
import { ExchangeLog } from './exchange-log.js';
import { Once } from './memo.js';
import { ConformanceFailure } from './failures.js';
import { redactorFor, type Redactor } from './redact.js';
import { resolverOf, type CredentialResolver, type Transport, type TransportOutcome } from './transport.js';
import { RunStopped, type Lateness, type Reception, type RunGuard } from './guard.js';
import type { RunContext } from './run-context.js';
import { Tally } from './verdicts.js';
import { verifyExchange } from './verify.js';

/** How much of a body the log keeps: a hostile 8 MiB body must not stay in memory two thousand times over. */
const KEPT_BODY = 64 * 1024;
/**
 * How much of a body is searched for an echoed credential. Past it nothing of the body is kept or
 * shown, and a scan of a hostile 8 MiB body (every alignment of every base64 run) costs more than the
 * run can spend on each answer.
 */
const ECHO_SCAN = 1024 * 1024;

export interface Answer {
  readonly exchange: Exchange;
  /** The decoded body, when the spec documents one for this answer and it parsed. */
  readonly body: unknown;
  /** The verdict the answer carries (HTTP status aside), when the protocol has one. */
  readonly outcome?: Outcome;
  readonly httpStatus?: number;
}

export class Session {
  readonly log = new ExchangeLog();
  readonly redactor: Redactor;
  private readonly resolver: CredentialResolver;
  /**
   * The last answer's unmet expectation, when it was only a warning: an adapter that then finds no
   * envelope to read has met the same assumed behaviour, not a new broken promise.
   */
  private unmet?: ConformanceFailure;
  /** What the check sending through this session judged: the rules, the broken assumptions. */
  private judged?: Tally;
  private sent = 0;
  /** What this session and its siblings prepared (`prepare`): one map for the sessions of one check. */
  private readonly prepared: Once;

  /**
   * `context`: the run this session belongs to (its guard bounds it); absent (unit tests): unbounded.
   * `tally`: where what it judges is counted; a session of a run counts in a tally of its own unless
   * it serves a check that has one already (a second target the check opens). `sibling`: a session
   * of the same check (the check's own, for a lane of its property cases), whose preparations this
   * one shares.
   */
  constructor(
    private readonly transport: Transport,
    readonly spec: SpecView,
    credentials: readonly Credential[],
    readonly context?: RunContext,
    tally?: Tally,
    sibling?: Session,
  ) {
    this.redactor = redactorFor(credentials.filter((c) => c.secret && c.value).map((c) => c.value));
    this.resolver = resolverOf(credentials);
    this.judged = tally ?? (context ? new Tally(spec.basis) : undefined);
    this.prepared = sibling?.prepared ?? new Once();
  }

  /**
   * What `make` fetches once for this session and its siblings, whichever asks first: an adapter's
   * reading of what the target advertises, say. A check's requests then do not depend on how many
   * lanes its cases ran on (`--concurrency`): the fetch counts in the check whichever lane sends it.
   */
  prepare<T>(key: string, make: () => Promise<T>): Promise<T> {
    return this.prepared.get(key, make);
  }

  get guard(): RunGuard | undefined {
    return this.context?.guard;
  }

  /** The tally of the check sending through this session. */
  get tally(): Tally | undefined {
    return this.judged;
  }

  /** A fresh tally, from now on (replay judges each step apart). */
  newTally(): Tally {
    this.judged = new Tally(this.spec.basis);
    return this.judged;
  }

  /** Sends, records and verifies one message; throws ConformanceFailure when the answer breaks a rule. */
  call(operation: string, request: WireRequest, expect?: Expectation): Promise<Answer> {
    this.guard?.beforeRequest();
    const cap = this.guard?.limits.requestsPerCheck;
    if (cap !== undefined && ++this.sent > cap) throw new RunStopped(`the check sent ${cap} requests, its budget, without finishing`);
    return this.dispatch(operation, request, expect);
  }

  private async dispatch(operation: string, request: WireRequest, expect?: Expectation): Promise<Answer> {
    // Unguarded (unit tests): no bounds beyond the transport's. Guarded and out of cleanup time: nothing goes.
    const bounds = this.guard ? this.guard.sendBounds() : {};
    if (!bounds) throw new RunStopped(`${this.guard?.stopped}; no time was left to clean up`);
    const window = this.context?.window;
    const outcome = await this.transport.send(request, this.resolver, window ? { ...bounds, window } : bounds);
    const answeredAt = performance.now();
    // Cut short by an interrupt: the check is blocked, not failed for an answer it never waited for.
    if (bounds.signal?.aborted) {
      this.context?.logRequest(operation, request, outcome.elapsedMs, answeredAt, NO_WORK);
      throw new RunStopped(this.guard!.stopped!);
    }
    this.guard?.afterRequest(latenessOf(outcome), outcome.elapsedMs, receptionOf(outcome));
    const kept = outcome.response && this.keep(outcome.response);
    // Judged and kept as it came: redaction could cut into the target's own data (an id, a uuid that
    // happens to hold a piece of a token) and fail it for our sake. Every record that leaves a check
    // (its failure's record, the report writer) is redacted.
    const exchange: Exchange = {
      operation,
      request,
      ...(expect ? { expect } : {}),
      response: outcome.response,
      transportError: outcome.transportError,
      elapsedMs: outcome.elapsedMs,
      ...(outcome.retries ? { retries: outcome.retries, waitedMs: outcome.waitedMs ?? 0 } : {}),
    };
    this.log.add(kept && kept.response !== exchange.response ? { ...exchange, response: kept.response } : exchange);
    const tally = this.tally;
    tally?.evaluated('credential-echo');
    if (kept?.echoed) {
      tally?.warn(
        new ConformanceFailure(
          'credential-echo',
          `${operation} answered with a credential of the run (or a piece of one) in its headers or body`,
          {
            operation,
            expected: 'no credential in an answer',
            actual: 'a credential, redacted here',
            exchanges: [exchange],
          },
        ),
      );
    }
    const recorded = performance.now();
    let verified: ReturnType<typeof verifyExchange> | undefined;
    try {
      verified = verifyExchange(this.spec, exchange, { operation, expect }, tally);
    } finally {
      const checked = performance.now();
      // What the exchange exercised counts whatever its verdict (coverage): a refused call was still made.
      const exercised = tally && this.spec.exercised?.(exchange, verified?.body);
      if (exercised) tally!.surface.add(exercised);
      const decodeMs = verified?.decodeMs ?? 0;
      this.context?.logRequest(operation, request, outcome.elapsedMs, answeredAt, {
        recordMs: recorded - answeredAt,
        decodeMs,
        checksMs: checked - recorded - decodeMs,
        coverageMs: performance.now() - checked,
      });
    }
    const { body, warnings } = verified;
    for (const warning of warnings) tally?.warn(warning);
    if (exchange.retries) tally?.rateLimited(exchange.retries, exchange.waitedMs ?? 0);
    this.unmet = warnings.find((warning) => expect !== undefined && warning.basisRule === expect.rule);
    const response = exchange.response;
    return { exchange, body, httpStatus: response?.httpStatus, outcome: response && this.spec.outcome(response, body) };
  }

  /**
   * As `call`, for work whose answer does not matter (cleanup): recorded and verified, never thrown,
   * and sent even after the guard stopped the run, since cleaning up is what an interrupted run owes.
   */
  async attempt(operation: string, request: WireRequest, expect?: Expectation): Promise<Answer | undefined> {
    // A target that stopped answering would make every cleanup request wait out its deadline: the
    // journal keeps the ids for `clientele cleanup`.
    if (this.guard?.unresponsive) return undefined;
    try {
      return await this.dispatch(operation, request, expect);
    } catch (error) {
      if (error instanceof ConformanceFailure || error instanceof RunStopped) return undefined;
      throw error;
    }
  }

  /** An exchange of the log as it may leave the session: its answer and any transport error redacted. */
  redactedCopy(exchange: Exchange): Exchange {
    const { redactor } = this;
    const { response, transportError } = exchange;
    return {
      ...exchange,
      ...(response
        ? {
            response: {
              ...response,
              ...(response.headers ? { headers: redactor.record(response.headers) } : {}),
              body: redactor.text(response.body),
            },
          }
        : {}),
      ...(transportError ? { transportError: { ...transportError, message: redactor.text(transportError.message) } } : {}),
    };
  }

  /** The shortest thing a person can replay an exchange with; credentials named, never written. */
  reproduce(exchange: Exchange): ReproductionStep {
    const step = this.transport.reproduce(exchange.request, this.resolver);
    return { ...step, command: this.redactor.text(step.command), body: this.redactor.optional(step.body) };
  }

  /** A failure that the answer's shape does not allow what the adapter needs from it (an envelope gap). */
  envelopeGap(operation: string, what: string, actual: unknown): ConformanceFailure {
    if (this.unmet) return this.unmet;
    const last = this.log.last();
    const shown = typeof actual === 'string' ? actual : JSON.stringify(actual);
    return new ConformanceFailure('envelope', `${operation} response has no ${what}`, {
      operation,
      expected: what,
      actual: this.redactor.text(shown?.slice(0, 200) ?? String(actual)),
      exchanges: last ? [last] : [],
    });
  }

  /** The end of what a server the transport started wrote to stderr, redacted; undefined when there is none. */
  serverLog(maxChars = 4096): string | undefined {
    const text = this.transport.serverLog?.();
    return text ? this.redactor.text(text.slice(-maxChars)) : undefined;
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  /**
   * The copy of an answer the log keeps (the body's first `KEPT_BODY` characters, all the log ever
   * shows), and whether the answer carries a credential of the run back: a security finding, since a
   * target that does can leak it to whatever logs its answers. The copy is kept as it came, as the
   * checks judged it: nothing leaves a check but through its failure's record, which redacts it.
   */
  private keep(response: WireResponse): { response: WireResponse; echoed: boolean } {
    const { redactor } = this;
    const cut = response.body.length > KEPT_BODY;
    const kept = cut ? { ...response, body: detachedPrefix(response.body, KEPT_BODY), truncated: true } : response;
    if (redactor.secrets.length === 0) return { response: kept, echoed: false };
    // The header values searched as one text: a line break is in no form of any secret, so no piece
    // of one spans two values.
    const echoed =
      (response.headers !== undefined && redactor.finds(Object.values(response.headers).join('\n'))) ||
      redactor.finds(response.body.length > ECHO_SCAN ? response.body.slice(0, ECHO_SCAN) : response.body);
    return { response: kept, echoed };
  }
}

/** An exchange cut short by an interrupt: clientele did nothing with its answer. */
const NO_WORK = { recordMs: 0, decodeMs: 0, checksMs: 0, coverageMs: 0 } as const;

function latenessOf(outcome: TransportOutcome): Lateness {
  const kind = outcome.transportError?.kind;
  return kind === 'timeout' ? 'timeout' : kind === 'rate-limited' ? 'rate-limited' : 'on-time';
}

/** Pushed back on an attempt; accepted when an answer came that was no refusal (a 429 or 503 that stood, a rate limit past the retries). */
function receptionOf(outcome: TransportOutcome): Reception {
  const status = outcome.response?.httpStatus;
  const refused = status === 429 || status === 503;
  return { pushedBack: (outcome.pushedBack ?? 0) > 0, accepted: !outcome.transportError && outcome.response !== undefined && !refused };
}
