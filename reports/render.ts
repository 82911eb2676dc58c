/** Renderers the report formats and the console share: they present the same content, each its own way. */
import type { ReproductionStep } from '../engine/exchange.js';
import type { CheckResult, FamilySummary, RunReport } from './model.js';

/** What to say about a check in one sentence: the failure for failed checks, the note otherwise. */
export function checkMessage(check: CheckResult): string {
  if (check.status === 'failed') return check.failure?.message ?? check.note ?? 'failed';
  return check.note ?? check.failure?.message ?? check.status;
}

/** Failed and errored checks: the ones that get a section of their own. */
export function problemChecks(report: Readonly<RunReport>): CheckResult[] {
  return report.checks.filter((check) => check.status === 'failed' || check.status === 'errored');
}

/** The language of a reproduction's command lines: shell for curl, JSON for JSON-RPC messages. */
export function stepsLanguage(steps: readonly ReproductionStep[]): string {
  return steps.every((step) => step.kind === 'jsonrpc') ? 'json' : 'sh';
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export const SUMMARY_COLUMNS = ['passed', 'failed', 'errored', 'skipped'] as const satisfies readonly (keyof FamilySummary)[];

