/**
 * What a run tells its listener as it goes: the engine emits these, and the console's progress view
 * (`cli/progress.ts`) only formats them. A listener that throws is ignored: progress never breaks a run.
 */
import type { Family } from '../engine/families.js';
import type { CheckResult } from '../reports/model.js';

export type RunEvent =
  /** The suites are about to run: which families, in order. */
  | { readonly type: 'run-started'; readonly api: string; readonly target: string; readonly families: readonly Family[] }
  /** A family's file is loaded: how many checks it will report. */
  | { readonly type: 'family-collected'; readonly family: Family; readonly checks: number }
  /** One check has its verdict (`requests` is what it sent). */
  | { readonly type: 'check-finished'; readonly check: CheckResult }
  /** Every family has run (or the run stopped). */
  | { readonly type: 'run-finished' };

export type RunListener = (event: RunEvent) => void;

/** Calls a listener without letting it break the run. */
export function emitTo(listener: RunListener | undefined, event: RunEvent): void {
  try {
    listener?.(event);
  } catch {
    // A progress display that fails must not fail the run it shows.
  }
}
