/** Timing, and what an SDK error that is no answer of the server says about the connection (the waits: ../wait.ts). */
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { TransportError } from '../../engine/exchange.js';
import { describeError } from '../../engine/failures.js';

/** Nothing there, or the connection dropped (the server is gone); anything else is the target misbehaving. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export const rounded = (since: number) => Math.round((performance.now() - since) * 100) / 100;

/** An SDK error that is not an answer of the server: what it says about the connection. */
export function classify(error: unknown): TransportError {
  const err = error as { code?: unknown; cause?: { code?: unknown } };
  const code = typeof err?.cause?.code === 'string' ? err.cause.code : typeof err?.code === 'string' ? err.code : '';
  if (CONNECTION_CODES.has(code)) return { kind: 'connection', message: `${code}: ${describeError(err.cause ?? error)}` };
  // fetch could not reach the server at all (a refused port, a port fetch will not use, a bad address).
  if (error instanceof TypeError && error.message === 'fetch failed')
    return { kind: 'connection', message: `fetch failed: ${describeError(err.cause ?? error)}` };
  if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed)
    return { kind: 'connection', message: 'the MCP connection was closed' };
  if (error instanceof StreamableHTTPError) return { kind: 'protocol', message: `HTTP ${String(err.code)}: ${describeError(error)}` };
  if (error instanceof Error && /not connected/i.test(error.message)) return { kind: 'connection', message: describeError(error) };
  return { kind: 'protocol', message: describeError(error) };
}
