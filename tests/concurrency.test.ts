/**
 * Checks that share nothing run side by side (`--concurrency N`), and what a run reports does not
 * depend on N: the same seed gives the same checks, in the same order, with the same verdicts, requests
 * and rules. What the server assigns (ids, ports, run tags in request bodies) is a run's own in any case.
 */
import { describe, expect, it } from 'vitest';
import { Slots } from '../engine/slots.js';
import { readReport, runMain, tempDir } from './support/cli.js';

describe('the slots a run’s checks take turns on', () => {
  it('grant up to their capacity, first come first served, and a check that wants them all waits for the ones before it', async () => {
    const slots = new Slots(2);
    const order: string[] = [];
    const take = async (name: string, all = false) => {
      const release = all ? await slots.acquireAll() : await slots.acquire();
      order.push(name);
      return release;
    };
    const a = await take('a');
    const b = await take('b');
    const waiting = [take('alone', true), take('c')];
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(order).toEqual(['a', 'b']);
    a();
    await new Promise((resolve) => setTimeout(resolve, 10));
    // One slot is free, but the check that wants both came first: c waits behind it.
    expect(order).toEqual(['a', 'b']);
    b();
    const alone = await waiting[0]!;
    expect(order).toEqual(['a', 'b', 'alone']);
    alone();
    (await waiting[1]!)();
    expect(order).toEqual(['a', 'b', 'alone', 'c']);
    expect(() => new Slots(0)).toThrow(RangeError);
  });
});

const TIMING = new Set(['startedAt', 'finishedAt', 'durationMs', 'ms', 'waitedMs', 'elapsedMs']);
function withoutTimings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimings);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).flatMap(([key, v]) => (TIMING.has(key) ? [] : [[key, withoutTimings(v)]])));
  return value;
}

interface Check {
  id: string;
  status: string;
  requests: number;
  rules?: string[];
  warnings?: number;
  boundary?: { cases: number; requests: number };
  failure?: {
    rule: string;
    basisRule?: string;
    severity: string;
    operation?: string;
    seed: number;
    path?: string;
    reproduction: { steps: unknown[] };
  };
}

/** A report's verdicts, without what the server assigned: each check's outcome, and each failure's rule, seed, path and length. */
function verdicts(report: { checks: Check[] }) {
  return report.checks.map(({ id, status, requests, rules, warnings, boundary, failure }) => ({
    id,
    status,
    requests,
    rules,
    warnings,
    boundary: boundary && { cases: boundary.cases, requests: boundary.requests },
    failure: failure && {
      rule: failure.rule,
      basisRule: failure.basisRule,
      severity: failure.severity,
      operation: failure.operation,
      seed: failure.seed,
      path: failure.path,
      steps: failure.reproduction.steps.length,
    },
  }));
}

async function report(args: readonly string[], concurrency: number) {
  const dir = tempDir(`concurrency-${concurrency}`);
  const result = await runMain([
    'run',
    ...args,
    '--seed',
    '20261207',
    '--concurrency',
    String(concurrency),
    '--report-dir',
    dir,
    '--quiet',
  ]);
  return { code: result.code, report: readReport(dir) as unknown as { checks: Check[] } & Record<string, unknown> };
}

describe('the same seed at N = 1 and N = 8', () => {
  it.each([['growcrm'], ['freshbooks-classic']])('%s against its reference: the same report but for timings', async (api) => {
    // Every family, fewer cases: what is compared is how checks run side by side, not how many cases they try.
    const one = await report(['--api', api, '--runs', '5'], 1);
    const eight = await report(['--api', api, '--runs', '5'], 8);
    expect(one.code).toBe(0);
    expect(eight.code).toBe(0);
    expect(withoutTimings(eight.report)).toEqual(withoutTimings(one.report));
  });

  it('growcrm against a mutant: the same checks fail, on the same rules, seeds and paths', async () => {
    const args = ['--api', 'growcrm', '--mutant', 'page-boundary-repeat', '--only', 'pagination,filtering', '--runs', '5'];
    const one = await report(args, 1);
    const eight = await report(args, 8);
    expect(one.code).toBe(1);
    expect(eight.code).toBe(1);
    expect(verdicts(eight.report)).toEqual(verdicts(one.report));
    expect(verdicts(one.report).filter((check) => check.status === 'failed').length).toBeGreaterThan(0);
  });
});
