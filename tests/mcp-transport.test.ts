import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransportOutcome, CredentialResolver } from '../engine/transport.js';
import type { WireRequest } from '../engine/exchange.js';
import { groupAlive } from '../protocols/mcp/process-group.js';
import { McpTransport, type McpLimits } from '../protocols/mcp/transport.js';
import { startHttpServer, type HttpFixture } from './fixtures/mcp-tools.js';
import { RequestWindow } from '../engine/pacing.js';

const TOKEN = 'mcp-test-token-3f9c2a7b51d84e06';
const credentials: CredentialResolver = {
  value: (ref) => ('credential' in ref ? TOKEN : ref.literal),
  forShell: (ref) => ('credential' in ref ? { variable: 'CLIENTELE_TOKEN' } : { text: ref.literal }),
};
const wrongToken: CredentialResolver = { ...credentials, value: () => 'not-the-token' };
const auth = { scheme: 'bearer', token: { credential: 'token' } } as const;

const FIXTURES = join(import.meta.dirname, 'fixtures');
const node = (file: string, ...args: string[]) =>
  [process.execPath, '--import', 'tsx', join(FIXTURES, file), ...args].map((a) => `'${a}'`).join(' ');
const GOOD = node('mcp-stdio-server.ts');
const hostile = (mode: string) => node('mcp-hostile.ts', mode);

const LIMITS: McpLimits = { timeoutMs: 8000, maxBodyBytes: 64 * 1024, retryCodes: [-32004], backoffMs: 10 };
const initialize: WireRequest = { method: 'initialize', auth };
const call = (name: string, args: Record<string, unknown> = {}): WireRequest => ({
  method: 'tools/call',
  body: JSON.stringify({ name, arguments: args }),
  auth,
});
const parsed = (outcome: TransportOutcome) =>
  JSON.parse(outcome.response!.body) as { jsonrpc: string; id: number; result?: any; error?: { code: number; message: string } };

/** Everything recorded: bodies, errors and reproductions, to search for the token. */
const recorded: string[] = [];
async function send(transport: McpTransport, request: WireRequest, options?: Parameters<McpTransport['send']>[2], resolver = credentials) {
  const outcome = await transport.send(request, resolver, options);
  recorded.push(JSON.stringify(outcome), JSON.stringify(transport.reproduce(request, credentials)));
  return outcome;
}

/** Runs a shell line with the token in its environment, as a person replaying a reproduction would. */
function shell(command: string, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('sh', ['-c', command], { env: { ...process.env, CLIENTELE_TOKEN: TOKEN }, timeout: 20_000 }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
    child.stdin?.end(input);
  });
}

describe.each([
  { mode: 'SSE answers', json: false },
  { mode: 'JSON answers', json: true },
])('MCP over Streamable HTTP ($mode)', ({ json }) => {
  let server: HttpFixture;
  let transport: McpTransport;
  beforeAll(async () => {
    server = await startHttpServer(TOKEN, { json });
    transport = new McpTransport({ kind: 'url', url: server.url }, LIMITS);
  });
  afterAll(async () => {
    await transport?.close();
    await server?.close();
  });

  it('records the handshake as the answer to initialize, once', async () => {
    const outcome = await send(transport, initialize);
    expect(outcome.transportError).toBeUndefined();
    const message = parsed(outcome);
    expect(message).toMatchObject({ jsonrpc: '2.0', result: { serverInfo: { name: 'clientele-fixture' }, capabilities: { tools: {} } } });
    expect(outcome.elapsedMs).toBeGreaterThan(0);
    expect(await send(transport, initialize)).toEqual(outcome);
    expect(server.stats.sessions).toBe(1);
  });

  it('lists tools and records a tool result as the whole JSON-RPC message', async () => {
    const list = await send(transport, { method: 'tools/list', auth });
    expect(parsed(list).result.tools.map((t: { name: string }) => t.name)).toContain('echo');
    const echo = await send(transport, call('echo', { text: 'héllo' }));
    expect(echo.transportError).toBeUndefined();
    expect(echo.response).toMatchObject({ truncated: false });
    expect(echo.response!.rpcErrorCode).toBeUndefined();
    expect(echo.response!.toolError).toBeUndefined();
    expect(parsed(echo)).toEqual({
      jsonrpc: '2.0',
      id: expect.any(Number),
      result: { content: [{ type: 'text', text: 'héllo' }], structuredContent: { echo: 'héllo' } },
    });
  });

  it('reads codes off the answer: a JSON-RPC error, a tool error, and a server that says -32001', async () => {
    const fail = await send(transport, call('fail', { id: 7 }));
    expect(fail.transportError).toBeUndefined();
    expect(fail.response!.rpcErrorCode).toBe(-32005);
    expect(parsed(fail).error).toEqual({ code: -32005, message: expect.stringContaining('no such client'), data: { id: 7 } });
    const toolError = await send(transport, call('tool-error'));
    expect(toolError.response).toMatchObject({ toolError: true, rpcErrorCode: -32010 });
    const textError = await send(transport, call('text-error'));
    expect(textError.response).toMatchObject({ toolError: true, rpcErrorCode: -32011 });
    const vendor = await send(transport, call('server-timeout-code'));
    expect(vendor.transportError).toBeUndefined();
    expect(vendor.response!.rpcErrorCode).toBe(-32001);
  });

  it('retries a come-back-later code and counts it; a persistent one stands as rate-limited', async () => {
    const flaky = await send(transport, call('flaky', { key: `k-${json}`, failures: 2 }));
    expect(flaky.transportError).toBeUndefined();
    expect(flaky).toMatchObject({ retries: 2 });
    expect(flaky.waitedMs).toBeGreaterThanOrEqual(25); // 10 + 20
    expect(parsed(flaky).result.content[0].text).toBe('ok after 3 attempts');
    const stubborn = await send(transport, call('flaky', { key: `s-${json}`, failures: 99 }));
    expect(stubborn).toMatchObject({ retries: 3, transportError: { kind: 'rate-limited' }, response: { rpcErrorCode: -32004 } });
  });

  it('retries a POST refused with 429, and tells the run’s window of the pushback', async () => {
    let echoes = 0;
    const told: Record<string, string> = { 'retry-after': '0' };
    const refusing = await startHttpServer(TOKEN, {
      json,
      // Every other echo refused: a 429 with Retry-After: 0, then one without.
      refuse: (tool) => (tool === 'echo' && ++echoes % 2 === 1 ? { status: 429, headers: echoes === 1 ? told : {} } : undefined),
    });
    const gated = new McpTransport({ kind: 'url', url: refusing.url }, LIMITS);
    try {
      const window = new RequestWindow(4);
      expect((await send(gated, initialize)).transportError).toBeUndefined();
      const first = await send(gated, call('echo', { text: 'once' }), { window });
      expect(first).toMatchObject({ retries: 1, pushedBack: 1 });
      expect(parsed(first).result.structuredContent.echo).toBe('once');
      expect(window.window.limit).toBe(2);
      const second = await send(gated, call('echo', { text: 'twice' }), { window });
      expect(second).toMatchObject({ retries: 1, pushedBack: 1 });
      expect(second.transportError).toBeUndefined();
      expect(window.sending).toBe(0);
      // A 503 that does not say when stands, as the answer it was.
      const unavailable = await startHttpServer(TOKEN, { json, refuse: () => ({ status: 503 }) });
      const down = new McpTransport({ kind: 'url', url: unavailable.url }, LIMITS);
      try {
        await send(down, initialize);
        const refused = await send(down, call('echo', { text: 'no' }));
        expect(refused).toMatchObject({
          pushedBack: 1,
          transportError: { kind: 'protocol', message: expect.stringContaining('HTTP 503') },
        });
        expect(refused.retries).toBeUndefined();
      } finally {
        await down.close();
        await unavailable.close();
      }
    } finally {
      await gated.close();
      await refusing.close();
    }
  });

  it('times out on its own deadline, never as -32001, and goes on afterwards', async () => {
    const started = Date.now();
    const outcome = await send(transport, call('hang'), { timeoutMs: 400 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(outcome.transportError).toEqual({ kind: 'timeout', message: 'no complete response within 400 ms' });
    expect(outcome.response).toBeUndefined();
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    const aborted = await send(transport, call('hang'), { signal: abort.signal });
    expect(aborted.transportError?.kind).toBe('timeout');
    expect((await send(transport, call('echo', { text: 'still here' }))).transportError).toBeUndefined();
  });

  it('keeps concurrent requests apart', async () => {
    const texts = ['a', 'b', 'c', 'd', 'e'];
    const outcomes = await Promise.all(texts.map((text) => send(transport, call('echo', { text }))));
    expect(outcomes.map((o) => parsed(o).result.structuredContent.echo)).toEqual(texts);
    expect(new Set(outcomes.map((o) => parsed(o).id)).size).toBe(texts.length);
  });

  it('cuts an answer over the size cap', async () => {
    const outcome = await send(transport, call('big', { bytes: 70 * 1024 }));
    expect(outcome).toMatchObject({ transportError: { kind: 'too-large' }, response: { truncated: true } });
    expect(Buffer.byteLength(outcome.response!.body)).toBeLessThanOrEqual(64 * 1024);
    const huge = await send(transport, call('big', { bytes: 1024 * 1024 }));
    expect(huge.transportError?.kind).toBe('too-large');
  });

  it('reproduces with curl in the live session, the token named by its variable, and the line replays', async () => {
    const step = transport.reproduce(call('echo', { text: 'replayed' }), credentials);
    expect(step.kind).toBe('curl');
    expect(step.command).toContain(`'${server.url}'`);
    expect(step.command).toContain('"Authorization: Bearer $CLIENTELE_TOKEN"');
    expect(step.command).toMatch(/'Mcp-Session-Id: [0-9a-f-]{36}'/);
    expect(step.command).toContain("'MCP-Protocol-Version: ");
    expect(step.command).toContain("'Accept: application/json, text/event-stream'");
    expect(step.command).not.toContain(TOKEN);
    const answer = await shell(`${step.command} -s`);
    expect(answer).toContain('replayed');
  });

  it('tells a wrong token and a refused port apart as connection errors, without a throw', async () => {
    const refused = new McpTransport({ kind: 'url', url: server.url }, LIMITS);
    try {
      const outcome = await send(refused, call('echo', { text: 'x' }), undefined, wrongToken);
      expect(outcome.transportError?.kind).toBe('connection');
      expect(outcome.transportError?.message).toMatch(/401/);
      expect((await send(refused, call('echo', { text: 'x' }))).transportError?.kind).toBe('connection');
    } finally {
      await refused.close();
    }
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const nobody = new McpTransport({ kind: 'url', url: `http://127.0.0.1:${port}/mcp` }, LIMITS);
    try {
      const outcome = await send(nobody, initialize);
      expect(outcome.transportError).toMatchObject({ kind: 'connection', message: expect.stringContaining('ECONNREFUSED') });
    } finally {
      await nobody.close();
    }
  });
});

/** The grandchild the hostile fixture started, from its stderr. */
function grandchildOf(transport: McpTransport): number | undefined {
  const found = /grandchild=(\d+)/.exec(transport.stderrTail());
  return found ? Number(found[1]) : undefined;
}

async function closedWithoutTrace(transport: McpTransport): Promise<void> {
  const pgid = transport.pid;
  const grandchild = grandchildOf(transport);
  const started = Date.now();
  await transport.close();
  await transport.close();
  expect(Date.now() - started).toBeLessThan(7000);
  expect(pgid).toBeGreaterThan(0);
  expect(groupAlive(pgid!)).toBe(false);
  if (grandchild !== undefined) expect(groupAlive(grandchild)).toBe(false);
}

describe('MCP over stdio', () => {
  it('speaks to a well-behaved server, reproduces a replayable session, and leaves nothing behind', async () => {
    const transport = new McpTransport({ kind: 'command', command: GOOD }, LIMITS);
    try {
      const hello = await send(transport, initialize);
      expect(hello.transportError).toBeUndefined();
      expect(parsed(hello).result.serverInfo.name).toBe('clientele-fixture');
      const echo = await send(transport, call('echo', { text: 'over stdio' }));
      expect(parsed(echo).result.structuredContent).toEqual({ echo: 'over stdio' });
      expect((await send(transport, call('fail'))).response!.rpcErrorCode).toBe(-32005);
      expect((await send(transport, call('tool-error'))).response).toMatchObject({ toolError: true, rpcErrorCode: -32010 });
      const flaky = await send(transport, call('flaky', { key: 'stdio' }));
      expect(flaky).toMatchObject({ retries: 2 });
      const hang = await send(transport, call('hang'), { timeoutMs: 300 });
      expect(hang.transportError).toEqual({ kind: 'timeout', message: 'no complete response within 300 ms' });
      expect(transport.stderrTail()).toContain('mcp-stdio-server pid=');

      const together = await Promise.all(['x', 'y', 'z'].map((text) => send(transport, call('echo', { text }))));
      expect(together.map((o) => parsed(o).result.structuredContent.echo)).toEqual(['x', 'y', 'z']);

      const step = transport.reproduce(call('echo', { text: 'piped' }), credentials);
      expect(step.kind).toBe('jsonrpc');
      const lines = step.body!.split('\n').map((l) => JSON.parse(l));
      expect(lines.map((l) => l.method)).toEqual(['initialize', 'notifications/initialized', 'tools/call']);
      expect(JSON.parse(step.command)).toEqual(lines[2]);
      expect(step.body).not.toContain(TOKEN);
      // Piped into the server command, the three lines get the answer.
      const replay = spawn('sh', ['-c', GOOD], { stdio: ['pipe', 'pipe', 'ignore'] });
      try {
        let out = '';
        replay.stdout.on('data', (chunk) => (out += chunk));
        replay.stdin.write(`${step.body}\n`);
        const until = Date.now() + 20_000;
        while (!out.includes('"id":1') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
        expect(out).toContain('piped');
      } finally {
        replay.kill('SIGKILL');
      }

      // Over the cap: cut and flagged; far over the read buffer: flagged, and the connection is given up.
      const big = await send(transport, call('big', { bytes: 70 * 1024 }));
      expect(big).toMatchObject({ transportError: { kind: 'too-large' }, response: { truncated: true } });
      const huge = await send(transport, call('big', { bytes: 1024 * 1024 }));
      expect(huge.transportError?.kind).toBe('too-large');
      expect((await send(transport, call('echo', { text: 'after' }))).transportError?.kind).toBe('connection');
    } finally {
      await closedWithoutTrace(transport);
    }
    expect((await transport.send(call('echo'), credentials)).transportError?.kind).toBe('connection');
  });

  it('reports a command that does not start, with its exit code and stderr', async () => {
    const transport = new McpTransport({ kind: 'command', command: 'no-such-mcp-server --stdio' }, LIMITS);
    try {
      const outcome = await send(transport, initialize);
      expect(outcome.transportError?.kind).toBe('connection');
      expect(outcome.transportError?.message).toMatch(/code 127/);
      expect(outcome.transportError?.message).toMatch(/not found/);
      expect(outcome.transportError?.message).not.toContain('\n');
    } finally {
      await transport.close();
    }
  });

  const HOSTILE: { mode: string; first?: WireRequest; kind: string; message: RegExp; within: number }[] = [
    { mode: 'banner', first: initialize, kind: 'protocol', message: /not JSON/, within: 6000 },
    { mode: 'garbage', kind: 'protocol', message: /not JSON/, within: 1000 },
    { mode: 'silent', first: call('echo'), kind: 'connection', message: /no answer to initialize within 2500 ms/, within: 4000 },
    { mode: 'wrong-id', kind: 'protocol', message: /id 4242/, within: 1000 },
    { mode: 'flood', kind: 'protocol', message: /flood of notifications/, within: 2500 },
    { mode: 'exit', kind: 'connection', message: /exited with code 3; stderr: hostile exit/, within: 2000 },
  ];

  it.each(HOSTILE)(
    'a server that misbehaves ($mode) ends in a transport error and leaves nothing behind',
    async ({ mode, first, kind, message, within }) => {
      const transport = new McpTransport({ kind: 'command', command: hostile(mode) }, { ...LIMITS, timeoutMs: 2500 });
      try {
        let started = Date.now();
        let outcome: TransportOutcome;
        if (first) outcome = await send(transport, first);
        else {
          const hello = await send(transport, initialize);
          expect(hello.transportError).toBeUndefined();
          started = Date.now();
          outcome = await send(transport, call('echo', { text: 'x' }));
        }
        expect(Date.now() - started).toBeLessThan(within);
        expect(outcome.transportError?.kind).toBe(kind);
        expect(outcome.transportError?.message).toMatch(message);
        expect(outcome.transportError?.message).not.toContain('\n');
        // The next send hears of it too, or gets an answer (the flood left the connection up), within the deadline.
        started = Date.now();
        const next = await send(transport, call('echo', { text: 'y' }), { timeoutMs: 500 });
        expect(Date.now() - started).toBeLessThan(3500);
        if (mode !== 'flood') expect(next.transportError).toBeDefined();
        expect(grandchildOf(transport)).toBeGreaterThan(0);
      } finally {
        await closedWithoutTrace(transport);
      }
    },
  );
});

describe('closing a stdio server that ignores SIGTERM', () => {
  it('kills its whole group after the grace period, and nothing is left', async () => {
    const transport = new McpTransport({ kind: 'command', command: hostile('stubborn') }, LIMITS);
    try {
      expect((await send(transport, initialize)).transportError).toBeUndefined();
      expect((await send(transport, { method: 'tools/list' })).transportError).toBeUndefined();
    } finally {
      const started = Date.now();
      await closedWithoutTrace(transport);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    }
  });
});

afterAll(() => {
  // Neither bodies nor errors nor reproductions ever hold the token.
  expect(recorded.length).toBeGreaterThan(20);
  for (const text of recorded) expect(text).not.toContain(TOKEN);
});
