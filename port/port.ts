/**
 * The port between the protocol-neutral suites and one API: the abstract client model's operations,
 * each facet an API may have, and the documented error cases. An adapter implements it by describing
 * messages to the engine-owned session (`engine/session.ts`), which sends, records and verifies them.
 */
import type fc from 'fast-check';
import type { Expectation } from '../engine/checks/types.js';
import type { Answer, Session } from '../engine/session.js';
import type { InvalidBody, NamedValue, StringConstraints } from '../generators/arbitraries.js';
import type { DriftRow } from '../generators/schema-drift.js';

export type { DriftRow };
import type { Capabilities } from '../model/capabilities.js';
import type { ClientRecord, ListPage, ListQuery } from '../model/client.js';
import type { ClientFields, FieldValue } from '../model/fields.js';

export type AuthMode = 'valid' | 'missing' | 'wrong';

/**
 * Raw requests for the contract, access and deletion suites, sent with the expectation the suite gives.
 * `create` sends exactly the fields given (no value made unique); `withoutCustomFields` leaves out the
 * run's custom fields (`--custom-field`), which every other create and update carries.
 */
export type Probe =
  | { readonly op: 'list' }
  | { readonly op: 'get'; readonly id: string }
  | { readonly op: 'update'; readonly id: string; readonly fields: ClientFields; readonly withoutCustomFields?: boolean }
  | { readonly op: 'delete'; readonly id: string }
  | { readonly op: 'create'; readonly fields: ClientFields; readonly scope: string; readonly withoutCustomFields?: boolean }
  | { readonly op: 'act'; readonly id: string; readonly field: string; readonly value: FieldValue }
  | { readonly op: 'create-raw'; readonly body: unknown };

/** What the documents promise for the error cases, and for a plain success. */
export interface Expectations {
  /** A valid request succeeds. */
  readonly ok: Expectation;
  /** A valid create succeeds (with the status the docs name for a create, where they name one). */
  readonly created: Expectation;
  readonly unknownId: Expectation;
  /** A request without a credential, or with a wrong one (per-request auth only). */
  readonly unauthorized: Expectation;
  readonly invalidBody: Expectation;
  /** A restricted user touches a client outside their reach. */
  readonly notPermitted: Expectation;
  /**
   * A request the docs say fails validation (a required field left out, a value another client holds in a
   * unique field, an action value the field does not accept); absent where the docs name no such error.
   * The suites set the rule of each use.
   */
  readonly invalid?: Expectation;
}

/** A condition the docs name an error for, and the request that meets it (sent with the documented error expected). */
export interface DocumentedErrorCase {
  /** The condition as the docs word it, e.g. `perPage > 100`. */
  readonly condition: string;
  /** Sends it; `existingId` is a client of the run, for conditions about one. */
  send(existingId: string): Promise<Answer>;
}

/** A protocol in which the server describes itself (MCP: the initialize handshake and `tools/list`). */
export interface SelfDescription {
  /** Sends the handshake and judges it (a supported protocol version, the capabilities the API needs): throws a ConformanceFailure. */
  handshake(): Promise<void>;
  /** The documented operations and parameters the server advertises otherwise, every page of its listing read. */
  drift(): Promise<readonly DriftRow[]>;
  /** Calls an operation the server does not have, expecting the protocol's refusal. */
  unknownOperation(): Promise<Answer>;
}

export interface ClientApi {
  /** The API descriptor's id. */
  readonly id: string;
  readonly capabilities: Capabilities;
  readonly session: Session;
  readonly expectations: Expectations;

  /** The snapshot keys that carry these model fields on the wire. */
  wireKeys(fields: readonly string[]): readonly string[];
  /** Values for a text field, derived from the field's schema in the spec. */
  fieldArbitrary(field: string, strings?: StringConstraints): fc.Arbitrary<string>;
  /** The boundary phase's edge values for a text field, those its schema allows (null where it is nullable). */
  fieldBoundaries(field: string): readonly NamedValue<FieldValue>[];
  /** Request bodies valid but for one property of a forbidden type, derived from the spec. */
  invalidCreateBodies(): fc.Arbitrary<InvalidBody>;

  // --- the core -----------------------------------------------------------------------------------
  /** Creates a client in `scope` (see ListQuery.scope), so a list confined to the scope finds it alone. */
  create(fields: ClientFields, scope: string): Promise<ClientRecord>;
  /**
   * Reads a client. `rule` names what the read relies on when that is not the plain documented success
   * (`deletion/kept-as-deleted` for a deleted client, whose readability may be assumed).
   */
  get(id: string, rule?: string): Promise<ClientRecord>;
  /** Updates a client; `rule` as for `get` (an update of a deleted client relies on what a soft delete keeps). */
  update(id: string, fields: ClientFields, rule?: string): Promise<void>;
  /** Soft or hard, as `capabilities.deletion` says. */
  delete(id: string): Promise<void>;
  list(query: ListQuery): Promise<ListPage>;
  /**
   * As list, but a rejection of the query (e.g. per_page above the maximum, page 0) is an answer too;
   * `rule` names what the check judges, for the basis of any other answer.
   */
  tryList(query: ListQuery, rule: string): Promise<ListPage | 'rejected'>;
  /** Sends a raw request and verifies its answer against `expect`. */
  probe(probe: Probe, auth: AuthMode, expect: Expectation): Promise<Answer>;
  /** An id no client has (probabilistically, on a shared target). */
  unknownId(): string;

  // --- facets -------------------------------------------------------------------------------------
  /** Soft delete with a documented undelete. */
  restore?(id: string): Promise<void>;
  /**
   * The same API seen by a restricted user (Classic: a staff member, who sees only assigned clients),
   * or undefined when the run was given no such credential.
   */
  restricted?(): ClientApi | undefined;
  /**
   * Sets an action field (`FieldSpec.viaAction`) through its own request: a set replaces the client's
   * whole set, an enum takes one of its values, a `belongsToClient` ref one the client has.
   */
  act?(id: string, field: string, value: FieldValue): Promise<void>;
  /** The fields a refusal names (model names where the model has the field, else the wire name, as for custom fields). */
  refusedFields?(answer: Answer): readonly string[];

  /** Every documented error condition beyond the unknown id, auth and a wrongly typed body, each with its request. */
  documentedErrors?(): readonly DocumentedErrorCase[];
  /** Where the protocol has a handshake and a self-description. */
  readonly selfDescription?: SelfDescription;

  /** Takes these ids as its own to clean up (`clientele cleanup` hands over a journal's). */
  adopt(ids: readonly string[]): void;
  /** Deletes every client this adapter created (as the API deletes), failures ignored. */
  cleanup(): Promise<void>;
  close(): Promise<void>;
}
