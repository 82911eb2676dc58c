/**
 * What keeps a run bounded and safe whatever the target does, unit by unit: the run guard (deadline,
 * an unresponsive target, a check's request budget), Retry-After handling, back-off, the window of
 * requests in flight and pacing in the HTTP transport, and the credential-echo finding of the session.
 */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { BasisBook } from '../engine/basis.js';
import type { SpecView } from '../engine/checks/types.js';
import type { Credential } from '../engine/config.js';
import { CLEANUP_MS, RunGuard, RunStopped } from '../engine/guard.js';
import { Session } from '../engine/session.js';
import { toFailureRecord } from '../engine/failure-record.js';
import { REDACTED } from '../engine/redact.js';
import type { Transport } from '../engine/transport.js';
import { RunContext } from '../engine/run-context.js';
import { HttpTransport, retryAfterMs } from '../protocols/http/transport.js';
import { RequestWindow } from '../engine/pacing.js';

const limits = { timeoutMs: 2_000, maxBodyBytes: 1 << 20, connections: 1 };
const GUARD = { maxConsecutiveTimeouts: 3, requestsPerCheck: 100, slowAnswerMs: 5_000 };

/** A spec view that documents a 200 and judges nothing: what these tests look at is the session and its guard. */
function bareSpec(): SpecView {
  return {
    basis: new BasisBook([]),
    checks: [],
    documentedStatuses: () => ['200'],
    mediaTypes: () => [],
    validate: () => undefined,
    decode: () => ({ ok: true, value: null }),
    outcome: () => undefined,
  };
}

describe('the run guard', () => {
  it('stops the run after three timeouts in a row; an answer in between resets the count', () => {
    const guard = new RunGuard({ ...GUARD, deadline: Date.now() + 60_000 });
    guard.afterRequest('timeout');
    guard.afterRequest('timeout');
    guard.afterRequest('on-time', 20);
    guard.afterRequest('timeout');
    guard.afterRequest('timeout');
    expect(guard.stopped).toBeUndefined();
    guard.afterRequest('timeout');
    expect(guard.unresponsive).toBe(true);
    expect(() => guard.beforeRequest()).toThrow(RunStopped);
    expect(() => guard.beforeRequest()).toThrow(/stopped answering/);
  });

  it('stops a target too slow to test (late answers in a row), but leaves it its cleanup time', () => {
    const guard = new RunGuard({ ...GUARD, deadline: Date.now() + 60_000 });
    guard.afterRequest('on-time', 6_000);
    guard.afterRequest('on-time', 9_000);
    guard.afterRequest('on-time', 400);
    guard.afterRequest('on-time', 9_000);
    guard.afterRequest('timeout');
    expect(guard.stopped).toBeUndefined();
    guard.afterRequest('on-time', 5_000);
    expect(guard.stopped).toMatch(/too slow to test/);
    expect(guard.unresponsive).toBe(false);
    const bounds = guard.sendBounds();
    expect(bounds?.signal).toBeUndefined();
    expect(bounds?.timeoutMs).toBeGreaterThan(CLEANUP_MS - 1_000);
    expect(bounds?.timeoutMs).toBeLessThanOrEqual(CLEANUP_MS);
  });

  it('stops a target that keeps rate limiting past the retries', () => {
    const guard = new RunGuard({ ...GUARD, deadline: Date.now() + 60_000 });
    for (let i = 0; i < 3; i++) guard.afterRequest('rate-limited', 3);
    expect(guard.stopped).toMatch(/kept rate limiting/);
  });

  it('an interrupt aborts the request in flight', () => {
    const guard = new RunGuard({ ...GUARD, deadline: Date.now() + 60_000 });
    const { signal } = guard.sendBounds()!;
    expect(signal?.aborted).toBe(false);
    guard.stop('the run was interrupted');
    expect(signal?.aborted).toBe(true);
  });

  it('stops once the deadline has passed', () => {
    const late = new RunGuard({ ...GUARD, deadline: Date.now() - 1 });
    expect(() => late.beforeRequest()).toThrow(/time budget/);
  });
});

describe('rate limits in the HTTP transport', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  });

  async function serve(answers: { status: number; headers?: Record<string, string>; delayMs?: number }[]): Promise<string> {
    let i = 0;
    server = createServer((req, res) => {
      req.resume();
      const answer = answers[Math.min(i++, answers.length - 1)]!;
      setTimeout(() => {
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end('{}');
      }, answer.delayMs ?? 0);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  }

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(new Date(Date.now() + 5000).toUTCString(), Date.now())).toBeGreaterThan(3000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });

  it('waits out a 429 with Retry-After and counts the retry; the answer after it stands', async () => {
    const url = await serve([{ status: 429, headers: { 'retry-after': '0' } }, { status: 200 }]);
    const outcome = await new HttpTransport(limits).send({ method: 'GET', url });
    expect(outcome.response?.httpStatus).toBe(200);
    expect(outcome.retries).toBe(1);
    expect(outcome.transportError).toBeUndefined();
  });

  it('beyond its retries, or asked to wait too long, says the target is rate limiting', async () => {
    const storm = await serve([{ status: 503, headers: { 'retry-after': '0' } }]);
    const stormy = await new HttpTransport({ ...limits, retries: 2 }).send({ method: 'GET', url: storm });
    expect(stormy).toMatchObject({
      retries: 2,
      transportError: { kind: 'rate-limited', message: expect.stringContaining('still 503 after 2 retries') },
    });
    server?.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
    const patient = await serve([{ status: 429, headers: { 'retry-after': '3600' } }]);
    const refused = await new HttpTransport(limits).send({ method: 'GET', url: patient });
    expect(refused.transportError).toMatchObject({ kind: 'rate-limited', message: expect.stringContaining('more than the 30 s') });
  });

  it('retries a 429 without Retry-After after a short back-off; a 503 without it stands; both count as pushback', async () => {
    const url = await serve([{ status: 429 }, { status: 429 }, { status: 200 }]);
    const transport = new HttpTransport({ ...limits, backoffMs: 1 });
    const outcome = await transport.send({ method: 'GET', url });
    expect(outcome).toMatchObject({ response: { httpStatus: 200 }, retries: 2, pushedBack: 2 });
    expect(outcome.transportError).toBeUndefined();
    server?.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
    const unavailable = await serve([{ status: 503 }, { status: 200 }]);
    const stands = await new HttpTransport({ ...limits, backoffMs: 1 }).send({ method: 'GET', url: unavailable });
    expect(stands).toMatchObject({ response: { httpStatus: 503 }, pushedBack: 1 });
    expect(stands.retries).toBeUndefined();
    expect(stands.transportError).toBeUndefined();
  });

  it('a 429 without Retry-After past the retries is rate limiting, said so', async () => {
    const url = await serve([{ status: 429 }]);
    const outcome = await new HttpTransport({ ...limits, retries: 2, backoffMs: 1 }).send({ method: 'GET', url });
    expect(outcome).toMatchObject({
      retries: 2,
      pushedBack: 3,
      transportError: { kind: 'rate-limited', message: expect.stringContaining('still 429 after 2 retries (no Retry-After; backed off)') },
    });
  });

  it("narrows the run's window of requests in flight when the target pushes back", async () => {
    const url = await serve([{ status: 429, headers: { 'retry-after': '0' } }, { status: 200 }]);
    const window = new RequestWindow(8);
    const transport = new HttpTransport(limits);
    expect(window.window.limit).toBe(8);
    const outcome = await transport.send({ method: 'GET', url }, undefined, { window });
    expect(outcome).toMatchObject({ response: { httpStatus: 200 }, retries: 1, pushedBack: 1 });
    // One request in flight, pushed back: one at a time; its accepted retry widens it by one.
    expect(window.window.limit).toBe(2);
    expect(window.sending).toBe(0);
    await transport.close();
  });

  it("narrows the run's window when an answer takes a quarter of its deadline, and counts no pushback", async () => {
    const url = await serve([{ status: 200, delayMs: 150 }, { status: 200 }]);
    const window = new RequestWindow(8);
    const transport = new HttpTransport({ ...limits, timeoutMs: 400 });
    const slow = await transport.send({ method: 'GET', url }, undefined, { window });
    expect(slow.response?.httpStatus).toBe(200);
    expect(slow.pushedBack).toBeUndefined();
    expect(window.window.limit).toBe(1);
    const quick = await transport.send({ method: 'GET', url }, undefined, { window });
    expect(quick.response?.httpStatus).toBe(200);
    expect(window.window.limit).toBe(2);
    await transport.close();
  });

  it('paces requests to --rate-limit', async () => {
    const url = await serve([{ status: 200 }]);
    const transport = new HttpTransport({ ...limits, ratePerSecond: 20 });
    const started = Date.now();
    for (let i = 0; i < 5; i++) await transport.send({ method: 'GET', url });
    // Five requests at 20 per second take at least four gaps of 50 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    await transport.close();
  });
});

describe('a target that echoes a credential', () => {
  const TOKEN = 'c0ffee1234abcd5678ef90aa';
  const CREDENTIALS: Credential[] = [{ key: 'token', value: TOKEN, secret: true, env: 'CLIENTELE_TOKEN' }];
  const spec = bareSpec();
  const echoing = (body: string): Transport => ({
    send: async () => ({ response: { httpStatus: 200, headers: {}, body, truncated: false }, elapsedMs: 1 }),
    reproduce: () => ({ kind: 'curl', command: 'curl' }),
    close: async () => undefined,
  });

  const runContext = () => new RunContext({ runTag: 'echo', deadline: Date.now() + 60_000, timeoutMs: 10_000, credentials: CREDENTIALS });

  it('is a finding (a warning) even when only a piece comes back, and the piece is redacted in its record', async () => {
    const context = runContext();
    const session = new Session(echoing(`{"error":"bad token ${TOKEN.slice(3, 15)}"}`), spec, CREDENTIALS, context);
    const tally = session.tally!;
    {
      const answer = await session.call('getClient', {
        method: 'GET',
        url: 'http://x.test/',
        auth: { scheme: 'bearer', token: { credential: 'token' } },
      });
      expect(tally.warnings.map((w) => w.rule)).toEqual(['credential-echo']);
      expect(answer.exchange.response?.body).toContain(TOKEN.slice(3, 15));
      const scene = {
        session,
        config: { seed: 1, replayPrefix: 'npx clientele run' },
        family: 'contract',
        redactor: context.redactor,
        tally,
      };
      const record = toFailureRecord(tally.warnings[0]!, scene);
      expect(record.response?.body).toContain(REDACTED);
      expect(JSON.stringify(record)).not.toContain(TOKEN.slice(3, 15));
    }
  });

  it('searches the headers too: a piece in one is a finding, pieces of two that only join up are not', async () => {
    const withHeaders = (headers: Record<string, string>): Transport => ({
      send: async () => ({ response: { httpStatus: 200, headers, body: '{}', truncated: false }, elapsedMs: 1 }),
      reproduce: () => ({ kind: 'curl', command: 'curl' }),
      close: async () => undefined,
    });
    const request = { method: 'GET', url: 'http://x.test/' };
    const echoed = new Session(withHeaders({ date: 'today', 'x-debug': `seen ${TOKEN.slice(2, 16)}` }), spec, CREDENTIALS, runContext());
    await echoed.call('getClient', request);
    expect(echoed.tally!.warnings.map((w) => w.rule)).toEqual(['credential-echo']);
    const apart = new Session(withHeaders({ a: TOKEN.slice(0, 7), b: TOKEN.slice(7, 14) }), spec, CREDENTIALS, runContext());
    await apart.call('getClient', request);
    expect(apart.tally!.warnings).toEqual([]);
  });

  it('is no finding when no piece of a credential comes back', async () => {
    const context = runContext();
    const session = new Session(echoing('{"error":"bad token"}'), spec, CREDENTIALS, context);
    await session.call('getClient', { method: 'GET', url: 'http://x.test/' });
    expect(session.tally!.warnings).toEqual([]);
  });
});

describe('a check’s request budget', () => {
  const spec = bareSpec();
  const transport: Transport = {
    send: async () => ({ response: { httpStatus: 200, headers: {}, body: '{}', truncated: false }, elapsedMs: 1 }),
    reproduce: () => ({ kind: 'curl', command: 'curl' }),
    close: async () => undefined,
  };

  it('is counted per session (each check has its own), and the run goes on for the others', async () => {
    const guard = new RunGuard({ ...GUARD, deadline: Date.now() + 60_000, requestsPerCheck: 2 });
    const context = new RunContext({ runTag: 'budget', deadline: Date.now() + 60_000, timeoutMs: 10_000, credentials: [] }, guard);
    const busy = new Session(transport, spec, [], context);
    const request = { method: 'GET', url: 'http://x.test/' };
    await busy.call('getClient', request).catch(() => undefined);
    await busy.call('getClient', request).catch(() => undefined);
    expect(() => busy.call('getClient', request)).toThrow(RunStopped);
    expect(guard.stopped).toBeUndefined();
    const other = new Session(transport, spec, [], context);
    await expect(other.call('getClient', request).catch((error) => error)).resolves.not.toBeInstanceOf(RunStopped);
  });
});
