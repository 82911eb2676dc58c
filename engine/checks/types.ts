import type { BasisBook } from '../basis.js';
import type { Exchange, Expectation, Outcome, WireResponse } from '../exchange.js';
import type { DocumentedSurface, Exercised } from '../coverage.js';

/** What one exchange was meant to show; `expect` narrows what the spec documents to what this case wants. */
export interface ExchangeCase {
  readonly operation: string;
  readonly expect?: Expectation;
}

export type { Expectation, Outcome } from '../exchange.js';

export interface ValidationResult {
  readonly ok: boolean;
  /** One line per problem: `<instance path> <message>`. */
  readonly errors: readonly string[];
  /** Where in the document each problem is (aligned with `errors`), for grading it by the schema node it breaks. */
  readonly locations?: readonly SchemaLocation[];
  /**
   * Set when every problem lies under a schema node the spec marks open (`x-clientele-open`, `c:open`):
   * the violation only warns. Absent when one breaks a node the examples show, which fails.
   */
  readonly open?: OpenNode;
}

/** A problem's place: the JSON pointer of the value (ajv's instancePath), or the XML element it concerns. */
export interface SchemaLocation {
  readonly instancePath?: string;
  /** A `required` problem: the member that is missing. */
  readonly missingProperty?: string;
  readonly element?: string;
}

/** A schema node the spec leaves open, and why. */
export interface OpenNode {
  readonly why: string;
  /** Where the node is, for the report (`Client.updated`, `element credit`). */
  readonly node: string;
}

export type Decoded =
  | {
      readonly ok: true;
      readonly value: unknown;
      /** Members named twice in one object, by JSON path (`$.response.result.id`), the first few; absent when none (or the format has no keys). */
      readonly duplicates?: readonly string[];
    }
  | { readonly ok: false; readonly error: string };

/**
 * What the checks may know of a spec, whatever the protocol. Keyed by operation and by the answer
 * itself (its HTTP status, its envelope verdict or its JSON-RPC error), so each spec kind documents
 * responses its own way.
 */
export interface SpecView {
  /** The exchange checks that apply to this spec's protocol, in the order they run. */
  readonly checks: readonly ExchangeCheck[];
  /** What each rule rests on for this API: the graded entries its spec records. */
  readonly basis: BasisBook;
  /** Documented HTTP statuses of an operation (`200`, `4XX`, `default`); empty when the protocol has none. */
  documentedStatuses(operation: string): readonly string[];
  /** Media types documented for this answer (any will do; lower-case, no parameters); empty when none is. */
  mediaTypes(operation: string, response: WireResponse): readonly string[];
  /** The exact `message` text the documents quote for this answer, where they quote one (a `const` in its schema). */
  documentedMessage?(operation: string, response: WireResponse): string | undefined;
  /** Validates a decoded body, or undefined when the spec documents no schema for this answer. */
  validate(operation: string, response: WireResponse, body: unknown): ValidationResult | undefined;
  /** The protocol's codec: JSON.parse, an XML parser, a JSON-RPC unwrapper. Never throws. */
  decode(response: WireResponse): Decoded;
  /** The verdict a decoded answer carries besides the HTTP status; undefined when the protocol has none. */
  outcome(response: WireResponse, body: unknown): Outcome | undefined;
  /** What the spec documents that a run can exercise (coverage); absent for a spec view that does not say. */
  readonly surface?: DocumentedSurface;
  /** What one exchange exercised of the surface (`body`: the decoded answer); undefined for an undocumented operation. */
  exercised?(exchange: Exchange, body: unknown): Exercised | undefined;
}

export interface CheckContext {
  readonly spec: SpecView;
  /** The decoded body of the exchange under check (decoded once, shared by every check). */
  readonly body: Decoded | undefined;
}

/**
 * A small registered rule. `appliesTo` says which exchanges it can judge (an HTTP status check needs
 * an HTTP status); `run` returns nothing when satisfied and throws ConformanceFailure when not.
 */
export interface ExchangeCheck {
  readonly name: string;
  readonly description: string;
  appliesTo(exchange: Exchange, kase: ExchangeCase): boolean;
  run(ctx: CheckContext, exchange: Exchange, kase: ExchangeCase): void;
}

export function statusMatches(pattern: string, status: number): boolean {
  if (pattern === 'default') return true;
  if (/^[1-5]XX$/i.test(pattern)) return Math.floor(status / 100) === Number(pattern[0]);
  return Number(pattern) === status;
}
