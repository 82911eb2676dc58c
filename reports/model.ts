/**
 * The run report: what the engine's events add up to. Every report format (JSON, JUnit, Markdown, the
 * console summary) formats this read-only view and nothing else. `report.schema.json` publishes it.
 */
import type { BindingGrade, Severity } from '../engine/basis.js';
import type { Family } from '../engine/families.js';
import type { FailureRecord } from '../engine/records.js';
import type { RunTarget } from '../engine/config.js';
import type { FacetKind, ValueClass } from '../engine/coverage.js';

export { FAMILIES, type Family } from '../engine/families.js';
export type { FailureRecord } from '../engine/records.js';

/**
 * `warned`: only open rules were broken (the failure record says which, with severity `warning`);
 * `blocked`: a prerequisite this check relies on failed, so its verdict would say nothing (see `blockedBy`).
 */
export type CheckStatus = 'passed' | 'warned' | 'failed' | 'errored' | 'skipped' | 'blocked';

export interface CheckResult {
  /** `family/slug-of-the-title`, whole and stable across runs. */
  readonly id: string;
  readonly family: Family;
  /** The short title. */
  readonly name: string;
  /** What the check proves, in one sentence. */
  readonly claim?: string;
  readonly status: CheckStatus;
  readonly durationMs: number;
  readonly requests: number;
  /** For `failed` (severity failure) and `warned` (severity warning): the first broken rule. */
  readonly failure?: FailureRecord;
  /** How many broken open rules the check saw in all (the first is in `failure` when it `warned`). */
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
  /** A `failed` check the run's baseline lists as an expected failure: it does not fail the gate. */
  readonly expectedFailure?: true;
}

export type Outcome = 'passed' | 'failed' | 'target-unusable' | 'interrupted' | 'usage-error' | 'target-unreachable' | 'internal-error';

export interface FamilySummary {
  readonly passed: number;
  readonly warned: number;
  readonly failed: number;
  readonly errored: number;
  readonly skipped: number;
  readonly blocked: number;
}

/** One binding basis entry of the API (stated, shown or meaning), the checks that enforce it, and whether they found it kept. */
export interface PromiseRow {
  readonly grade: BindingGrade;
  readonly says: string;
  readonly convention?: string;
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
  /** Target URL without credentials, or `embedded reference` / `mutant <id>`: how the report names it. */
  readonly target: string;
  /** Where the run ran, as data: `clientele replay` and `cleanup` read it, never the label. */
  readonly where?: RunTarget;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly seed: number;
  readonly runs: number;
  readonly readOnly: boolean;
  /** Whether warnings (broken open rules) fail the run too (`--strict`). */
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
    /** Rate-limit answers (a 429, a 503 with Retry-After) waited out and retried across the run. */
    readonly rateLimit: { readonly retries: number; readonly waitedMs: number };
  };
  readonly checks: readonly CheckResult[];
  /** The traceability matrix: every documented promise of the API with its checks. */
  readonly promises: readonly PromiseRow[];
  /** The prerequisite checks that failed and blocked others: fix these first. */
  readonly fixFirst?: readonly string[];
  /** What `--baseline` (expected failures) made of this run; absent without one. */
  readonly baseline?: BaselineVerdict;
  /** The part of the checks this report covers (`--shard I/N`); absent for a whole run or a merged one. */
  readonly shard?: ShardInfo;
  /** How many shard reports `clientele merge` put together into this one. */
  readonly mergedFrom?: number;
  /** `clientele mutants`: the reference run's report carries the kill matrix. */
  readonly killMatrix?: KillMatrix;
  /** What the run exercised of what the spec documents; absent where the spec view does not describe its surface. */
  readonly coverage?: CoverageReport;
}

export type CriterionName =
  'paths' | 'operations' | 'content-types' | 'parameters' | 'status-classes' | 'parameter-values' | 'statuses' | 'properties' | 'flows';

export interface CoverageCriterion {
  readonly name: CriterionName;
  /** The test coverage level (1 to 7) this criterion belongs to. */
  readonly level: number;
  readonly what: string;
  readonly covered: number;
  readonly total: number;
  /** The first items not covered, and how many more there are. */
  readonly missing?: readonly string[];
  readonly more?: number;
  /** Why the criterion could not be counted at all. */
  readonly unknown?: string;
}

export interface OperationCoverage {
  readonly id: string;
  readonly method?: string;
  readonly path?: string;
  readonly calls: number;
  /** Answers that were a documented success. */
  readonly succeeded: number;
  readonly exercised: boolean;
  /** Why it was not exercised. */
  readonly why?: string;
  readonly params: readonly {
    readonly name: string;
    readonly in: 'query' | 'path' | 'body' | 'argument';
    readonly sent: boolean;
    readonly classes: readonly ValueClass[];
    readonly values?: { readonly documented: readonly string[]; readonly sent: readonly string[] };
  }[];
  readonly answers: readonly {
    readonly key: string;
    readonly kind: 'status' | 'rpc-code' | 'outcome';
    readonly seen: boolean;
    /** Why no client request can be expected to bring it. */
    readonly unreachable?: string;
    /** The documents allow it in place of another answer (`fail`). */
    readonly alternativeOf?: string;
  }[];
  /** The documented success properties: how many, and those never seen present and not null. */
  readonly properties?: { readonly documented: number; readonly missing: readonly string[] };
  readonly contentTypes: {
    readonly request: { readonly documented: readonly string[]; readonly used: readonly string[] };
    readonly response: { readonly documented: readonly string[]; readonly used: readonly string[] };
  };
}

export interface FacetCoverage {
  readonly kind: FacetKind;
  readonly subject: string;
  readonly aspect?: string;
  readonly judged: boolean;
  /** The checks that judged it. */
  readonly checks: readonly string[];
  /** Why it was not judged: the checks that did not run, or no case drew it. */
  readonly why?: string;
}

/** What the run exercised against what the spec documents (see reports/coverage.ts). */
export interface CoverageReport {
  /** The test coverage level reached, 0 to 7 (Martin-Lopez, Segura and Ruiz-Cortes, 2019). */
  readonly level: number;
  /** The next level and what it lacks, criterion by criterion. */
  readonly next?: { readonly level: number; readonly missing: readonly string[] };
  readonly criteria: readonly CoverageCriterion[];
  readonly operations: readonly OperationCoverage[];
  readonly facets: readonly FacetCoverage[];
  /** Checks that did not run to the end: the coverage they cost shows in the items above. */
  readonly lost: readonly { readonly check: string; readonly status: CheckStatus; readonly note?: string }[];
}

interface ShardInfo {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
  /** `durations`: balanced by an earlier report's check durations; `count`: by number of checks. */
  readonly balancedBy: 'durations' | 'count';
}

/** One line of a baseline file: a check id or a rule id, optionally for one API only. */
export interface BaselineEntry {
  readonly check?: string;
  readonly rule?: string;
  readonly api?: string;
  readonly reason?: string;
}

interface BaselineVerdict {
  /** The baseline file as given. */
  readonly file: string;
  /** Failed checks the baseline expects: they do not fail the gate. */
  readonly expected: readonly string[];
  /** Failed checks it does not list: they fail the gate. */
  readonly unexpected: readonly string[];
  /** Entries for this API whose checks ran and did not fail: remove them from the baseline. */
  readonly stale: readonly BaselineEntry[];
}

/** A check a mutant made fail or warn, with the rule it broke (the rule whose grade decided) and how. */
export interface Kill {
  readonly check: string;
  readonly rule: string;
  readonly severity: Severity;
}

export interface MutantVerdict {
  readonly id: string;
  readonly description: string;
  readonly global: boolean;
  /** Breaks only an open rule: it should cause warnings and no failure. */
  readonly open: boolean;
  readonly boundaryOnly: boolean;
  /** The ids of the checks that failed on this mutant. */
  readonly failedChecks: readonly string[];
  /** The ids of the checks that warned (broken open rules) on this mutant. */
  readonly warnedChecks: readonly string[];
  /** Every check that failed or warned, with the rule it broke: what `apis/<id>/kill-matrix.json` records. */
  readonly kills: readonly Kill[];
  readonly killedBy: readonly Family[];
  /** The first failed check and its rule, to name in the kill list. */
  readonly firstKill?: string;
  readonly erroredChecks: number;
}

export interface CheckEvidence {
  readonly check: string;
  /** Non-global mutants that fail this check. */
  readonly killers: readonly string[];
  /** Why no non-global mutant can fail it, when none does. */
  readonly allowed?: string;
}

/** Mutant x check: which mutants each check fails, and what each mutant made fail. */
export interface KillMatrix {
  readonly api: string;
  readonly seed: number;
  readonly runs: number;
  readonly families: readonly Family[];
  readonly reference: { readonly failed: number; readonly warned: number; readonly errored: number; readonly passed: number };
  readonly mutants: readonly MutantVerdict[];
  /** Every check that ran (passed) on the reference, with its killers. */
  readonly evidence: readonly CheckEvidence[];
}
