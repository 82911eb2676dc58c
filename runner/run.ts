/**
 * Runs the vitest suites in `suites/` programmatically against one target and adds their results up
 * into a RunReport. The suites learn the run's config through vitest's `provide`.
 */
import { join } from 'node:path';
import { startVitest } from 'vitest/node';
import type { RunConfig } from '../engine/config.js';
import { EXIT, InternalError, TargetUnreachableError, type ClienteleError } from '../engine/failures.js';
import { PROJECT_ROOT } from '../generators/spec.js';
import { FAMILIES, type CheckResult, type Family, type FamilySummary, type Outcome, type RunReport } from '../reports/model.js';
import { CheckCollector } from './collector.js';

export const VERSION = '0.1.0';

export interface RunMeta {
  /** How the report names the target (never with credentials). */
  readonly targetLabel: string;
}

/** `files` (relative to the project root) replaces the family suites; the runner's own tests use it. */
export async function runSuites(config: RunConfig, meta: RunMeta, files = config.families.map((family) => join('suites', `${family}.suite.ts`))): Promise<RunReport> {
  const startedAt = new Date();
  const collector = new CheckCollector();
  let vitest;
  try {
    vitest = await startVitest('test', [], {
      root: PROJECT_ROOT,
      config: false,
      include: files,
      watch: false,
      reporters: [collector],
      provide: { clientele: config },
      // Suites share one target; one file at a time keeps their requests from interleaving. One
      // worker for all files (no isolation) loads the adapter, validators and fast-check once.
      fileParallelism: false,
      isolate: false,
      pool: 'threads',
      testTimeout: 30 * 60_000,
      hookTimeout: 5 * 60_000,
      silent: true,
    });
  } catch (error) {
    throw new InternalError(`the suites could not start: ${(error as Error).message.split('\n')[0]}`);
  } finally {
    await vitest?.close();
  }
  if (!vitest) throw new InternalError('the suites could not start');
  const { unreachable, internal } = collector.problems;
  // The target went away mid-run: keep what was checked until then, and say so (exit 3).
  if (unreachable) return errorReport(config, meta, startedAt, new TargetUnreachableError(unreachable), collector.results);
  return buildReport(config, meta, startedAt, collector.results, internal);
}

export function summarize(checks: readonly CheckResult[]): RunReport['summary'] {
  const empty = (): FamilySummary => ({ passed: 0, failed: 0, errored: 0, skipped: 0 });
  const families = Object.fromEntries(FAMILIES.map((f) => [f, empty()])) as Record<Family, { -readonly [K in keyof FamilySummary]: number }>;
  const total = empty() as { -readonly [K in keyof FamilySummary]: number };
  let requests = 0;
  for (const check of checks) {
    families[check.family][check.status]++;
    total[check.status]++;
    requests += check.requests;
  }
  return { families, total, requests };
}

/** The report of a run that a ClienteleError stopped: no checks, or those run before, and why. */
export function errorReport(
  config: Pick<RunConfig, 'api' | 'seed' | 'runs' | 'readOnly'>,
  meta: RunMeta,
  startedAt: Date,
  error: ClienteleError,
  checks: readonly CheckResult[] = [],
): RunReport {
  const outcome: Outcome = error.exitCode === EXIT.usage ? 'usage-error' : error.exitCode === EXIT.unreachable ? 'target-unreachable' : 'internal-error';
  return buildReport(config, meta, startedAt, checks, undefined, { outcome, exitCode: error.exitCode, error: error.message });
}

export function buildReport(
  config: Pick<RunConfig, 'api' | 'seed' | 'runs' | 'readOnly'>,
  meta: RunMeta,
  startedAt: Date,
  checks: readonly CheckResult[],
  internal?: string,
  override?: { outcome: Outcome; exitCode: number; error: string },
): RunReport {
  const finishedAt = new Date();
  const summary = summarize(checks);
  const outcome: Outcome = override?.outcome ?? (internal ? 'internal-error' : summary.total.failed > 0 ? 'failed' : 'passed');
  const exitCode = override?.exitCode ?? (internal ? EXIT.internal : summary.total.failed > 0 ? EXIT.failures : EXIT.ok);
  return {
    tool: { name: 'clientele', version: VERSION },
    api: config.api,
    target: meta.targetLabel,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    seed: config.seed,
    runs: config.runs,
    readOnly: config.readOnly,
    outcome,
    exitCode,
    ...(override?.error ?? internal ? { error: override?.error ?? internal } : {}),
    summary,
    checks,
  };
}
