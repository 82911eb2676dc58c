/** List paging as both FreshBooks APIs do it, with switches for the paging faults of their mutants. */

/** per_page above this is served as this. */
const MAX_PER_PAGE = 100;

/** Each switch turns on one paging fault; none set is the correct behaviour. */
export interface PagingFaults {
  /** per_page above MAX_PER_PAGE is honoured. */
  readonly perPageUncapped?: boolean;
  /** pages is floor(total / per_page) instead of ceil. */
  readonly pagesFloor?: boolean;
  /** Every page after the first starts one item early, repeating the previous page's last item. */
  readonly laterPagesStartEarly?: boolean;
}

export interface Page<T> {
  readonly items: T[];
  /** per_page as served: the requested one, capped. */
  readonly perPage: number;
  /** ceil(matched / per_page), so 0 for an empty list. */
  readonly pages: number;
}

/** Page `page` (counted from 1) of `matched`; a page past the end is empty. */
export function paginate<T>(matched: readonly T[], page: number, requestedPerPage: number, faults: PagingFaults = {}): Page<T> {
  const perPage = faults.perPageUncapped ? requestedPerPage : Math.min(requestedPerPage, MAX_PER_PAGE);
  const start = (page - 1) * perPage - (faults.laterPagesStartEarly && page > 1 ? 1 : 0);
  const pages = (faults.pagesFloor ? Math.floor : Math.ceil)(matched.length / perPage);
  return { items: matched.slice(start, start + perPage), perPage, pages };
}
