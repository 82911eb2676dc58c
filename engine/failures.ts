import type { Basis, BasisBook } from './basis.js';
import type { Exchange } from './exchange.js';

/** Process exit codes, documented in `--help` and the README. */
export const EXIT = {
  ok: 0,
  failures: 1,
  usage: 2,
  unreachable: 3,
  internal: 4,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * Family 1: the target does not do what its documents say. Raised by checks; becomes a failed check in
 * the report, never a crashed run.
 */
export class ConformanceFailure extends Error {
  override readonly name = 'ConformanceFailure';
  constructor(
    /** The rule that was broken, e.g. `response-schema` or `pagination/each-client-once`. */
    readonly rule: string,
    message: string,
    readonly details: {
      readonly operation?: string;
      readonly expected?: string;
      readonly actual?: string;
      /** The exchanges that show the failure; the last one is usually the culprit. */
      readonly exchanges?: readonly Exchange[];
      /** The rule whose basis grounds this verdict when it is not `rule` itself (an expectation's rule). */
      readonly basisRule?: string;
      /** The boundary case that showed it. */
      readonly boundary?: string;
      /** What the verdict rests on when the rule's own entry does not say it (a schema node the spec leaves open). */
      readonly basis?: Basis;
    } = {},
  ) {
    super(message);
  }

  /** The rule id to look up in the API's basis table. */
  get basisRule(): string {
    return this.details.basisRule ?? this.rule;
  }

  /** What this verdict rests on for an API: the failure's own basis, or its rule's entry in the API's table. */
  basisIn(book: BasisBook): Basis {
    return this.details.basis ?? book.of(this.basisRule, this.details.operation);
  }
}

/** Family 2: something other than the target's conformance went wrong. Each kind has its exit code. */
export abstract class ClienteleError extends Error {
  abstract readonly exitCode: ExitCode;
}

export class UsageError extends ClienteleError {
  override readonly name = 'UsageError';
  readonly exitCode = EXIT.usage;
}

/** A spec or other configuration file the run depends on is missing or malformed (exit 2, like usage). */
export class ConfigError extends ClienteleError {
  override readonly name = 'ConfigError';
  readonly exitCode = EXIT.usage;
}

export class TargetUnreachableError extends ClienteleError {
  override readonly name = 'TargetUnreachableError';
  readonly exitCode = EXIT.unreachable;
}

export class InternalError extends ClienteleError {
  override readonly name = 'InternalError';
  readonly exitCode = EXIT.internal;
}

/** A check threw something that is not a ConformanceFailure: our bug, reported as a finding. */
export class CheckCrash extends InternalError {
  constructor(
    readonly check: string,
    readonly cause: unknown,
  ) {
    super(`check ${check} crashed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}
