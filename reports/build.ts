/** Adds check results up into a RunReport, and makes the report of a run that an error stopped. */
import type { RunConfig } from '../engine/config.js';
import { EXIT, type ClienteleError } from '../engine/failures.js';
import { FAMILIES, type Family } from '../engine/families.js';
import type { CheckResult, FamilySummary, Outcome, RunReport } from './model.js';

export const VERSION = '0.1.0';

export interface RunMeta {
  /** How the report names the target (never with credentials). */
  readonly targetLabel: string;
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
