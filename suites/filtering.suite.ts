/**
 * Filtering: every listed client satisfies the filter (`equals` the whole value, `like` a substring,
 * letter case as the API's facts say), and every created client that satisfies it is listed, across
 * pages too. Where the docs leave letter case open, only what holds under either rule is judged.
 * Values come from a tiny alphabet, so near misses (substrings, case variants) abound.
 */
import fc from 'fast-check';
import { boundaryPhase, expectThat, forAll } from '../engine/property.js';
import { describeFilter, type ClientRecord, type Filter } from '../model/client.js';
import type { ClientFields } from '../model/fields.js';
import { matchBounds } from '../model/semantics.js';
import type { NamedValue } from '../generators/arbitraries.js';
import { fieldSpec, type FilterFacts } from '../model/capabilities.js';
import { check, family, type CheckRun } from './harness.js';
import { filterFacet, type FilterAspect } from './facets.js';
import type { Facet } from '../engine/coverage.js';
import { SCOPE } from './prerequisites.js';
import { COLLIDING, EMAILS, clientFields, createAll, plainClient, sameIds, someFields, walkPages } from './support.js';

/** Case flips: the filter's case rule decides whether a flipped needle still matches. */
function flipCase(text: string, mask: number): string {
  return [...text].map((c, i) => ((mask >> i) & 1 ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : c)).join('');
}

/** The facts with only documented case rules kept: what every reading of the docs agrees on. */
function documentedOnly(facts: FilterFacts): FilterFacts {
  const keep = (fact: FilterFacts['likeCase']) => (fact?.basis === 'documented' ? fact : undefined);
  return { ...facts, likeCase: keep(facts.likeCase), equalsCase: keep(facts.equalsCase) };
}

async function expectFiltered(run: CheckRun, all: readonly ClientFields[], filter: Filter, perPage: number): Promise<void> {
  const scope = run.scope();
  await judgeFiltered(run, scope, await createAll(run, scope, all), filter, perPage);
}

/** The facet a filter's judgement covers. */
function facetOf(filter: Filter, aspect: FilterAspect): Facet {
  return filter.kind === 'ids' ? filterFacet('ids', undefined, aspect) : filterFacet(filter.kind, filter.field, aspect);
}

/** A filtered list of a scope holds exactly the clients of `created` (as they are now) that match. */
async function judgeFiltered(
  run: CheckRun,
  scope: string,
  created: readonly ClientRecord[],
  filter: Filter,
  perPage: number,
): Promise<void> {
  const facts = run.api.capabilities.filters;
  const pages = await walkPages(run.api, { scope, filters: [filter], perPage }, created.length);
  const listed = pages.flatMap((p) => p.items);
  const ids = listed.map((i) => i.id);
  // Promised: the match itself (a substring, the whole value), under any letter-case rule the docs leave open.
  const open = documentedOnly(facts);
  const must = created.filter((c) => matchBounds(c, filter, open).must).map((c) => c.id);
  const may = created.filter((c) => matchBounds(c, filter, open).may).map((c) => c.id);
  const stray = listed.filter((item) => !may.includes(item.id));
  run.judged(facetOf(filter, 'sound'), facetOf(filter, 'complete'));
  expectThat(run, stray.length === 0, 'filtering/only-matches', `${describeFilter(filter)} listed clients that do not match`, {
    expected: `only clients with ${describeFilter(filter)}`,
    actual: stray.map((s) => s.fields),
  });
  const missing = must.filter((id) => !ids.includes(id));
  expectThat(
    run,
    missing.length === 0 && new Set(ids).size === ids.length,
    'filtering/all-matches',
    `${describeFilter(filter)} did not list exactly the matching clients`,
    {
      expected: must,
      actual: ids,
    },
  );
  const total = pages[0]!.total;
  expectThat(run, total === ids.length, 'filtering/total', `${describeFilter(filter)} reports total ${total}`, {
    expected: ids.length,
    actual: total,
  });
  // Last, as it may rest on an assumption: the letter-case rule the spec records.
  const strict = created.filter((c) => matchBounds(c, filter, facts).must).map((c) => c.id);
  const allowed = created.filter((c) => matchBounds(c, filter, facts).may).map((c) => c.id);
  const wrong = [...strict.filter((id) => !ids.includes(id)), ...ids.filter((id) => !allowed.includes(id))];
  expectThat(run, wrong.length === 0, 'filtering/case', `${describeFilter(filter)} treats letter case otherwise than the spec records`, {
    expected: strict,
    actual: ids,
  });
}

/**
 * An unconfined filtered list, judged only on `client`: it is listed when it must match, and not when
 * it may not (whatever else of the account the list holds). Its first page is enough: one client of
 * ours matches at most, and a page of 100 is searched for it among whatever else matches.
 */
async function judgeOne(run: CheckRun, client: ClientRecord, filter: Filter): Promise<void> {
  const facts = documentedOnly(run.api.capabilities.filters);
  const bounds = matchBounds(client, filter, facts);
  const page = await run.api.list({ filters: [filter], page: 1, perPage: run.api.capabilities.paging.maxPerPage.value });
  const listed = page.items.some((item) => item.id === client.id);
  run.judged(facetOf(filter, 'sound'));
  expectThat(
    run,
    bounds.may || !listed,
    'filtering/only-matches',
    `${describeFilter(filter)} listed a client whose ${filter.kind === 'ids' ? 'id' : filter.field} does not match`,
    {
      expected: `no client whose ${filter.kind === 'ids' ? 'id' : filter.field} differs`,
      actual: client.fields,
    },
  );
}

/** A like filter; on a field that carries the scope, one the value must end with. */
function likeFilter(run: CheckRun, field: string, value: string): Filter {
  return { kind: 'like', field, value, ...(run.api.capabilities.filters.scopedAtEnd?.includes(field) ? { atEnd: true } : {}) };
}

/** The fields of `names` that hold free text (an equality filter on a state or a reference is judged apart). */
function textFields(run: CheckRun, names: readonly string[]): string[] {
  return names.filter((name) => fieldSpec(run.api.capabilities, name)?.kind === 'text');
}

/** Filter values at the start, middle and end of a value, in another case, and with spaces, against near misses. */
function boundaryFilters(run: CheckRun): NamedValue<{ clients: ClientFields[]; filter: Filter }>[] {
  const { like, equals } = run.api.capabilities.filters;
  const plain = plainClient(run.api);
  const clientsWith = (field: string, values: string[]) => values.map((value) => ({ ...plain, [field]: value }));
  const atEnd = run.api.capabilities.filters.scopedAtEnd ?? [];
  const likeCases = like.flatMap((field) =>
    (atEnd.includes(field)
      ? ([
          ['at the end', 'eta'],
          ['the whole value', 'Alpha Beta'],
          ['at the end, in another case', 'BETA'],
          ['at the end, with a leading space', ' Beta'],
        ] as const)
      : ([
          ['at the start', 'Alp'],
          ['in the middle, with a space', 'ha B'],
          ['at the end', 'eta'],
          ['in another case', 'ALPHA'],
          ['with a leading space', ' Beta'],
        ] as const)
    ).map(([where, value]) => ({
      name: `${field} like a value ${where}`,
      value: { clients: clientsWith(field, ['Alpha Beta', 'alphabet', 'Gamma']), filter: likeFilter(run, field, value) },
    })),
  );
  const equalsCases = textFields(run, equals).flatMap((field) => {
    // Near misses of the value: it ends another, it is the start of another, and it in another case.
    const email = run.api.fieldBoundaries(field).some(({ value }) => typeof value === 'string' && value.includes('@'));
    const [exact, ...misses] = email ? ['q@example.test', 'qq@example.test', 'q@example.testing'] : ['Alpha', 'Alpha Beta', 'Beta Alpha'];
    const clients = clientsWith(field, [exact!, ...misses]);
    return [
      {
        name: `${field} equal to a value that is part of others`,
        value: { clients, filter: { kind: 'equals', field, value: exact! } as Filter },
      },
      {
        name: `${field} equal to a value in another case`,
        value: { clients, filter: { kind: 'equals', field, value: exact!.toUpperCase() } as Filter },
      },
    ];
  });
  return [...likeCases, ...equalsCases];
}

export default family('filtering', (env) => {
  check(
    env,
    'like filters match substrings only',
    { claim: 'like filters match substrings, and only those', writes: true, needs: [SCOPE] },
    async (run) => {
      const { like } = run.api.capabilities.filters;
      if (like.length === 0) run.skip('the API documents no substring filter on a client field');
      await forAll(
        run,
        fc
          .record({
            field: fc.constantFrom(...like),
            clients: fc.array(clientFields(run.api, COLLIDING), { minLength: 1, maxLength: 6 }),
            pick: fc.nat(),
            start: fc.nat(),
            length: fc.integer({ min: 1, max: 3 }),
            caseMask: fc.nat({ max: 7 }),
          })
          .map(({ field, clients, pick, start, length, caseMask }) => {
            const source = clients[pick % clients.length]![field] as string;
            // A field that carries the scope is searched at a value's end (see FilterFacts.scopedAtEnd).
            const from = run.api.capabilities.filters.scopedAtEnd?.includes(field)
              ? Math.max(0, source.length - length)
              : start % source.length;
            const needle = flipCase(source.slice(from, from + length), caseMask);
            return { clients, filter: likeFilter(run, field, needle) };
          }),
        ({ clients, filter }, run) => expectFiltered(run, clients, filter, 100),
        boundaryFilters(run).filter(({ value }) => value.filter.kind === 'like'),
      );
    },
  );

  check(
    env,
    'equality filters match whole values',
    { claim: 'equality filters match the whole value, not a part of it', writes: true, needs: [SCOPE] },
    async (run) => {
      const equals = textFields(run, run.api.capabilities.filters.equals);
      if (equals.length === 0) run.skip('the API documents no equality filter on a text field');
      await forAll(
        run,
        fc
          .record({
            field: fc.constantFrom(...equals),
            clients: fc.array(clientFields(run.api, EMAILS), { minLength: 1, maxLength: 6 }),
            pick: fc.nat(),
          })
          .map(({ field, clients, pick }) => ({
            clients,
            filter: { kind: 'equals', field, value: clients[pick % clients.length]![field] as string } as Filter,
          })),
        ({ clients, filter }, run) => expectFiltered(run, clients, filter, 100),
        boundaryFilters(run).filter(({ value }) => value.filter.kind === 'equals'),
      );
    },
  );

  check(
    env,
    'filtered pages hold each match once',
    { claim: 'a filtered list pages like any other: every match exactly once across pages', writes: true, needs: [SCOPE] },
    async (run) => {
      const { like } = run.api.capabilities.filters;
      const equals = textFields(run, run.api.capabilities.filters.equals);
      // A one-letter substring, or (for an API with equality filters only) one of a few shared values:
      // either way a match spans several small pages.
      const kind = like.length > 0 ? 'like' : equals.length > 0 ? 'equals' : run.skip('the API documents no filter on a client field');
      await forAll(
        run,
        fc.record({
          field: fc.constantFrom(...(kind === 'like' ? like : equals)),
          clients: fc.array(clientFields(run.api, kind === 'like' ? COLLIDING : EMAILS), { minLength: 2, maxLength: 9 }),
          needle: fc.constantFrom('a', 'B'),
          pick: fc.nat(),
          perPage: fc.integer({ min: 1, max: 3 }),
        }),
        ({ field, clients, needle, pick, perPage }, run) => {
          const filter =
            kind === 'like'
              ? likeFilter(run, field, needle)
              : ({ kind, field, value: clients[pick % clients.length]![field] as string } as Filter);
          return expectFiltered(run, clients, filter, perPage);
        },
        // Three matches at two a page: a short last page, which a wrong page count hides from a walk.
        [
          {
            name: 'three matches at page size 2',
            value:
              kind === 'like'
                ? {
                    field: like[0]!,
                    clients: ['ba', 'ca', 'da'].map((value) => ({ ...plainClient(run.api), [like[0]!]: value })),
                    needle: 'a',
                    pick: 0,
                    perPage: 2,
                  }
                : {
                    field: equals[0]!,
                    // Three clients share the value, one does not: the filter lists the three.
                    clients: [0, 1, 2, 3]
                      .map(() => plainClient(run.api))
                      .map((client, i) => (i === 3 ? someFields(run.api, 'other') : client)),
                    needle: 'a',
                    pick: 0,
                    perPage: 2,
                  },
          },
        ],
      );
    },
  );

  check(
    env,
    'a filter stays on its field',
    { claim: 'a filter on one field does not match the same text in another field', writes: true, needs: [SCOPE] },
    async (run) => {
      const { like } = run.api.capabilities.filters;
      const filtered = [
        ...like.map((field) => ['like', field] as const),
        ...textFields(run, run.api.capabilities.filters.equals).map((field) => ['equals', field] as const),
      ];
      if (filtered.length === 0) run.skip('the API documents no filter on a text field');
      // One client whose text fields are all told apart; each filter asks for another field's whole value.
      // The list is not confined to a scope (the scope rides in a field too), but only this client is judged.
      const plain = plainClient(run.api);
      // An email filter is asked only for values of its own shape (a request with another would be malformed).
      const shaped = (field: string, value: string) => !String(plain[field]).includes('@') || value.includes('@');
      const cases = filtered.flatMap(([kind, field]) =>
        textFields(run, Object.keys(plain))
          .filter((other) => other !== field && typeof plain[other] === 'string' && plain[other] !== '' && shaped(field, plain[other]))
          .map((other) => ({
            name: `${field} ${kind === 'like' ? 'like' : '='} the value of ${other}`,
            value: { kind, field, value: plain[other] as string } as Filter,
          })),
      );
      if (cases.length === 0) run.skip('no other field holds a value its filters could be asked for');
      let client: Promise<ClientRecord> | undefined;
      await boundaryPhase(run, cases, async (filter, run) => {
        client ??= run.api.create(plain, run.scope()).then((made) => run.api.get(made.id));
        await judgeOne(run, await client, filter);
      });
    },
  );

  check(
    env,
    'id filter lists exactly its ids',
    { claim: 'an id filter lists exactly the ids asked for', writes: true, needs: [SCOPE] },
    async (run) => {
      if (!run.api.capabilities.filters.ids) run.skip('the API documents no id filter');
      // Two ids of three, not next to each other, first: a filter that keeps one id only, or a range, shows.
      const boundaries = [{ name: 'the first and last of three ids', value: { count: 3, mask: 0b101 } }];
      await forAll(
        run,
        fc.record({ count: fc.integer({ min: 1, max: 6 }), mask: fc.nat({ max: 63 }) }),
        async ({ count, mask }, run) => {
          const scope = run.scope();
          const created = await createAll(
            run,
            scope,
            Array.from({ length: count }, (_, i) => someFields(run.api, `i${i}`)),
          );
          const wanted = created.filter((_, i) => (mask >> i) & 1).map((c) => c.id);
          if (wanted.length === 0) return;
          const pages = await walkPages(run.api, { scope, filters: [{ kind: 'ids', ids: wanted }], perPage: 100 }, created.length);
          const listed = pages.flatMap((p) => p.items.map((i) => i.id));
          run.judged(filterFacet('ids', undefined, 'sound'), filterFacet('ids', undefined, 'complete'));
          expectThat(run, sameIds(listed, wanted), 'filtering/ids', 'the id filter did not list exactly the ids asked for', {
            expected: wanted,
            actual: listed,
          });
        },
        boundaries,
      );
    },
  );

  check(
    env,
    'state and reference filters',
    { claim: 'an equality filter on a state or a reference lists exactly the clients that have it', writes: true, needs: [SCOPE] },
    async (run) => {
      const specs = run.api.capabilities.filters.equals
        .map((name) => fieldSpec(run.api.capabilities, name)!)
        .filter((spec) => (spec.kind === 'enum' && spec.viaAction && run.api.act) || spec.kind === 'ref');
      if (specs.length === 0) run.skip('the API documents no equality filter on a status or a reference');
      const enums = specs.filter((spec) => spec.kind === 'enum');
      await forAll(
        run,
        fc.record({
          spec: fc.constantFrom(...specs),
          states: fc.array(fc.record(Object.fromEntries(enums.map((spec) => [spec.name, fc.constantFrom(...spec.values!)]))), {
            minLength: 1,
            maxLength: 6,
          }),
          pick: fc.nat(),
          unknown: fc.boolean(),
          perPage: fc.integer({ min: 1, max: 3 }),
        }),
        async ({ spec, states, pick, unknown, perPage }, run) => {
          const scope = run.scope();
          const created = await createAll(
            run,
            scope,
            states.map((_, i) => someFields(run.api, `s${i}`)),
          );
          for (const [i, state] of states.entries())
            for (const [field, value] of Object.entries(state)) await run.api.act!(created[i]!.id, field, value);
          const now = await Promise.all(created.map((client) => run.api.get(client.id)));
          if (spec.kind === 'enum')
            return judgeFiltered(
              run,
              scope,
              now,
              { kind: 'equals', field: spec.name, value: spec.values![pick % spec.values!.length]! },
              perPage,
            );
          // A reference is learned from the clients (a create's default), or one nothing has.
          const known = now.map((client) => client.fields[spec.name]).filter((value): value is string => typeof value === 'string');
          if (!unknown && known.length > 0)
            return judgeFiltered(run, scope, now, { kind: 'equals', field: spec.name, value: known[pick % known.length]! }, perPage);
          const nothing: Filter = { kind: 'equals', field: spec.name, value: run.api.unknownId() };
          const answer = await run.api.tryList({ scope, filters: [nothing], page: 1, perPage }, 'filtering/only-matches');
          if (answer === 'rejected') return;
          run.judged(facetOf(nothing, 'sound'));
          expectThat(
            run,
            answer.items.length === 0,
            'filtering/only-matches',
            `${describeFilter(nothing)}, a value no client has, listed clients`,
            { expected: [], actual: answer.items.map((item) => item.id) },
          );
        },
      );
    },
  );
});
