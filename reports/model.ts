/**
 * The run report: what the engine's events add up to. Every report format (JSON, JUnit, Markdown, the
 * console summary) formats this read-only view and nothing else. `report.schema.json` publishes it.
 */
import type { Family } from '../engine/families.js';
import type { FailureRecord } from '../engine/records.js';

export { FAMILIES, type Family } from '../engine/families.js';
export type { FailureRecord, Reproduction } from '../engine/records.js';

export type CheckStatus = 'passed' | 'failed' | 'errored' | 'skipped';

export interface CheckResult {
  /** `family/slug`, stable across runs. */
  readonly id: string;
  readonly family: Family;
  readonly name: string;
  readonly status: CheckStatus;
  readonly durationMs: number;
  readonly requests: number;
  readonly failure?: FailureRecord;
  /** For `errored` (the check itself crashed, or the target vanished) and `skipped` (why). */
  readonly note?: string;
}

export type Outcome = 'passed' | 'failed' | 'usage-error' | 'target-unreachable' | 'internal-error';

export interface FamilySummary {
  readonly passed: number;
  readonly failed: number;
  readonly errored: number;
  readonly skipped: number;
}

export interface RunReport {
  readonly tool: { readonly name: 'clientele'; readonly version: string };
  readonly api: string;
  /** Target URL without credentials, or `embedded reference` / `mutant <id>`. */
  readonly target: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly seed: number;
  readonly runs: number;
  readonly readOnly: boolean;
  readonly outcome: Outcome;
  readonly exitCode: number;
  /** One line, set when outcome is not passed/failed. */
  readonly error?: string;
  readonly summary: {
    readonly families: Readonly<Record<Family, FamilySummary>>;
    readonly total: FamilySummary;
    readonly requests: number;
  };
  readonly checks: readonly CheckResult[];
}
