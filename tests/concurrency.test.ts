/**
 * Checks that share nothing run side by side (`--concurrency N`), and what a run reports does not
 * depend on N: the same seed gives the same checks, in the same order, with the same verdicts, requests
 * and rules. What the server assigns (ids, ports, run tags in request bodies) is a run's own in any case.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { APIS } from '../apis/registry.js';
import { ExchangeLog } from '../engine/exchange-log.js';
import { ConformanceFailure } from '../engine/failures.js';
import { PropertyFailure, forAll, type CaseLanes, type LanedRun, type PropertyRun } from '../engine/property.js';
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

describe('a check’s property cases on lanes', () => {
  it('take a free slot only when no check waits for one', async () => {
    const slots = new Slots(3);
    const first = await slots.acquire();
    const extra = slots.tryAcquire();
    expect(extra).toBeDefined();
    const all = slots.acquireAll();
    // A check waits for every slot: a lane takes none, even though one is free.
    expect(slots.tryAcquire()).toBeUndefined();
    first();
    extra!();
    (await all)();
    expect(slots.tryAcquire()).toBeDefined();
  });

  /** A run whose lanes start every case at once and let the later ones finish first. */
  function lanedRun(runs: number): LanedRun<PropertyRun> & PropertyRun & { ran: number[] } {
    const ran: number[] = [];
    const lanes: CaseLanes<PropertyRun> = {
      async each(cases, body) {
        await Promise.all(
          cases.map(async (_, index) => {
            await new Promise((resolve) => setTimeout(resolve, (cases.length - index) * 2));
            ran.push(index);
            await body(index, { config: run.config, log: new ExchangeLog() });
          }),
        );
        return 0;
      },
    };
    const run = { config: { seed: 7, runs, boundary: true }, log: new ExchangeLog(), lanes, ran };
    return run;
  }

  it('run every case whatever the others do, and shrink the first that fails, by index, alone', async () => {
    const run = lanedRun(30);
    const seen: number[] = [];
    const failure = await forAll(run, fc.integer({ min: 0, max: 1000 }), async (value) => {
      seen.push(value);
      if (value >= 100) throw new ConformanceFailure('pagination/each-once', `${value} is too large`);
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PropertyFailure);
    expect(run.ran).toHaveLength(30);
    // The same counterexample and path as fast-check finds running the cases one after the other.
    const sequential = await fc.check(
      fc.asyncProperty(fc.integer({ min: 0, max: 1000 }), async (value) => {
        if (value >= 100) throw new Error('too large');
      }),
      { seed: 7, numRuns: 30 },
    );
    expect((failure as PropertyFailure).counterexample).toBe(fc.stringify(sequential.counterexample![0]));
    expect((failure as PropertyFailure).path).toBe(sequential.counterexamplePath);
  });

  it('name a boundary that fails first by its place, not by when it failed', async () => {
    const run = lanedRun(1);
    const boundaries = [0, 1, 2, 3].map((n) => ({ name: `case ${n}`, value: n }));
    const failure = await forAll(
      run,
      fc.constant(0),
      async (value) => {
        if (value >= 2) throw new ConformanceFailure('pagination/each-once', `${value} breaks it`);
      },
      boundaries,
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PropertyFailure);
    expect((failure as PropertyFailure).counterexample).toBe('boundary: case 2');
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
  // Every API: a property case's lane opens an adapter of its own (MCP's reads tools/list once per check, not per lane).
  it.each(APIS.map((api) => [api.id]))('%s against its reference: the same report but for timings', async (api) => {
    // Every family, fewer cases: what is compared is how checks run side by side, not how many cases they try.
    const one = await report(['--api', api, '--runs', '5'], 1);
    const eight = await report(['--api', api, '--runs', '5'], 8);
    expect(one.code).toBe(0);
    expect(eight.code).toBe(0);
    expect(withoutTimings(eight.report)).toEqual(withoutTimings(one.report));
  });

  it('growcrm handing deleted ids out again: every check runs alone, so nothing fails at N = 8 either', async () => {
    const args = ['--api', 'growcrm', '--mutant', 'ids-reused', '--only', 'deletion,stateful', '--runs', '5'];
    const one = await report(args, 1);
    const eight = await report(args, 8);
    expect(eight.code).toBe(0);
    expect(verdicts(eight.report)).toEqual(verdicts(one.report));
    expect(verdicts(eight.report).filter((check) => check.warnings).length).toBeGreaterThan(0);
  });

  it("REST handing a soft-deleted client's id to a new one: every check runs alone, the same checks fail at N = 8", async () => {
    const args = ['--api', 'freshbooks-rest', '--mutant', 'id-from-active-count', '--runs', '5'];
    const one = await report(args, 1);
    const eight = await report(args, 8);
    expect(one.code).toBe(1);
    expect(eight.code).toBe(1);
    expect(verdicts(eight.report)).toEqual(verdicts(one.report));
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
