/**
 * Sits between the SDK's Client and its transport (stdio or Streamable HTTP) and keeps, for each request
 * we send, the JSON-RPC response exactly as the transport handed it over, before the Client turns it into
 * a result or an McpError. It also notices what the Client would only log: garbage on the wire, an
 * answer whose id no request has, a flood of notifications, the connection going away. Each of those
 * settles the requests waiting, so a send never waits for an answer that cannot come.
 */
import type { Transport as SdkTransport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, MessageExtraInfo, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { TransportError } from '../../engine/exchange.js';
import { GarbageError, OversizeError } from './stdio.js';

/** A JSON-RPC response (result or error) as received. */
export type RawResponse = JSONRPCMessage & { readonly id?: RequestId } & ({ readonly result: unknown } | { readonly error: unknown });

export type Settled =
  | { readonly message: RawResponse }
  | { readonly problem: TransportError }
  /** The SDK's request failed without an answer of the server (a send that failed, a closed connection). */
  | { readonly error: unknown };

/** Notifications (and server requests) tolerated while one answer is awaited, by count and by JSON size. */
const NOTIFICATION_CAP = 2000;

class Waiter {
  id?: RequestId;
  notifications = 0;
  notificationBytes = 0;
  settled?: Settled;
  readonly done: Promise<Settled>;
  private resolve!: (settled: Settled) => void;

  constructor(readonly method: string) {
    this.done = new Promise((resolve) => (this.resolve = resolve));
  }

  settle(settled: Settled): void {
    if (this.settled) return;
    this.settled = settled;
    this.resolve(settled);
  }
}

function isResponse(message: JSONRPCMessage): message is RawResponse {
  return 'result' in message || 'error' in message;
}

const ABANDONED_KEPT = 1024;

export interface RecorderHooks {
  readonly maxBodyBytes: number;
  /** Why the connection ended, when the server side ended it (stdio: exit code and stderr). */
  describeLoss(): string;
  /** A request stopped being awaited; `abandoned` when nobody will read its answer any more. */
  released?(id: RequestId, abandoned: boolean): void;
}

export class Recorder implements SdkTransport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  private readonly armed: Waiter[] = [];
  private readonly inFlight = new Map<RequestId, Waiter>();
  private readonly abandoned = new Set<RequestId>();
  private idle = new Waiter('(between requests)');
  /** Something went wrong while no request waited: reported to the next send. */
  private problem?: TransportError;
  /** Set once the connection is gone, for good. */
  dead?: TransportError;
  closing = false;
  /** The initialize request the Client sent, for a reproduction. */
  initializeRequest?: JSONRPCMessage;
  protocolVersion?: string;

  constructor(
    readonly inner: SdkTransport,
    private readonly hooks: RecorderHooks,
  ) {
    inner.onmessage = (message, extra) => this.received(message, extra);
    inner.onerror = (error) => this.failed(error);
    inner.onclose = () => this.lost();
  }

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  setProtocolVersion(version: string): void {
    this.protocolVersion = version;
    this.inner.setProtocolVersion?.(version);
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  /** Close the connection (the SDK calls this too); what follows is our doing, not the server's. */
  async close(): Promise<void> {
    this.closing = true;
    await this.inner.close();
  }

  /** The next request the Client sends with this method is the one the waiter waits for. */
  arm(method: string): Waiter {
    const waiter = new Waiter(method);
    if (this.dead) waiter.settle({ problem: this.dead });
    else this.armed.push(waiter);
    this.idle = new Waiter(this.idle.method);
    return waiter;
  }

  /** Stops waiting; an abandoned request's late answer is then dropped quietly. */
  release(waiter: Waiter, abandoned: boolean): void {
    const armedAt = this.armed.indexOf(waiter);
    if (armedAt >= 0) this.armed.splice(armedAt, 1);
    if (waiter.id === undefined) return;
    if (this.inFlight.get(waiter.id) === waiter) this.inFlight.delete(waiter.id);
    if (abandoned) {
      this.abandoned.add(waiter.id);
      if (this.abandoned.size > ABANDONED_KEPT) this.abandoned.delete(this.abandoned.values().next().value!);
    }
    this.hooks.released?.(waiter.id, abandoned);
  }

  /** A problem noticed while no request was waiting, once. */
  takeProblem(): TransportError | undefined {
    const problem = this.problem;
    this.problem = undefined;
    return problem;
  }

  /** Settles the given requests with a problem found outside the message stream (an HTTP answer too large). */
  fail(ids: readonly RequestId[], problem: TransportError): void {
    for (const id of ids) this.inFlight.get(id)?.settle({ problem });
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if ('method' in message && 'id' in message) {
      const at = this.armed.findIndex((waiter) => waiter.method === message.method);
      if (at >= 0) {
        const [waiter] = this.armed.splice(at, 1);
        waiter.id = message.id;
        this.inFlight.set(message.id, waiter);
      }
      if (message.method === 'initialize') this.initializeRequest = message;
    }
    return this.inner.send(message, options);
  }

  private received(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    if (isResponse(message)) {
      const waiter = message.id === undefined ? undefined : this.inFlight.get(message.id);
      if (waiter) {
        this.inFlight.delete(message.id!);
        waiter.settle({ message });
      } else if (message.id === undefined || !this.abandoned.has(message.id)) {
        const error = 'error' in message ? ` (error ${JSON.stringify(message.error).slice(0, 200)})` : '';
        this.trouble({
          kind: 'protocol',
          message:
            message.id === undefined
              ? `the server sent an error response without an id${error}`
              : `the server answered with id ${JSON.stringify(message.id)}, which no request in flight has${error}`,
        });
      }
    } else {
      this.count(message);
    }
    this.onmessage?.(message, extra);
  }

  /** Notifications and server requests: a few are normal, a flood while an answer is awaited is not. */
  private count(message: JSONRPCMessage): void {
    const bytes = Buffer.byteLength(JSON.stringify(message));
    const waiters = this.inFlight.size > 0 ? [...this.inFlight.values()] : [this.idle];
    for (const waiter of waiters) {
      waiter.notifications++;
      waiter.notificationBytes += bytes;
      if (waiter.settled || (waiter.notifications <= NOTIFICATION_CAP && waiter.notificationBytes <= this.hooks.maxBodyBytes)) continue;
      const problem: TransportError = {
        kind: 'protocol',
        message: `a flood of notifications: ${waiter.notifications} messages (${waiter.notificationBytes} bytes) without an answer to ${waiter.method}`,
      };
      if (waiter === this.idle) this.problem = problem;
      waiter.settle({ problem });
    }
  }

  /** Garbage, an unknown id: every request waiting hears of it, or else the next send does. */
  private trouble(problem: TransportError): void {
    const waiters = [...this.armed, ...this.inFlight.values()];
    if (waiters.length === 0) this.problem ??= problem;
    for (const waiter of waiters) waiter.settle({ problem });
  }

  private failed(error: Error): void {
    if (error instanceof OversizeError) this.trouble({ kind: 'too-large', message: error.message });
    else if (error instanceof GarbageError) this.trouble({ kind: 'protocol', message: error.message });
    // Streamable HTTP: an SSE event or a JSON body that is no JSON-RPC message.
    else if (error instanceof SyntaxError || error?.name === 'ZodError') {
      this.trouble({
        kind: 'protocol',
        message:
          'the server sent something that is not a JSON-RPC message ' +
          `(${error instanceof SyntaxError ? error.message.split('\n')[0] : 'invalid message'})`,
      });
    }
    // Anything else (a failed POST, a dropped SSE stream) fails the request it concerns through the Client.
    this.onerror?.(error);
  }

  private lost(): void {
    const why = this.closing ? 'the MCP connection was closed' : this.hooks.describeLoss() || 'the connection to the server was lost';
    this.dead ??= { kind: 'connection', message: why };
    for (const waiter of [...this.armed, ...this.inFlight.values()]) waiter.settle({ problem: this.dead });
    this.armed.length = 0;
    this.inFlight.clear();
    this.onclose?.();
  }
}
