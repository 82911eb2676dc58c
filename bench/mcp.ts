/**
 * The MCP part of `npm run bench`: requests per second of `client_single` and `client_list` tool calls
 * against the FreshBooks MCP reference, through clientele's McpTransport and through a bare SDK Client,
 * each over Streamable HTTP (the embedded reference) and over stdio (`target/stdio.ts`, one process per
 * connection). Calls are sequential, on one connection per row, after an untimed seeding and warm-up.
 * Everything listens or runs on 127.0.0.1 / this machine; every call, connect and close is bounded.
 *
 * Called from bench/bench.ts for the freshbooks-mcp API (with the target its suite ran against), or on
 * its own: `npx tsx bench/mcp.ts` (starts its own reference).
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startTarget } from '../apis/freshbooks-mcp/reference/index.js';
import type { Credential, TargetAddress } from '../engine/config.js';
import type { WireRequest } from '../engine/exchange.js';
import { resolverOf } from '../engine/transport.js';
import { McpTransport } from '../protocols/mcp/transport.js';
import { MODULE_SUFFIX, PROJECT_ROOT } from '../engine/root.js';

const CALLS = 500;
const WARMUP = 50;
/** Clients created (untimed) on each connection before the timed calls; client_list asks for a page of this many. */
const SEEDED = 15;
/** Every single call, connect and close waits at most this long. */
const CALL_TIMEOUT_MS = 10_000;
const CLOSE_TIMEOUT_MS = 6_000;
/** One row (seed + warm-up + timed calls of both tools) must finish within this. */
const ROW_BUDGET_MS = 120_000;
/** A store of its own on a shared target (the suite's clients live under another accountId). */
const ACCOUNT_ID = 'bench-mcp';

const ROOT = PROJECT_ROOT;
// The reference's stdio server as this bench runs: compiled (npm run bench), or TypeScript through tsx.
const STDIO_SERVER = fileURLToPath(new URL(`../apis/freshbooks-mcp/reference/stdio${MODULE_SUFFIX}`, import.meta.url));
const STDIO_ARGS = MODULE_SUFFIX === '.ts' ? ['--import', 'tsx', STDIO_SERVER] : [STDIO_SERVER];

type Json = Record<string, unknown>;

/** One connection that calls a tool and hands back its structured result, or throws. */
interface Caller {
  call(tool: string, args: Json): Promise<Json>;
  close(): Promise<void>;
}

const rate = (count: number, ms: number) => Math.round((count / ms) * 1000);

async function bounded<T>(what: string, promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench/mcp: ${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The payload of a tools/call result: its structured content, or its first text as JSON. */
function payloadOf(result: unknown, tool: string): Json {
  const r = result as { structuredContent?: unknown; content?: { type: string; text?: string }[]; isError?: boolean } | undefined;
  if (!r || r.isError) throw new Error(`bench/mcp: ${tool} answered a tool error: ${JSON.stringify(result).slice(0, 300)}`);
  if (r.structuredContent && typeof r.structuredContent === 'object') return r.structuredContent as Json;
  const text = r.content?.find((c) => c.type === 'text')?.text;
  if (text !== undefined) return JSON.parse(text) as Json;
  throw new Error(`bench/mcp: ${tool} answered no payload`);
}

// --- the four callers ------------------------------------------------------------------------------

/** clientele's McpTransport, as the session drives it: a WireRequest in, the JSON-RPC response text out. */
function viaMcpTransport(address: TargetAddress, token?: string): Caller {
  const transport = new McpTransport(address, { timeoutMs: CALL_TIMEOUT_MS, maxBodyBytes: 8 * 1024 * 1024 });
  const credentials = resolverOf(token ? [{ key: 'token', value: token, secret: true }] : []);
  return {
    async call(tool, args) {
      const request: WireRequest = {
        method: 'tools/call',
        body: JSON.stringify({ name: tool, arguments: args }),
        ...(token ? { auth: { scheme: 'bearer', token: { credential: 'token' } } } : {}),
      };
      const outcome = await transport.send(request, credentials);
      if (outcome.transportError)
        throw new Error(`bench/mcp: McpTransport ${tool}: ${outcome.transportError.kind}: ${outcome.transportError.message}`);
      const response = outcome.response!;
      if (response.rpcErrorCode !== undefined)
        throw new Error(`bench/mcp: ${tool} answered ${response.rpcErrorCode}: ${response.body.slice(0, 300)}`);
      return payloadOf((JSON.parse(response.body) as { result?: unknown }).result, tool);
    },
    close: () => bounded('McpTransport.close', transport.close(), CLOSE_TIMEOUT_MS),
  };
}

/** A bare SDK Client on a transport, nothing of clientele in between (no tools/list, so no output validation). */
async function viaSdk(transport: StreamableHTTPClientTransport | StdioClientTransport): Promise<Caller> {
  const client = new Client({ name: 'clientele-bench', version: '0.1.0' }, { capabilities: {} });
  const close = async () => {
    if (transport instanceof StreamableHTTPClientTransport && transport.sessionId) {
      await bounded('terminateSession', transport.terminateSession(), CLOSE_TIMEOUT_MS).catch(() => undefined);
    }
    // Over stdio the SDK ends stdin, then SIGTERM after 2 s, SIGKILL after 2 s more.
    await bounded('Client.close', client.close(), CLOSE_TIMEOUT_MS);
    const pid = transport instanceof StdioClientTransport ? transport.pid : null;
    if (pid !== null && alive(pid)) process.kill(pid, 'SIGKILL');
  };
  try {
    await client.connect(transport, { timeout: CALL_TIMEOUT_MS });
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  return {
    async call(tool, args) {
      return payloadOf(await client.callTool({ name: tool, arguments: args }, undefined, { timeout: CALL_TIMEOUT_MS }), tool);
    },
    close,
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const stdioCommand = () => [process.execPath, ...STDIO_ARGS].map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ');

// --- the loop ------------------------------------------------------------------------------------

interface Row {
  readonly label: string;
  readonly single: number;
  readonly list: number;
}

/** Seeds the store through the caller, then times CALLS sequential calls of each tool after WARMUP untimed ones. */
async function measure(label: string, open: () => Promise<Caller>): Promise<Row> {
  const deadline = performance.now() + ROW_BUDGET_MS;
  const caller = await open();
  try {
    const ids: number[] = [];
    for (let i = 0; i < SEEDED; i++) {
      const created = await caller.call('client_create', {
        accountId: ACCOUNT_ID,
        fName: `Bench${i}`,
        lName: 'Mcp',
        organization: 'Clientele Bench',
        email: `bench${i}@example.com`,
      });
      ids.push(created.id as number);
    }
    const timed = async (tool: string, args: Json, check: (payload: Json) => boolean): Promise<number> => {
      for (let i = 0; i < WARMUP; i++) await caller.call(tool, args);
      const started = performance.now();
      for (let i = 0; i < CALLS; i++) {
        if (!check(await caller.call(tool, args))) throw new Error(`bench/mcp: ${label}: ${tool} answered something else`);
        if (performance.now() > deadline) throw new Error(`bench/mcp: ${label} exceeded its ${ROW_BUDGET_MS} ms budget`);
      }
      return rate(CALLS, performance.now() - started);
    };
    const single = await timed('client_single', { accountId: ACCOUNT_ID, clientId: ids[0]! }, (p) => p.id === ids[0]);
    const list = await timed(
      'client_list',
      { accountId: ACCOUNT_ID, page: 1, perPage: SEEDED },
      (p) => Array.isArray(p.clients) && p.clients.length === SEEDED,
    );
    return { label, single, list };
  } finally {
    await caller.close();
  }
}

export interface McpBench {
  /** The bare SDK Client's client_list rate over Streamable HTTP: what bench.ts sets the suite against. */
  readonly bareRate: number;
  readonly bareLine: string;
  readonly table: string;
  readonly ms: number;
}

/**
 * Over Streamable HTTP against `on` (the embedded reference a suite ran against) when it is a URL with a
 * token, else against a reference started here; over stdio against `stdio.ts`, one process per row.
 */
export async function benchMcp(on?: { readonly target: TargetAddress; readonly credentials: readonly Credential[] }): Promise<McpBench> {
  const started = performance.now();
  let http: { url: string; token: string; close?: () => Promise<void> };
  if (on?.target.kind === 'url') http = { url: on.target.url, token: on.credentials.find((c) => c.key === 'token')?.value ?? '' };
  else {
    const token = randomBytes(16).toString('hex');
    const running = await startTarget({ token, accountId: ACCOUNT_ID });
    http = { url: running.endpoint, token, close: () => bounded('target close', running.close(), CLOSE_TIMEOUT_MS) };
  }
  const rows: Row[] = [];
  try {
    const headers = http.token ? { authorization: `Bearer ${http.token}` } : undefined;
    rows.push(
      await measure('McpTransport, Streamable HTTP', async () => viaMcpTransport({ kind: 'url', url: http.url }, http.token || undefined)),
    );
    rows.push(
      await measure('bare SDK Client, Streamable HTTP', () =>
        viaSdk(new StreamableHTTPClientTransport(new URL(http.url), { requestInit: { headers } })),
      ),
    );
    rows.push(
      await measure('McpTransport, stdio', async () =>
        viaMcpTransport({ kind: 'command', command: `cd '${ROOT.replace(/'/g, `'\\''`)}' && exec ${stdioCommand()}` }),
      ),
    );
    rows.push(
      await measure('bare SDK Client, stdio', () =>
        viaSdk(
          new StdioClientTransport({
            command: process.execPath,
            args: STDIO_ARGS,
            cwd: ROOT,
            env: process.env as Record<string, string>,
            stderr: 'ignore',
          }),
        ),
      ),
    );
  } finally {
    await http.close?.();
  }
  const [mcpHttp, sdkHttp, mcpStdio, sdkStdio] = rows as [Row, Row, Row, Row];
  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  const width = Math.max(...rows.map((r) => r.label.length));
  const ms = Math.round(performance.now() - started);
  const table = [
    `MCP tool calls: freshbooks-mcp reference on 127.0.0.1, one connection per row, sequential, ${CALLS} calls per tool after ${WARMUP} warm-up (req/s)`,
    `  ${'path'.padEnd(width)}  ${'client_single'.padStart(13)}  ${`client_list(${SEEDED})`.padStart(15)}`,
    ...rows.map((r) => `  ${r.label.padEnd(width)}  ${String(r.single).padStart(13)}  ${String(r.list).padStart(15)}`),
    `  McpTransport/bare SDK: HTTP ${ratio(mcpHttp.single, sdkHttp.single)} single, ${ratio(mcpHttp.list, sdkHttp.list)} list; ` +
      `stdio ${ratio(mcpStdio.single, sdkStdio.single)} single, ${ratio(mcpStdio.list, sdkStdio.list)} list (${ms} ms)`,
  ].join('\n');
  return { bareRate: sdkHttp.list, bareLine: `bare SDK:     ${CALLS} client_list calls, one Streamable HTTP session`, table, ms };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log((await benchMcp()).table);
}
