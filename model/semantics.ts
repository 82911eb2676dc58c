/** What the documents say list operations mean, as pure functions the suites compare targets against. */
import type { ClientFields, Filter, Visibility } from './client.js';

export interface ModelClient {
  readonly id: string;
  readonly fields: ClientFields;
  readonly visibility: Visibility;
}

/** `equals` compares case-insensitively (emails); `like` is a case-insensitive substring match. */
export function matchesFilter(client: ModelClient, filter: Filter): boolean {
  if (filter.kind === 'ids') return filter.ids.includes(client.id);
  const value = client.fields[filter.field];
  if (value === undefined) return false;
  if (filter.kind === 'equals') return value.toLowerCase() === filter.value.toLowerCase();
  return value.toLowerCase().includes(filter.value.toLowerCase());
}

export function matchesAll(client: ModelClient, filters: readonly Filter[], visibility?: Visibility): boolean {
  return (visibility === undefined || client.visibility === visibility) && filters.every((f) => matchesFilter(client, f));
}

/** `pages = ceil(total / per_page)`; an empty list has 0 pages. */
export function pageCount(total: number, perPage: number): number {
  return total === 0 ? 0 : Math.ceil(total / perPage);
}

/** How many items page `page` (1-based) must hold. */
export function expectedPageSize(total: number, perPage: number, page: number): number {
  return Math.max(0, Math.min(perPage, total - (page - 1) * perPage));
}
