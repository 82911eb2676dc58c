/**
 * Interrupts and the journal, as CI does them to a real process: SIGINT and SIGTERM mid-run end with a
 * report saying `interrupted`, exit 130/143, and no active client of the run left on the target; a
 * SIGKILL leaves a journal that `clientele cleanup` empties.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTarget } from '../apis/freshbooks-rest/target/index.js';
import { PROJECT_ROOT } from '../generators/spec.js';
import type { RunningTarget } from '../targets/types.js';
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

/** Starts a run as a user would and sends `signal` once it has created clients; resolves with its exit code. */
async function interruptedRun(dir: string, signal: NodeJS.Signals): Promise<{ code: number | null; runTag: string }> {
  const child = spawn(
    process.execPath,
    [
      join(PROJECT_ROOT, 'bin', 'clientele.js'),
      'run',
      '--api',
      'freshbooks-rest',
      '--target',
      target.url,
      '--account-id',
      'ABC123',
      '--report-dir',
      dir,
    ],
    {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CLIENTELE_TOKEN: TOKEN },
      stdio: 'ignore',
    },
  );
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
