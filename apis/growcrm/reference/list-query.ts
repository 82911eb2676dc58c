/** The Grow CRM list query: filters, sort and paging, read leniently as the embedded reference does. */
import type { GrowcrmFaults } from './faults.js';
import { asInteger } from './requests.js';
import type { ListQuery, SortKey } from './store.js';

const DEFAULT_LIMIT = 20;
const SORT_KEYS: readonly string[] = ['client_company_name', 'client_status', 'client_created', 'client_updated'];

export interface ListRequest {
  readonly query: ListQuery;
  readonly page: number;
  /** The page as asked for (0 when none or not a number): what a page fault looks at. */
  readonly pageGiven: number;
  readonly limit: number;
}

/** Lenient like the embedded reference promises: a bad page is page 1, a bad limit the default, an unknown sort none. */
export function parseListQuery(params: URLSearchParams, faults: GrowcrmFaults): ListRequest {
  const filled = (name: string): string | undefined => params.get(name) || undefined;
  const positive = (name: string): number | undefined => {
    const value = asInteger(filled(name));
    return value !== undefined && value >= 1 ? value : undefined;
  };
  const rawCategory = filled('category_id');
  const categoryNumber = asInteger(rawCategory);
  const sortText = filled('sort');
  const sort = sortText !== undefined && SORT_KEYS.includes(sortText) ? (sortText as SortKey) : undefined;
  const orderText = filled('order')?.toLowerCase();
  const fallbackOrder = sort !== undefined && faults.defaultOrderAsc ? 'asc' : 'desc';
  const order = orderText === 'asc' || orderText === 'desc' ? orderText : fallbackOrder;
  const query: ListQuery = {
    status: filled('status'),
    // A non-integer stays text no category id equals, so it lists nothing.
    categoryId: categoryNumber === undefined ? rawCategory : String(categoryNumber),
    search: filled('search'),
    sort,
    order,
  };
  return { query, page: positive('page') ?? 1, pageGiven: asInteger(filled('page')) ?? 0, limit: positive('limit') ?? DEFAULT_LIMIT };
}
