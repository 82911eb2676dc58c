/**
 * `clientele merge`: the reports of one run's shards (`--shard I/N`) put back together into the report
 * the whole run would have written: every check once, the summary, promises and fix-first list
 * recomputed, coverage united (an item any shard covered is covered), and the worst outcome of any shard kept (a shard that crashed or lost its target is not
 * hidden by the others passing).
 */
import { FAMILIES, type Family } from '../engine/families.js';
import { buildReport } from './build.js';
import { mergeCoverage } from './coverage.js';
import type { CheckResult, Outcome, RunReport } from './model.js';

/** Outcomes a gate must not turn into a pass, worst first. */
const STOPPED: readonly Outcome[] = ['internal-error', 'target-unreachable', 'interrupted', 'usage-error'];

/** A problem with the set of shard reports given; the caller turns it into a usage error. */
export class MergeProblem extends Error {}

/** Merges the shard reports of one API and target. */
export function mergeShards(reports: readonly RunReport[]): RunReport {
  const [first] = reports;
  if (!first) throw new MergeProblem('no report to merge');
  for (const report of reports) {
    if (report.api !== first.api || report.target !== first.target)
      throw new MergeProblem(`reports of different runs: ${first.api} on ${first.target}, and ${report.api} on ${report.target}`);
    if (report.seed !== first.seed || report.runs !== first.runs)
      throw new MergeProblem(
        `shards of ${first.api} ran with different seeds or runs (${first.seed}/${first.runs} and ${report.seed}/${report.runs})`,
      );
  }
  const count = first.shard?.count;
  if (count !== undefined) {
    const seen = new Set<number>();
    for (const report of reports) {
      if (report.shard?.count !== count)
        throw new MergeProblem(`${first.api}: a whole run's report cannot be merged with shards of ${count}`);
      if (seen.has(report.shard.index)) throw new MergeProblem(`${first.api}: shard ${report.shard.index}/${count} is given twice`);
      seen.add(report.shard.index);
    }
    const missing = Array.from({ length: count }, (_, i) => i + 1).filter((index) => !seen.has(index));
    if (missing.length)
      throw new MergeProblem(`${first.api}: shard ${missing.map((i) => `${i}/${count}`).join(', ')} missing; its checks did not run`);
  } else if (reports.length > 1) {
    throw new MergeProblem(
      `${first.api}: ${reports.length} reports of whole runs; merge puts together the shards of one run (--shard I/N)`,
    );
  }
  const checks: CheckResult[] = [];
  const ids = new Set<string>();
  for (const check of reports.flatMap((report) => report.checks)) {
    if (ids.has(check.id)) throw new MergeProblem(`${first.api}: check ${check.id} is in two shard reports`);
    ids.add(check.id);
    checks.push(check);
  }
  const rank = (family: Family) => FAMILIES.indexOf(family);
  checks.sort((a, b) => rank(a.family) - rank(b.family));
  const families = FAMILIES.filter((family) => reports.some((report) => report.summary.families[family] !== undefined));
  const startedAt = new Date(Math.min(...reports.map((report) => Date.parse(report.startedAt))));
  const stopped = STOPPED.flatMap((outcome) => reports.filter((report) => report.outcome === outcome))[0];
  const merged = buildReport(
    { api: first.api, seed: first.seed, runs: first.runs, readOnly: reports.some((r) => r.readOnly), strict: first.strict, families },
    {
      targetLabel: first.target,
      ...(first.where ? { where: first.where } : {}),
      promises: first.promises.map(({ grade, says, convention, source, operation, rules }) => ({
        grade,
        says,
        source,
        rules,
        ...(convention ? { convention } : {}),
        ...(operation ? { operation } : {}),
      })),
    },
    startedAt,
    checks,
    undefined,
    stopped
      ? {
          outcome: stopped.outcome,
          exitCode: stopped.exitCode,
          error: `shard ${stopped.shard?.index ?? '?'}/${count ?? '?'}: ${stopped.error ?? stopped.outcome}`,
        }
      : undefined,
  );
  const finishedAt = new Date(Math.max(...reports.map((report) => Date.parse(report.finishedAt))));
  // A merged report is a whole run's; a baseline is applied to it afresh by the caller.
  const { shard: _shard, baseline: _baseline, ...whole } = merged;
  const coverage = mergeCoverage(
    reports.flatMap((report) => (report.coverage ? [report.coverage] : [])),
    checks,
  );
  return {
    ...whole,
    ...(coverage ? { coverage } : {}),
    finishedAt: finishedAt.toISOString(),
    // Shards run side by side: the run took as long as its longest shard.
    durationMs: Math.max(...reports.map((report) => report.durationMs)),
    mergedFrom: reports.length,
  };
}

/** The key that tells which shard reports belong to one run. */
export function runKey(report: Pick<RunReport, 'api' | 'target'>): string {
  return `${report.api}\u0000${report.target}`;
}
