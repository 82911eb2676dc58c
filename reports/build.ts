/** Adds check results up into a RunReport, and makes the report of a run that an error stopped. */
import type { BindingEntry } from '../engine/basis.js';
import type { RunConfig } from '../engine/config.js';
import { EXIT, type ClienteleError } from '../engine/failures.js';
import { FAMILIES, type Family } from '../engine/families.js';
import type { CheckResult, FamilySummary, Outcome, PromiseRow, RunReport } from './model.js';
import type { RunTarget } from '../engine/config.js';
import type { DocumentedSurface, RunExercised } from '../engine/coverage.js';
import { belowMinimum, coverageSection } from './coverage.js';

export const VERSION = '0.1.0';

export interface RunMeta {
  /** How the report names the target (never with credentials). */
  readonly targetLabel: string;
  /** Where the run ran, as data (`RunReport.where`). */
  readonly where?: RunTarget;
  /** The API's documented promises, for the traceability matrix. */
  readonly promises?: readonly BindingEntry[];
  /** What the API's spec documents that a run can exercise, for the coverage section. */
  readonly surface?: DocumentedSurface;
}

function summarize(checks: readonly CheckResult[], covered: readonly Family[] = FAMILIES): RunReport['summary'] {
  const empty = (): FamilySummary => ({ passed: 0, warned: 0, failed: 0, errored: 0, skipped: 0, blocked: 0 });
  const names = FAMILIES.filter((f) => covered.includes(f) || checks.some((check) => check.family === f));
  const families = Object.fromEntries(names.map((f) => [f, empty()])) as Record<Family, { -readonly [K in keyof FamilySummary]: number }>;
  const total = empty() as { -readonly [K in keyof FamilySummary]: number };
  let requests = 0;
  const rateLimit = { retries: 0, waitedMs: 0 };
  for (const check of checks) {
    families[check.family][check.status]++;
    total[check.status]++;
    requests += check.requests;
    rateLimit.retries += check.rateLimit?.retries ?? 0;
    rateLimit.waitedMs += check.rateLimit?.waitedMs ?? 0;
  }
  return { families, total, requests, rateLimit };
}

/** The report of a run that a ClienteleError stopped: no checks, or those run before, and why. */
/** Every documented promise with the checks that evaluated one of its rules, and what they found. */
function promiseRows(promises: readonly BindingEntry[], checks: readonly CheckResult[]): PromiseRow[] {
  return promises.map((promise) => {
    const enforcing = checks.filter((check) => check.rules?.some((rule) => promise.rules.includes(rule)));
    const broken = enforcing.some((check) => check.status === 'failed' && check.failure && promise.rules.includes(check.failure.basisRule));
    const ran = enforcing.some((check) => check.status !== 'skipped' && check.status !== 'blocked');
    return {
      grade: promise.grade,
      says: promise.says,
      ...(promise.convention ? { convention: promise.convention } : {}),
      source: promise.source,
      ...(promise.operation ? { operation: promise.operation } : {}),
      rules: promise.rules,
      checks: enforcing.map((check) => ({ id: check.id, status: check.status })),
      verdict: broken ? 'broken' : ran ? 'kept' : 'untested',
    };
  });
}

type ReportConfig = Pick<RunConfig, 'api' | 'seed' | 'runs' | 'readOnly' | 'strict'> & Partial<Pick<RunConfig, 'families' | 'minCoverage'>>;

export function errorReport(
  config: ReportConfig,
  meta: RunMeta,
  startedAt: Date,
  error: ClienteleError,
  checks: readonly CheckResult[] = [],
  exercised?: RunExercised,
): RunReport {
  const outcome: Outcome =
    error.exitCode === EXIT.usage ? 'usage-error' : error.exitCode === EXIT.unreachable ? 'target-unreachable' : 'internal-error';
  return buildReport(config, meta, startedAt, checks, undefined, { outcome, exitCode: error.exitCode, error: error.message }, exercised);
}

/** Why checks could not run, when the run's stop (not a failed prerequisite) blocked some: `N checks could not run: reason`. */
export function couldNotRun(checks: readonly CheckResult[]): string | undefined {
  const stopped = checks.filter((check) => check.status === 'blocked' && check.blockedBy === undefined);
  if (stopped.length === 0) return undefined;
  const reason = (stopped[0]!.note ?? 'the run stopped').replace(/^blocked: /, '');
  return `${stopped.length} check${stopped.length === 1 ? '' : 's'} could not run: ${reason}`;
}

export function buildReport(
  config: ReportConfig,
  meta: RunMeta,
  startedAt: Date,
  checks: readonly CheckResult[],
  internal?: string,
  override?: { outcome: Outcome; exitCode: number; error: string },
  exercised: RunExercised = { operations: [], facets: [] },
): RunReport {
  const finishedAt = new Date();
  const summary = summarize(checks, config.families);
  const coverage = meta.surface && coverageSection(meta.surface, exercised, checks);
  // A gate that asks for it (--min-coverage) fails a run that left a documented operation or status unexercised.
  const uncovered = config.minCoverage && coverage ? belowMinimum(coverage) : undefined;
  // Warnings (broken open rules) fail the run only under --strict.
  const failing = summary.total.failed > 0 || (config.strict && summary.total.warned > 0) || uncovered !== undefined;
  // A run that could not test is not a pass: checks the run's stop kept from running (a target too slow
  // to answer, the budget spent, a target that vanished) make it exit 3 when nothing failed.
  const unusable = failing || internal ? undefined : couldNotRun(checks);
  const outcome: Outcome =
    override?.outcome ?? (internal ? 'internal-error' : failing ? 'failed' : unusable ? 'target-unusable' : 'passed');
  const exitCode = override?.exitCode ?? (internal ? EXIT.internal : failing ? EXIT.failures : unusable ? EXIT.unreachable : EXIT.ok);
  const fixFirst = [...new Set(checks.flatMap((check) => (check.blockedBy ? [check.blockedBy] : [])))];
  return {
    tool: { name: 'clientele', version: VERSION },
    api: config.api,
    target: meta.targetLabel,
    ...(meta.where ? { where: meta.where } : {}),
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    seed: config.seed,
    runs: config.runs,
    readOnly: config.readOnly,
    strict: config.strict,
    outcome,
    exitCode,
    ...((override?.error ?? internal ?? unusable ?? uncovered) ? { error: override?.error ?? internal ?? unusable ?? uncovered } : {}),
    summary,
    checks,
    promises: promiseRows(meta.promises ?? [], checks),
    ...(fixFirst.length ? { fixFirst } : {}),
    ...(coverage ? { coverage } : {}),
  };
}
