/** The model's semantics and transitions: pure functions, so the oracle the suites compare against is tested on its own. */
import { describe, expect, it } from 'vitest';
import { assumed, documented } from '../model/capabilities.js';
import { fieldsDiffer, sameValue } from '../model/fields.js';
import { collationOrder, expectedPageSize, matchBounds, outOfOrder, pageCount } from '../model/semantics.js';
import { EMPTY_STATE, created, deleted, expectedList, fieldSet, listAgrees, restored, updated } from '../model/state.js';

const client = (id: string, fields: Record<string, string>) => ({ id, fields });

describe('filter bounds', () => {
  const ann = client('1', { name: 'Ann', email: 'a@x.test' });
  it('a documented case rule decides: must and may agree', () => {
    expect(matchBounds(ann, { kind: 'like', field: 'name', value: 'an' }, { likeCase: assumed('insensitive') })).toEqual({
      must: true,
      may: true,
    });
    expect(matchBounds(ann, { kind: 'like', field: 'name', value: 'an' }, { likeCase: documented('sensitive') })).toEqual({
      must: false,
      may: false,
    });
  });
  it('where the docs leave case open, a case variant may match but need not', () => {
    expect(matchBounds(ann, { kind: 'like', field: 'name', value: 'AN' }, {})).toEqual({ must: false, may: true });
    expect(matchBounds(ann, { kind: 'like', field: 'name', value: 'An' }, {})).toEqual({ must: true, may: true });
    expect(matchBounds(ann, { kind: 'equals', field: 'email', value: 'a@x.test' }, {})).toEqual({ must: true, may: true });
    expect(matchBounds(ann, { kind: 'equals', field: 'email', value: 'a@x' }, {})).toEqual({ must: false, may: false });
  });
  it('ids match by identity; a missing field matches nothing', () => {
    expect(matchBounds(ann, { kind: 'ids', ids: ['1'] }, {})).toEqual({ must: true, may: true });
    expect(matchBounds(ann, { kind: 'like', field: 'city', value: 'a' }, {})).toEqual({ must: false, may: false });
  });
});

describe('pages', () => {
  it('ceil(total / per_page), and an empty list as the facts say', () => {
    expect(pageCount(11, 5, 0)).toBe(3);
    expect(pageCount(10, 5, 0)).toBe(2);
    expect(pageCount(0, 5, 0)).toBe(0);
    expect(pageCount(0, 5, 1)).toBe(1);
    expect([1, 2, 3, 4].map((page) => expectedPageSize(11, 5, page))).toEqual([5, 5, 1, 0]);
  });
});

describe('sort order, judged only where every collation agrees', () => {
  const byName = (name: string) => name;
  it('finds the first pair out of order', () => {
    expect(outOfOrder(['a', 'b', 'c'], byName, 'asc')).toBe(-1);
    expect(outOfOrder(['c', 'b', 'a'], byName, 'asc')).toBe(1);
    expect(outOfOrder(['c', 'b', 'a'], byName, 'desc')).toBe(-1);
    expect(outOfOrder(['ab', 'b', 'ac'], byName, 'asc')).toBe(2);
  });
  it('ties, mixed case, values outside ASCII and values that start another are not judged', () => {
    expect(outOfOrder(['b', 'b', 'a', 'a'], byName, 'desc')).toBe(-1);
    expect(outOfOrder(['b', 'B', 'a'], byName, 'desc')).toBe(-1);
    expect(outOfOrder(['a', 'B'], byName, 'desc')).toBe(-1);
    expect(outOfOrder(['é', 'a'], byName, 'asc')).toBe(-1);
    expect(outOfOrder(['abc', 'ab'], byName, 'asc')).toBe(-1);
  });
  it('timestamps of one shape compare chronologically', () => {
    const stamps = ['2026-06-15T09:30:00.000002Z', '2026-06-15T09:30:00.000001Z'];
    expect(outOfOrder(stamps, byName, 'desc')).toBe(-1);
    expect(outOfOrder(stamps, byName, 'asc')).toBe(1);
    expect(collationOrder('2026-06-15 09:30:00', '2026-06-15T09:30:00.5Z')).toBe(0);
  });
});

describe('transitions', () => {
  const soft = { kind: 'soft', restore: true, visibilityKeys: ['vis_state'] } as const;
  const hard = { kind: 'hard' } as const;
  const facts = { likeCase: assumed('insensitive' as const) };

  it('an update changes exactly the fields it names; an action sets one field', () => {
    let state = created(EMPTY_STATE, '1', { a: 'x', b: 'y' }, true);
    state = updated(state, '1', { b: 'z' });
    state = fieldSet(state, '1', 'tags', ['t1', 't2']);
    expect(state.clients[0]!.fields).toEqual({ a: 'x', b: 'z', tags: ['t1', 't2'] });
  });

  it('a soft delete keeps the client as deleted, a restore brings it back; the lists follow', () => {
    let state = created(created(EMPTY_STATE, '1', { a: 'x' }, true), '2', { a: 'y' }, true);
    state = deleted(state, '1', soft);
    expect(expectedList(state, [], facts, 'active').must).toEqual(['2']);
    expect(expectedList(state, [], facts, 'deleted').must).toEqual(['1']);
    state = restored(state, '1');
    expect(expectedList(state, [], facts, 'active').must).toEqual(['1', '2']);
  });

  it('a hard delete removes the client and remembers its id as gone', () => {
    let state = created(EMPTY_STATE, '1', { a: 'x' }, false);
    state = deleted(state, '1', hard);
    expect(state.clients).toEqual([]);
    expect(state.gone).toEqual(['1']);
    expect(expectedList(state, [], facts).must).toEqual([]);
  });

  it('a listed set agrees only with every must, nothing outside may, and no repeats', () => {
    const expected = { must: ['1'], may: ['1', '2'] };
    expect(listAgrees(['1'], expected)).toBe(true);
    expect(listAgrees(['2', '1'], expected)).toBe(true);
    expect(listAgrees(['2'], expected)).toBe(false);
    expect(listAgrees(['1', '3'], expected)).toBe(false);
    expect(listAgrees(['1', '1'], expected)).toBe(false);
  });
});

describe('field values', () => {
  it('sets compare regardless of order and repeats; write-only fields are never compared', () => {
    expect(sameValue(['a', 'b'], ['b', 'a', 'a'])).toBe(true);
    expect(sameValue(['a'], 'a')).toBe(false);
    expect(fieldsDiffer({ email: 'a@x', name: 'n' }, { name: 'n' }, [{ name: 'email', kind: 'text', writeOnly: true }])).toEqual([]);
    expect(fieldsDiffer({ name: 'n' }, { name: 'm' })).toEqual(['name']);
  });
});
