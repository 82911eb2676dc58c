/** What the documents say list operations mean, as pure functions the suites compare targets against. */
import type { CaseRule, Fact, FilterFacts } from './capabilities.js';
import type { ClientRecord, Filter, Visibility } from './client.js';
import type { ClientFields } from './fields.js';

export interface ModelClient {
  readonly id: string;
  readonly fields: ClientFields;
  readonly visibility?: Visibility;
}

/**
 * Whether a client matches a filter, as bounds: `must` when it matches under every rule the docs leave
 * open (so a list must show it), `may` when under some (so a list may show it). Where the case rule is
 * a fact, the two agree.
 */
export interface MatchBounds {
  readonly must: boolean;
  readonly may: boolean;
}

function compareText(value: string, wanted: string, kind: 'equals' | 'like', rule: CaseRule): boolean {
  const [a, b] = rule === 'insensitive' ? [value.toLowerCase(), wanted.toLowerCase()] : [value, wanted];
  return kind === 'equals' ? a === b : a.includes(b);
}

export function matchBounds(client: ModelClient, filter: Filter, facts: Pick<FilterFacts, 'likeCase' | 'equalsCase'>): MatchBounds {
  if (filter.kind === 'ids') {
    const hit = filter.ids.includes(client.id);
    return { must: hit, may: hit };
  }
  const value = client.fields[filter.field];
  if (typeof value !== 'string') return { must: false, may: false };
  const rule: Fact<CaseRule> | undefined = filter.kind === 'like' ? facts.likeCase : facts.equalsCase;
  if (rule) {
    const hit = compareText(value, filter.value, filter.kind, rule.value);
    return { must: hit, may: hit };
  }
  return { must: compareText(value, filter.value, filter.kind, 'sensitive'), may: compareText(value, filter.value, filter.kind, 'insensitive') };
}

export function matchesAll(client: ModelClient, filters: readonly Filter[], facts: Pick<FilterFacts, 'likeCase' | 'equalsCase'>, visibility?: Visibility): MatchBounds {
  if (visibility !== undefined && (client.visibility ?? 'active') !== visibility) return { must: false, may: false };
  const bounds = filters.map((filter) => matchBounds(client, filter, facts));
  return { must: bounds.every((b) => b.must), may: bounds.every((b) => b.may) };
}

/** `pages = ceil(total / per_page)`; an empty list reports what the API's facts say. */
export function pageCount(total: number, perPage: number, emptyListPages: number): number {
  return total === 0 ? emptyListPages : Math.ceil(total / perPage);
}

/** How many items page `page` (1-based) must hold. */
export function expectedPageSize(total: number, perPage: number, page: number): number {
  return Math.max(0, Math.min(perPage, total - (page - 1) * perPage));
}

/**
 * Where two neighbours of a sorted list are out of order, whatever collation and tie order the docs
 * leave open: only pairs that every reasonable collation orders the same way are judged (values that
 * differ after case folding, compared by code point; equal values may come in any order).
 */
export function outOfOrder(items: readonly ClientRecord[], field: string, order: 'asc' | 'desc'): number {
  const key = (item: ClientRecord) => {
    const value = item.fields[field];
    return typeof value === 'string' ? value.toLowerCase() : undefined;
  };
  for (let i = 1; i < items.length; i++) {
    const a = key(items[i - 1]!);
    const b = key(items[i]!);
    if (a === undefined || b === undefined || a === b) continue;
    if (!/^[\x20-\x7e]*$/.test(a + b)) continue; // outside ASCII, collations disagree
    if (order === 'asc' ? a > b : a < b) return i;
  }
  return -1;
}
