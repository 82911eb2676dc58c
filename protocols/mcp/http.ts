/**
 * The fetch the SDK's StreamableHTTPClientTransport goes through: it adds the connection's Authorization
 * (resolved from the run's credential, held only here), caps the body of each POST answer, lets a
 * request we stopped waiting for have its POST aborted instead of left hanging, and keeps what a POST
 * refused with 429 or 503 said of when to come back (the SDK's error carries the status alone).
 */
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
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

function capped(body: ReadableStream<Uint8Array>, limit: number, over: () => void): ReadableStream<Uint8Array> {
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > limit) {
          over();
          controller.error(new Error(`clientele: the answer exceeds ${limit} bytes`));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
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

  readonly fetch: FetchLike = async (url, init = {}) => {
    const headers = new Headers(init.headers);
    if (this.authorization) headers.set('authorization', this.authorization);
    const post = (init.method ?? 'GET').toUpperCase() === 'POST';
    const ids = post ? requestIds(init.body) : [];
    const controller = new AbortController();
    for (const id of ids) {
      if (this.doomed.delete(id)) controller.abort(new Error('clientele stopped waiting for the answer'));
      else this.posts.set(id, controller);
    }
    const signal = init.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal;
    const response = await fetch(url, { ...init, headers, signal });
    if (post && (response.status === 429 || response.status === 503)) {
      const wait = retryAfterMs(response.headers.get('retry-after') ?? undefined);
      for (const id of ids) this.refused.set(id, { status: response.status, ...(wait === undefined ? {} : { retryAfterMs: wait }) });
    }
    if (!post || !response.body || response.status < 200) return response;
    const limit = this.hooks.maxBodyBytes + FRAMING_ALLOWANCE;
    return new Response(
      capped(response.body, limit, () => this.hooks.oversize(ids, limit)),
      {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      },
    );
  };
}
