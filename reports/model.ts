/**
 * The run report: what the engine's events add up to. Every report format (JSON, JUnit, Markdown, the
 * console summary) formats this read-only view and nothing else. `report.schema.json` publishes it.
 */
import type { Family } from '../engine/families.js';
import type { FailureRecord } from '../engine/records.js';

export { FAMILIES, type Family } from '../engine/families.js';
export type { FailureRecord, Reproduction } from '../engine/records.js';

/**
 * `warned`: only assumptions were broken (the failure record says which, with severity `warning`);
 * `blocked`: a prerequisite this check relies on failed, so its verdict would say nothing (see `blockedBy`).
 */
export type CheckStatus = 'passed' | 'warned' | 'failed' | 'errored' | 'skipped' | 'blocked';

export interface CheckResult {
  /** `family/slug`, stable across runs. */
  readonly id: string;
  readonly family: Family;
  readonly name: string;
  readonly status: CheckStatus;
  readonly durationMs: number;
  readonly requests: number;
  /** For `failed` (severity failure) and `warned` (severity warning): the first broken rule. */
  readonly failure?: FailureRecord;
  /** How many broken assumptions the check saw in all (the first is in `failure` when it `warned`). */
  readonly warnings?: number;
  /** For `blocked`: the id of the prerequisite check to fix first. */
  readonly blockedBy?: string;
  /** For `errored` (the check itself crashed, or the target vanished), `skipped` and `blocked` (why). */
  readonly note?: string;
  /** The rule ids this check evaluated, for the promises matrix. */
  readonly rules?: readonly string[];
  /** What the check's boundary phases cost: cases run, requests sent, milliseconds. */
  readonly boundary?: { readonly cases: number; readonly requests: number; readonly ms: number };
  /** Rate-limit answers waited out and retried during the check. */
  readonly rateLimit?: { readonly retries: number; readonly waitedMs: number };
}

export type Outcome = 'passed' | 'failed' | 'interrupted' | 'usage-error' | 'target-unreachable' | 'internal-error';

export interface FamilySummary {
  readonly passed: number;
  readonly warned: number;
  readonly failed: number;
  readonly errored: number;
  readonly skipped: number;
  readonly blocked: number;
}

/** One documented promise of the API, the checks that enforce it, and whether they found it kept. */
export interface PromiseRow {
  readonly says: string;
  readonly source: string;
  readonly operation?: string;
  readonly rules: readonly string[];
  readonly checks: readonly { readonly id: string; readonly status: CheckStatus }[];
  /** `kept`: every enforcing check passed; `broken`: one failed on a rule of this promise; `untested`: none ran. */
  readonly verdict: 'kept' | 'broken' | 'untested';
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
  /** Whether warnings (broken assumptions) fail the run too (`--strict`). */
  readonly strict: boolean;
  readonly outcome: Outcome;
  readonly exitCode: number;
  /** One line, set when outcome is not passed/failed. */
  readonly error?: string;
  readonly summary: {
    /** The families the run covered; those the API has no checks in are absent. */
    readonly families: Readonly<Partial<Record<Family, FamilySummary>>>;
    readonly total: FamilySummary;
    readonly requests: number;
    /** Rate-limit answers (429/503 with Retry-After) waited out and retried across the run. */
    readonly rateLimit: { readonly retries: number; readonly waitedMs: number };
  };
  readonly checks: readonly CheckResult[];
  /** The traceability matrix: every documented promise of the API with its checks. */
  readonly promises: readonly PromiseRow[];
  /** The prerequisite checks that failed and blocked others: fix these first. */
  readonly fixFirst?: readonly string[];
}
