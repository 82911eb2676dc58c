/**
 * The model's state and its transitions, as pure functions: what the documents say each operation
 * does to the set of clients. The stateful suite runs random sequences of them; the property suites
 * use them to say what a list must hold after the steps they took.
 */
import type { DeletionFacet, FilterFacts } from './capabilities.js';
import type { Filter, Visibility } from './client.js';
import type { ClientFields, FieldValue } from './fields.js';
import { matchesAll, type ModelClient } from './semantics.js';

export interface ModelState {
  readonly clients: readonly ModelClient[];
  /** Ids of hard-deleted clients: never to be seen again, nor reused. */
  readonly gone: readonly string[];
}

export const EMPTY_STATE: ModelState = { clients: [], gone: [] };

function replace(state: ModelState, id: string, change: (client: ModelClient) => ModelClient): ModelState {
  return { ...state, clients: state.clients.map((client) => (client.id === id ? change(client) : client)) };
}

export function created(state: ModelState, id: string, fields: ClientFields, soft: boolean): ModelState {
  return { ...state, clients: [...state.clients, { id, fields: { ...fields }, ...(soft ? { visibility: 'active' as const } : {}) }] };
}

/** An update changes exactly the fields it names. */
export function updated(state: ModelState, id: string, changes: ClientFields): ModelState {
  return replace(state, id, (client) => ({ ...client, fields: { ...client.fields, ...changes } }));
}

export function deleted(state: ModelState, id: string, deletion: DeletionFacet): ModelState {
  if (deletion.kind === 'soft') return replace(state, id, (client) => ({ ...client, visibility: 'deleted' }));
  return { clients: state.clients.filter((client) => client.id !== id), gone: [...state.gone, id] };
}

/** An action that sets one field (a tag set replaced whole, a status, an owner) changes that field and nothing else. */
export function fieldSet(state: ModelState, id: string, field: string, value: FieldValue): ModelState {
  return updated(state, id, { [field]: value });
}

export function restored(state: ModelState, id: string): ModelState {
  return replace(state, id, (client) => ({ ...client, visibility: 'active' }));
}

/** Which of the model's clients a list with these filters must show, and which it may (see `matchBounds`). */
export function expectedList(
  state: ModelState,
  filters: readonly Filter[],
  facts: Pick<FilterFacts, 'likeCase' | 'equalsCase'>,
  visibility?: Visibility,
) {
  const must: string[] = [];
  const may: string[] = [];
  for (const client of state.clients) {
    const bounds = matchesAll(client, filters, facts, visibility);
    if (bounds.must) must.push(client.id);
    if (bounds.may) may.push(client.id);
  }
  return { must, may };
}

/** Whether a listed set of ids is one the model allows: every `must`, nothing outside `may`, no repeats. */
export function listAgrees(
  listed: readonly string[],
  expected: { readonly must: readonly string[]; readonly may: readonly string[] },
): boolean {
  const seen = new Set(listed);
  return seen.size === listed.length && expected.must.every((id) => seen.has(id)) && listed.every((id) => expected.may.includes(id));
}
