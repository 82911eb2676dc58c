/**
 * A catalogue of misbehaving targets, and a way to run clientele against one as a real child process.
 *
 * A hostile target is a row `{ name, api, serve }`: `serve` starts a loopback server (often a front that
 * forwards to the API's embedded reference and corrupts its answers) and returns its `--target` and the
 * handle that stops it. Every behaviour is written once against an `ApiProfile` (what an honest answer
 * of that API looks like), so a new API needs one profile and gets every behaviour that makes sense for
 * it; behaviours that exist for one format only (an XML entity bomb, duplicate JSON keys) name it.
 *
 * To add an API: its id in `ApiId` and its profile in `PROFILES`. To add a target: an entry in
 * `BEHAVIOURS` (`apis: [...]` when it makes sense for some APIs only); `HOSTILE_TARGETS` is the table
 * of rows `{ name, api, serve }` the catalogue runs.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { request as undiciRequest } from 'undici';
import { startTarget as startRest } from '../../apis/freshbooks-rest/reference/index.js';
import { startTarget as startClassic } from '../../apis/freshbooks-classic/reference/index.js';
import { GROWCRM_CUSTOM_FIELD, startTarget as startGrowcrm } from '../../apis/growcrm/reference/index.js';
import { startTarget as startMcp } from '../../apis/freshbooks-mcp/reference/index.js';
import { PROJECT_ROOT } from '../../generators/spec.js';
import type { RunningTarget } from '../../reference-kit/types.js';

// ---------------------------------------------------------------------------------------------------
// What an honest answer of each API looks like
// ---------------------------------------------------------------------------------------------------

export type ApiId = 'freshbooks-rest' | 'freshbooks-classic' | 'growcrm' | 'freshbooks-mcp';

/** A request as the front received it (body read whole, bounded). */
export interface Forwarded {
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** An answer as the front will send it. */
export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface ApiProfile {
  readonly id: ApiId;
  /** The embedded reference, honest, with these credentials. */
  startReference(token: string, accountId: string): Promise<RunningTarget>;
  /** `--target` for a server listening at `origin`. */
  target(origin: string): string;
  /** The API's settings besides the token, as a config file's target gives them (`accountId`). */
  settings(accountId: string): Record<string, unknown>;
  readonly mediaType: string;
  /** An error answer body in the API's own format, carrying `message`. */
  errorBody(message: string): string;
  /** The answer to a request without valid credentials. */
  unauthorized(): Answer;
  /** Whether the request lists clients. */
  isList(request: Forwarded): boolean;
  /** A list answer to `request` that claims a million pages and a huge total, and holds no client. */
  lyingList(request: Forwarded): string;
  /** A well-formed body nested `levels` deep. */
  nested(levels: number): string;
  /** The page a list request asks for, and the request rewritten to ask for page 1 instead. */
  firstPageInstead(request: Forwarded): { asked: number; request: Forwarded };
  /** A list answer rewritten to claim it is page `page`. */
  claimPage(body: Buffer, page: number): Buffer;
  /** Appends `extra` to the text of every client's first name and organization, in the format's own syntax. */
  appendToNames(body: Buffer, extra: string): Buffer;
  /** Puts raw `bytes` at the start of every client's first name. */
  insertBytesInNames(body: Buffer, bytes: Buffer): Buffer;
  /** Every client id in an answer replaced by `id` (a JSON value, or text in XML). */
  replaceIds(body: Buffer, id: string | number): Buffer;
  /**
   * An answer a front gives itself instead of forwarding `request`, or undefined: a front reads each
   * answer whole, so a stream that never ends (MCP's GET) cannot go through it.
   */
  ownAnswer?(request: Forwarded): Answer | undefined;
  /**
   * `--only` for every catalogue run against this API, where a behaviour names none: the APIs added
   * after the catalogue's budget was spent run the contract family alone, which reads every id and
   * name an answer carries.
   */
  readonly only?: string;
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');

/** Every object in `value` that looks like a client (has an `id` and `nameKey`), mutated by `edit`. */
function eachClient(value: unknown, edit: (client: Record<string, unknown>) => void, nameKey = 'fname'): void {
  if (Array.isArray(value)) for (const item of value) eachClient(item, edit, nameKey);
  else if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if (nameKey in object && 'id' in object) edit(object);
    for (const inner of Object.values(object)) eachClient(inner, edit, nameKey);
  }
}

/**
 * JSON.stringify writes -0 as 0: a client id of negative zero is set to this text, and its quoted
 * form replaced by `-0` in the serialized JSON (a plain `"id":0` replace would reach other ids too).
 */
const NEGATIVE_ZERO = 'clientele-negative-zero';
const idValue = (id: string | number): string | number => (Object.is(id, -0) ? NEGATIVE_ZERO : id);
const withNegativeZero = (text: string): string => text.replaceAll(`"${NEGATIVE_ZERO}"`, '-0');

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

const REST_CLIENTS = /^\/accounting\/account\/[^/]+\/users\/clients(?:\?|$)/;

export const REST: ApiProfile = {
  id: 'freshbooks-rest',
  startReference: (token, accountId) => startRest({ token, accountId }),
  target: (origin) => origin,
  settings: (accountId) => ({ accountId }),
  mediaType: 'application/json; charset=utf-8',
  errorBody: (message) => JSON.stringify({ code: 13, message, details: [] }),
  unauthorized: () => ({
    status: 401,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: json({ code: 16, message: 'Request failed with status_code: 401', details: [] }),
  }),
  isList: (request) => request.method === 'GET' && REST_CLIENTS.test(request.url),
  lyingList: () =>
    JSON.stringify({ response: { result: { clients: [], page: 1, pages: 1_000_000, per_page: 15, total: 999_999_999_999 } } }),
  nested: (levels) => '['.repeat(levels) + ']'.repeat(levels),
  firstPageInstead(request) {
    const url = new URL(request.url, 'http://x');
    const asked = Number(url.searchParams.get('page') ?? '1');
    url.searchParams.set('page', '1');
    return { asked, request: { ...request, url: url.pathname + url.search } };
  },
  claimPage(body, page) {
    const value = parseJson(body) as { response?: { result?: { page?: number } } } | undefined;
    if (value?.response?.result?.page === undefined) return body;
    value.response.result.page = page;
    return json(value);
  },
  appendToNames(body, extra) {
    const value = parseJson(body);
    if (value === undefined) return body;
    eachClient(value, (client) => {
      for (const key of ['fname', 'organization']) if (typeof client[key] === 'string') client[key] = `${client[key]}${extra}`;
    });
    return json(value);
  },
  insertBytesInNames(body, bytes) {
    return spliceAfter(body, Buffer.from('"fname":"'), bytes);
  },
  replaceIds(body, id) {
    const value = parseJson(body);
    if (value === undefined) return body;
    eachClient(value, (client) => {
      if ('id' in client) client.id = id;
    });
    // JSON.stringify writes -0 as 0: the negative zero goes in as text.
    return Object.is(id, -0)
      ? Buffer.from(
          json(value)
            .toString('utf8')
            .replace(/"id":0\b/g, '"id":-0'),
          'utf8',
        )
      : json(value);
  },
};

const CLASSIC_NAMESPACE = 'http://www.freshbooks.com/api/';
const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n';
const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export const CLASSIC: ApiProfile = {
  id: 'freshbooks-classic',
  startReference: (token, accountId) => startClassic({ token, accountId }),
  target: (origin) => `${origin}/api/2.1/xml-in`,
  settings: () => ({}),
  mediaType: 'application/xml; charset=utf-8',
  errorBody: (message) =>
    `${XML_DECLARATION}<response xmlns="${CLASSIC_NAMESPACE}" status="fail"><error>${xmlText(message)}</error><code>40010</code></response>`,
  unauthorized: () => ({
    status: 401,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Basic realm="FreshBooks"' },
    body: Buffer.from('Authentication failed'),
  }),
  isList: (request) => request.method === 'POST' && request.body.includes('method="client.list"'),
  lyingList: () =>
    `${XML_DECLARATION}<response xmlns="${CLASSIC_NAMESPACE}" status="ok">` +
    '<clients page="1" per_page="25" pages="1000000" total="999999999999"></clients></response>',
  nested: (levels) =>
    `${XML_DECLARATION}<response xmlns="${CLASSIC_NAMESPACE}" status="ok">${'<a>'.repeat(levels)}${'</a>'.repeat(levels)}</response>`,
  firstPageInstead(request) {
    const text = request.body.toString('utf8');
    const match = /<page>\s*(\d+)\s*<\/page>/.exec(text);
    if (!match) return { asked: 1, request };
    return { asked: Number(match[1]), request: { ...request, body: Buffer.from(text.replace(match[0], '<page>1</page>'), 'utf8') } };
  },
  claimPage: (body, page) => Buffer.from(body.toString('utf8').replace(/(<clients\b[^>]*\bpage=")\d+"/, `$1${page}"`), 'utf8'),
  appendToNames(body, extra) {
    const text = body
      .toString('utf8')
      .replace(
        /<(first_name|organization)>([^<]*)<\/\1>/g,
        (_m, name: string, value: string) => `<${name}>${value}${xmlText(extra)}</${name}>`,
      );
    return Buffer.from(text, 'utf8');
  },
  insertBytesInNames(body, bytes) {
    return spliceAfter(body, Buffer.from('<first_name>'), bytes);
  },
  replaceIds(body, id) {
    return Buffer.from(
      body.toString('utf8').replace(/<client_id>[^<]*<\/client_id>/g, `<client_id>${xmlText(String(id))}</client_id>`),
      'utf8',
    );
  },
};

const GROWCRM_CLIENTS = /^\/api\/clients(?:\?|$)/;

/** Grow CRM: `{data, meta, message}` JSON; a client is the object with `company_name` (its category and owner carry ids too). */
export const GROWCRM: ApiProfile = {
  id: 'growcrm',
  startReference: (token) => startGrowcrm({ token }),
  target: (origin) => `${origin}/api`,
  // The reference requires one client custom field on every create and update, as a configured CRM may.
  settings: () => ({ customFields: { [GROWCRM_CUSTOM_FIELD]: 'clientele' } }),
  mediaType: 'application/json',
  errorBody: (message) => JSON.stringify({ message }),
  unauthorized: () => ({
    status: 401,
    headers: { 'content-type': 'application/json' },
    body: json({ message: 'Unauthorized. A valid API key is required.' }),
  }),
  isList: (request) => request.method === 'GET' && GROWCRM_CLIENTS.test(request.url),
  lyingList: () =>
    JSON.stringify({
      data: [],
      meta: { current_page: 1, per_page: 15, total: 999_999_999_999, last_page: 1_000_000 },
      message: 'Clients retrieved successfully.',
    }),
  nested: (levels) => '['.repeat(levels) + ']'.repeat(levels),
  firstPageInstead: (request) => REST.firstPageInstead(request),
  claimPage(body, page) {
    const value = parseJson(body) as { meta?: { current_page?: number } } | undefined;
    if (value?.meta?.current_page === undefined) return body;
    value.meta.current_page = page;
    return json(value);
  },
  appendToNames(body, extra) {
    const value = parseJson(body);
    if (value === undefined) return body;
    eachClient(
      value,
      (client) => {
        if (typeof client.company_name === 'string') client.company_name = `${client.company_name}${extra}`;
      },
      'company_name',
    );
    return json(value);
  },
  insertBytesInNames: (body, bytes) => spliceAfter(body, Buffer.from('"company_name":"'), bytes),
  replaceIds(body, id) {
    const value = parseJson(body);
    if (value === undefined) return body;
    eachClient(value, (client) => void (client.id = idValue(id)), 'company_name');
    return Buffer.from(withNegativeZero(JSON.stringify(value)), 'utf8');
  },
  only: 'contract',
};

/**
 * Each JSON-RPC message of an MCP answer through `edit`: a body of JSON (one message or a batch) or of
 * server-sent events (`event: message` / `data: {...}`), re-framed as it came; a part that is not
 * JSON stays as it was. `edit` returns the message's new text.
 */
function eachMessage(body: Buffer, edit: (message: Record<string, unknown>) => string): Buffer {
  const rewrite = (text: string): string | undefined => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return undefined;
    }
    const messages = Array.isArray(parsed) ? parsed : [parsed];
    if (!messages.every((m) => m !== null && typeof m === 'object')) return undefined;
    const edited = messages.map((m) => edit(m as Record<string, unknown>));
    return Array.isArray(parsed) ? `[${edited.join(',')}]` : edited[0]!;
  };
  const text = body.toString('utf8');
  if (/^\s*[[{]/.test(text)) return Buffer.from(rewrite(text) ?? text, 'utf8');
  // One event per blank-line-separated block; its data is its `data:` lines joined by newlines.
  const events = text.split(/(\r?\n\r?\n)/).map((block, at) => {
    if (at % 2 === 1) return block;
    const lines = block.split(/\r?\n/);
    const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).replace(/^ /, ''));
    const edited = data.length > 0 ? rewrite(data.join('\n')) : undefined;
    if (edited === undefined) return block;
    const kept = lines.filter((line) => !line.startsWith('data:'));
    return [...kept, `data: ${edited}`].join('\n');
  });
  return Buffer.from(events.join(''), 'utf8');
}

/**
 * A tool result's payload through `edit`, in both places a client reads it: `structuredContent` and
 * the JSON text content (serialized by `serialize`, as the outer message is).
 */
function eachPayload(body: Buffer, edit: (payload: unknown) => void, serialize = JSON.stringify): Buffer {
  return eachMessage(body, (message) => {
    const result = message.result as Record<string, unknown> | undefined;
    if (result && typeof result === 'object') {
      if (result.structuredContent !== undefined) edit(result.structuredContent);
      if (Array.isArray(result.content)) {
        for (const part of result.content as Record<string, unknown>[]) {
          if (part?.type !== 'text' || typeof part.text !== 'string') continue;
          const payload = parseJson(Buffer.from(part.text, 'utf8'));
          if (payload === undefined) continue;
          edit(payload);
          part.text = serialize(payload);
        }
      }
    }
    return serialize(message);
  });
}

/** The JSON-RPC request in an MCP POST, when it is one. */
function rpcRequest(request: Forwarded): { id?: unknown; method?: unknown; params?: { name?: unknown } } | undefined {
  if (request.method !== 'POST') return undefined;
  const value = parseJson(request.body);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as ReturnType<typeof rpcRequest>) : undefined;
}

/** A tool result, as the reference shapes one: the payload as structured content and as JSON text. */
const toolResult = (id: unknown, payload: unknown): string =>
  JSON.stringify({
    jsonrpc: '2.0',
    id: id ?? null,
    result: { content: [{ type: 'text', text: JSON.stringify(payload) }], structuredContent: payload },
  });

/**
 * FreshBooks MCP over Streamable HTTP: JSON-RPC, each answer to a POST as JSON or as server-sent
 * events; a client is the object with `fName` in a tool result.
 */
export const MCP: ApiProfile = {
  id: 'freshbooks-mcp',
  startReference: (token, accountId) => startMcp({ token, accountId }),
  target: (origin) => `${origin}/mcp`,
  settings: (accountId) => ({ accountId }),
  // A server may answer a POST with one JSON message instead of an event stream.
  mediaType: 'application/json',
  // The reference's own answer to a request it cannot take: a JSON-RPC error without an id.
  errorBody: (message) => JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32603, message } }),
  unauthorized: () => ({
    status: 401,
    headers: { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'Bearer' },
    body: json({ error: 'invalid_token', error_description: 'A valid Bearer token is required' }),
  }),
  isList: (request) => {
    const rpc = rpcRequest(request);
    return rpc?.method === 'tools/call' && rpc.params?.name === 'client_list';
  },
  lyingList: (request) =>
    toolResult(rpcRequest(request)?.id, { clients: [], pagination: { page: 1, pages: 1_000_000, total: 999_999_999_999, perPage: 30 } }),
  nested: (levels) => '['.repeat(levels) + ']'.repeat(levels),
  firstPageInstead(request) {
    const rpc = rpcRequest(request) as { params?: { arguments?: { page?: unknown } } } | undefined;
    const args = rpc?.params?.arguments;
    if (!args || typeof args !== 'object') return { asked: 1, request };
    const asked = typeof args.page === 'number' ? args.page : 1;
    args.page = 1;
    return { asked, request: { ...request, body: json(rpc) } };
  },
  claimPage: (body, page) =>
    eachPayload(body, (payload) => {
      const pagination = (payload as { pagination?: { page?: number } } | undefined)?.pagination;
      if (pagination && typeof pagination === 'object') pagination.page = page;
    }),
  appendToNames: (body, extra) =>
    eachPayload(body, (payload) =>
      eachClient(
        payload,
        (client) => {
          for (const key of ['fName', 'organization']) if (typeof client[key] === 'string') client[key] = `${client[key]}${extra}`;
        },
        'fName',
      ),
    ),
  // Only the structured content's (the text content's names are escaped JSON inside JSON).
  insertBytesInNames: (body, bytes) => spliceAfter(body, Buffer.from('"fName":"'), bytes),
  replaceIds: (body, id) =>
    eachPayload(
      body,
      (payload) => eachClient(payload, (client) => void (client.id = idValue(id)), 'fName'),
      (value) => withNegativeZero(JSON.stringify(value)),
    ),
  // "The server MUST either return Content-Type: text/event-stream in response to this HTTP GET, or else
  // return HTTP 405": the stream of server-initiated messages stays open, and no check reads it.
  ownAnswer: (request) =>
    request.method === 'GET' ? { status: 405, headers: { allow: 'POST, DELETE' }, body: Buffer.alloc(0) } : undefined,
  only: 'contract',
};

/** Every API the catalogue knows, by id. A new API adds its profile here; `wire` behaviours run against the first. */
export const PROFILES: Readonly<Record<ApiId, ApiProfile>> = {
  'freshbooks-rest': REST,
  'freshbooks-classic': CLASSIC,
  growcrm: GROWCRM,
  'freshbooks-mcp': MCP,
};

function spliceAfter(body: Buffer, marker: Buffer, bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = body.indexOf(marker); at >= 0; at = body.indexOf(marker, from)) {
    parts.push(body.subarray(from, at + marker.length), bytes);
    from = at + marker.length;
  }
  parts.push(body.subarray(from));
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------------------------------
// Loopback servers, each stopped by its own handle
// ---------------------------------------------------------------------------------------------------

/** What a hostile target's `serve` returns. */
export interface Served {
  /** The `--target` to run against. */
  readonly target: string;
  close(): Promise<void>;
}

export interface ServeContext {
  readonly profile: ApiProfile;
  readonly token: string;
  readonly accountId: string;
}

const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
const CLOSE_WITHIN_MS = 5_000;

/** Resolves after `ms`, or never later than that: every wait in this file is bounded. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export interface Listening {
  readonly origin: string;
  readonly server: Server;
  /** Stops accepting and drops every connection; safe to call twice. */
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 whose close drops every socket (also the ones a handler took over) and clears every timer registered with `onClose`. */
export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
): Promise<Listening & { onClose(cleanup: () => void): void }> {
  const sockets = new Set<Socket>();
  const cleanups = new Set<() => void>();
  const server = createServer((req, res) => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch(() => req.socket.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client that hangs up mid-request is not the front's problem.
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closing: Promise<void> | undefined;
  return {
    origin,
    server,
    onClose: (cleanup) => cleanups.add(cleanup),
    close() {
      closing ??= (async () => {
        for (const cleanup of cleanups) cleanup();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
        await within(closed, CLOSE_WITHIN_MS);
      })();
      return closing;
    },
  };
}

/** The request body, whole; a body past the bound is cut there (no client of ours sends one). */
export async function readRequest(req: IncomingMessage): Promise<Forwarded> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) break;
    chunks.push(chunk as Buffer);
  }
  return { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks) };
}

const HOP_BY_HOP = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'upgrade', 'expect']);

/** Sends `request` to the reference at `origin`; bounded in time. */
export async function forward(origin: string, request: Forwarded): Promise<Answer> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const answer = await undiciRequest(`${origin}${request.url}`, {
    method: request.method as 'GET',
    headers,
    body: request.method === 'GET' || request.method === 'HEAD' ? undefined : request.body,
    signal: AbortSignal.timeout(15_000),
  });
  const body = Buffer.from(await answer.body.arrayBuffer());
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { status: answer.statusCode, headers: kept, body };
}

export function send(res: ServerResponse, answer: Answer): void {
  if (res.destroyed) return;
  res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
  res.end(answer.body);
}

export const text = (status: number, contentType: string, body: string | Buffer, headers: Record<string, string> = {}): Answer => ({
  status,
  headers: { 'content-type': contentType, ...headers },
  body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
});

/** One request as a front sees it. */
export interface FrontExchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** 1 for the first request `handle` gets (one the profile's `ownAnswer` answers is not counted). */
  readonly n: number;
  readonly request: Forwarded;
  /** The reference's honest answer to `request` (or to another one). */
  forward(request?: Forwarded): Promise<Answer>;
  /** Registers a cleanup (a timer) run when the front closes. */
  onClose(cleanup: () => void): void;
  /** Stops listening for good and drops every connection. */
  stopListening(): Promise<void>;
}

/**
 * A front on loopback in front of the API's reference (started here, stopped with the front): `handle`
 * decides what each request gets. The request body is read before `handle` runs.
 */
export async function front(ctx: ServeContext, handle: (exchange: FrontExchange) => void | Promise<void>): Promise<Served> {
  const reference = await ctx.profile.startReference(ctx.token, ctx.accountId);
  const referenceOrigin = new URL(reference.url).origin;
  let n = 0;
  let listening: Awaited<ReturnType<typeof listen>> | undefined;
  try {
    listening = await listen(async (req, res) => {
      const request = await readRequest(req);
      const own = ctx.profile.ownAnswer?.(request);
      if (own) return send(res, own);
      n += 1;
      await handle({
        req,
        res,
        n,
        request,
        forward: (other = request) => forward(referenceOrigin, other),
        onClose: (cleanup) => listening!.onClose(cleanup),
        stopListening: () => listening!.close(),
      });
    });
  } catch (error) {
    await reference.close();
    throw error;
  }
  const own = listening;
  return {
    target: ctx.profile.target(own.origin),
    async close() {
      await own.close();
      await within(reference.close(), CLOSE_WITHIN_MS);
    },
  };
}

/** A server of its own on loopback (no reference behind it), as the API's `--target`. */
export async function alone(
  ctx: ServeContext,
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
): Promise<Served> {
  const own = await listen(handler);
  return { target: ctx.profile.target(own.origin), close: () => own.close() };
}

/** A front that answers every request with `answer` (no reference behind it). */
export function always(ctx: ServeContext, answer: (exchange: { request: Forwarded; n: number }) => Answer): Promise<Served> {
  let n = 0;
  return alone(ctx, async (req, res) => {
    const request = await readRequest(req);
    n += 1;
    send(res, answer({ request, n }));
  });
}

/** Writes `bytes` straight to the socket, outside HTTP framing, then ends or destroys it. */
function raw(req: IncomingMessage, bytes: string | Buffer, then: 'end' | 'destroy' | 'keep' = 'end'): void {
  const socket = req.socket;
  socket.write(bytes, () => {
    if (then === 'end') socket.end();
    else if (then === 'destroy') socket.destroy();
  });
}

// ---------------------------------------------------------------------------------------------------
// The behaviours
// ---------------------------------------------------------------------------------------------------

export interface HostileTarget {
  /** What the target does wrong, one short phrase. */
  readonly name: string;
  readonly api: ApiId;
  serve(ctx: ServeContext): Promise<Served>;
  /** `--runs`; undefined: clientele's default options. */
  readonly runs?: number;
  /** `--only`: the families whose checks the behaviour reaches; undefined: every family. */
  readonly only?: string;
  /** Exit codes this target must yield, when the behaviour pins one down (always a subset of 0-3). */
  readonly exits?: readonly number[];
  /**
   * Rules one failure at least must break: the answer that misbehaved is the one judged, not a later
   * answer to a request it made clientele send (exit 1 alone says neither).
   */
  readonly failsOn?: readonly string[];
  /** About how long a run takes, in seconds, where it is long: the longest runs are scheduled first. */
  readonly expectedSeconds?: number;
  /** The run spends its time waiting for the target, not computing: it need not wait for a free core. */
  readonly waits?: boolean;
}

type Behaviour = Omit<HostileTarget, 'api' | 'serve'> & {
  /** The APIs it makes sense for (default: every profile). */
  readonly apis?: readonly ApiId[];
  /**
   * It lives below the body format (time, connections, HTTP framing, statuses), where both APIs share one
   * transport: run against the first profile only, which says as much as both and costs half.
   */
  readonly wire?: boolean;
  serve(ctx: ServeContext): Promise<Served>;
};

/** Exit 1: the target broke a promise. */
const FAILS = [1] as const;
/** Exit 0: an honest target, or one that breaks only an assumption (a warning). */
const PASSES = [0] as const;

const ESCAPES = '\u001b[2J\u001b]0;pwned\u0007\u009b31m\u0000\u007f';

/**
 * The APIs every body behaviour has a row for. Grow CRM and MCP (added later) have only the rows that
 * say something REST's do not, for the catalogue's time: Grow CRM's JSON goes through REST's decoder
 * and exchange checks. MCP meets a front's first answer at its `initialize` handshake, where an error
 * status, HTML or another media type ends the run as unreachable (exit 3) whatever the behaviour meant
 * (the echoed credential, control sequences); a canned body fails every call alike, as no JSON-RPC
 * message; its fetch decodes gzip unasked; and a repeated page needs the pagination family.
 */
const REST_AND_CLASSIC: readonly ApiId[] = ['freshbooks-rest', 'freshbooks-classic'];

/** A behaviour that answers as the reference does, but with `idFor` in place of every client id. */
function hostileIds(name: string, idFor: (ctx: ServeContext, request: Forwarded) => string | number): Behaviour {
  return {
    name,
    exits: FAILS,
    // The id is judged on the answer that carried it: its schema, or the adapter's id check (-0 is an integer).
    failsOn: ['response-schema', 'well-formed-body'],
    // The contract checks read every id an answer carries first; the other families only repeat them.
    only: 'contract',
    serve: (ctx) =>
      front(ctx, async ({ res, forward, request }) => {
        const answer = await forward();
        send(res, { ...answer, body: ctx.profile.replaceIds(answer.body, idFor(ctx, request)) });
      }),
  };
}

/** Every behaviour, once; `HOSTILE_TARGETS` expands it to one row per API. */
export const BEHAVIOURS: readonly Behaviour[] = [
  // -- time ---------------------------------------------------------------------------------------
  {
    name: 'never answers (no headers)',
    wire: true,
    waits: true,
    exits: FAILS,
    expectedSeconds: 35,
    serve: (ctx) => alone(ctx, () => undefined),
  },
  {
    name: 'answers every request after 9 s',
    wire: true,
    waits: true,
    // The late-answer guard stops the run before it can judge: a run that could not test is not a pass.
    exits: [3],
    expectedSeconds: 40,
    serve: (ctx) =>
      front(ctx, async ({ res, forward, onClose }) => {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 9_000);
          onClose(() => {
            clearTimeout(timer);
            resolve();
          });
        });
        send(res, await forward());
      }),
  },
  {
    name: 'headers, then the body one byte a second',
    wire: true,
    waits: true,
    exits: FAILS,
    runs: 5,
    expectedSeconds: 33,
    serve: (ctx) =>
      front(ctx, async ({ res, forward, onClose }) => {
        const answer = await forward();
        res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
        res.flushHeaders();
        let at = 0;
        const timer = setInterval(() => {
          if (res.destroyed || at >= answer.body.length) {
            clearInterval(timer);
            if (!res.destroyed) res.end();
            return;
          }
          res.write(answer.body.subarray(at, at + 1));
          at += 1;
        }, 1_000);
        onClose(() => clearInterval(timer));
        res.on('close', () => clearInterval(timer));
      }),
  },
  // -- bodies ---------------------------------------------------------------------------------------
  {
    name: 'truncated body (first half)',
    wire: true,
    exits: FAILS,
    serve: (ctx) =>
      front(ctx, async ({ res, forward }) => {
        const answer = await forward();
        send(res, { ...answer, body: answer.body.subarray(0, Math.floor(answer.body.length / 2)) });
      }),
  },
  {
    name: 'endless body (past the 8 MiB cap)',
    wire: true,
    exits: FAILS,
    serve: (ctx) =>
      alone(ctx, (_req, res) => {
        res.writeHead(200, { 'content-type': ctx.profile.mediaType });
        const chunk = Buffer.alloc(64 * 1024, ctx.profile.id === 'freshbooks-classic' ? 'a' : ' ');
        res.write(ctx.profile.id === 'freshbooks-classic' ? `${XML_DECLARATION}<response status="ok"><x>` : '{"response": "');
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
        };
        res.on('drain', pump);
        pump();
      }),
  },
  {
    name: 'connection reset mid-response',
    wire: true,
    exits: FAILS,
    serve: (ctx) =>
      front(ctx, async ({ req, res, forward }) => {
        const answer = await forward();
        res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
        res.write(answer.body.subarray(0, Math.floor(answer.body.length / 3)), () => req.socket.resetAndDestroy());
      }),
  },
  {
    name: 'Content-Length larger than the body, then close',
    wire: true,
    exits: FAILS,
    serve: (ctx) =>
      front(ctx, async ({ req, forward }) => {
        const answer = await forward();
        const head =
          `HTTP/1.1 ${answer.status} X\r\ncontent-type: ${answer.headers['content-type'] ?? ctx.profile.mediaType}\r\n` +
          `content-length: ${answer.body.length + 1000}\r\n\r\n`;
        raw(req, Buffer.concat([Buffer.from(head), answer.body]), 'end');
      }),
  },
  {
    name: 'HTML with 200',
    // The preflight's diagnosis: the target answers with an HTML page, is --target right? (exit 2)
    exits: [2],
    // Grow CRM too: its preflight lists at a path of its own.
    apis: [...REST_AND_CLASSIC, 'growcrm'],
    serve: (ctx) => always(ctx, () => text(200, 'text/html; charset=utf-8', '<!DOCTYPE html><html><body><h1>It works!</h1></body></html>')),
  },
  {
    name: 'valid body under a wrong content type',
    exits: [0, 1],
    apis: REST_AND_CLASSIC,
    serve: (ctx) =>
      front(ctx, async ({ res, forward }) => {
        const answer = await forward();
        send(res, { ...answer, headers: { ...answer.headers, 'content-type': 'text/plain; charset=us-ascii' } });
      }),
  },
  {
    name: 'empty 200 body',
    exits: FAILS,
    apis: REST_AND_CLASSIC,
    serve: (ctx) => always(ctx, () => text(200, ctx.profile.mediaType, '')),
  },
  {
    name: 'a 100,000-level nested body',
    exits: FAILS,
    apis: REST_AND_CLASSIC,
    serve: (ctx) => {
      const body = ctx.profile.nested(100_000);
      return always(ctx, () => text(200, ctx.profile.mediaType, body));
    },
  },
  {
    name: 'billion-laughs entity bomb',
    exits: FAILS,
    apis: ['freshbooks-classic'],
    serve: (ctx) => {
      const entities = ['<!ENTITY l0 "lollollollol">'];
      for (let i = 1; i <= 12; i++) entities.push(`<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`);
      const body =
        `${XML_DECLARATION}<!DOCTYPE response [${entities.join('')}]>\n` +
        `<response xmlns="${CLASSIC_NAMESPACE}" status="ok"><client_id>&l12;</client_id></response>`;
      return always(ctx, () => text(200, ctx.profile.mediaType, body));
    },
  },
  {
    name: 'external entity naming /etc/passwd',
    exits: FAILS,
    apis: ['freshbooks-classic'],
    serve: (ctx) => {
      const body =
        `${XML_DECLARATION}<!DOCTYPE response [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n` +
        `<response xmlns="${CLASSIC_NAMESPACE}" status="ok"><client_id>&xxe;</client_id></response>`;
      return always(ctx, () => text(200, ctx.profile.mediaType, body));
    },
  },
  {
    name: 'a 7 MB XML attribute',
    exits: FAILS,
    apis: ['freshbooks-classic'],
    expectedSeconds: 10,
    serve: (ctx) => {
      const attribute = ` junk="${'A'.repeat(7 * 1000 * 1000)}"`;
      return front(ctx, async ({ res, forward }) => {
        const answer = await forward();
        send(res, { ...answer, body: Buffer.from(answer.body.toString('utf8').replace(/<response\b/, `<response${attribute}`), 'utf8') });
      });
    },
  },
  {
    // In every fourth answer: in all of them, the run spends its time moving 2 GB over loopback.
    name: 'a 7 MB JSON string in every fourth answer',
    exits: PASSES,
    apis: ['freshbooks-rest'],
    expectedSeconds: 15,
    serve: (ctx) => {
      const member = `"padding":"${'A'.repeat(7 * 1000 * 1000)}",`;
      return front(ctx, async ({ res, forward, n }) => {
        const answer = await forward();
        const body = answer.body.toString('utf8');
        const padded = n % 4 === 1 && body.startsWith('{');
        send(res, { ...answer, body: Buffer.from(padded ? `{${member}${body.slice(1)}` : body, 'utf8') });
      });
    },
  },
  {
    name: 'duplicate JSON keys',
    exits: PASSES,
    apis: ['freshbooks-rest'],
    serve: (ctx) =>
      front(ctx, async ({ res, forward }) => {
        const answer = await forward();
        const body = answer.body.toString('utf8');
        // A first `response` some parsers keep, then the honest one JSON.parse keeps.
        const duplicated = body.startsWith('{') ? `{"response":{"result":{"clients":[],"client":null}},${body.slice(1)}` : body;
        send(res, { ...answer, body: Buffer.from(duplicated, 'utf8') });
      }),
  },
  {
    name: 'invalid UTF-8 in the body',
    exits: FAILS,
    // MCP: the bytes reach a name through the event-stream framing and the SDK's decoding.
    apis: [...REST_AND_CLASSIC, 'freshbooks-mcp'],
    serve: (ctx) =>
      front(ctx, async ({ res, forward }) => {
        const answer = await forward();
        // A lone continuation byte, an overlong ESC (C0 9B), a truncated sequence, FF FE, and a surrogate half.
        const bytes = Buffer.from([0x80, 0xc0, 0x9b, 0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]);
        send(res, { ...answer, body: ctx.profile.insertBytesInNames(answer.body, bytes) });
      }),
  },
  {
    name: 'gzip body nobody asked for',
    exits: FAILS,
    apis: REST_AND_CLASSIC,
    serve: (ctx) =>
      front(ctx, async ({ res, forward }) => {
        const answer = await forward();
        send(res, { ...answer, headers: { ...answer.headers, 'content-encoding': 'gzip' }, body: gzipSync(answer.body) });
      }),
  },
  // Ids are taken from answers and sent back in later requests: each must be checked first, its
  // failure the answer's (exit 1), never a request clientele refuses to build (exit 4).
  hostileIds('client ids of negative zero', (ctx) => (ctx.profile.id === 'freshbooks-classic' ? '-0' : -0)),
  hostileIds('client ids holding escape sequences', () => `7${ESCAPES}`),
  hostileIds('client ids echoing the Authorization header', (ctx, request) => String(request.headers.authorization ?? ctx.token)),
  {
    name: 'terminal control sequences in bodies',
    exits: FAILS,
    apis: REST_AND_CLASSIC,
    serve: (ctx) =>
      front(ctx, async ({ res, forward, n }) => {
        if (n % 4 === 0) {
          send(res, text(500, 'text/plain; charset=utf-8', `boom ${ESCAPES} \u001b[1;31mred\u001b[0m \u009b2J \r\u0008\u0008 done`));
          return;
        }
        const answer = await forward();
        send(res, {
          ...answer,
          body: ctx.profile.appendToNames(
            answer.body,
            ctx.profile.id === 'freshbooks-classic' ? '\u009b2J\u0085\u009d0;pwned\u009c' : ESCAPES,
          ),
        });
      }),
  },
  // -- lists ----------------------------------------------------------------------------------------
  {
    name: 'a lying list (a million pages, no client)',
    exits: FAILS,
    apis: REST_AND_CLASSIC,
    serve: (ctx) =>
      front(ctx, async ({ res, request, forward }) => {
        if (ctx.profile.isList(request)) send(res, text(200, ctx.profile.mediaType, ctx.profile.lyingList(request)));
        else send(res, await forward());
      }),
  },
  {
    name: 'every page repeats page 1',
    exits: FAILS,
    apis: REST_AND_CLASSIC,
    serve: (ctx) =>
      front(ctx, async ({ res, request, forward }) => {
        if (!ctx.profile.isList(request)) return send(res, await forward());
        const { asked, request: first } = ctx.profile.firstPageInstead(request);
        const answer = await forward(first);
        send(res, answer.status === 200 ? { ...answer, body: ctx.profile.claimPage(answer.body, asked) } : answer);
      }),
  },
  // -- statuses -------------------------------------------------------------------------------------
  {
    name: '500 storm',
    wire: true,
    exits: FAILS,
    serve: (ctx) => always(ctx, () => text(500, ctx.profile.mediaType, ctx.profile.errorBody('Internal server error.'))),
  },
  {
    name: '429 storm, Retry-After: 1',
    wire: true,
    waits: true,
    exits: FAILS,
    runs: 5,
    expectedSeconds: 12,
    serve: (ctx) =>
      always(ctx, () => text(429, ctx.profile.mediaType, ctx.profile.errorBody('Too many requests.'), { 'retry-after': '1' })),
  },
  {
    name: '429 with Retry-After: 31536000',
    wire: true,
    exits: FAILS,
    serve: (ctx) =>
      always(ctx, () => text(429, ctx.profile.mediaType, ctx.profile.errorBody('Come back next year.'), { 'retry-after': '31536000' })),
  },
  {
    name: '503 with Retry-After: 1 for 2.5 s, then honest',
    wire: true,
    exits: PASSES,
    serve: (ctx) => {
      let since: number | undefined;
      return front(ctx, async ({ res, forward }) => {
        since ??= Date.now();
        if (Date.now() - since < 2_500)
          send(res, text(503, ctx.profile.mediaType, ctx.profile.errorBody('Down for maintenance.'), { 'retry-after': '1' }));
        else send(res, await forward());
      });
    },
  },
  {
    name: '302 to itself (redirect loop)',
    wire: true,
    // The preflight's diagnosis: the target redirects the list (exit 2).
    exits: [2],
    serve: (ctx) => always(ctx, ({ request }) => text(302, 'text/html; charset=utf-8', '<a href="">Found</a>', { location: request.url })),
  },
  {
    name: '401 for every request',
    wire: true,
    // The preflight's diagnosis: the credential was refused (exit 2).
    exits: [2],
    serve: (ctx) => always(ctx, () => ctx.profile.unauthorized()),
  },
  {
    name: '204 and 304 where a body is expected',
    wire: true,
    exits: FAILS,
    serve: (ctx) =>
      alone(ctx, (req, res) => {
        req.resume();
        const status = Math.random() < 0.5 ? 204 : 304;
        res.writeHead(status, { 'content-type': ctx.profile.mediaType, etag: '"x"' });
        res.end();
      }),
  },
  {
    name: '1xx interim answers, then hang up',
    wire: true,
    exits: FAILS,
    serve: (ctx) =>
      alone(ctx, (req) => {
        req.resume();
        raw(
          req,
          'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </x>; rel=preload\r\n\r\n',
          'destroy',
        );
      }),
  },
  {
    name: 'not HTTP at all',
    wire: true,
    exits: FAILS,
    serve: (ctx) =>
      alone(ctx, (req) => {
        req.resume();
        raw(req, 'SSH-2.0-OpenSSH_9.6\r\nProtocol mismatch.\r\n', 'end');
      }),
  },
  {
    name: 'a 1 MB response header',
    wire: true,
    exits: FAILS,
    serve: (ctx) =>
      front(ctx, async ({ req, forward }) => {
        const answer = await forward();
        const head =
          `HTTP/1.1 ${answer.status} OK\r\ncontent-type: ${answer.headers['content-type'] ?? ctx.profile.mediaType}\r\n` +
          `x-padding: ${'p'.repeat(1024 * 1024)}\r\ncontent-length: ${answer.body.length}\r\n\r\n`;
        raw(req, Buffer.concat([Buffer.from(head), answer.body]), 'end');
      }),
  },
  // -- connections ----------------------------------------------------------------------------------
  {
    name: 'closes the connection after every answer, unannounced',
    wire: true,
    serve: (ctx) =>
      front(ctx, async ({ req, res, forward }) => {
        const answer = await forward();
        res.on('finish', () => req.socket.end());
        send(res, answer);
      }),
  },
  {
    name: 'stops listening after 40 requests',
    wire: true,
    exits: [3],
    serve: (ctx) =>
      front(ctx, async ({ res, forward, n, stopListening }) => {
        if (n > 40) return void res.socket?.destroy();
        send(res, await forward());
        if (n === 40) res.on('finish', () => void stopListening());
      }),
  },
  // -- secrets --------------------------------------------------------------------------------------
  {
    name: 'reflects the credential in bodies and headers',
    exits: FAILS,
    // Grow CRM too: its own adapter and messages read the bodies and headers that carry the token.
    apis: [...REST_AND_CLASSIC, 'growcrm'],
    serve: (ctx) =>
      front(ctx, async ({ res, request, forward, n }) => {
        const authorization = String(request.headers.authorization ?? '');
        const credential = authorization.replace(/^\w+\s+/, '');
        const decoded = Buffer.from(credential, 'base64').toString('latin1');
        const token = ctx.profile.id === 'freshbooks-classic' ? decoded.split(':')[0]! : credential;
        const reflected = {
          'x-echo-authorization': authorization,
          'x-token-piece': token.slice(3, 15),
          'www-authenticate': `Bearer error="invalid_token", error_description="token ${token.slice(10, 22)} expired"`,
          'set-cookie': `session=${credential}; Path=/`,
        };
        if (n % 3 === 0) {
          const message =
            `parse error near '${token.slice(3, 15)}' in "${authorization}" (${encodeURIComponent(token)}; ` +
            `${Buffer.from(`${token}:X`).toString('base64')}; ${token.split('').reverse().join('')}; …${token.slice(20, 27)}…)`;
          send(res, text(400, ctx.profile.mediaType, ctx.profile.errorBody(message), reflected));
          return;
        }
        const answer = await forward();
        send(res, { ...answer, headers: { ...answer.headers, ...reflected } });
      }),
  },
];

/** One row per behaviour and API it makes sense for. */
export const HOSTILE_TARGETS: readonly HostileTarget[] = BEHAVIOURS.flatMap((behaviour) =>
  (behaviour.apis ?? (Object.keys(PROFILES) as ApiId[]).slice(0, behaviour.wire ? 1 : undefined)).map((api) => {
    const { apis: _apis, wire: _wire, ...rest } = behaviour;
    const only = rest.only ?? PROFILES[api].only;
    return { ...rest, api, ...(only === undefined ? {} : { only }) } satisfies HostileTarget;
  }),
);

// ---------------------------------------------------------------------------------------------------
// Running clientele as a child process, and judging what it left behind
// ---------------------------------------------------------------------------------------------------

/** A random-looking secret: 32 hex characters. */
export const freshToken = (): string => randomBytes(16).toString('hex');

/** One target of a child run: a row of the catalogue served on loopback, with its own credentials. */
export interface ChildTarget {
  /** Its name in the config file: its reports go to `<reportDir>/<name>`. */
  readonly name: string;
  readonly api: ApiId;
  /** `--target`. */
  readonly url: string;
  readonly token: string;
  readonly accountId: string;
  readonly runs?: number;
  readonly only?: string;
}

export interface ChildRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
  /** The largest VmHWM seen while polling `/proc/<pid>/status`, in MiB; undefined where /proc is absent. */
  readonly peakRssMiB?: number;
  /** The child outlived `killAfterMs` and was stopped. */
  readonly killed: boolean;
  /** Where each target's reports are, by name. */
  readonly reportDirs: ReadonlyMap<string, string>;
  /** The directory the child wrote into (its config file and every report). */
  readonly workDir: string;
  /** Every form of every token of its targets (`secretForms`), each labelled with its target: none may leave it. */
  readonly tokenForms: readonly { readonly form: string; readonly needle: string }[];
}

const OUTPUT_CAP = 32 * 1024 * 1024;
const POLL_MS = 100;

function vmHwmKiB(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `node bin/clientele.js run --config FILE`, as a user runs several targets at once: the file lists
 * `targets`, one after the other, each naming the variable that holds its token (a user's shell's
 * environment, none of the test runner's own variables). One process for several targets pays
 * clientele's start-up once. Peak RSS is polled every 100 ms; a child still running after `killAfterMs`
 * gets SIGTERM (it then has `graceMs` to clean up and write its reports), then SIGKILL.
 */
export function runClientele(targets: readonly ChildTarget[], bounds: { killAfterMs: number; graceMs: number }): Promise<ChildRun> {
  const workDir = mkdtempSync(join(tmpdir(), 'clientele-hostile-'));
  const reportDir = join(workDir, 'reports');
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(VITEST|CLIENTELE_)/.test(name) && name !== 'NODE_OPTIONS') env[name] = value;
  }
  const config = {
    reportDir,
    targets: targets.map((target, i) => {
      env[`HOSTILE_TOKEN_${i}`] = target.token;
      return {
        name: target.name,
        api: target.api,
        url: target.url,
        tokenEnv: `HOSTILE_TOKEN_${i}`,
        ...PROFILES[target.api].settings(target.accountId),
        options: { ...(target.runs === undefined ? {} : { runs: target.runs }), ...(target.only ? { only: [target.only] } : {}) },
      };
    }),
  };
  const configFile = join(workDir, 'clientele.config.yaml');
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  // One target's reports go straight into the report directory; several, one directory each.
  const reportDirs = new Map(targets.map((target) => [target.name, targets.length > 1 ? join(reportDir, target.name) : reportDir]));
  const args = [join(PROJECT_ROOT, 'bin', 'clientele.js'), 'run', '--config', configFile];
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outSize = 0;
    let errSize = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      if ((outSize += chunk.length) <= OUTPUT_CAP) out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if ((errSize += chunk.length) <= OUTPUT_CAP) err.push(chunk);
    });
    let peak: number | undefined;
    const poll = () => {
      if (child.pid === undefined) return;
      const kib = vmHwmKiB(child.pid);
      if (kib !== undefined) peak = Math.max(peak ?? 0, kib);
    };
    const poller = setInterval(poll, POLL_MS);
    let killed = false;
    let hardKill: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => {
      killed = true;
      child.kill('SIGTERM');
      hardKill = setTimeout(() => child.kill('SIGKILL'), bounds.graceMs);
    }, bounds.killAfterMs);
    child.on('close', (code, signal) => {
      clearInterval(poller);
      clearTimeout(deadline);
      clearTimeout(hardKill);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        seconds: (performance.now() - started) / 1000,
        peakRssMiB: peak === undefined ? undefined : peak / 1024,
        killed,
        reportDirs,
        workDir,
        tokenForms: targets.flatMap((target) =>
          secretForms(target.token).map(({ form, needle }) => ({ form: `${target.name}'s ${form}`, needle })),
        ),
      });
    });
    child.on('error', () => undefined);
  });
}

/** Every file under `dir`, with its text. */
export function filesUnder(dir: string): { path: string; text: string }[] {
  if (!existsSync(dir)) return [];
  const found: { path: string; text: string }[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...filesUnder(path));
    else found.push({ path, text: readFileSync(path, 'utf8') });
  }
  return found;
}

export const MIN_FRAGMENT = 6;

/**
 * Every form of the token a report or the terminal must not hold: each fragment of 6 characters or
 * more (any longer fragment holds one), raw and URL-encoded, and base64 of `token:X` (whole, and every
 * 16-character window: it decodes, at some alignment, to 7 or more characters of the token).
 */
export function secretForms(token: string): { form: string; needle: string }[] {
  const forms: { form: string; needle: string }[] = [];
  const seen = new Set<string>();
  const add = (form: string, needle: string) => {
    if (!seen.has(needle)) {
      seen.add(needle);
      forms.push({ form, needle });
    }
  };
  for (let at = 0; at + MIN_FRAGMENT <= token.length; at++) {
    const fragment = token.slice(at, at + MIN_FRAGMENT);
    add(`token[${at}:${at + MIN_FRAGMENT}]`, fragment);
    add(`URL-encoded token[${at}:${at + MIN_FRAGMENT}]`, encodeURIComponent(fragment));
  }
  for (const [label, plain] of [
    ['token:X', `${token}:X`],
    ['token', token],
  ] as const) {
    const encoded = Buffer.from(plain, 'utf8').toString('base64');
    add(`base64(${label})`, encoded.replace(/=+$/, ''));
    for (let at = 0; at + 16 <= encoded.replace(/=+$/, '').length; at++)
      add(`base64(${label})[${at}:${at + 16}]`, encoded.slice(at, at + 16));
  }
  return forms;
}

/** Raw C0 (but tab, LF, CR), DEL and C1 characters. */
export const RAW_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

const STACK_TRACE = /\n\s+at /;

/** Where `text` holds a form of a token or a raw control character, as lines naming `path`. */
function leaksIn(path: string, body: string, forms: ChildRun['tokenForms']): string[] {
  const problems: string[] = [];
  const leaks = forms.filter(({ needle }) => body.includes(needle));
  for (const { form, needle } of leaks.slice(0, 3)) {
    const at = body.indexOf(needle);
    problems.push(`${path} holds ${form}: ${JSON.stringify(body.slice(Math.max(0, at - 80), at + needle.length + 40))}`);
  }
  if (leaks.length > 3) problems.push(`${path} holds ${leaks.length - 3} more forms of a token`);
  const control = RAW_CONTROL.exec(body);
  if (control) {
    const count = body.match(new RegExp(RAW_CONTROL.source, 'g'))!.length;
    const code = control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    problems.push(
      `${path} holds ${count} raw control character(s), first U+${code}: ${JSON.stringify(body.slice(Math.max(0, control.index - 60), control.index + 40))}`,
    );
  }
  return problems;
}

/**
 * Everything wrong with what a child left behind as a whole, as lines; empty when it behaved: it ended
 * within `seconds` (unkilled) with the worst exit code of its targets' reports (never 4, clientele's own
 * crash), printed no stack trace, no form of any target's token and no raw control character, and
 * stayed under `rssMiB`.
 */
export function judgeChild(run: ChildRun, targets: readonly ChildTarget[], limits: { seconds: number; rssMiB: number }): string[] {
  const problems: string[] = [];
  if (run.killed) problems.push(`still running after the test's bound: killed (${run.signal ?? run.code})`);
  if (!(run.seconds < limits.seconds)) problems.push(`the child took ${run.seconds.toFixed(1)} s (bound ${limits.seconds} s)`);
  const exits = targets.map((target) => reportOf(run, target.name)?.exitCode);
  const worst = exits.every((code) => code !== undefined) ? Math.max(...(exits as number[])) : undefined;
  if (run.code === null || run.code !== worst)
    problems.push(`exit ${run.code ?? run.signal}, the targets' reports say ${exits.join(', ')}; stderr: ${run.stderr.slice(0, 400)}`);
  for (const [stream, textOf] of [
    ['stdout', run.stdout],
    ['stderr', run.stderr],
  ] as const) {
    const trace = STACK_TRACE.exec(textOf);
    if (trace)
      problems.push(`stack trace on ${stream}: ${JSON.stringify(textOf.slice(Math.max(0, trace.index - 200), trace.index + 200))}`);
  }
  if (run.peakRssMiB !== undefined && !(run.peakRssMiB < limits.rssMiB))
    problems.push(`peak RSS ${run.peakRssMiB.toFixed(0)} MiB (bound ${limits.rssMiB} MiB)`);
  problems.push(...leaksIn('stdout', run.stdout, run.tokenForms), ...leaksIn('stderr', run.stderr, run.tokenForms));
  return problems;
}

interface TargetReport {
  readonly exitCode?: number;
  readonly durationMs?: number;
  readonly checks?: readonly { readonly failure?: { readonly rule?: string } }[];
}

/** The target's report.json, parsed; undefined when it is missing or does not parse. */
export function reportOf(run: ChildRun, name: string): TargetReport | undefined {
  const path = join(run.reportDirs.get(name)!, 'report.json');
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as TargetReport;
  } catch {
    return undefined;
  }
}

/**
 * Everything wrong with what one target's run left behind, as lines; empty when it behaved: a report
 * that parses, the run within `seconds`, an exit code of `exits`, a failure on a rule of `failsOn`, and
 * no form of any token of the child's targets nor a raw control character in any file of its reports.
 */
export function judgeTarget(
  run: ChildRun,
  name: string,
  limits: { seconds: number; exits: readonly number[]; failsOn?: readonly string[] },
): string[] {
  const problems: string[] = [];
  const dir = run.reportDirs.get(name)!;
  const report = reportOf(run, name);
  if (!report) problems.push(existsSync(join(dir, 'report.json')) ? 'report.json does not parse' : 'no report.json');
  else {
    const seconds = (report.durationMs ?? Infinity) / 1000;
    if (!(seconds < limits.seconds)) problems.push(`took ${seconds.toFixed(1)} s (bound ${limits.seconds} s)`);
    if (report.exitCode === undefined || !limits.exits.includes(report.exitCode))
      problems.push(`exit ${report.exitCode} (expected one of ${limits.exits.join(', ')}); stderr: ${run.stderr.slice(0, 400)}`);
    const broken = new Set((report.checks ?? []).flatMap((check) => (check.failure?.rule ? [check.failure.rule] : [])));
    if (limits.failsOn && !limits.failsOn.some((rule) => broken.has(rule)))
      problems.push(`no failure breaks ${limits.failsOn.join(' or ')} (the rules broken: ${[...broken].join(', ') || 'none'})`);
  }
  for (const file of filesUnder(dir)) problems.push(...leaksIn(file.path.slice(dir.length + 1), file.text, run.tokenForms));
  return problems;
}
