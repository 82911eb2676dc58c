import type { Exchange, WireResponse } from '../exchange.js';
import type { ValidationResult } from '../../generators/validators.js';

/** What one exchange was meant to show; `expect` narrows the documented statuses to the ones this case wants. */
export interface ExchangeCase {
  readonly operation: string;
  readonly expect?: Expectation;
}

/**
 * What the documents promise for one case: the HTTP statuses, and for protocols whose envelope carries
 * its own verdict (Classic XML answers 200 with `status="fail"`), that verdict.
 */
export interface Expectation {
  readonly statuses: readonly number[];
  readonly outcome?: Outcome;
  readonly why: string;
}

export type Outcome = 'ok' | 'fail';

export type Decoded = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

/** What the checks may know of a spec, whatever the protocol: statuses, media types, schemas, the codec. */
export interface SpecView {
  /** Documented statuses of an operation: `200`, `4XX`, `default`. Empty when the operation is unknown. */
  documentedStatuses(operation: string): readonly string[];
  /** Media types documented for this status (any will do; lower-case, no parameters); empty when none is. */
  mediaTypes(operation: string, status: number): readonly string[];
  /** Validates a decoded body, or undefined when the spec gives no schema for this status. */
  validate(operation: string, status: number, body: unknown): ValidationResult | undefined;
  /** The protocol's codec: JSON.parse, an XML parser, a JSON-RPC unwrapper. Never throws. */
  decode(response: WireResponse): Decoded;
  /** The verdict a decoded envelope carries besides the HTTP status; undefined when the protocol has none. */
  outcome(body: unknown): Outcome | undefined;
}

export interface CheckContext {
  readonly spec: SpecView;
  /** The decoded body of the exchange under check (decoded once, shared by every check). */
  readonly body: Decoded | undefined;
}

/** A small registered rule. It returns nothing when satisfied and throws ConformanceFailure when not. */
export interface ExchangeCheck {
  readonly name: string;
  readonly description: string;
  run(ctx: CheckContext, exchange: Exchange, kase: ExchangeCase): void;
}

export function statusMatches(pattern: string, status: number): boolean {
  if (pattern === 'default') return true;
  if (/^[1-5]XX$/i.test(pattern)) return Math.floor(status / 100) === Number(pattern[0]);
  return Number(pattern) === status;
}
