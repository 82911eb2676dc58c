import type { ClientFields } from './fields.js';

/** Where a soft-deleted API keeps a client: in use, deleted (kept, restorable where documented), or archived. */
export type Visibility = 'active' | 'deleted' | 'archived';

export interface ClientRecord {
  /** Opaque to the suites; compared only for identity. */
  readonly id: string;
  readonly fields: ClientFields;
  /** Soft-delete APIs only. */
  readonly visibility?: Visibility;
  /**
   * Every stored wire field except those the server changes on its own (timestamps): what "unchanged"
   * means for partial update, restore and refused requests.
   */
  readonly snapshot: Readonly<Record<string, unknown>>;
  /** The server's own record of when it created and last changed the client, where the API shows it (what a sort by them orders). */
  readonly timestamps?: { readonly created?: string; readonly updated?: string };
}

export type Filter =
  | { readonly kind: 'equals'; readonly field: string; readonly value: string }
  /** `atEnd`: the value must end with it (a field that carries the scope, see FilterFacts.scopedAtEnd). */
  | { readonly kind: 'like'; readonly field: string; readonly value: string; readonly atEnd?: boolean }
  | { readonly kind: 'ids'; readonly ids: readonly string[] };

export type SortOrder = 'asc' | 'desc';

/** A scope that stands for every scope of the run: what cleanup looks for after a kill. */
export const EVERY_SCOPE = '*';

export interface ListQuery {
  /** Confines the list to the clients created under this scope (see ClientApi.create), or every scope of the run (EVERY_SCOPE); absent: all. */
  readonly scope?: string;
  readonly filters: readonly Filter[];
  /** Soft-delete APIs: which clients to list; absent: the API's default, which the suites never assert on. */
  readonly visibility?: Visibility;
  /** APIs with a sort facet: the column and order; absent: the API's default. */
  readonly sort?: { readonly column: string; readonly order?: SortOrder };
  readonly page: number;
  /** Absent: the API's default page size. */
  readonly perPage?: number;
}

export interface ListPage {
  readonly items: readonly ClientRecord[];
  readonly page: number;
  readonly perPage: number;
  readonly pages: number;
  readonly total: number;
}

export function describeFilter(filter: Filter): string {
  if (filter.kind === 'ids') return `id in [${filter.ids.join(', ')}]`;
  const how = filter.kind === 'equals' ? '=' : filter.atEnd ? 'ends with' : 'like';
  return `${filter.field} ${how} ${JSON.stringify(filter.value)}`;
}
