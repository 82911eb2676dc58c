/** What the report tests share: a summary added up from checks, and the fenced blocks of a Markdown report. */
import { expect } from 'vitest';
import { FAMILIES, type CheckResult, type Family, type FamilySummary, type RunReport } from '../../reports/model.js';

/** The summary a report of these checks carries: counts per family and in total, requests added up. */
export function summarize(checks: readonly CheckResult[]): RunReport['summary'] {
  const zero = (): FamilySummary => ({ passed: 0, warned: 0, failed: 0, errored: 0, skipped: 0, blocked: 0 });
  const families = Object.fromEntries(FAMILIES.map((family) => [family, zero()])) as Record<Family, FamilySummary>;
  const total = zero();
  for (const c of checks) {
    (families[c.family] as Record<CheckResult['status'], number>)[c.status]++;
    (total as Record<CheckResult['status'], number>)[c.status]++;
  }
  return { families, total, requests: checks.reduce((sum, c) => sum + c.requests, 0), rateLimit: { retries: 0, waitedMs: 0 } };
}

/** A failed run's report of these checks, as the report-format tests start from; `fields` override any part. */
export function failedReport(checks: readonly CheckResult[], fields: Partial<RunReport> = {}): RunReport {
  return {
    tool: { name: 'clientele', version: '0.1.0' },
    api: 'freshbooks-rest',
    target: 'https://api.example.test',
    startedAt: '2026-11-24T10:00:00.000Z',
    finishedAt: '2026-11-24T10:00:02.000Z',
    durationMs: 2000,
    seed: 20261124,
    runs: 5,
    readOnly: false,
    strict: false,
    outcome: 'failed',
    exitCode: 1,
    summary: summarize(checks),
    checks,
    promises: [],
    ...fields,
  };
}

/** CommonMark fenced blocks (backtick fences only): a fence closes only on a line of at least as many backticks. */
export function fencedBlocks(markdown: string): { info: string; content: string }[] {
  const blocks: { info: string; content: string }[] = [];
  let open: { length: number; info: string; lines: string[] } | undefined;
  for (const line of markdown.split('\n')) {
    if (open) {
      const close = /^ {0,3}(`+)\s*$/.exec(line);
      if (close && close[1]!.length >= open.length) {
        blocks.push({ info: open.info, content: open.lines.join('\n') });
        open = undefined;
      } else open.lines.push(line);
      continue;
    }
    const start = /^ {0,3}(`{3,})([^`]*)$/.exec(line);
    if (start) open = { length: start[1]!.length, info: start[2]!.trim(), lines: [] };
  }
  expect(open, 'unclosed fence').toBeUndefined();
  return blocks;
}
