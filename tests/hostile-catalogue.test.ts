/**
 * The hostile catalogue: clientele, as a real child process with default options (but one random case a
 * property, after the boundary phase, where the target does not make the run wait), against each misbehaving loopback target of
 * `tests/support/hostile.ts`, for every API the behaviour makes sense for (the families named where the
 * behaviour or the API's profile names them). Whatever the target does, the run ends in time with a
 * report and a documented exit code, prints no stack trace, writes no piece of the token and no raw
 * control character anywhere, and stays under 1 GB of RSS.
 *
 * Two children that compute run at a time (the tests are concurrent, a two-slot gate runs them), the
 * longest first, so the quick ones fill whichever slot frees meanwhile; children that mostly wait for
 * their target (`waits`) start at once, beside them.
 */
import { randomInt } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, describe, it } from 'vitest';
import { HOSTILE_TARGETS, PROFILES, freshToken, judge, runClientele, type ChildRun, type HostileTarget } from './support/hostile.js';

/** A run must end within this: a target that never answers ends, with default options, in about a minute. */
const MAX_SECONDS = 90;
const MAX_RSS_MIB = 1024;
/** Exit codes a target can cause: 4 is clientele's own crash, never the target's fault. */
const DOCUMENTED_EXITS = [0, 1, 2, 3] as const;
/** Past this the child gets SIGTERM, and SIGKILL if it is still there `GRACE_MS` later: the bound on every run's wait. */
const KILL_AFTER_MS = 100_000;
/** An interrupted run says it cleans up for at most 30 s before it writes its report. */
const GRACE_MS = 45_000;
const CHILDREN_AT_ONCE = 2;
/**
 * Random cases per property for a target that does not make the run wait: the boundary phase runs every
 * hand-picked case first, so each check sends its usual requests and renders its failures; what a
 * target breaks in bodies or framing it breaks in every answer, and more cases only repeat that.
 */
const COMPUTE_RUNS = 1;

const fileStarted = performance.now();

/** A FIFO gate of `size` slots. */
function gate(size: number): <T>(work: () => Promise<T>) => Promise<T> {
  let free = size;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (free > 0) free -= 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free += 1;
    }
  };
}
const child = gate(CHILDREN_AT_ONCE);

interface Row {
  readonly target: HostileTarget;
  readonly run: ChildRun;
  readonly problems: readonly string[];
}
const rows: Row[] = [];

async function runAgainst(target: HostileTarget): Promise<{ run: ChildRun; token: string }> {
  const token = freshToken();
  const accountId = `acc${randomInt(100_000, 999_999)}`;
  const slot = target.waits ? <T>(work: () => Promise<T>) => work() : child;
  return slot(async () => {
    const served = await target.serve({ profile: PROFILES[target.api], token, accountId });
    try {
      // A target that makes the run wait keeps the default options (their bounds are what it proves);
      // one that breaks bodies or framing shows it on the first cases: one random case is enough.
      const runs = target.runs ?? (target.waits ? undefined : COMPUTE_RUNS);
      const extra = [...(runs === undefined ? [] : ['--runs', String(runs)]), ...(target.only ? ['--only', target.only] : [])];
      const run = await runClientele({
        api: target.api,
        target: served.target,
        token,
        accountId,
        extra,
        killAfterMs: KILL_AFTER_MS,
        graceMs: GRACE_MS,
      });
      return { run, token };
    } finally {
      await served.close();
    }
  });
}

// Longest first: two slots, each taking the next run as it frees, end close together.
const QUICK_SECONDS = 5;
const ordered = [...HOSTILE_TARGETS].sort((a, b) => (b.expectedSeconds ?? QUICK_SECONDS) - (a.expectedSeconds ?? QUICK_SECONDS));

describe.concurrent('hostile targets: a bounded run, a report, a documented exit, no trace, no secret, no raw control character', () => {
  for (const target of ordered) {
    it(
      `${target.name} (${target.api})`,
      async ({ expect }) => {
        const { run, token } = await runAgainst(target);
        const problems = judge(run, token, {
          seconds: MAX_SECONDS,
          rssMiB: MAX_RSS_MIB,
          exits: target.exits ?? DOCUMENTED_EXITS,
          failsOn: target.failsOn,
        });
        if (run.peakRssMiB === undefined && process.platform === 'linux') problems.push('no VmHWM read from /proc');
        rows.push({ target, run, problems });
        // Keep the reports of a run that misbehaved, for a look; drop the others.
        if (problems.length === 0) rmSync(run.reportDir, { recursive: true, force: true });
        else problems.push(`reports kept in ${run.reportDir}`);
        expect(problems).toEqual([]);
      },
      20 * 60_000,
    );
  }
});

afterAll(() => {
  const header = ['behaviour', 'api', 'exit', 'seconds', 'peak RSS MiB', 'ok'];
  const lines = [...rows]
    .sort((a, b) => ordered.indexOf(a.target) - ordered.indexOf(b.target))
    .map(({ target, run, problems }) => [
      target.name,
      target.api,
      String(run.code ?? run.signal),
      run.seconds.toFixed(1),
      run.peakRssMiB === undefined ? '?' : run.peakRssMiB.toFixed(0),
      problems.length === 0 ? 'yes' : 'NO',
    ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const format = (line: string[]) => `| ${line.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  console.log(
    [
      format(header),
      format(widths.map((width) => '-'.repeat(width))),
      ...lines.map(format),
      '',
      `${rows.length} runs in ${((performance.now() - fileStarted) / 1000).toFixed(1)} s`,
    ].join('\n'),
  );
});
