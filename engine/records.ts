/**
 * What a finished check leaves behind, in plain JSON: it crosses from the vitest worker to the main
 * process and goes into every report. `reports/model.ts` builds the run report from these.
 */
import type { ReproductionStep } from './exchange.js';

export interface Reproduction {
  /** One step per exchange of the (shrunk) case, in order; credentials named by variable, never written. */
  readonly steps: readonly ReproductionStep[];
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
