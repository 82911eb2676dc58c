/**
 * Pacing that listens, through the CLI: a target that pushes back (429) is retried and the run goes on;
 * one whose pace cannot finish the run within its budget stops the run early, in one line, with a
 * report and exit 3. Each front stands on loopback before the REST reference and is stopped by its own
 * handle.
 */
import { describe, expect, it } from 'vitest';
import { readReport, runMain, tempDir } from './support/cli.js';
import { PROFILES, front, send, text } from './support/hostile.js';

const TOKEN = 'pushback-token-4e5f6a7b';
const ACCOUNT = 'ABC123';
const REST = PROFILES['freshbooks-rest'];

function runArgs(target: string, dir: string, extra: readonly string[]): string[] {
  return ['run', '--api', 'freshbooks-rest', '--target', target, '--token', TOKEN, '--account-id', ACCOUNT, '--report-dir', dir, ...extra];
}

describe('a target that pushes back', () => {
  it(
    'every other request 429 with Retry-After: 1: the run says early its pace overruns the budget, stops, reports, exits 3',
    { timeout: 90_000 },
    async () => {
      const served = await front({ profile: REST, token: TOKEN, accountId: ACCOUNT }, async ({ res, n, forward }) => {
        if (n % 2 === 1) send(res, text(429, REST.mediaType, REST.errorBody('Too many requests.'), { 'retry-after': '1' }));
        else send(res, await forward());
      });
      try {
        const dir = tempDir('pushback-overrun');
        // Two checks at once: the window has room to narrow, and the front's every other answer stays every other.
        const result = await runMain(runArgs(served.target, dir, ['--max-duration', '60s', '--concurrency', '2', '--seed', '7']));
        // Well before the budget: the run does not sit it out (bounded, not a benchmark).
        expect(result.ms).toBeLessThan(40_000);
        expect(result.code).toBe(3);
        const lines = result.stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(
          /^clientele: \d+ checks? could not run: the target's pace overruns the run's budget: it accepted [\d.]+ requests\/s/,
        );
        expect(lines[0]).toMatch(/pass a --max-duration above \d+m, --rate-limit [\d.]+\/s, or fewer families with --only$/);
        const report = readReport(dir);
        expect(report.outcome).toBe('target-unusable');
        expect(report.exitCode).toBe(3);
        expect(report.summary.total.failed).toBe(0);
        expect(report.summary.total.blocked).toBeGreaterThan(0);
        expect(report.summary.rateLimit.retries).toBeGreaterThan(0);
      } finally {
        await served.close();
      }
    },
  );

  it('a few 429s without Retry-After, then honest: retried after a back-off, the run passes', { timeout: 90_000 }, async () => {
    let refused = 0;
    const served = await front({ profile: REST, token: TOKEN, accountId: ACCOUNT }, async ({ res, n, forward }) => {
      // Four requests of the checks (past the preflight's few) are refused with no word of when to come
      // back, three of them in a row: within the retries a request gets.
      if ([20, 21, 22, 30].includes(n)) {
        refused += 1;
        send(res, text(429, REST.mediaType, REST.errorBody('Slow down.')));
      } else send(res, await forward());
    });
    try {
      const dir = tempDir('pushback-recovers');
      const result = await runMain(runArgs(served.target, dir, ['--only', 'contract', '--runs', '2', '--seed', '7']));
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(refused).toBe(4);
      const report = readReport(dir);
      expect(report.outcome).toBe('passed');
      expect(report.summary.rateLimit.retries).toBeGreaterThan(0);
    } finally {
      await served.close();
    }
  });
});
