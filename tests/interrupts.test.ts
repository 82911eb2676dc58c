/**
 * Interrupts and the journal, as CI does them to a real process: SIGINT and SIGTERM mid-run end with a
 * report saying `interrupted`, exit 130/143, and no active client of the run left on the target; a
 * SIGKILL leaves a journal that `clientele cleanup` empties. A SIGINT at any moment of the first
 * seconds (the code loading, the suites opening, the first checks) stops the run: no request after it
 * but cleanup, a report, exit 130.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTarget } from '../apis/freshbooks-rest/reference/index.js';
import { PROJECT_ROOT } from '../generators/spec.js';
import type { RunningTarget } from '../reference-kit/types.js';
import { readReport, runMain, tempDir } from './support/cli.js';

// Random-looking, as real tokens are: every 6-character fragment of a secret is redacted wherever it appears.
const TOKEN = 'f3a9c1e07b5d42a8e6c0d9b1';
let target: RunningTarget;

beforeAll(async () => {
  target = await startTarget({ token: TOKEN, accountId: 'ABC123' });
});
afterAll(() => target.close());

/** Clients of the given run (its tag in the note) that are still active on the target. */
async function activeOf(runTag: string): Promise<number> {
  const query = new URLSearchParams({ per_page: '1', 'search[vis_state]': '0', 'search[note_like]': `clientele-${runTag}-` });
  const res = await fetch(`${target.url}/accounting/account/ABC123/users/clients?${query}`, {
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  return (await res.json()).response.result.total;
}

/** `clientele run --api freshbooks-rest --target URL` as a user starts it, the token in the environment. */
function launch(url: string, dir: string, stderr: 'ignore' | 'pipe'): ChildProcess {
  const args = ['run', '--api', 'freshbooks-rest', '--target', url, '--account-id', 'ABC123', '--report-dir', dir];
  return spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'clientele.js'), ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, CLIENTELE_TOKEN: TOKEN },
    stdio: ['ignore', 'ignore', stderr],
  });
}

/** Starts a run as a user would and sends `signal` once it has created clients; resolves with its exit code. */
async function interruptedRun(dir: string, signal: NodeJS.Signals): Promise<{ code: number | null; runTag: string }> {
  const child = launch(target.url, dir, 'ignore');
  const journal = join(dir, 'journal.freshbooks-rest.jsonl');
  const started = Date.now();
  // The journal names the run and grows with every client it creates; signal once a few exist.
  while (Date.now() - started < 60_000 && !(existsSync(journal) && readFileSync(journal, 'utf8').split('\n').length > 20))
    await new Promise((r) => setTimeout(r, 50));
  const runTag = JSON.parse(readFileSync(journal, 'utf8').split('\n')[0]!).runTag as string;
  child.kill(signal);
  const code = await new Promise<number | null>((resolve) =>
    child.on('exit', (exitCode, killedBy) => resolve(exitCode ?? (killedBy ? 128 + 9 : null))),
  );
  return { code, runTag };
}

describe('an interrupted run', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s: cleans up what it created, writes a report saying interrupted, and exits %i',
    { timeout: 120_000 },
    async (signal, exitCode) => {
      const dir = tempDir(`interrupt-${signal}`);
      const { code, runTag } = await interruptedRun(dir, signal);
      expect(code).toBe(exitCode);
      expect(readReport(dir)).toMatchObject({ outcome: 'interrupted', exitCode });
      expect(await activeOf(runTag)).toBe(0);
      expect(existsSync(join(dir, 'journal.freshbooks-rest.jsonl'))).toBe(false);
    },
  );

  it('killed with SIGKILL, leaves a journal that clientele cleanup empties', { timeout: 120_000 }, async () => {
    const dir = tempDir('interrupt-kill');
    const { runTag } = await interruptedRun(dir, 'SIGKILL');
    const journal = join(dir, 'journal.freshbooks-rest.jsonl');
    expect(existsSync(journal)).toBe(true);
    expect(await activeOf(runTag)).toBeGreaterThan(0);
    const result = await runMain(['cleanup', '--journal', journal], { CLIENTELE_TOKEN: TOKEN });
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
    expect(await activeOf(runTag)).toBe(0);
    expect(existsSync(journal)).toBe(false);
  });
});

/**
 * A loopback front to the reference that records every request with when it came: what a run sent
 * after a signal shows in the record.
 */
interface Seen {
  readonly at: number;
  readonly method: string;
  readonly url: string;
  readonly body: string;
}

async function countingFront(): Promise<{ url: string; requests: Seen[]; close(): Promise<void> }> {
  const requests: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ at: Date.now(), method: req.method ?? '', url: req.url ?? '', body: body.toString('utf8') });
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => name !== 'host' && name !== 'content-length'));
      fetch(`${target.url}${req.url ?? '/'}`, {
        method: req.method,
        headers: headers as Record<string, string>,
        body: body.length ? body : undefined,
      })
        .then(async (answer) => {
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
          res.end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('a signal in the first seconds', () => {
  // From "the code is still loading" (bin/clientele.js holds a signal from its first statements) to
  // "the suites are opening" to "the first checks run".
  it.each([300, 450, 600, 800, 1_200, 2_000, 3_000])(
    'SIGINT %i ms after launch: no request after it but cleanup, a report saying interrupted, exit 130',
    { timeout: 60_000 },
    async (afterMs) => {
      const front = await countingFront();
      try {
        const dir = tempDir(`early-${afterMs}`);
        const child = launch(front.url, dir, 'pipe');
        let stderr = '';
        child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
        await new Promise((resolve) => setTimeout(resolve, afterMs));
        const signalledAt = Date.now();
        child.kill('SIGINT');
        const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
        expect(code, stderr).toBe(130);
        expect(readReport(dir)).toMatchObject({ outcome: 'interrupted', exitCode: 130 });
        // Cleanup lists the run's clients (by the run's tag alone) and deletes them (a PUT to vis_state 1);
        // nothing else goes once the request in flight at the signal is answered.
        const cleanup = (r: Seen) =>
          (r.method === 'GET' && /^clientele-[^-]+-$/.test(new URL(r.url, front.url).searchParams.get('search[note_like]') ?? '')) ||
          (r.method === 'PUT' && /"vis_state":\s*1/.test(r.body));
        const other = front.requests.filter((r) => r.at > signalledAt + 50 && !cleanup(r));
        expect(other.map((r) => `${r.method} ${r.url} ${r.body.slice(0, 80)}`)).toEqual([]);
      } finally {
        await front.close();
      }
    },
  );
});
