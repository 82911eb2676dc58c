/**
 * The run report: what the engine's events add up to. Every report format (JSON, JUnit, Markdown, the
 * console summary) formats this read-only view and nothing else. `report.schema.json` publishes it.
 */
export const FAMILIES = ['contract', 'pagination', 'filtering', 'partial-update', 'soft-delete', 'stateful', 'access'] as const;
export type Family = (typeof FAMILIES)[number];

export type CheckStatus = 'passed' | 'failed' | 'errored' | 'skipped';

export interface Reproduction {
  /** One shell line per request, in order; credentials redacted. */
  readonly curl: readonly string[];
  /** The request bodies as sent (JSON, XML or JSON-RPC), one per curl line; empty where none was sent. */
  readonly bodies: readonly string[];
  /** The CLI line that replays the property with the same seed. */
  readonly replay: string;
}

export interface FailureRecord {
  /** The rule that was broken (`response-schema`, `pagination/each-client-once`, ...). */
  readonly rule: string;
  readonly operation?: string;
  readonly message: string;
  readonly expected?: string;
  readonly actual?: string;
  readonly seed: number;
  /** fast-check's path to the shrunk counterexample, for property checks. */
  readonly path?: string;
  /** The shrunk input that failed, as fast-check prints it. */
  readonly counterexample?: string;
  readonly reproduction: Reproduction;
}

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
