/**
 * What a finished check leaves behind, in plain JSON: it crosses from the vitest worker to the main
 * process and goes into every report. `reports/model.ts` builds the run report from these.
 */
import type { Basis, Severity } from './basis.js';
import type { Expectation, ReproductionStep, WireRequest } from './exchange.js';

interface Reproduction {
  /** One step per exchange of the (shrunk) case, in order; credentials named by variable, never written. */
  readonly steps: readonly ReproductionStep[];
  /** The CLI line that replays the property with the same seed. */
  readonly replay: string;
  /**
   * The same exchanges as data, one per step, for `clientele replay` to send again without re-running
   * the property: the request (credentials as references), what the case expected, and what came back.
   */
  readonly exchanges?: readonly RecordedStep[];
  /** The index in `exchanges` of the answer that broke the rule, when one did. */
  readonly failingStep?: number;
}

/** One exchange of a failing case as `clientele replay` needs it: redacted, bodies capped at 4 KiB. */
export interface RecordedStep {
  readonly operation: string;
  readonly request: WireRequest;
  readonly expect?: Expectation;
  /** What the target answered then; absent when no answer came (`transportError`). */
  readonly answer?: {
    readonly httpStatus?: number;
    readonly rpcErrorCode?: number;
    readonly toolError?: boolean;
    readonly body: string;
    readonly truncated: boolean;
  };
  readonly transportError?: string;
}

/** The answer that broke the rule, as far as it matters to a reader: capped and redacted. */
export interface ResponseExcerpt {
  readonly httpStatus?: number;
  readonly contentType?: string;
  /** The headers a reader needs (content type and length, retry-after, location, ...), never credentials. */
  readonly headers: Readonly<Record<string, string>>;
  /** The first bytes of the body (at most 4 KiB), redacted. */
  readonly body: string;
  /** Whether the body was cut here (or at the transport's size cap). */
  readonly truncated: boolean;
  readonly rpcErrorCode?: number;
  /** When no answer came: why (a timeout, a reset, a size cap). */
  readonly transportError?: string;
  /** What a server the run started (over stdio) had written to its stderr by then: the last 4 KiB, redacted. */
  readonly serverLog?: string;
}

export interface FailureRecord {
  /** The rule that was broken (`response-schema`, `pagination/each-client-once`, ...). */
  readonly rule: string;
  /** The rule id whose basis grounds the verdict (an expectation's rule, such as `errors/unknown-id`, or `rule`). */
  readonly basisRule: string;
  /** A broken promise is a failure; a broken assumption a warning. */
  readonly severity: Severity;
  /** What the rule rests on for this API: the documented sentence and where it stands, or the assumption. */
  readonly basis: Basis;
  readonly operation?: string;
  readonly message: string;
  readonly expected?: string;
  readonly actual?: string;
  readonly seed: number;
  /** fast-check's path to the shrunk counterexample, for property checks. */
  readonly path?: string;
  /** The shrunk input that failed, as fast-check prints it. */
  readonly counterexample?: string;
  /** The boundary case that failed, when it was one (`update to empty string`), rather than a random one. */
  readonly boundary?: string;
  /** The response that broke the rule. */
  readonly response?: ResponseExcerpt;
  readonly reproduction: Reproduction;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** A check's id in every report: `family/slug-of-its-short-title`, whole and stable across runs (baselines key on it). */
export function checkId(family: string, title: string): string {
  return `${family}/${slug(title)}`;
}

/**
 * The id a check had before checks got short titles: the slug of its claim, cut at 80 characters.
 * Baselines written then still name checks this way, so they keep matching.
 */
export function legacyCheckId(family: string, claim: string): string {
  return `${family}/${slug(claim).slice(0, 80)}`;
}
