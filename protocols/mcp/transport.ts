/**
 * MCP (JSON-RPC over stdio or Streamable HTTP) through the SDK's Client. The first send connects and
 * performs the initialize handshake; every request then goes through `client.request` with a permissive
 * result schema, and what is recorded is the JSON-RPC response as received (see recorder.ts). Every wait
 * is bounded by our own deadline, told apart from anything the server says: a server's -32001 is its
 * answer, our deadline is `timeout`. Codes that mean "come back later" are retried after a back-off,
 * as is a POST refused with 429 (or a 503 that says when, Retry-After); either is pushback the run's
 * window of requests in flight hears of.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport as SdkTransport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { TargetAddress } from '../../engine/config.js';
import type { ReproductionStep, TransportError, WireRequest } from '../../engine/exchange.js';
import { describeError } from '../../engine/failures.js';
import type { CredentialResolver, SendOptions, Transport, TransportOutcome } from '../../engine/transport.js';
import { inWindow, sleep, within } from '../wait.js';
import { isSlow, type WindowPermit } from '../../engine/pacing.js';
import { classify, rounded } from './bounds.js';
import { HttpSide, type Refusal } from './http.js';
import { Recorder, type Settled } from './recorder.js';
import { GroupStdioTransport } from './stdio.js';
import { CLIENT_INFO, paramsOf, reproduceHttp, reproduceStdio, responseOf } from './wire.js';
import { authorization } from '../http/transport.js';
import { plural } from '../../engine/words.js';

export interface McpLimits {
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  /**
   * JSON-RPC codes that mean "come back later" (FreshBooks MCP: -32004 rate limit, -32002 token expired):
   * retried after a back-off, up to `retries` (default 3) times, counted
   */
  readonly retryCodes?: readonly number[];
  readonly retries?: number;
  /** default 1000, doubled each retry, capped at 30 s */
  readonly backoffMs?: number;
}

const MAX_BACKOFF_MS = 30_000;

/** The SDK's error for a POST the server refused with 429 or 503: the target pushing back. */
function refusedStatus(error: unknown): boolean {
  return error instanceof StreamableHTTPError && (error.code === 429 || error.code === 503);
}

const CLOSE_BOUND_MS = 3000;

interface Connection {
  readonly client: Client;
  readonly recorder: Recorder;
  readonly inner: SdkTransport;
  handshake?: TransportOutcome;
}

export class McpTransport implements Transport {
  private connection?: Connection;
  private connecting?: Promise<Connection | TransportOutcome>;
  private stdio?: GroupStdioTransport;
  private http?: HttpSide;
  private closed = false;
  private closing?: Promise<void>;

  constructor(
    readonly address: TargetAddress,
    readonly limits: McpLimits,
  ) {}

  /** The stdio server's process group id (its shell's pid), once started; undefined over HTTP. */
  get pid(): number | undefined {
    return this.stdio?.pid;
  }

  /** The Transport's name for it: what the stdio server wrote to stderr, the end of it. */
  serverLog(): string {
    return this.stderrTail();
  }

  /** The last ≤16 KiB of the stdio server's stderr (empty over HTTP). */
  stderrTail(): string {
    return this.stdio?.stderrTail() ?? '';
  }

  async send(request: WireRequest, credentials: CredentialResolver, options: SendOptions = {}): Promise<TransportOutcome> {
    const params = paramsOf(request);
    if (this.address.kind === 'url' && request.auth && !this.http?.authorization) {
      this.http ??= this.httpSide();
      this.http.authorization = authorization(request.auth, credentials);
    }
    const timeoutMs = Math.min(this.limits.timeoutMs, options.timeoutMs ?? Infinity);
    const connected = await this.connect(timeoutMs, options.signal);
    if (!('client' in connected)) return connected;
    if (request.method === 'initialize') return connected.handshake!;
    return inWindow(options, (permit) => this.sendRetrying(connected, request.method, params, timeoutMs, options, permit));
  }

  /** One call, its retries and their back-offs, holding `permit` (the run's window, when it has one). */
  private async sendRetrying(
    connected: Connection,
    method: string,
    params: Record<string, unknown> | undefined,
    timeoutMs: number,
    options: SendOptions,
    permit: WindowPermit | undefined,
  ): Promise<TransportOutcome> {
    const codes = new Set(this.limits.retryCodes ?? []);
    const retries = this.limits.retries ?? 3;
    let waitedMs = 0;
    let pushedBack = 0;
    for (let attempt = 0; ; attempt++) {
      permit?.sending();
      const { outcome, refusal } = await this.attempt(connected, method, params, timeoutMs, options.signal);
      const code = outcome.response?.rpcErrorCode;
      const later = code !== undefined && codes.has(code);
      permit?.answered(later || refusal !== undefined ? 'pushed-back' : isSlow(outcome.elapsedMs, timeoutMs) ? 'slow' : 'accepted');
      if (later || refusal) pushedBack += 1;
      const counted = { ...(attempt ? { retries: attempt, waitedMs } : {}), ...(pushedBack ? { pushedBack } : {}) };
      // A come-back-later code, or a POST refused with 429 (a 503 only when it says when).
      const wait = later ? this.backoff(attempt) : (refusal?.retryAfterMs ?? (refusal?.status === 429 ? this.backoff(attempt) : undefined));
      if (wait === undefined || (outcome.transportError && !refusal)) return { ...outcome, ...counted };
      const cap = Math.min(MAX_BACKOFF_MS, options.timeoutMs ?? Infinity);
      if (attempt >= retries || options.signal?.aborted || wait > cap) {
        const what = refusal ? `HTTP ${refusal.status}` : String(code);
        const message =
          wait > cap
            ? `the server answers ${what} and asks to wait ${Math.round(wait / 1000)} s, more than the ${Math.round(cap / 1000)} s clientele waits`
            : `the server still answers ${what} (come back later) after ${plural(attempt, 'retry', 'retries')}`;
        return { ...outcome, retries: attempt, waitedMs, pushedBack, transportError: { kind: 'rate-limited', message } };
      }
      const started = performance.now();
      await sleep(wait, options.signal);
      waitedMs += Math.round(performance.now() - started);
    }
  }

  /** The wait before retry `attempt + 1`: doubling from `backoffMs`, capped. */
  private backoff(attempt: number): number {
    return Math.min((this.limits.backoffMs ?? 1000) * 2 ** attempt, MAX_BACKOFF_MS);
  }

  /** One request and its answer, as received, within the deadline; `refusal`: its POST was refused with 429 or 503. */
  private async attempt(
    conn: Connection,
    method: string,
    params: Record<string, unknown> | undefined,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<{ outcome: TransportOutcome; refusal?: Refusal }> {
    const problem = conn.recorder.takeProblem() ?? conn.recorder.dead;
    if (problem) return { outcome: { transportError: problem, elapsedMs: 0 } };
    const started = performance.now();
    const waiter = conn.recorder.arm(method);
    const abort = new AbortController();
    // The SDK's own timeout (an McpError -32001, the code of a FreshBooks answer) is set past ours and never read.
    conn.client
      .request({ method, ...(params ? { params } : {}) }, ResultSchema, { timeout: 2 * timeoutMs + 1000, signal: abort.signal })
      .then(
        () => undefined,
        (error: unknown) => waiter.settle({ error }),
      );
    const settled = await within(waiter.done, timeoutMs, signal);
    const elapsedMs = rounded(started);
    if (!('value' in settled)) {
      conn.recorder.release(waiter, true);
      abort.abort(new Error('clientele stopped waiting')); // the SDK tells the server: notifications/cancelled
      const message =
        'timeout' in settled ? `no complete response within ${timeoutMs} ms` : 'the send was aborted before a complete response';
      return { outcome: { transportError: { kind: 'timeout', message }, elapsedMs } };
    }
    // Read before the release, which forgets it.
    const refusal = 'error' in settled.value && refusedStatus(settled.value.error) ? this.http?.refusal(waiter.id) : undefined;
    conn.recorder.release(waiter, !('message' in settled.value));
    if ('problem' in settled.value) abort.abort(new Error('clientele stopped waiting'));
    return { outcome: { ...this.outcomeOf(settled.value), elapsedMs }, ...(refusal ? { refusal } : {}) };
  }

  private outcomeOf(settled: Settled): Omit<TransportOutcome, 'elapsedMs'> {
    if ('message' in settled) return responseOf(settled.message, this.limits.maxBodyBytes);
    if ('problem' in settled) return { transportError: settled.problem };
    return { transportError: classify(settled.error) };
  }

  private httpSide(): HttpSide {
    return new HttpSide({
      maxBodyBytes: this.limits.maxBodyBytes,
      oversize: (ids, limit) => this.connection?.recorder.fail(ids, { kind: 'too-large', message: `the answer exceeds ${limit} bytes` }),
    });
  }

  /** The live connection, or the outcome that says why there is none. A failed connection stays failed. */
  private connect(timeoutMs: number, signal?: AbortSignal): Promise<Connection | TransportOutcome> {
    if (this.closed)
      return Promise.resolve({ transportError: { kind: 'connection', message: 'the MCP transport is closed' }, elapsedMs: 0 });
    this.connecting ??= this.open(timeoutMs, signal).then((result) => {
      // Cut short by the caller (an interrupt, a shorter deadline than ours): the next send may try again.
      if (!('client' in result) && (signal?.aborted || timeoutMs < this.limits.timeoutMs)) this.connecting = undefined;
      return result;
    });
    return this.connecting;
  }

  private async open(timeoutMs: number, signal?: AbortSignal): Promise<Connection | TransportOutcome> {
    const started = performance.now();
    let inner: SdkTransport;
    try {
      if (this.address.kind === 'command')
        inner = this.stdio = new GroupStdioTransport(this.address.command, this.limits.maxBodyBytes + 64 * 1024);
      else {
        this.http ??= this.httpSide();
        inner = new StreamableHTTPClientTransport(new URL(this.address.url), { fetch: this.http.fetch });
      }
    } catch (error) {
      return { transportError: { kind: 'connection', message: describeError(error) }, elapsedMs: 0 };
    }
    const stdio = this.stdio;
    const recorder = new Recorder(inner, {
      maxBodyBytes: this.limits.maxBodyBytes,
      describeLoss: () => stdio?.describe() ?? '',
      released: (id, abandoned) => this.http?.released(id, abandoned),
    });
    const client = new Client({ ...CLIENT_INFO }, { capabilities: {} });
    client.onerror = () => undefined; // the recorder hears every error first and reports what matters
    const conn: Connection = { client, recorder, inner };
    this.connection = conn;
    const waiter = recorder.arm('initialize');
    const handshake = client.connect(recorder, { timeout: 2 * timeoutMs + 1000 }).then(() => ({ connected: true as const }));
    // Settles on the first of: the handshake done or failed, a problem the recorder saw (garbage, a wrong id, the server gone).
    // (When the Client gives up on a failed handshake it closes the transport: its own error says why, not that.)
    const problem = waiter.done.then((settled) =>
      'message' in settled || recorder.closing ? new Promise<never>(() => undefined) : settled,
    );
    const result = await within(Promise.race([handshake, problem]), timeoutMs, signal);
    const elapsedMs = rounded(started);
    const answered =
      waiter.settled && 'message' in waiter.settled ? responseOf(waiter.settled.message, this.limits.maxBodyBytes) : undefined;
    if ('value' in result && 'connected' in result.value && answered && !this.closed) {
      conn.handshake = { ...answered, elapsedMs };
      recorder.release(waiter, false);
      return conn;
    }
    const note = stdio?.describe();
    let failure: TransportError;
    if ('timeout' in result)
      failure = { kind: 'connection', message: `no answer to initialize within ${timeoutMs} ms${note ? `; ${note}` : ''}` };
    else if ('aborted' in result) failure = { kind: 'timeout', message: 'the send was aborted before the MCP handshake completed' };
    else if ('problem' in result.value) failure = result.value.problem;
    else {
      const why = 'error' in result.value ? classify(result.value.error).message : 'the handshake did not complete';
      failure = { kind: 'connection', message: `initialize failed: ${why}${note && !why.includes(note) ? `; ${note}` : ''}` };
    }
    await this.teardown(conn);
    return { ...(answered ? { response: answered.response } : {}), transportError: failure, elapsedMs };
  }

  private async teardown(conn: Connection): Promise<void> {
    conn.recorder.closing = true;
    if (conn.inner instanceof StreamableHTTPClientTransport && conn.inner.sessionId) {
      await within(
        conn.inner.terminateSession().catch(() => undefined),
        1000,
      );
    }
    await within(
      conn.client.close().catch(() => undefined),
      CLOSE_BOUND_MS,
    );
    await within(
      conn.inner.close().catch(() => undefined),
      CLOSE_BOUND_MS,
    );
  }

  reproduce(request: WireRequest, credentials: CredentialResolver): ReproductionStep {
    const recorder = this.connection?.recorder;
    if (this.address.kind === 'command') return reproduceStdio(request, recorder?.initializeRequest);
    return reproduceHttp(request, credentials, this.address.url, {
      sessionId: recorder?.sessionId,
      protocolVersion: recorder?.protocolVersion,
      initialize: recorder?.initializeRequest,
    });
  }

  /** Closes the client and, over stdio, kills the server's whole process group. Idempotent, bounded. */
  close(): Promise<void> {
    this.closed = true;
    this.closing ??= (async () => {
      const conn = this.connection;
      if (conn) await this.teardown(conn);
      if (this.stdio) await this.stdio.close();
      await this.http?.close();
    })();
    return this.closing;
  }
}
