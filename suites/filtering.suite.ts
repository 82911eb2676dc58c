/**
 * Filtering: every listed client satisfies the filter (`equals` exact, case-insensitive; `like` a
 * case-insensitive substring), and every created client that satisfies it is listed, across pages too.
 * Values come from a tiny alphabet in both cases, so near misses (substrings, case variants) abound.
 */
import fc from 'fast-check';
import { family, check } from '../engine/suite.js';
import { forAll, expectThat } from '../engine/property.js';
import type { CheckRun } from '../engine/check-run.js';
import { describeFilter, type ClientFields, type Filter } from '../model/client.js';
import { matchesFilter } from '../model/semantics.js';
import { COLLIDING, EMAILS, clientFields, createAll, sameIds, walkPages } from './support.js';

/** Case flips: `like` must ignore case. */
function flipCase(text: string, mask: number): string {
  return [...text].map((c, i) => ((mask >> i) & 1 ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : c)).join('');
}

async function expectFiltered(run: CheckRun, all: readonly ClientFields[], filter: Filter, perPage: number): Promise<void> {
  const scope = run.scope();
  const created = await createAll(run, scope, all);
  const pages = await walkPages(run, { scope, filters: [filter], perPage });
  const listed = pages.flatMap((p) => p.items);
  const expected = created.filter((c) => matchesFilter({ ...c, fields: c.fields }, filter)).map((c) => c.id);
  const stray = listed.filter((item) => !matchesFilter(item, filter));
  expectThat(stray.length === 0, 'filtering/only-matches', `${describeFilter(filter)} listed clients that do not match`, {
    expected: `only clients with ${describeFilter(filter)}`,
    actual: stray.map((s) => s.fields),
  });
  expectThat(sameIds(listed.map((i) => i.id), expected), 'filtering/all-matches', `${describeFilter(filter)} did not list exactly the matching clients`, {
    expected,
    actual: listed.map((i) => i.id),
  });
  expectThat(pages[0]!.total === expected.length, 'filtering/total', `${describeFilter(filter)} reports total ${pages[0]!.total}`, { expected: expected.length, actual: pages[0]!.total });
}

family('filtering', (env) => {
  check(env, 'like filters match case-insensitive substrings, and only those', { writes: true }, async (run) => {
    if (run.api.capabilities.likeFilters.length === 0) run.skip('the API documents no substring filter on a client field');
    await forAll(
      run,
      fc
        .record({
          field: fc.constantFrom(...run.api.capabilities.likeFilters),
          clients: fc.array(clientFields(run.api, COLLIDING), { minLength: 1, maxLength: 6 }),
          pick: fc.nat(),
          start: fc.nat(),
          length: fc.integer({ min: 1, max: 3 }),
          caseMask: fc.nat({ max: 7 }),
        })
        .map(({ field, clients, pick, start, length, caseMask }) => {
          const source = clients[pick % clients.length]![field]!;
          const from = start % source.length;
          const needle = flipCase(source.slice(from, from + length), caseMask);
          return { clients, filter: { kind: 'like', field, value: needle } as Filter };
        }),
      ({ clients, filter }) => expectFiltered(run, clients, filter, 100),
    );
  });

  check(env, 'equality filters match the whole value, not a part of it', { writes: true }, async (run) => {
    if (run.api.capabilities.equalsFilters.length === 0) run.skip('the API documents no equality filter on a client field');
    await forAll(
      run,
      fc
        .record({
          field: fc.constantFrom(...run.api.capabilities.equalsFilters),
          clients: fc.array(clientFields(run.api, EMAILS), { minLength: 1, maxLength: 6 }),
          pick: fc.nat(),
        })
        .map(({ field, clients, pick }) => ({ clients, filter: { kind: 'equals', field, value: clients[pick % clients.length]![field]! } as Filter })),
      ({ clients, filter }) => expectFiltered(run, clients, filter, 100),
    );
  });

  check(env, 'a filtered list pages like any other: every match exactly once across pages', { writes: true }, async (run) => {
    const { likeFilters, equalsFilters } = run.api.capabilities;
    // A one-letter substring, or (for an API with equality filters only) one of a few shared values:
    // either way a match spans several small pages.
    const kind = likeFilters.length > 0 ? 'like' : equalsFilters.length > 0 ? 'equals' : run.skip('the API documents no filter on a client field');
    await forAll(
      run,
      fc.record({
        field: fc.constantFrom(...(kind === 'like' ? likeFilters : equalsFilters)),
        clients: fc.array(clientFields(run.api, kind === 'like' ? COLLIDING : EMAILS), { minLength: 2, maxLength: 9 }),
        needle: fc.constantFrom('a', 'B'),
        pick: fc.nat(),
        perPage: fc.integer({ min: 1, max: 3 }),
      }),
      ({ field, clients, needle, pick, perPage }) => {
        const value = kind === 'like' ? needle : clients[pick % clients.length]![field]!;
        return expectFiltered(run, clients, { kind, field, value }, perPage);
      },
    );
  });

  check(env, 'an id filter lists exactly the ids asked for', { writes: true }, async (run) => {
    if (!run.api.capabilities.idsFilter) run.skip('the API documents no id filter');
    await forAll(
      run,
      fc.record({ count: fc.integer({ min: 1, max: 6 }), mask: fc.nat({ max: 63 }) }),
      async ({ count, mask }) => {
        const scope = run.scope();
        const created = await createAll(run, scope, Array.from({ length: count }, (_, i) => ({ firstName: `i${i}` })));
        const wanted = created.filter((_, i) => (mask >> i) & 1).map((c) => c.id);
        if (wanted.length === 0) return;
        const pages = await walkPages(run, { scope, filters: [{ kind: 'ids', ids: wanted }], perPage: 100 });
        const listed = pages.flatMap((p) => p.items.map((i) => i.id));
        expectThat(sameIds(listed, wanted), 'filtering/ids', 'the id filter did not list exactly the ids asked for', { expected: wanted, actual: listed });
      },
    );
  });
});
