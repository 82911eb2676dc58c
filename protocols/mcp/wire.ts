/**
 * What the MCP transport records and reproduces: a JSON-RPC response as a WireResponse (its codes read
 * off the message as received, never off an SDK error), and the replay of a request over stdio or curl.
 */
import { LATEST_PROTOCOL_VERSION, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { ReproductionStep, TransportError, WireRequest, WireResponse } from '../../engine/exchange.js';
import { InternalError } from '../../engine/failures.js';
import type { CredentialResolver } from '../../engine/transport.js';
import { toCurl } from '../http/curl.js';
import type { RawResponse } from './recorder.js';

export const CLIENT_INFO = { name: 'clientele', version: '0.1.0' } as const;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The request's params: its body, a JSON object, or none. A body that is not one is the adapter's bug. */
export function paramsOf(request: WireRequest): Json | undefined {
  if (request.body === undefined) return undefined;
  let params: unknown;
  try {
    params = JSON.parse(request.body);
  } catch {
    throw new InternalError(`the params of ${request.method} are not JSON`);
  }
  if (!isObject(params)) throw new InternalError(`the params of ${request.method} are not a JSON object`);
  return params;
}

/** A numeric `code`, or `error.code`, of a tool error's structured content or first text parsed as JSON. */
function codeIn(value: unknown): number | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value.code === 'number' && Number.isInteger(value.code)) return value.code;
  const error = value.error;
  if (isObject(error) && typeof error.code === 'number' && Number.isInteger(error.code)) return error.code;
  return undefined;
}

const PARSED_TEXT_MAX = 1024 * 1024;

function firstTextAsJson(content: unknown): unknown {
  if (!Array.isArray(content)) return undefined;
  const text = content.find((item) => isObject(item) && item.type === 'text' && typeof item.text === 'string') as
    { text: string } | undefined;
  if (!text || text.text.length > PARSED_TEXT_MAX || !/^\s*\{/.test(text.text)) return undefined;
  try {
    return JSON.parse(text.text);
  } catch {
    return undefined;
  }
}

/** The response as recorded: the whole message's JSON text, cut at the size cap, and the codes it carries. */
export function responseOf(message: RawResponse, maxBodyBytes: number): { response: WireResponse; transportError?: TransportError } {
  const text = JSON.stringify(message);
  const bytes = Buffer.byteLength(text);
  const truncated = bytes > maxBodyBytes;
  const body = truncated ? Buffer.from(text).subarray(0, maxBodyBytes).toString('utf8') : text;
  let rpcErrorCode: number | undefined;
  let toolError = false;
  if ('error' in message) {
    const code = (message.error as { code?: unknown } | undefined)?.code;
    if (typeof code === 'number') rpcErrorCode = code;
  } else if (isObject(message.result) && message.result.isError === true) {
    toolError = true;
    rpcErrorCode = codeIn(message.result.structuredContent) ?? codeIn(firstTextAsJson(message.result.content));
  }
  const response: WireResponse = {
    body,
    truncated,
    ...(rpcErrorCode !== undefined ? { rpcErrorCode } : {}),
    ...(toolError ? { toolError } : {}),
  };
  return truncated
    ? { response, transportError: { kind: 'too-large', message: `the JSON-RPC response exceeds ${maxBodyBytes} bytes (${bytes})` } }
    : { response };
}

/** The request as one JSON-RPC line; a body that is no JSON is spliced in as written. */
function requestLine(request: WireRequest, id: number): string {
  const head = JSON.stringify({ jsonrpc: '2.0', id, method: request.method });
  if (request.body === undefined) return head;
  try {
    return JSON.stringify({ jsonrpc: '2.0', id, method: request.method, params: JSON.parse(request.body) });
  } catch {
    return `${head.slice(0, -1)},"params":${request.body.replace(/\n/g, ' ')}}`;
  }
}

function defaultInitialize(): JSONRPCMessage {
  return {
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { ...CLIENT_INFO } },
  };
}

/** The handshake's initialize request as the Client sent it (or would send it), with id 0. */
function initializeLine(initialize: JSONRPCMessage | undefined): string {
  return JSON.stringify({ ...(initialize ?? defaultInitialize()), id: 0 });
}

/** Stdio: the three lines to pipe into the server command (handshake, then the request). */
export function reproduceStdio(request: WireRequest, initialize: JSONRPCMessage | undefined): ReproductionStep {
  const init = initializeLine(initialize);
  if (request.method === 'initialize') return { kind: 'jsonrpc', command: init, body: init, language: 'json' };
  const line = requestLine(request, 1);
  const lines = [init, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }), line];
  return { kind: 'jsonrpc', command: line, body: lines.join('\n'), language: 'json' };
}

/** Streamable HTTP: a curl line POSTing the request within the live session, the token named by its variable. */
export function reproduceHttp(
  request: WireRequest,
  credentials: CredentialResolver,
  url: string,
  session: { readonly sessionId?: string; readonly protocolVersion?: string; readonly initialize?: JSONRPCMessage },
): ReproductionStep {
  const handshake = request.method === 'initialize';
  const line = handshake ? initializeLine(session.initialize) : requestLine(request, 1);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Accept: 'application/json, text/event-stream',
    ...(session.sessionId && !handshake ? { 'Mcp-Session-Id': session.sessionId } : {}),
    ...(handshake ? {} : { 'MCP-Protocol-Version': session.protocolVersion ?? LATEST_PROTOCOL_VERSION }),
  };
  const command = toCurl({ method: 'POST', url, headers, body: line, ...(request.auth ? { auth: request.auth } : {}) }, credentials);
  return { kind: 'curl', command, body: line, language: 'json' };
}
