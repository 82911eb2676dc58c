/**
 * Prerequisites instead of cascades: against a target that ignores the scope filter, the prerequisite
 * check fails once, every check that relies on it is reported blocked and names it, and the run says
 * what to fix first (exit 1).
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTarget } from '../apis/freshbooks-rest/reference/index.js';
import type { RunningTarget } from '../reference-kit/types.js';
import { readReport, runMain, tempDir } from './support/cli.js';

// Random-looking, as real tokens are: every 6-character fragment of a secret is redacted wherever it appears.
const TOKEN = 'c81f4e9a2d7b36e05a9c';

describe('a target that ignores the scope filter', () => {
  let reference: RunningTarget;
  let front: Server;
  let url: string;

  beforeAll(async () => {
    reference = await startTarget({ token: TOKEN, accountId: 'ABC123' });
    // Forwards everything to the reference, minus the note filter the suite confines its lists with.
    front = createServer(async (req, res) => {
      const body: Buffer[] = [];
      for await (const chunk of req) body.push(chunk as Buffer);
      const target = new URL(req.url ?? '/', reference.url);
      target.searchParams.delete('search[note_like]');
      // The body is sent again as read: its length and the host are the new request's own.
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => name !== 'content-length' && name !== 'host'));
      const answer = await fetch(target, {
        method: req.method,
        headers: headers as Record<string, string>,
        body: body.length ? Buffer.concat(body) : undefined,
      });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? '' });
      res.end(await answer.text());
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(front.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    front.closeAllConnections();
    await new Promise((resolve) => front.close(resolve));
    await reference.close();
  });

  it('fails the prerequisite once, blocks its dependants naming it, and says what to fix first', { timeout: 120_000 }, async () => {
    const dir = tempDir('scope-ignored');
    const result = await runMain([
      'run',
      '--api',
      'freshbooks-rest',
      '--target',
      url,
      '--token',
      TOKEN,
      '--account-id',
      'ABC123',
      '--runs',
      '3',
      '--report-dir',
      dir,
    ]);
    expect(result.code).toBe(1);
    const report = readReport(dir);
    const failed = report.checks.filter((c: { status: string }) => c.status === 'failed');
    expect(failed.map((c: { id: string }) => c.id)).toEqual(['contract/scoped-list-holds-exactly-its-clients']);
    expect(failed[0].failure).toMatchObject({ rule: 'prerequisite/scope' });
    const blocked = report.checks.filter((c: { status: string }) => c.status === 'blocked');
    expect(blocked.length).toBeGreaterThan(5);
    for (const check of blocked) expect(check).toMatchObject({ blockedBy: failed[0].id, note: expect.stringContaining('fix it first') });
    expect(report.fixFirst).toEqual([failed[0].id]);
  });
});
