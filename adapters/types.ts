/**
 * The contract between the protocol-neutral suites and one API. An adapter maps the abstract client
 * model to its wire format, verifies every exchange against its spec, and logs it for reproductions.
 */
import type fc from 'fast-check';
import type { Expectation, SpecView } from '../engine/checks/types.js';
import type { Exchange } from '../engine/exchange.js';
import type { ExchangeLog } from '../engine/exchange-log.js';
import type { InvalidBody, StringConstraints } from '../generators/arbitraries.js';
import type { ClientField, ClientFields, ClientRecord, ListPage, ListQuery } from '../model/client.js';

export type AuthMode = 'valid' | 'missing' | 'wrong';
export type { Expectation };

export interface ApiCapabilities {
  /** Fields the API stores and returns verbatim. */
  readonly fields: readonly ClientField[];
  /** Fields with a documented case-insensitive substring filter. */
  readonly likeFilters: readonly ClientField[];
  /** Fields with a documented equality filter. */
  readonly equalsFilters: readonly ClientField[];
  /** Whether the list can be filtered by a set of ids. */
  readonly idsFilter: boolean;
  /** The documented largest page. */
  readonly maxPerPage: number;
  /** The documented page size when a list names none; absent when the docs are silent. */
  readonly defaultPerPage?: number;
  /** The documented order of a list; absent when the docs are silent. */
  readonly listOrder?: ListOrder;
  /** Whether the docs name a way to bring a deleted client back. */
  readonly restore: boolean;
  /** Stored keys that default to a field's value when a create leaves them out (Classic: username = email). */
  readonly createDefaults: readonly CreateDefault[];
}

export interface ListOrder {
  /** How the docs say it, e.g. `descending client_id`. */
  readonly description: string;
  /** Whether `a` may come before `b` in a list. */
  inOrder(a: ClientRecord, b: ClientRecord): boolean;
}

export interface CreateDefault {
  /** The snapshot key that takes the default. */
  readonly key: string;
  /** The field whose value it takes. */
  readonly sameAs: ClientField;
}

/** Raw requests for the contract suite: sent and logged, but verified by the suite with an expectation. */
export type Probe =
  | { readonly op: 'list' }
  | { readonly op: 'get'; readonly id: string }
  | { readonly op: 'update'; readonly id: string; readonly fields: ClientFields }
  | { readonly op: 'delete'; readonly id: string }
  | { readonly op: 'create-raw'; readonly body: unknown };

export interface ClientApi {
  readonly api: string;
  readonly capabilities: ApiCapabilities;
  readonly spec: SpecView;
  readonly log: ExchangeLog;
  /** What the documents promise for the error cases. */
  readonly expectations: {
    /** A valid read (list, get) succeeds. */
    readonly ok: Expectation;
    readonly unknownId: Expectation;
    readonly unauthorized: Expectation;
    readonly invalidBody: Expectation;
    /** A restricted user touches a client not assigned to them. */
    readonly notPermitted: Expectation;
  };

  /** The snapshot keys that carry the visibility (they change on delete and restore, and only they). */
  readonly visibilityKeys: ReadonlySet<string>;
  /** The snapshot keys that carry these model fields on the wire. */
  wireKeys(fields: readonly ClientField[]): readonly string[];
  /** Values for a field, derived from the field's schema in the spec. */
  fieldArbitrary(field: ClientField, strings?: StringConstraints): fc.Arbitrary<string>;
  /** Request bodies valid but for one property of a forbidden type, derived from the spec. */
  invalidCreateBodies(): fc.Arbitrary<InvalidBody>;

  /** Creates a client tagged with `scope` (and the run tag), so `list({scope})` finds it alone. */
  create(fields: ClientFields, scope: string): Promise<ClientRecord>;
  get(id: string): Promise<ClientRecord>;
  update(id: string, fields: ClientFields): Promise<void>;
  softDelete(id: string): Promise<void>;
  restore(id: string): Promise<void>;
  list(query: ListQuery): Promise<ListPage>;
  /** As list, but a documented rejection of the query (e.g. per_page above the maximum) is an answer too. */
  tryList(query: ListQuery): Promise<ListPage | 'rejected'>;

  probe(probe: Probe, auth: AuthMode): Promise<Exchange>;
  /**
   * The same API seen by a restricted user (Classic: a staff member, who sees only assigned clients),
   * or undefined when the run was given no such credential or the API has none.
   */
  restricted(): Promise<ClientApi | undefined>;
  /** An id no client has (probabilistically, on a shared target). */
  unknownId(): string;

  /** Renders one exchange as the shortest thing a person can replay: a curl line and the body sent. */
  reproduce(exchange: Exchange): { readonly command: string; readonly body?: string };
  /** Soft-deletes every client this adapter created, failures ignored. */
  cleanup(): Promise<void>;
  close(): Promise<void>;
}
