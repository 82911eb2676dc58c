/**
 * The abstract client resource that every property suite speaks. Adapters map it to a wire format;
 * the suites never see a URL, a JSON key or an XML element.
 */
export const CLIENT_FIELDS = [
  'firstName',
  'lastName',
  'email',
  'organization',
  'phone',
  'mobile',
  'street',
  'city',
  'province',
  'country',
  'postalCode',
] as const;
export type ClientField = (typeof CLIENT_FIELDS)[number];
export type ClientFields = Partial<Record<ClientField, string>>;

/** Soft delete: a deleted client is kept, with its visibility changed. */
export type Visibility = 'active' | 'deleted' | 'archived';

export interface ClientRecord {
  /** Opaque to the suites; compared only for identity. */
  readonly id: string;
  readonly fields: ClientFields;
  readonly visibility: Visibility;
  /**
   * Every stored wire field except those the server changes on its own (timestamps): what "unchanged"
   * means for partial update and restore.
   */
  readonly snapshot: Readonly<Record<string, unknown>>;
}

export type Filter =
  | { readonly kind: 'equals'; readonly field: ClientField; readonly value: string }
  | { readonly kind: 'like'; readonly field: ClientField; readonly value: string }
  | { readonly kind: 'ids'; readonly ids: readonly string[] };

export interface ListQuery {
  /** Confines the list to the clients created under this scope tag (see ClientApi.create); absent: all. */
  readonly scope?: string;
  readonly filters: readonly Filter[];
  /** Absent: the API's default, which the suites never assert on. */
  readonly visibility?: Visibility;
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
  return `${filter.field} ${filter.kind === 'like' ? 'like' : '='} ${JSON.stringify(filter.value)}`;
}
