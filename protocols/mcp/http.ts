/**
 * The fetch the SDK's StreamableHTTPClientTransport goes through: it adds the connection's Authorization
 * (resolved from the run's credential, held only here), caps the body of each POST answer, lets a
 * request we stopped waiting for have its POST aborted instead of left hanging, and keeps what a POST
 * refused with 429 or 503 said of when to come back (the SDK's error carries the status alone).
 *
 * It sends through an undici keep-alive Agent of its own, not the global fetch: fetch streams a string
 * body (one write per chunk, each a syscall that wakes the server) and wraps every answer in web streams,
 * which cost about three times the CPU of the same calls over stdio. Here the POST goes out in one write
 * and the answer is one ReadableStream, capped as it fills, that the SDK reads as it reads fetch's.
 */
import type { Readable } from 'node:stream';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import { Agent, type Dispatcher } from 'undici';
import { retryAfterMs } from '../http/transport.js';

/** SSE framing and notifications around the answer: a POST's body may exceed the message cap by this much. */
const FRAMING_ALLOWANCE = 256 * 1024;
const DOOMED_KEPT = 1024;

export interface HttpHooks {
  readonly maxBodyBytes: number;
  /** The POST answering these requests grew past the cap; it was cut. */
  oversize(ids: readonly RequestId[], limit: number): void;
}

/** The ids of the requests in a POST body (one message or a batch). */
function requestIds(body: unknown): RequestId[] {
  if (typeof body !== 'string') return [];
  try {
    const parsed: unknown = JSON.parse(body);
    const messages = Array.isArray(parsed) ? parsed : [parsed];
    return messages.flatMap((m) => (m && typeof m === 'object' && 'method' in m && 'id' in m ? [(m as { id: RequestId }).id] : []));
  } catch {
    return [];
  }
}

/** Statuses whose answers have no body (a Response refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * An undici answer body as the web stream a fetch Response holds, ended as fetch ends it: a broken
 * connection is `TypeError('terminated')`, an abort the signal's reason. `limit`: at most that many
 * bytes, past which `over` is told and the stream fails.
 */
function webBody(body: Readable, signal: AbortSignal, limit: number | undefined, over: () => void): ReadableStream<Uint8Array> {
  let seen = 0;
  let done = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const fail = (error: unknown) => {
          if (done) return;
          done = true;
          controller.error(error);
        };
        body.on('data', (chunk: Buffer) => {
          if (done) return;
          seen += chunk.byteLength;
          if (limit !== undefined && seen > limit) {
            over();
            fail(new Error(`clientele: the answer exceeds ${limit} bytes`));
            body.destroy();
            return;
          }
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          // The reader is behind: hold the socket until it pulls (what fetch does too).
          if ((controller.desiredSize ?? 1) <= 0) body.pause();
        });
        body.on('end', () => {
          if (done) return;
          done = true;
          controller.close();
        });
        body.on('error', (error: unknown) =>
          fail(signal.aborted ? signal.reason : new TypeError('terminated', { cause: error instanceof Error ? error : undefined })),
        );
      },
      pull() {
        body.resume();
      },
      cancel() {
        done = true;
        body.destroy();
      },
    },
    // One chunk ahead, as fetch's body: the socket pauses when the SDK does not read.
    { highWaterMark: 1 },
  );
}

/** The headers of an undici answer as fetch's Headers. */
function headersOf(raw: Dispatcher.ResponseData['headers']): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const one of value) headers.append(name, one);
    else if (value !== undefined) headers.append(name, value);
  }
  return headers;
}

/** A POST the server refused with 429 or 503, and the Retry-After it gave, in milliseconds, when it gave one. */
export interface Refusal {
  readonly status: number;
  readonly retryAfterMs?: number;
}

export class HttpSide {
  /** `Bearer ...`: the one place the token is held, never recorded. */
  authorization?: string;
  private readonly posts = new Map<RequestId, AbortController>();
  private readonly doomed = new Set<RequestId>();
  /** Refused POSTs by the ids of their requests, until the transport reads them (`refusal`). */
  private readonly refused = new Map<RequestId, Refusal>();

  constructor(private readonly hooks: HttpHooks) {}

  /** How the server refused the POST of request `id` (429, 503), once; undefined when it did not. */
  refusal(id: RequestId | undefined): Refusal | undefined {
    if (id === undefined) return undefined;
    const refusal = this.refused.get(id);
    this.refused.delete(id);
    return refusal;
  }

  /** The request is no longer awaited: abort its POST when nobody will read the answer. */
  released(id: RequestId, abandoned: boolean): void {
    const post = this.posts.get(id);
    this.posts.delete(id);
    if (abandoned) this.refused.delete(id);
    if (!abandoned) return;
    if (post) post.abort(new Error('clientele stopped waiting for the answer'));
    else {
      this.doomed.add(id);
      if (this.doomed.size > DOOMED_KEPT) this.doomed.delete(this.doomed.values().next().value!);
    }
  }

  /** Keep-alive connections to the target, this connection's own: closed with it. */
  private readonly agent = new Agent({ keepAliveTimeout: 10_000 });

  readonly fetch: FetchLike = async (url, init = {}) => {
    const body = init.body;
    // The SDK sends JSON text or nothing; anything else goes the way of fetch itself.
    if (body !== undefined && body !== null && typeof body !== 'string') return fetch(url, init);
    const headers = new Headers(init.headers);
    if (this.authorization) headers.set('authorization', this.authorization);
    const method = (init.method ?? 'GET').toUpperCase();
    const post = method === 'POST';
    const ids = post ? requestIds(body) : [];
    const controller = new AbortController();
    for (const id of ids) {
      if (this.doomed.delete(id)) controller.abort(new Error('clientele stopped waiting for the answer'));
      else this.posts.set(id, controller);
    }
    const signal = init.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal;
    if (signal.aborted) throw signal.reason;
    const target = new URL(url);
    let answer: Dispatcher.ResponseData;
    try {
      // Redirects are never followed here: the SDK asks for `redirect: 'manual'` and follows within the origin itself.
      answer = await this.agent.request({
        origin: target.origin,
        path: `${target.pathname}${target.search}`,
        method: method as Dispatcher.HttpMethod,
        headers: Object.fromEntries(headers),
        body: body ?? null,
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw new TypeError('fetch failed', { cause: error });
    }
    const status = answer.statusCode;
    let responseHeaders: Headers;
    try {
      responseHeaders = headersOf(answer.headers);
    } catch (error) {
      // A header Headers refuses: no answer to give, as fetch gives none for a response it cannot read.
      answer.body.destroy();
      throw new TypeError('fetch failed', { cause: error });
    }
    if (post && (status === 429 || status === 503)) {
      const wait = retryAfterMs(responseHeaders.get('retry-after') ?? undefined);
      for (const id of ids) this.refused.set(id, { status, ...(wait === undefined ? {} : { retryAfterMs: wait }) });
    }
    const limit = post && status >= 200 ? this.hooks.maxBodyBytes + FRAMING_ALLOWANCE : undefined;
    const stream = NULL_BODY.has(status)
      ? (answer.body.destroy(), null)
      : webBody(answer.body, signal, limit, () => this.hooks.oversize(ids, limit!));
    return responseOf(stream, status, answer.statusText, responseHeaders, url);
  };

  /** Ends the connections to the target (the SDK is closed: nothing is read from them any more). */
  close(): Promise<void> {
    return this.agent.destroy().catch(() => undefined);
  }
}

/**
 * A fetch Response: a status outside 200-599 (which a Response refuses and a server may still send)
 * shows as fetch shows it, on a Response that is otherwise the same.
 */
function responseOf(
  body: ReadableStream<Uint8Array> | null,
  status: number,
  statusText: string,
  headers: Headers,
  url: string | URL,
): Response {
  const inRange = status >= 200 && status <= 599;
  const response = new Response(body, { status: inRange ? status : 599, statusText, headers });
  Object.defineProperty(response, 'url', { value: String(url) });
  if (!inRange) {
    Object.defineProperty(response, 'status', { value: status });
    Object.defineProperty(response, 'ok', { value: false });
  }
  return response;
}
