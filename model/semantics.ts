/** What the documents say list operations mean, as pure functions the suites compare targets against. */
import type { CaseRule, Fact, FilterFacts } from './capabilities.js';
import type { Filter, Visibility } from './client.js';
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

type TextMatch = 'equals' | 'like' | 'ends';

function compareText(value: string, wanted: string, kind: TextMatch, rule: CaseRule): boolean {
  const [a, b] = rule === 'insensitive' ? [value.toLowerCase(), wanted.toLowerCase()] : [value, wanted];
  return kind === 'equals' ? a === b : kind === 'ends' ? a.endsWith(b) : a.includes(b);
}

export function matchBounds(client: ModelClient, filter: Filter, facts: Pick<FilterFacts, 'likeCase' | 'equalsCase'>): MatchBounds {
  if (filter.kind === 'ids') {
    const hit = filter.ids.includes(client.id);
    return { must: hit, may: hit };
  }
  const value = client.fields[filter.field];
  if (typeof value !== 'string') return { must: false, may: false };
  const rule: Fact<CaseRule> | undefined = filter.kind === 'like' ? facts.likeCase : facts.equalsCase;
  const kind: TextMatch = filter.kind === 'like' && filter.atEnd ? 'ends' : filter.kind;
  if (rule) {
    const hit = compareText(value, filter.value, kind, rule.value);
    return { must: hit, may: hit };
  }
  return { must: compareText(value, filter.value, kind, 'sensitive'), may: compareText(value, filter.value, kind, 'insensitive') };
}

export function matchesAll(
  client: ModelClient,
  filters: readonly Filter[],
  facts: Pick<FilterFacts, 'likeCase' | 'equalsCase'>,
  visibility?: Visibility,
): MatchBounds {
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
 * Whether every collation and tie order the docs leave open puts `a` before `b` (-1), after it (1), or
 * may put them either way (0). Text is judged only when both values are lower-case ASCII letters or digits
 * and neither starts the other (binary and case-insensitive collations agree there, and what follows a
 * value, such as a scope suffix, cannot decide); timestamps of one shape compare as text, chronologically.
 */
export function collationOrder(a: string | undefined, b: string | undefined): -1 | 0 | 1 {
  if (a === undefined || b === undefined || a === b) return 0;
  const stamp = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?Z?$/;
  if (stamp.test(a) && stamp.test(b) && a.length === b.length) return a < b ? -1 : 1;
  if (!/^[a-z0-9]+$/.test(a) || !/^[a-z0-9]+$/.test(b) || a.startsWith(b) || b.startsWith(a)) return 0;
  return a < b ? -1 : 1;
}

/** The first position where a list breaks `order` by `key` under every collation (see collationOrder), or -1. */
export function outOfOrder<T>(items: readonly T[], key: (item: T) => string | undefined, order: 'asc' | 'desc'): number {
  for (let i = 1; i < items.length; i++) {
    const verdict = collationOrder(key(items[i - 1]!), key(items[i]!));
    if (verdict === (order === 'asc' ? 1 : -1)) return i;
  }
  return -1;
}
