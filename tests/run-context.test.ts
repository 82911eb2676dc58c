/**
 * Per-run state lives in one RunContext per run, passed explicitly: two runs in one process share
 * nothing but caches of immutable data. Two different APIs run at the same time in this process give
 * the reports they give one after the other.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunContext } from '../engine/run-context.js';
import type { Transport } from '../engine/transport.js';
import { readReport, runMain, tempDir } from './support/cli.js';

const outcomes = (dir: string) =>
  (readReport(dir).checks as { id: string; status: string; requests: number }[]).map(({ id, status }) => `${id} ${status}`);

describe('a run context', () => {
  it('computes a shared value once per run, and two runs never see each other’s', async () => {
    const config = { runTag: 'a', deadline: Date.now() + 60_000, timeoutMs: 10_000, credentials: [] };
    const [one, two] = [new RunContext(config), new RunContext({ ...config, runTag: 'b' })];
    let made = 0;
    const make = async () => ++made;
    expect(await Promise.all([one.once('k', make), one.once('k', make)])).toEqual([1, 1]);
    expect(await two.once('k', make)).toBe(2);
  });

  it('closes the transports its families shared, once, when the run ends', async () => {
    const context = new RunContext({ runTag: 'c', deadline: Date.now() + 60_000, timeoutMs: 10_000, credentials: [] });
    let closed = 0;
    const transport: Transport = {
      send: async () => ({ elapsedMs: 0 }),
      reproduce: () => ({ kind: 'curl', command: 'curl' }),
      close: async () => void closed++,
    };
    const first = context.sharedTransport('server', () => transport);
    const second = context.sharedTransport('server', () => {
      throw new Error('made twice');
    });
    await first.close();
    await second.close();
    expect(closed).toBe(0);
    await context.close();
    expect(closed).toBe(1);
  });
});

describe('the request log (the bench replays it)', () => {
  it('keeps every request as sent, with its times, writes them when the run closes, and never a credential', async () => {
    const log = join(tempDir('request-log'), 'requests.jsonl');
    const secret = 'sk_live_9f8e7d6c5b4a';
    const credentials = [{ key: 'token', value: secret, secret: true }];
    const context = new RunContext({ runTag: 'r', deadline: Date.now() + 60_000, timeoutMs: 10_000, credentials, requestLog: log });
    const request = {
      method: 'GET',
      url: 'http://127.0.0.1:9/clients',
      auth: { scheme: 'bearer' as const, token: { credential: 'token' } },
    };
    const work = { recordMs: 0.1, decodeMs: 0.2, checksMs: 0.3, coverageMs: 0.05 };
    context.logRequest('listClients', request, 12, 100, work);
    context.logRequest('getClient', { ...request, url: 'http://127.0.0.1:9/clients/1' }, 3, 115, work);
    // Nothing is written per request: the lines go when the run closes.
    expect(existsSync(log)).toBe(false);
    await context.close();
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.operation, line.elapsedMs, line.decodeMs])).toEqual([
      ['listClients', 12, 0.2],
      ['getClient', 3, 0.2],
    ]);
    // On the epoch's clock, as a report's times are: this thread's clock starts when the thread did.
    expect(lines.map((line) => Math.round(line.answeredAt - performance.timeOrigin))).toEqual([100, 115]);
    expect(readFileSync(log, 'utf8')).not.toContain(secret);
  });
});

describe('two runs in one process', () => {
  it('run two different APIs concurrently with the verdicts each gets alone', async () => {
    // Cheap families, one each: what is compared is what the two runs could share.
    const only = { growcrm: 'ordering,actions', 'freshbooks-rest': 'partial-update' } as Record<string, string>;
    const args = (api: string, dir: string) => ['run', '--api', api, '--only', only[api]!, '--seed', '11', '--report-dir', dir];
    const alone = { growcrm: tempDir('alone-grow'), rest: tempDir('alone-rest') };
    expect((await runMain(args('growcrm', alone.growcrm))).code).toBe(0);
    expect((await runMain(args('freshbooks-rest', alone.rest))).code).toBe(0);
    const together = { growcrm: tempDir('together-grow'), rest: tempDir('together-rest') };
    const own = { ownRunner: true };
    const [grow, rest] = await Promise.all([
      runMain(args('growcrm', together.growcrm), {}, own),
      runMain(args('freshbooks-rest', together.rest), {}, own),
    ]);
    expect([grow.code, rest.code]).toEqual([0, 0]);
    expect(outcomes(together.growcrm)).toEqual(outcomes(alone.growcrm));
    expect(outcomes(together.rest)).toEqual(outcomes(alone.rest));
    expect(readReport(together.growcrm).api).toBe('growcrm');
    expect(readReport(together.rest).api).toBe('freshbooks-rest');
  });
});
