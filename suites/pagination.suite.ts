/**
 * Pagination, as documented: `pages = ceil(total / per_page)` (an empty list as the API's facts say), every page but the
 * last is full, walking every page yields each client exactly once, a page past the end is empty, and
 * `per_page` above the maximum is capped or rejected. The default per_page and the order are checked
 * only where the API's docs name them (the adapter's capabilities).
 */
import fc from 'fast-check';
import { expectThat, forAll } from '../engine/property.js';
import { expectedPageSize, pageCount } from '../model/semantics.js';
import { check, family } from './harness.js';
import { createAll, sameIds, someFields, walkPages } from './support.js';

/** A handful of clients and a small page size, so most cases span several pages. */
const layout = fc.record({ count: fc.integer({ min: 0, max: 11 }), perPage: fc.integer({ min: 1, max: 5 }) });

family('pagination', (env) => {
  check(env, 'total, per_page, pages and page sizes agree with the clients listed', { writes: true }, (run) =>
    forAll(run, layout, async ({ count, perPage }) => {
      const scope = run.scope();
      await createAll(run, scope, Array.from({ length: count }, (_, i) => someFields(run.api, `p${i}`)));
      const pages = await walkPages(run.api, { scope, filters: [], perPage });
      const first = pages[0]!;
      const empty = run.api.capabilities.paging.emptyListPages;
      expectThat(first.total === count, 'pagination/total', `total is ${first.total} for ${count} clients`, { expected: count, actual: first.total });
      expectThat(first.perPage === perPage, 'pagination/per-page', `per_page ${perPage} was answered as ${first.perPage}`, { expected: perPage, actual: first.perPage });
      // Where the docs are silent on an empty list's page count, only non-empty lists are judged.
      if (count > 0 || empty) {
        const wanted = pageCount(count, perPage, empty?.value ?? 0);
        expectThat(first.pages === wanted, 'pagination/pages', `pages must be ceil(${count}/${perPage})`, { expected: wanted, actual: first.pages });
      }
      for (const page of pages) {
        const expected = expectedPageSize(count, perPage, page.page);
        expectThat(page.items.length === expected, 'pagination/page-size', `page ${page.page} holds ${page.items.length} clients`, { expected, actual: page.items.length });
      }
    }),
  );

  check(env, 'walking every page yields each client exactly once, and the page past the end is empty', { writes: true }, (run) =>
    forAll(run, layout, async ({ count, perPage }) => {
      const scope = run.scope();
      const created = await createAll(run, scope, Array.from({ length: count }, (_, i) => someFields(run.api, `w${i}`)));
      const pages = await walkPages(run.api, { scope, filters: [], perPage });
      const seen = pages.flatMap((page) => page.items.map((item) => item.id));
      const repeated = seen.filter((id, i) => seen.indexOf(id) !== i);
      expectThat(repeated.length === 0, 'pagination/no-repeats', `clients ${[...new Set(repeated)].join(', ')} appear on more than one page`, { actual: seen });
      const ids = created.map((c) => c.id);
      expectThat(sameIds(new Set(seen), ids), 'pagination/each-once', 'the pages together do not hold exactly the clients created', { expected: ids, actual: seen });
      const past = await run.api.list({ scope, filters: [], perPage, page: pages[0]!.pages + 1 });
      expectThat(past.items.length === 0, 'pagination/past-the-end', `page ${pages[0]!.pages + 1} (past the end) holds ${past.items.length} clients`, { expected: 0, actual: past.items.length });
    }),
  );

  check(env, 'a list without per_page uses the documented default page size', { writes: true }, async (run) => {
    const size = run.api.capabilities.paging.defaultPerPage;
    if (size === undefined) return run.skip('the docs name no default per_page');
    // One more client than the default page holds, so a smaller or larger default shows.
    const scope = run.scope();
    await createAll(run, scope, Array.from({ length: size + 1 }, (_, i) => someFields(run.api, `d${i}`)));
    const first = await run.api.list({ scope, filters: [], page: 1 });
    expectThat(first.perPage === size, 'pagination/default-per-page', `without per_page the list answers per_page ${first.perPage}`, { expected: size, actual: first.perPage });
    expectThat(first.items.length === size, 'pagination/default-page-size', `without per_page page 1 holds ${first.items.length} of ${size + 1} clients`, { expected: size, actual: first.items.length });
    expectThat(first.pages === 2, 'pagination/pages', `without per_page, ${size + 1} clients make ${first.pages} pages`, { expected: 2, actual: first.pages });
  });

  check(env, 'a list comes in the documented order, across pages too', { writes: true }, async (run) => {
    const order = run.api.capabilities.order;
    if (!order) return run.skip('the docs name no list order');
    await forAll(run, layout, async ({ count, perPage }) => {
      const scope = run.scope();
      await createAll(run, scope, Array.from({ length: count }, (_, i) => someFields(run.api, `o${i}`)));
      const listed = (await walkPages(run.api, { scope, filters: [], perPage })).flatMap((page) => page.items);
      const at = listed.findIndex((item, i) => i > 0 && !order.inOrder(listed[i - 1]!, item));
      expectThat(at < 0, 'pagination/order', `the list is not in ${order.description} order at position ${at}`, {
        expected: order.description,
        actual: listed.map((item) => item.id),
      });
    });
  });

  check(env, 'per_page above the maximum is capped or rejected', { writes: false }, (run) =>
    forAll(run, fc.integer({ min: 1, max: 400 }), async (excess) => {
      const max = run.api.capabilities.paging.maxPerPage;
      const answer = await run.api.tryList({ filters: [], page: 1, perPage: max + excess });
      if (answer === 'rejected') return;
      expectThat(answer.perPage <= max, 'pagination/per-page-cap', `per_page ${max + excess} was honoured (answered ${answer.perPage})`, { expected: `<= ${max}`, actual: answer.perPage });
      expectThat(answer.items.length <= max, 'pagination/per-page-cap', `a page holds ${answer.items.length} clients`, { expected: `<= ${max}`, actual: answer.items.length });
    }),
  );
});
