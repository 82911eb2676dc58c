/** Bounded waits, and what an SDK error that is no answer of the server says about the connection. */
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { TransportError } from '../../engine/exchange.js';
import { describeError } from '../../engine/failures.js';

/** Nothing there, or the connection dropped (the server is gone); anything else is the target misbehaving. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export type Bounded<T> = { readonly value: T } | { readonly timeout: true } | { readonly aborted: true };

/** Waits for `promise`, at most `ms`, or until `signal` aborts. */
export function within<T>(promise: Promise<T>, ms: number, signal?: AbortSignal): Promise<Bounded<T>> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish({ timeout: true }), ms);
    const onAbort = () => finish({ aborted: true });
    function finish(result: Bounded<T>) {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
    }
    if (signal?.aborted) return finish({ aborted: true });
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then((value) => finish({ value }), (error: unknown) => finish({ value: { error } as T }));
  });
}

export function sleep(ms: number, signal?: AbortSignal): Promise<unknown> {
  return within(new Promise(() => undefined), ms, signal);
}

export const rounded = (since: number) => Math.round((performance.now() - since) * 100) / 100;

/** An SDK error that is not an answer of the server: what it says about the connection. */
export function classify(error: unknown): TransportError {
  const err = error as { code?: unknown; cause?: { code?: unknown } };
  const code = typeof err?.cause?.code === 'string' ? err.cause.code : typeof err?.code === 'string' ? err.code : '';
  if (CONNECTION_CODES.has(code)) return { kind: 'connection', message: `${code}: ${describeError(err.cause ?? error)}` };
  // fetch could not reach the server at all (a refused port, a port fetch will not use, a bad address).
  if (error instanceof TypeError && error.message === 'fetch failed') return { kind: 'connection', message: `fetch failed: ${describeError(err.cause ?? error)}` };
  if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) return { kind: 'connection', message: 'the MCP connection was closed' };
  if (error instanceof StreamableHTTPError) return { kind: 'protocol', message: `HTTP ${String(err.code)}: ${describeError(error)}` };
  if (error instanceof Error && /not connected/i.test(error.message)) return { kind: 'connection', message: describeError(error) };
  return { kind: 'protocol', message: describeError(error) };
}

