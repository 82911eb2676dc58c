/**
 * Ordering, for APIs whose lists sort by a chosen column: for every documented column and either order
 * (or none, which means the documented default), all pages of a list, one after the other, are in that
 * order. Only what every collation and tie order agrees on is judged (`collationOrder` in
 * `model/semantics.ts`): lower-case ASCII values that do not start one another, timestamps of one shape.
 */
import fc from 'fast-check';
import { boundaryPhase, expectThat, forAll } from '../engine/property.js';
import type { SortColumn } from '../model/capabilities.js';
import type { ClientRecord, SortOrder } from '../model/client.js';
import { outOfOrder } from '../model/semantics.js';
import { check, family, type CheckRun } from './harness.js';
import { sortFacet } from './facets.js';
import { SCOPE } from './prerequisites.js';
import { editable, someFields, untilTheClockMoves, updatable, walkPages, withRequired } from './support.js';

/** Lower-case letters only: the values every collation orders alike, wherever they do not start one another. */
const LOWER = { alphabet: 'abcd', minLength: 1, maxLength: 3 };

interface Layout {
  /** The sorted text field's value per client, in the order they are created. */
  readonly values: readonly string[];
  /** Per client, the index of the enum value its action sets (where the API has one). */
  readonly states: readonly number[];
  /** The clients updated after they were all created, in this order: what moves `updated` apart from `created`. */
  readonly updates: readonly number[];
}

/**
 * Four clients whose every documented order differs: created c, a, d, b; states alternate; updated in the
 * order 3, 1, 4, 2. A column sorted by another one's key shows at once.
 */
const FIXTURE: Layout = { values: ['cab', 'abd', 'dcb', 'bca'], states: [0, 1, 0, 1], updates: [2, 0, 3, 1] };

/** The key a column sorts by, as the listed client itself shows it. */
function keyOf(column: SortColumn): (item: ClientRecord) => string | undefined {
  return (item) => {
    const value = 'field' in column.by ? item.fields[column.by.field] : item.timestamps?.[column.by.timestamp];
    return typeof value === 'string' ? value : undefined;
  };
}

/** The text field a fixture's values go in: the first sortable one, else the first editable one. */
function textField(run: CheckRun): string {
  const columns = run.api.capabilities.sort?.columns ?? [];
  const sortable = columns
    .map((c) => ('field' in c.by ? c.by.field : undefined))
    .find((f) => f !== undefined && run.api.capabilities.fields.some((s) => s.name === f && s.kind === 'text'));
  return sortable ?? editable(run.api)[0]!;
}

/**
 * Creates the layout's clients in a new scope, sets their states and updates them; answers the scope.
 * `spaced`: each create and each update waits for a server clock that keeps whole seconds to move, so the
 * timestamp columns differ client by client and their orders are judged (ties are not).
 */
async function build(run: CheckRun, layout: Layout, spaced = false): Promise<string> {
  const scope = run.scope();
  const field = textField(run);
  const created: ClientRecord[] = [];
  for (const value of layout.values) {
    const record = await run.api.create({ ...someFields(run.api, value), [field]: value }, scope);
    if (spaced) await untilTheClockMoves(record);
    created.push(record);
  }
  const enumField = run.api.act
    ? run.api.capabilities.fields.find((spec) => spec.kind === 'enum' && spec.viaAction && spec.values?.length)
    : undefined;
  if (enumField) {
    for (const [i, state] of layout.states.entries())
      await run.api.act!(created[i]!.id, enumField.name, enumField.values![state % enumField.values!.length]!);
  }
  // An update of a field no column sorts by, so `updated` moves and nothing else that is sorted.
  const other = updatable(run.api).find((name) => name !== field);
  if (other) {
    for (const i of layout.updates) {
      const client = created[i]!;
      await run.api.update(client.id, withRequired(run.api, { [other]: `u${i}` }, client.fields));
      if (spaced) await untilTheClockMoves(client);
    }
  }
  return scope;
}

/**
 * The fixture, its timestamps told apart: built at the run's pace first, and again with each write
 * waiting for the server's clock where two of its clients share a timestamp (a clock kept to the second).
 */
async function apart(run: CheckRun): Promise<string> {
  const scope = await build(run, FIXTURE);
  const page = await run.api.list({ scope, filters: [], page: 1, perPage: FIXTURE.values.length });
  const tied = (['created', 'updated'] as const).some((which) => {
    const stamps = page.items.map((item) => item.timestamps?.[which]).filter((stamp) => stamp !== undefined);
    return new Set(stamps).size < stamps.length;
  });
  return tied ? build(run, FIXTURE, true) : scope;
}

/** Every page of the scope sorted by `column` in `order` (none: the default), one after the other, is in that order. */
async function expectSorted(
  run: CheckRun,
  scope: string,
  count: number,
  column: SortColumn,
  order: SortOrder | undefined,
  perPage: number,
): Promise<void> {
  const sort = run.api.capabilities.sort!;
  const items = (
    await walkPages(run.api, { scope, filters: [], sort: { column: column.name, ...(order ? { order } : {}) }, perPage }, count)
  ).flatMap((page) => page.items);
  const wanted = order ?? sort.defaultOrder;
  const at = outOfOrder(items, keyOf(column), wanted);
  const rule = order ? 'ordering/sorted' : 'ordering/default-order';
  run.judged(sortFacet(column.name, order ?? 'default'));
  const how = order ? `sort=${column.name}, order=${order}` : `sort=${column.name} without an order (the default is ${sort.defaultOrder})`;
  expectThat(run, at < 0, rule, `${how}: position ${at} comes before position ${at - 1} would allow`, {
    expected: `${column.name} ${wanted}`,
    actual: items.map((item) => `${item.id}: ${keyOf(column)(item)}`),
  });
}

export default family('ordering', (env) => {
  check(
    env,
    'sorted lists come in order',
    {
      claim: 'a list sorted by any documented column comes in that order (the default one without order), across pages',
      writes: true,
      needs: [SCOPE],
    },
    async (run) => {
      const sort = run.api.capabilities.sort;
      if (!sort) return run.skip('the docs name no column a list can be sorted by');
      const orders: (SortOrder | undefined)[] = ['asc', 'desc', undefined];
      // Every column in every order over one fixture whose orders all differ; then random layouts.
      let fixture: Promise<string> | undefined;
      const cases = sort.columns.flatMap((column) =>
        orders.map((order) => ({ name: `sort=${column.name}${order ? `, order=${order}` : ', no order'}`, value: { column, order } })),
      );
      await boundaryPhase(run, cases, async ({ column, order }, run) => {
        fixture ??= apart(run);
        await expectSorted(run, await fixture, FIXTURE.values.length, column, order, 3);
      });
      const layout = fc.integer({ min: 2, max: 6 }).chain((n) =>
        fc.record({
          values: fc.array(run.api.fieldArbitrary(textField(run), LOWER), { minLength: n, maxLength: n }),
          states: fc.array(fc.nat({ max: 1 }), { minLength: n, maxLength: n }),
          updates: fc.shuffledSubarray([...Array(n).keys()]),
        }),
      );
      await forAll(
        run,
        fc.record({
          layout,
          column: fc.constantFrom(...sort.columns),
          order: fc.constantFrom(...orders),
          perPage: fc.integer({ min: 1, max: 4 }),
        }),
        async ({ layout: l, column, order, perPage }, run) => {
          await expectSorted(run, await build(run, l), l.values.length, column, order, perPage);
        },
      );
    },
  );
});
