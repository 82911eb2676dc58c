/**
 * The FreshBooks MCP reference target and its mutants: the five client tools of seed 002 served over
 * Streamable HTTP (stateful sessions, one Server per session, one shared store) or, via stdio.ts, stdio.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { readBody, sendText } from '../../../reference-kit/http.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { listenOnLoopback } from '../../../reference-kit/loopback.js';
import { faultsOf, type Mutant, type RunningTarget } from '../../../reference-kit/types.js';
import type { McpFaults } from './faults.js';
import { MCP_MUTANTS } from './mutants.js';
import { buildServer } from './server.js';
import { Accounts } from './store.js';

export type { McpFaults } from './faults.js';

export const MUTANTS: readonly Mutant<McpFaults>[] = MCP_MUTANTS;

export interface McpTargetOptions {
  /** False models a server without FreshBooks credentials: every tools/call answers -32001. Default true. */
  readonly authenticated?: boolean;
  /** When given, the HTTP endpoint requires `Authorization: Bearer <token>` and answers 401 without it. */
  readonly token?: string;
  /** `clientele serve --port`; default an ephemeral port. */
  readonly port?: number;
}

/** The path of the Streamable HTTP endpoint on the target's origin. */
const MCP_PATH = '/mcp';

/** At most this many live sessions; an initialize beyond them is refused with 503. */
const MAX_SESSIONS = 1000;

function faultsFor(mutantId: string | undefined): McpFaults {
  return faultsOf(MCP_MUTANTS, mutantId) ?? {};
}

/** A server of the reference (no id) or of a mutant, with a store of its own; connect it to any transport. */
export function createMcpServer(mutantId?: string, options: McpTargetOptions = {}): Server {
  const faults = faultsFor(mutantId);
  return buildServer(new Accounts(faults), faults, options.authenticated ?? true);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  sendText(res, status, 'application/json; charset=utf-8', JSON.stringify(body), headers);
}

function rpcError(code: number, message: string): unknown {
  return { jsonrpc: '2.0', id: null, error: { code, message } };
}

interface Session {
  readonly server: Server;
  readonly transport: StreamableHTTPServerTransport;
}

/**
 * Starts the reference (no id) or the mutant with this id on 127.0.0.1, ephemeral port. `url` is the
 * origin, `endpoint` the MCP endpoint. A Bearer token is required when `options.token` (or else
 * `credentials.token`) is non-empty. Every session shares one store, per accountId.
 */
export async function startTarget(
  credentials: { readonly token: string; readonly accountId: string },
  mutantId?: string,
  options: McpTargetOptions = {},
): Promise<RunningTarget & { readonly endpoint: string }> {
  const faults = faultsFor(mutantId);
  const accounts = new Accounts(faults);
  const authenticated = options.authenticated ?? true;
  const token = options.token ?? credentials.token;
  const sessions = new Map<string, Session>();

  async function openSession(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    if (sessions.size >= MAX_SESSIONS) return sendJson(res, 503, rpcError(-32000, 'Too many sessions'));
    const server = buildServer(accounts, faults, authenticated);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { server, transport });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== MCP_PATH) return sendJson(res, 404, { error: `no MCP endpoint at ${url.pathname}; use ${MCP_PATH}` });
    if (token !== '' && req.headers.authorization !== `Bearer ${token}`) {
      return sendJson(
        res,
        401,
        { error: 'invalid_token', error_description: 'A valid Bearer token is required' },
        { 'WWW-Authenticate': 'Bearer' },
      );
    }
    let body: unknown;
    if (req.method === 'POST') {
      const raw = await readBody(req, res);
      if (raw === undefined) return sendJson(res, 413, rpcError(-32600, 'Request body too large'));
      try {
        body = JSON.parse(raw);
      } catch {
        return sendJson(res, 400, rpcError(-32700, 'Parse error'));
      }
    }
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const session = sessions.get(sessionId);
      if (!session) return sendJson(res, 404, rpcError(-32001, 'Session not found'));
      return session.transport.handleRequest(req, res, body);
    }
    if (req.method === 'POST' && isInitializeRequest(body)) return openSession(req, res, body);
    return sendJson(res, 400, rpcError(-32000, 'Bad Request: no valid session id'));
  }

  const http = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, rpcError(-32603, 'Internal error'));
    });
  });
  const running = await listenOnLoopback(http, '', options.port);
  return {
    url: running.url,
    endpoint: `${running.url}${MCP_PATH}`,
    async close() {
      const open = [...sessions.values()];
      sessions.clear();
      await Promise.allSettled(open.map((session) => session.server.close()));
      await running.close();
    },
  };
}

/**
 * Serves the reference (or a mutant) over this process's stdin and stdout until stdin closes; stdout
 * then carries nothing but protocol messages. What `stdio.ts` and `clientele serve --stdio` run.
 */
export async function serveOverStdio(mutantId?: string, options: McpTargetOptions = {}): Promise<void> {
  const server = createMcpServer(mutantId, options);
  const transport = new StdioServerTransport();
  transport.onerror = (error) => process.stderr.write(`stdio transport: ${error.message}\n`);
  const ended = new Promise<void>((resolve) => process.stdin.once('end', resolve));
  await server.connect(transport);
  await ended;
  await server.close();
}
