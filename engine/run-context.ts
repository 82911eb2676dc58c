/**
 * Everything one run owns while it runs, in one object passed explicitly: its guard (budget, late
 * answers, interrupts, pace), the redactor for its secrets, the slots its checks take turns on
 * (`--concurrency`), the window its requests in flight keep within (narrowed by pushback), the
 * transports its checks share (one connection pool, one stdio server, one rate limit for the run),
 * what its checks compute once and share (prerequisites' probes), and what must happen when it ends. Two runs in one process share nothing through it; what lives at module
 * level elsewhere is caches of immutable data (parsed specs, spec views, compiled validators).
 */
import { appendFileSync } from 'node:fs';
import type { RunConfig } from './config.js';
import { secretsOf } from './config.js';
import { DEFAULT_GUARD, RunGuard } from './guard.js';
import { Redactor } from './redact.js';
import type { CredentialResolver, SendOptions, Transport, TransportOutcome } from './transport.js';
import type { ReproductionStep, WireRequest } from './exchange.js';
import { Once } from './memo.js';
import { Slots } from './slots.js';
import type { Facet } from './coverage.js';
import { RequestWindow, requestsInFlight } from './pacing.js';

export class RunContext {
  readonly guard: RunGuard;
  readonly redactor: Redactor;
  private readonly transports = new Map<string, Transport>();
  private readonly computed = new Once();
  private readonly closing: (() => Promise<void>)[] = [];
  private readonly requestLines: string[] = [];
  /** The checks that send at once: each takes a slot while it runs (no more than the window while the target pushes back). */
  readonly slots: Slots;
  /** The requests in flight, narrowed while the target pushes back (AIMD), up to the run's concurrency. */
  readonly window: RequestWindow;
  /** The semantic facets the API's documents promise (coverage), set by the first check that opens the API. */
  documentedFacets?: readonly Facet[];

  /** `guard`: bounds other than a run's (a replay, which has no budget, shares one guard over its checks). */
  constructor(
    readonly config: Pick<RunConfig, 'runTag' | 'deadline' | 'timeoutMs' | 'credentials' | 'requestLog'> &
      Partial<Pick<RunConfig, 'concurrency'>>,
    guard?: RunGuard,
  ) {
    this.guard = guard ?? new RunGuard({ ...DEFAULT_GUARD, deadline: config.deadline, slowAnswerMs: config.timeoutMs / 2 });
    this.redactor = new Redactor(secretsOf(config));
    // While the target pushes back, checks begin only as the window allows: the run finishes what it
    // began rather than spread a narrow window over every check at once.
    this.window = new RequestWindow(requestsInFlight(config.concurrency ?? 1), () => this.slots.reconsider());
    this.slots = new Slots(config.concurrency ?? 1, () => this.window.window.limit);
  }

  /** Work for the run's end, before its transports close (the cleanup of what shared work created). */
  onClose(work: () => Promise<void>): void {
    this.closing.push(work);
  }

  /** What `make` computes, once per run: the first caller starts it, every later one waits for the same promise. */
  once<T>(key: string, make: () => Promise<T>): Promise<T> {
    return this.computed.get(key, make);
  }

  /**
   * A handle on the transport the run shares under `key` (made by `make` for its first user): a session
   * lets go of its handle, the run's end closes the transport (`close`).
   */
  sharedTransport(key: string, make: () => Transport): Transport {
    let shared = this.transports.get(key);
    if (!shared) {
      shared = make();
      this.transports.set(key, shared);
    }
    const held = shared;
    return {
      send: (request: WireRequest, credentials: CredentialResolver, options?: SendOptions): Promise<TransportOutcome> =>
        held.send(request, credentials, options),
      reproduce: (request: WireRequest, credentials: CredentialResolver): ReproductionStep => held.reproduce(request, credentials),
      serverLog: () => held.serverLog?.() ?? '',
      close: async () => undefined,
    };
  }

  /**
   * Keeps a request as sent, when its answer came and where clientele's time on it went, for the run's
   * request log when it keeps one (`RunConfig.requestLog`); written when the run closes, so keeping it
   * costs the run no file write per request. `answeredAt` is this thread's `performance.now()`.
   */
  logRequest(operation: string, request: WireRequest, elapsedMs: number, answeredAt: number, work: ClienteleWork): void {
    if (this.config.requestLog)
      this.requestLines.push(
        JSON.stringify({ operation, request, elapsedMs, answeredAt: performance.timeOrigin + answeredAt, ...work } satisfies LoggedRequest),
      );
  }

  /** Ends the run's shared work (its `onClose` work first), then closes what its checks shared: its last check is done, or it stopped. */
  async close(): Promise<void> {
    const closing = this.closing.splice(0);
    for (const work of closing) await work().catch(() => undefined);
    this.flushRequestLog();
    const open = [...this.transports.values()];
    this.transports.clear();
    await Promise.all(open.map((transport) => transport.close().catch(() => undefined)));
  }

  /** Writes the request log's lines kept so far (`logRequest`). */
  flushRequestLog(): void {
    if (this.config.requestLog && this.requestLines.length > 0)
      appendFileSync(this.config.requestLog, `${this.requestLines.splice(0).join('\n')}\n`);
  }
}

/** How long each part of clientele's work on an exchange's answer took (ms). */
export interface ClienteleWork {
  /** Searching the answer for an echoed credential, and keeping its copy. */
  readonly recordMs: number;
  /** Decoding the body (JSON, XML, JSON-RPC). */
  readonly decodeMs: number;
  /** The exchange checks: the schema or XSD validation and the protocol's rules. */
  readonly checksMs: number;
  /** Reading what the exchange exercised (coverage). */
  readonly coverageMs: number;
}

/** A line of the request log: the request, when its answer came and what clientele did with it. */
export interface LoggedRequest extends ClienteleWork {
  readonly operation: string;
  readonly request: WireRequest;
  /** Sent to answered, as the transport measured it. */
  readonly elapsedMs: number;
  /** When the answer came, in ms since the epoch with a fraction (comparable across threads and with a report's times). */
  readonly answeredAt: number;
}
