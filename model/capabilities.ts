/**
 * What an API's documents promise about its clients, as data the suites read: the core (create, get,
 * update, list, delete) is always there; everything else is a facet an API has or has not. A check
 * whose facet an API lacks is skipped with the reason, so one suite serves every API.
 */
import type { ClientRecord, SortOrder } from './client.js';
import type { FieldSpec } from './fields.js';

/**
 * A fact the suites rely on, with where it comes from: the documents say so, or the spec assumed it
 * where they are silent (recorded in the spec as `x-clientele-assumption` / an XSD `Assumption:`).
 */
export interface Fact<T> {
  readonly value: T;
  readonly basis: 'documented' | 'assumption';
}

export const documented = <T>(value: T): Fact<T> => ({ value, basis: 'documented' });
export const assumed = <T>(value: T): Fact<T> => ({ value, basis: 'assumption' });

export type CaseRule = 'insensitive' | 'sensitive';

export interface FilterFacts {
  /** Fields with a substring ("like", "partial match") filter. */
  readonly like: readonly string[];
  /** Fields with an equality ("exact match") filter. */
  readonly equals: readonly string[];
  /** Whether the list can be narrowed to a set of ids. */
  readonly ids: boolean;
  /** How `like` treats letter case; absent where the docs are silent and nothing is assumed (then only what holds under both is checked). */
  readonly likeCase?: Fact<CaseRule>;
  readonly equalsCase?: Fact<CaseRule>;
  /**
   * Like-filtered fields that also carry the scope (Grow CRM: one `search`, on the company name): within
   * a scope such a filter reaches only the end of a value, so the suites pick needles that end one.
   */
  readonly scopedAtEnd?: readonly string[];
}

interface PagingFacts {
  /** The largest page: the documented one, or (an assumption) the largest the suites ask for. */
  readonly maxPerPage: Fact<number>;
  /** The documented page size when a list names none; absent when the docs are silent. */
  readonly defaultPerPage?: number;
  /** How many pages an empty list reports (FreshBooks: 0); absent when the docs are silent. */
  readonly emptyListPages?: Fact<number>;
}

/** A list order the docs promise without being asked (Classic: descending client_id). */
interface ListOrder {
  readonly description: string;
  /** Whether `a` may come before `b`. */
  inOrder(a: ClientRecord, b: ClientRecord): boolean;
}

/** Lists that sort by a chosen column in a chosen order (Grow CRM). */
interface SortFacet {
  readonly columns: readonly SortColumn[];
  readonly defaultOrder: SortOrder;
}
export interface SortColumn {
  /** The documented column name, e.g. `client_company_name`. */
  readonly name: string;
  /** What it sorts by: a model field, or a server-kept timestamp; compared as every collation agrees (`model/semantics.ts`). */
  readonly by: { readonly field: string } | { readonly timestamp: 'created' | 'updated' };
}

/** Soft: a deleted client is kept, listed under `deleted`, and (where documented) restorable. Hard: gone. */
export type DeletionFacet =
  { readonly kind: 'soft'; readonly restore: boolean; readonly visibilityKeys: readonly string[] } | { readonly kind: 'hard' };

/**
 * A key a create leaves out takes other fields' values, joined by a space (Classic: username = email;
 * Grow CRM: company name = "first_name last_name").
 */
interface CreateDefault {
  /** The snapshot key that takes the default. */
  readonly key: string;
  /** The fields whose values it takes, in order. */
  readonly from: readonly string[];
  /** The model field that carries the key, which the create must leave out; absent when the model has none (Classic's username). */
  readonly omit?: string;
}

export interface Capabilities {
  readonly fields: readonly FieldSpec[];
  readonly filters: FilterFacts;
  readonly paging: PagingFacts;
  readonly order?: ListOrder;
  readonly sort?: SortFacet;
  readonly deletion: DeletionFacet;
  readonly createDefaults: readonly CreateDefault[];
  /**
   * `per-request`: each request carries the credential, so the suite can send one without or with a
   * wrong one. `session`: the server holds it (an MCP server), so those checks do not apply.
   */
  readonly auth: 'per-request' | 'session';
}

export function fieldSpec(capabilities: Capabilities, name: string): FieldSpec | undefined {
  return capabilities.fields.find((field) => field.name === name);
}
