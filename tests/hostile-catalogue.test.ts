/**
 * The hostile catalogue: clientele, as a real child process with default options (but one random case a
 * property, after the boundary phase, where the target does not make the run wait), against each misbehaving loopback target of
 * `tests/support/hostile.ts`, for every API the behaviour makes sense for (the families named where the
 * behaviour or the API's profile names them). Whatever the target does, the run ends in time with a
 * report and a documented exit code, prints no stack trace, writes no piece of the token and no raw
 * control character anywhere, and stays under 1 GB of RSS.
 *
 * A child runs several targets, as a user's config file lists them (one after the other, each with its
 * own token and report directory), so clientele's start-up is paid once per child, not once per row:
 * the targets that compute are dealt into `COMPUTE_CHILDREN` children of about equal length, two of them
 * running at a time (a two-slot gate), the longest first. Each target that makes the run wait (`waits`)
 * has a child of its own, started at once beside them: they would only queue behind each other.
 */
import { randomInt } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  HOSTILE_TARGETS,
  PROFILES,
  freshToken,
  judgeChild,
  judgeTarget,
  reportOf,
  runClientele,
  type ChildRun,
  type ChildTarget,
  type HostileTarget,
  type Served,
} from './support/hostile.js';

/** A run must end within this: a target that never answers ends, with default options, in about a minute. */
const MAX_SECONDS = 90;
const MAX_RSS_MIB = 1024;
/** Exit codes a target can cause: 4 is clientele's own crash, never the target's fault. */
const DOCUMENTED_EXITS = [0, 1, 2, 3] as const;
/** Past this (a child of one target) the child gets SIGTERM, and SIGKILL if it is still there `GRACE_MS` later: the bound on every child's wait. */
const KILL_AFTER_MS = 100_000;
/**
 * What each further row of a child adds to that bound: a row that computes ends in seconds (the longest,
 * a 7 MB attribute, in about 10), so a child that hangs is stopped within minutes, not rows x 100 s.
 */
const KILL_AFTER_EACH_MORE_MS = 30_000;
/** An interrupted run says it cleans up for at most 30 s before it writes its report. */
const GRACE_MS = 45_000;
const CHILDREN_AT_ONCE = 2;
/** Children the targets that compute are dealt into: three a slot, so the two slots end close together. */
const COMPUTE_CHILDREN = 6;
/**
 * Random cases per property for a target that does not make the run wait: the boundary phase runs every
 * hand-picked case first, so each check sends its usual requests and renders its failures; what a
 * target breaks in bodies or framing it breaks in every answer, and more cases only repeat that.
 */
const COMPUTE_RUNS = 1;
/** About how long a run that computes takes where its row names no time (most take one to three seconds). */
const QUICK_SECONDS = 2;

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
const computeSlot = gate(CHILDREN_AT_ONCE);

/** A row of the catalogue with the name, token and account it gets in its child's config file. */
interface Row {
  readonly target: HostileTarget;
  readonly name: string;
  readonly token: string;
  readonly accountId: string;
}

interface Child {
  readonly rows: readonly Row[];
  readonly waits: boolean;
}

interface ChildOutcome {
  readonly run: ChildRun;
  /** What is wrong with the child as a whole: every row of it shows them. */
  readonly problems: readonly string[];
}

const seconds = (target: HostileTarget) => target.expectedSeconds ?? QUICK_SECONDS;
const rows: Row[] = [...HOSTILE_TARGETS]
  .sort((a, b) => seconds(b) - seconds(a))
  .map((target, i) => ({ target, name: `row-${i}`, token: freshToken(), accountId: `acc${randomInt(100_000, 999_999)}` }));

/** The children: one per waiting row; the computing rows dealt, longest first, into the child with the least expected time. */
function children(): Child[] {
  const waiting = rows.filter((row) => row.target.waits).map((row) => ({ rows: [row], waits: true }));
  const bins = Array.from({ length: COMPUTE_CHILDREN }, () => ({ rows: [] as Row[], seconds: 0 }));
  for (const row of rows.filter((r) => !r.target.waits)) {
    const bin = bins.reduce((least, next) => (next.seconds < least.seconds ? next : least));
    bin.rows.push(row);
    bin.seconds += seconds(row.target);
  }
  const computing = bins
    .filter((bin) => bin.rows.length > 0)
    .sort((a, b) => b.seconds - a.seconds)
    .map((bin) => ({ rows: bin.rows, waits: false }));
  return [...waiting, ...computing];
}
const CHILDREN = children();
const childOf = new Map(CHILDREN.flatMap((child) => child.rows.map((row) => [row, child] as const)));

/** Serves each row of `child`, runs clientele once against them all, stops them, and judges the child as a whole. */
async function runChild(child: Child): Promise<ChildOutcome> {
  const slot = child.waits ? <T>(work: () => Promise<T>) => work() : computeSlot;
  return slot(async () => {
    const served: Served[] = [];
    try {
      const targets: ChildTarget[] = [];
      for (const { target, name, token, accountId } of child.rows) {
        const one = await target.serve({ profile: PROFILES[target.api], token, accountId });
        served.push(one);
        // A target that makes the run wait keeps the default options (their bounds are what it proves);
        // one that breaks bodies or framing shows it on the first cases: one random case is enough.
        const runs = target.runs ?? (target.waits ? undefined : COMPUTE_RUNS);
        targets.push({
          name,
          api: target.api,
          url: one.target,
          token,
          accountId,
          ...(runs === undefined ? {} : { runs }),
          ...(target.only ? { only: target.only } : {}),
        });
      }
      const killAfterMs = KILL_AFTER_MS + KILL_AFTER_EACH_MORE_MS * (targets.length - 1);
      const run = await runClientele(targets, { killAfterMs, graceMs: GRACE_MS });
      const problems = judgeChild(run, targets, { seconds: killAfterMs / 1000, rssMiB: MAX_RSS_MIB });
      if (run.peakRssMiB === undefined && process.platform === 'linux') problems.push('no VmHWM read from /proc');
      return { run, problems };
    } finally {
      await Promise.all(served.map((one) => one.close()));
    }
  });
}

const outcomes = new Map<Child, Promise<ChildOutcome>>();
/** Rows judged so far, and those with a problem, per child: its reports go once every row is judged and none misbehaved. */
const judged = new Map<Child, { count: number; bad: number }>();
const table: { row: Row; seconds?: number; exit?: number; run: ChildRun; ok: boolean }[] = [];

// Every child starts at once (the gate orders those that compute): vitest runs only a few tests at a time.
beforeAll(() => {
  for (const child of CHILDREN) outcomes.set(child, runChild(child));
});

describe.concurrent('hostile targets: a bounded run, a report, a documented exit, no trace, no secret, no raw control character', () => {
  for (const child of CHILDREN)
    for (const row of child.rows)
      it(
        `${row.target.name} (${row.target.api})`,
        async ({ expect }) => {
          const { run, problems: childProblems } = await outcomes.get(childOf.get(row)!)!;
          const problems = [
            ...childProblems,
            ...judgeTarget(run, row.name, {
              seconds: MAX_SECONDS,
              exits: row.target.exits ?? DOCUMENTED_EXITS,
              failsOn: row.target.failsOn,
            }),
          ];
          const report = reportOf(run, row.name);
          table.push({
            row,
            run,
            ok: problems.length === 0,
            ...(report?.durationMs === undefined ? {} : { seconds: report.durationMs / 1000 }),
            ...(report?.exitCode === undefined ? {} : { exit: report.exitCode }),
          });
          // Keep the reports of a child that misbehaved, for a look; drop the others.
          const tally = judged.get(child) ?? { count: 0, bad: 0 };
          judged.set(child, { count: tally.count + 1, bad: tally.bad + (problems.length > 0 ? 1 : 0) });
          if (tally.count + 1 === child.rows.length && tally.bad === 0 && problems.length === 0)
            rmSync(run.workDir, { recursive: true, force: true });
          if (problems.length > 0) problems.push(`reports kept in ${run.reportDirs.get(row.name)}`);
          expect(problems).toEqual([]);
        },
        20 * 60_000,
      );
});

afterAll(() => {
  const header = ['behaviour', 'api', 'exit', 'seconds', 'child peak RSS MiB', 'ok'];
  const lines = [...table]
    .sort((a, b) => rows.indexOf(a.row) - rows.indexOf(b.row))
    .map(({ row, run, seconds: took, exit, ok }) => [
      row.target.name,
      row.target.api,
      String(exit ?? run.code ?? run.signal),
      took === undefined ? '?' : took.toFixed(1),
      run.peakRssMiB === undefined ? '?' : run.peakRssMiB.toFixed(0),
      ok ? 'yes' : 'NO',
    ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const format = (line: string[]) => `| ${line.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  console.log(
    [
      format(header),
      format(widths.map((width) => '-'.repeat(width))),
      ...lines.map(format),
      '',
      `${rows.length} runs in ${CHILDREN.length} children in ${((performance.now() - fileStarted) / 1000).toFixed(1)} s`,
    ].join('\n'),
  );
});
