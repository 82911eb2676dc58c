/**
 * The semantic facets coverage counts: what the documents promise about lists, updates, deletion and
 * actions, one facet per thing a check can judge (a filter's soundness, a sort column in one order, an
 * action value, a deletion path). `documentedFacets` lists them from what the API's documents promise
 * (its capabilities); the suites name the ones they judge (`run.judged(...)`), the report sets one
 * against the other.
 */
import type { Facet } from '../engine/coverage.js';
import type { ClientApi } from '../port/port.js';

export type FilterAspect = 'sound' | 'complete';

export const filterFacet = (kind: 'like' | 'equals' | 'ids', field: string | undefined, aspect: FilterAspect): Facet => ({
  kind: 'filter',
  subject: kind === 'ids' ? 'ids' : `${field} (${kind})`,
  aspect,
});

export const sortFacet = (column: string, order: 'asc' | 'desc' | 'default'): Facet => ({ kind: 'sort', subject: column, aspect: order });

/** Page sizes by class: 1, the largest documented, one above it (refused or capped). */
export const pageSizeFacet = (size: '1' | 'maximum' | 'above maximum' | 'default'): Facet => ({ kind: 'page-size', subject: size });

export const pagingFacet = (what: 'pages partition the list' | 'past the end' | 'order kept across pages'): Facet => ({
  kind: 'paging',
  subject: what,
});

export const updateFacet = (what: 'named fields only'): Facet => ({ kind: 'update', subject: what });

export const actionFacet = (field: string, value: string): Facet => ({ kind: 'action', subject: field, aspect: value });

/** What a deleted client answers to, path by path. */
export type DeletionPath = 'get' | 'update' | 'action' | 'delete again' | 'active list' | 'deleted list' | 'id not reused';
export const deletionFacet = (path: DeletionPath): Facet => ({ kind: 'deletion', subject: path });

export const restoreFacet: Facet = { kind: 'restore', subject: 'restored client' };

export type AccessPath = 'no credential' | 'wrong credential' | 'restricted list' | 'restricted write' | 'restricted read';
export const accessFacet = (path: AccessPath): Facet => ({ kind: 'access', subject: path });

/** Every facet the API's documents promise, in the order the report lists them. */
export function documentedFacets(api: ClientApi): Facet[] {
  const { capabilities } = api;
  const facets: Facet[] = [];
  const aspects: FilterAspect[] = ['sound', 'complete'];
  for (const field of capabilities.filters.like) facets.push(...aspects.map((aspect) => filterFacet('like', field, aspect)));
  for (const field of capabilities.filters.equals) facets.push(...aspects.map((aspect) => filterFacet('equals', field, aspect)));
  if (capabilities.filters.ids) facets.push(...aspects.map((aspect) => filterFacet('ids', undefined, aspect)));
  for (const column of capabilities.sort?.columns ?? [])
    facets.push(...(['asc', 'desc', 'default'] as const).map((order) => sortFacet(column.name, order)));
  facets.push(pageSizeFacet('1'), pageSizeFacet('maximum'), pageSizeFacet('above maximum'));
  if (capabilities.paging.defaultPerPage !== undefined) facets.push(pageSizeFacet('default'));
  facets.push(pagingFacet('pages partition the list'), pagingFacet('past the end'));
  if (capabilities.order) facets.push(pagingFacet('order kept across pages'));
  facets.push(updateFacet('named fields only'));
  if (api.act) {
    for (const field of capabilities.fields.filter((spec) => spec.viaAction)) {
      const values =
        field.kind === 'enum'
          ? (field.values ?? [])
          : field.kind === 'set'
            ? ['a new set', 'the empty set']
            : ["the client's own", ...(api.expectations.invalid ? ["another client's"] : [])];
      facets.push(...values.map((value) => actionFacet(field.name, value)));
    }
  }
  const paths: DeletionPath[] =
    capabilities.deletion.kind === 'hard'
      ? ['get', 'update', ...(api.act ? (['action'] as const) : []), 'delete again', 'active list', 'id not reused']
      : ['get', 'active list', 'deleted list'];
  facets.push(...paths.map(deletionFacet));
  if (capabilities.deletion.kind === 'soft' && capabilities.deletion.restore) facets.push(restoreFacet);
  facets.push(accessFacet('no credential'));
  if (capabilities.auth === 'per-request') facets.push(accessFacet('wrong credential'));
  if (api.restricted) facets.push(accessFacet('restricted list'), accessFacet('restricted write'), accessFacet('restricted read'));
  return facets;
}
