/**
 * HTTP through one undici keep-alive pool per origin, with a per-request deadline and a response-size
 * cap: a target that hangs, trickles or sends an endless body yields a transport error, never a hang.
 * A 429 or 503 with Retry-After is waited out and retried, a 429 without it after a short back-off,
 * within a bound; the run's window keeps fewer requests in flight while the target pushes back, and
 * `ratePerSecond` paces every request (a vendor's production API deserves it).
 */
import { createRequire } from 'node:module';
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher, Pool as UndiciPool, errors as UndiciErrors } from 'undici';
import {
  contentTypeOf,
  type Auth,
  type ReproductionStep,
  type TransportError,
  type WireRequest,
  type WireResponse,
} from '../../engine/exchange.js';
import type { CredentialResolver, SendOptions, Transport, TransportOutcome } from '../../engine/transport.js';
import { InternalError } from '../../engine/failures.js';
import { toCurl } from './curl.js';
import { inWindow, sleep } from '../wait.js';
import { isSlow, type WindowPermit } from '../../engine/pacing.js';
import { plural } from '../../engine/words.js';

// undici's index loads all of undici (fetch, WebSocket, caches, mocks): about 40 ms of every thread
// that starts a run, for the pool and the errors this transport uses. Both modules are CommonJS that
// export the class, and the error classes, themselves.
const require = createRequire(import.meta.url);
const Pool = require('undici/lib/dispatcher/pool.js') as typeof UndiciPool;
type Pool = UndiciPool;
const undiciErrors = require('undici/lib/core/errors.js') as typeof UndiciErrors;

export interface HttpLimits {
  /** Whole request, headers and body included. */
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  readonly connections: number;
  /** How often a 429 (or a 503 with Retry-After) is retried before the answer stands (default 3). */
  readonly retries?: number;
  /** The longest Retry-After honoured (default 30 s); a longer one is not waited for. */
  readonly maxRetryAfterMs?: number;
  /** Requests per second at most; absent: as fast as the target answers. */
  readonly ratePerSecond?: number;
  /** The first wait before retrying a 429 without Retry-After (default 500 ms), doubled at each retry. */
  readonly backoffMs?: number;
}

const DEFAULT_HTTP_LIMITS: HttpLimits = { timeoutMs: 10_000, maxBodyBytes: 8 * 1024 * 1024, connections: 4 };

/** Retry-After as milliseconds: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

// Only these mean "nothing there" (exit 3). A reset or a closed socket mid-response is the target
// misbehaving, which is a conformance failure.
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function classify(error: unknown, timeoutMs: number): TransportError {
  const err = error as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code ?? '';
  if (
    err.name === 'TimeoutError' ||
    err.name === 'AbortError' ||
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  ) {
    return { kind: 'timeout', message: `no complete response within ${timeoutMs} ms` };
  }
  if (CONNECTION_CODES.has(code)) return { kind: 'connection', message: `${code}: ${err.message ?? 'connection failed'}` };
  return { kind: 'protocol', message: `${code ? `${code}: ` : ''}${err.message ?? String(error)}` };
}

export class HttpTransport implements Transport {
  private readonly pools = new Map<string, Pool>();
  private readonly watched = new WeakSet<AbortSignal>();
  requests = 0;
  private nextSlot = 0;

  constructor(readonly limits: HttpLimits = DEFAULT_HTTP_LIMITS) {}

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.limits.connections,
        keepAliveTimeout: 10_000,
        headersTimeout: this.limits.timeoutMs,
        bodyTimeout: this.limits.timeoutMs,
        connect: { timeout: this.limits.timeoutMs },
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /**
   * Sends, paced to `ratePerSecond`, within the run's window of requests in flight (`options.window`),
   * which hears of every answer the target pushed back (429, 503). A refusal that says when to come
   * back (Retry-After, up to the cap) is retried then; a 429 that does not say is retried after a short
   * back-off that doubles (429 means too many requests, whoever sends it); a 503 without Retry-After
   * stands, as the answer judged. Up to `retries` times; the outcome counts the retries, the time waited
   * and the pushback. When the target still refuses, the last answer stands with a transport error
   * that says so.
   */
  async send(request: WireRequest, credentials?: CredentialResolver, options: SendOptions = {}): Promise<TransportOutcome> {
    return inWindow(options, (permit) => this.sendRetrying(request, credentials, options, permit));
  }

  /** One request, its retries and their waits, holding `permit` (the run's window, when it has one). */
  private async sendRetrying(
    request: WireRequest,
    credentials: CredentialResolver | undefined,
    options: SendOptions,
    permit: WindowPermit | undefined,
  ): Promise<TransportOutcome> {
    const retries = this.limits.retries ?? 3;
    const cap = Math.min(this.limits.maxRetryAfterMs ?? 30_000, options.timeoutMs ?? Infinity);
    // Each attempt's deadline: the run's, or what is left of the time a request was given when that is less.
    const timeoutMs = Math.min(this.limits.timeoutMs, options.timeoutMs ?? Infinity);
    let waitedMs = 0;
    let pushedBack = 0;
    for (let attempt = 0; ; attempt++) {
      if (this.limits.ratePerSecond) await this.pace();
      permit?.sending();
      const outcome = await this.sendOnce(request, credentials, options, timeoutMs);
      const status = outcome.response?.httpStatus;
      const refused = status === 429 || status === 503;
      permit?.answered(refused ? 'pushed-back' : isSlow(outcome.elapsedMs, timeoutMs) ? 'slow' : 'accepted');
      if (refused) pushedBack += 1;
      const counted = { ...(attempt ? { retries: attempt, waitedMs } : {}), ...(pushedBack ? { pushedBack } : {}) };
      if (!refused) return { ...outcome, ...counted };
      const told = retryAfterMs(outcome.response?.headers?.['retry-after']);
      const wait = told ?? (status === 429 ? this.backoff(attempt) : undefined);
      if (wait === undefined) return { ...outcome, ...counted };
      if (attempt >= retries || wait > cap || options.signal?.aborted) {
        const why =
          wait > cap
            ? `asked to wait ${Math.round(wait / 1000)} s, more than the ${Math.round(cap / 1000)} s clientele waits`
            : `still ${status} after ${plural(attempt, 'retry', 'retries')}`;
        return {
          ...outcome,
          retries: attempt,
          waitedMs,
          pushedBack,
          transportError: {
            kind: 'rate-limited',
            message: `the target is rate limiting: ${why} (${told === undefined ? 'no Retry-After; backed off' : 'Retry-After'})`,
          },
        };
      }
      await sleep(wait, options.signal);
      waitedMs += wait;
    }
  }

  /** The wait before retry `attempt + 1` of a 429 that does not say how long: short, doubling. */
  private backoff(attempt: number): number {
    return (this.limits.backoffMs ?? 500) * 2 ** attempt;
  }

  /** Waits for this request's turn under `ratePerSecond`. */
  private async pace(): Promise<void> {
    const rate = this.limits.ratePerSecond;
    if (!rate) return;
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + 1000 / rate;
    if (slot > now) await sleep(slot - now);
  }

  private async sendOnce(
    request: WireRequest,
    credentials: CredentialResolver | undefined,
    options: SendOptions,
    timeoutMs: number,
  ): Promise<TransportOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 100) / 100;
    this.requests++;
    let url: URL;
    try {
      url = new URL(request.url ?? '');
    } catch {
      return { transportError: { kind: 'protocol', message: `invalid URL ${request.url}` }, elapsedMs: 0 };
    }
    // Resolved outside the try: a credential the run lacks is our error, never a transport error of the target.
    if (request.auth && !credentials) throw new InternalError('a request with a credential was sent without a credential resolver');
    const sent = {
      ...request.headers,
      ...(request.auth && credentials ? { authorization: authorization(request.auth, credentials) } : {}),
    };
    // The run's stop ends every exchange in flight at once (`watch`): a signal handed to undici cost
    // each request a listener taken on and off, about 40 us a request in a worker thread.
    const stop = options.signal;
    if (stop?.aborted) return { transportError: classify(stop.reason, timeoutMs), elapsedMs: elapsed() };
    if (stop) this.watch(stop);
    // One deadline for the whole exchange: undici's headersTimeout bounds the wait for headers, then
    // what is left of it the body (bodyTimeout bounds only the wait between chunks: a body can drip).
    const wait = Math.max(1, timeoutMs);
    try {
      const answer = await exchange(
        this.pool(url.origin),
        {
          path: url.pathname + url.search,
          method: request.method,
          headers: sent,
          body: request.body,
          headersTimeout: wait,
          bodyTimeout: wait,
        },
        this.limits.maxBodyBytes,
        started + wait,
        timeoutMs,
      );
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      }
      const chunks = answer.chunks;
      const response: WireResponse = {
        httpStatus: answer.status,
        headers,
        body: UTF8.decode(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)),
        truncated: answer.truncated,
      };
      if (answer.truncated) {
        return {
          response,
          transportError: { kind: 'too-large', message: `response body exceeds ${this.limits.maxBodyBytes} bytes` },
          elapsedMs: elapsed(),
        };
      }
      return { response, elapsedMs: elapsed() };
    } catch (error) {
      return { transportError: classify(error, timeoutMs), elapsedMs: elapsed() };
    }
  }

  /**
   * Ends every request in flight when `signal` aborts (the run stopped): the pools go, with their
   * connections, and the next request (cleanup) opens a new one. Once per signal.
   */
  private watch(signal: AbortSignal): void {
    if (this.watched.has(signal)) return;
    this.watched.add(signal);
    signal.addEventListener(
      'abort',
      () => {
        const pools = [...this.pools.values()];
        this.pools.clear();
        for (const pool of pools) void pool.destroy(new undiciErrors.RequestAbortedError()).catch(() => undefined);
      },
      { once: true },
    );
  }

  reproduce(request: WireRequest, credentials: CredentialResolver): ReproductionStep {
    const type = contentTypeOf(request);
    const language = type.includes('xml') ? 'xml' : type.includes('form') ? 'form' : 'json';
    return { kind: 'curl', command: toCurl(request, credentials), ...(request.body !== undefined ? { body: request.body, language } : {}) };
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.destroy().catch(() => undefined)));
  }
}

/** Decodes answers: not fatal (a malformed sequence becomes U+FFFD, judged by the checks), stateless between calls. */
const UTF8 = new TextDecoder('utf-8', { fatal: false });

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  chunks: Buffer[];
  /** The body went past the size cap: the exchange was ended there, and `chunks` hold what came before. */
  truncated: boolean;
}

/**
 * One exchange through undici's dispatch API: the answer's chunks are collected as they arrive, until
 * its end or past `maxBytes` (the exchange is then ended and `truncated` says so). `request()` would
 * wrap every answer in a stream, read back here chunk by chunk: about a tenth of a run's CPU on
 * loopback. undici's headersTimeout bounds the wait for headers; once they are in, a timer ends the
 * exchange at its deadline (`deadlineAt`, on `performance.now()`'s clock), since bodyTimeout bounds only
 * the wait between chunks and a body can drip.
 */
function exchange(
  pool: Pool,
  options: Dispatcher.DispatchOptions,
  maxBytes: number,
  deadlineAt: number,
  timeoutMs: number,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const answer: Answer = { status: 0, headers: {}, chunks: [], truncated: false };
    let size = 0;
    let settled = false;
    let deadline: ReturnType<typeof setTimeout> | undefined;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (error) reject(error);
      else resolve(answer);
    };
    const handler: Dispatcher.DispatchHandler = {
      // undici tells its handler API from the older one by this method: it must be there.
      onRequestStart() {},
      onResponseStart(controller, status, headers) {
        // Called again after a 1xx: the final answer's status and headers are the ones kept.
        answer.status = status;
        answer.headers = headers;
        clearTimeout(deadline);
        deadline = setTimeout(
          () => controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')),
          Math.max(0, deadlineAt - performance.now()),
        );
      },
      onResponseData(controller, chunk) {
        if (settled) return;
        size += chunk.length;
        if (size > maxBytes) {
          answer.truncated = true;
          settle();
          controller.abort(new undiciErrors.ResponseExceededMaxSizeError(`response body exceeds ${maxBytes} bytes`));
          return;
        }
        answer.chunks.push(chunk);
      },
      onResponseEnd: () => settle(),
      onResponseError: (_controller, error) => settle(error),
    };
    try {
      pool.dispatch(options, handler);
    } catch (error) {
      settle(error as Error);
    }
  });
}

/** The Authorization header value of a credential reference, resolved at send time. */
export function authorization(auth: Auth, credentials: CredentialResolver): string {
  if (auth.scheme === 'bearer') return `Bearer ${credentials.value(auth.token)}`;
  return `Basic ${Buffer.from(`${credentials.value(auth.user)}:${auth.password}`, 'utf8').toString('base64')}`;
}
