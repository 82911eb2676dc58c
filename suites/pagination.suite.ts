/**
 * Pagination, as documented: `pages = ceil(total / per_page)` (an empty list as the API's facts say),
 * every page but the last is full, walking every page yields each client exactly once, a page past the
 * end is empty, and `per_page` above the maximum is capped or rejected. The default per_page and the
 * order are checked only where the API's docs name them (the adapter's capabilities). The boundary
 * phase adds page sizes 1, 2, the maximum minus one, the maximum and one more, pages 0, -1 and far past
 * the end, and one scope per run that holds more clients than the largest page.
 */
import fc from 'fast-check';
import type { ClientApi } from '../port/port.js';
import { boundaryPhase, expectThat, forAll } from '../engine/property.js';
import { expectedPageSize, pageCount } from '../model/semantics.js';
import { check, family, type CheckRun } from './harness.js';
import { pageSizeFacet, pagingFacet } from './facets.js';
import type { Facet } from '../engine/coverage.js';
import { SCOPE } from './prerequisites.js';
import { createAll, sameIds, someFields, walkPages } from './support.js';
import { oneOrMany, plural } from '../engine/words.js';

/** A handful of clients and a small page size, so most cases span several pages. */
const layout = fc.record({ count: fc.integer({ min: 0, max: 11 }), perPage: fc.integer({ min: 1, max: 5 }) });

const smallSizes = [
  { name: 'page size 1', value: { count: 3, perPage: 1 } },
  { name: 'page size 2', value: { count: 3, perPage: 2 } },
];

/**
 * A scope holding one client more than the largest page, made once for the boundary cases that read
 * it (creating it is the costly part).
 */
function largeScope(run: CheckRun): () => Promise<{ scope: string; ids: string[] }> {
  let made: Promise<{ scope: string; ids: string[] }> | undefined;
  return () =>
    (made ??= (async () => {
      const scope = run.scope();
      const size = run.api.capabilities.paging.maxPerPage.value + 1;
      const records = await createAll(
        run,
        scope,
        Array.from({ length: size }, (_, i) => someFields(run.api, `L${i}`)),
      );
      return { scope, ids: records.map((r) => r.id) };
    })());
}

/** The page-size classes a page size falls in: 1, the largest documented, above it. */
function sizeFacets(api: ClientApi, perPage: number): Facet[] {
  const max = api.capabilities.paging.maxPerPage.value;
  return [
    ...(perPage === 1 ? [pageSizeFacet('1')] : []),
    ...(perPage === max ? [pageSizeFacet('maximum')] : []),
    ...(perPage > max ? [pageSizeFacet('above maximum')] : []),
  ];
}

/**
 * What a walk of every page must show for `count` clients at `perPage`: counters, page sizes, each client
 * once. `mayCap`: `perPage` is above any largest page the docs name (they name none), so a server may
 * serve smaller pages, which it must then say and keep to: that only breaks the cap's (open) rule.
 */
async function expectPagesAddUp(api: ClientApi, scope: string, ids: readonly string[], asked: number, mayCap = false): Promise<void> {
  const count = ids.length;
  api.session.tally?.judged(pagingFacet('pages partition the list'), ...sizeFacets(api, asked));
  const pages = await walkPages(api, { scope, filters: [], perPage: asked }, count);
  const first = pages[0]!;
  const empty = api.capabilities.paging.emptyListPages;
  const capped = mayCap && first.perPage >= 1 && first.perPage < asked;
  const perPage = capped ? first.perPage : asked;
  expectThat(api.session, first.total === count, 'pagination/total', `total is ${first.total} for ${plural(count, 'client')}`, {
    expected: count,
    actual: first.total,
  });
  expectThat(api.session, first.perPage === perPage, 'pagination/per-page', `per_page ${perPage} was answered as ${first.perPage}`, {
    expected: perPage,
    actual: first.perPage,
  });
  // Where the docs are silent on an empty list's page count, only non-empty lists are judged.
  if (count > 0) {
    const wanted = pageCount(count, perPage, 0);
    expectThat(api.session, first.pages === wanted, 'pagination/pages', `pages must be ceil(${count}/${perPage})`, {
      expected: wanted,
      actual: first.pages,
    });
  } else if (empty) {
    expectThat(api.session, first.pages === empty.value, 'contract/empty-list-pages', `an empty list must have pages: ${empty.value}`, {
      expected: empty.value,
      actual: first.pages,
    });
  }
  for (const page of pages) {
    const expected = expectedPageSize(count, perPage, page.page);
    expectThat(
      api.session,
      page.items.length === expected,
      'pagination/page-size',
      `page ${page.page} holds ${plural(page.items.length, 'client')}`,
      {
        expected,
        actual: page.items.length,
      },
    );
  }
  const seen = pages.flatMap((page) => page.items.map((item) => item.id));
  const repeated = seen.filter((id, i) => seen.indexOf(id) !== i);
  expectThat(api.session, repeated.length === 0, 'pagination/no-repeats', repeatedLine(repeated), {
    actual: seen,
  });
  expectThat(
    api.session,
    sameIds(new Set(seen), ids),
    'pagination/each-once',
    'the pages together do not hold exactly the clients created',
    {
      expected: ids,
      actual: seen,
    },
  );
  // Last, as it rests on no document: a smaller page than asked, where no largest page is documented.
  expectThat(api.session, !capped, 'pagination/per-page-cap', `per_page ${asked} was served as ${first.perPage}`, {
    expected: asked,
    actual: first.perPage,
  });
}

export default family('pagination', (env) => {
  check(
    env,
    'counters agree with the pages',
    { claim: 'total, per_page, pages and page sizes agree with the clients listed', writes: true, needs: [SCOPE] },
    (run) =>
      forAll(
        run,
        layout,
        async ({ count, perPage }, run) => {
          const scope = run.scope();
          const created = await createAll(
            run,
            scope,
            Array.from({ length: count }, (_, i) => someFields(run.api, `p${i}`)),
          );
          await expectPagesAddUp(
            run.api,
            scope,
            created.map((c) => c.id),
            perPage,
          );
        },
        smallSizes,
      ),
  );

  check(
    env,
    'each client once across pages',
    { claim: 'walking every page yields each client exactly once, and the page past the end is empty', writes: true, needs: [SCOPE] },
    (run) =>
      forAll(run, layout, async ({ count, perPage }, run) => {
        const scope = run.scope();
        const created = await createAll(
          run,
          scope,
          Array.from({ length: count }, (_, i) => someFields(run.api, `w${i}`)),
        );
        const pages = await walkPages(run.api, { scope, filters: [], perPage }, count);
        const seen = pages.flatMap((page) => page.items.map((item) => item.id));
        const repeated = seen.filter((id, i) => seen.indexOf(id) !== i);
        run.judged(pagingFacet('pages partition the list'), ...sizeFacets(run.api, perPage));
        expectThat(run, repeated.length === 0, 'pagination/no-repeats', repeatedLine(repeated), { actual: seen });
        const ids = created.map((c) => c.id);
        expectThat(run, sameIds(new Set(seen), ids), 'pagination/each-once', 'the pages together do not hold exactly the clients created', {
          expected: ids,
          actual: seen,
        });
        // A page past the end holds no client: served empty, or refused (frameworks differ, the docs do not say).
        run.judged(pagingFacet('past the end'));
        const past = await run.api.tryList({ scope, filters: [], perPage, page: pages[0]!.pages + 1 }, 'pagination/past-the-end');
        if (past === 'rejected') return;
        expectThat(
          run,
          past.items.length === 0,
          'pagination/past-the-end',
          `page ${pages[0]!.pages + 1} (past the end) holds ${plural(past.items.length, 'client')}`,
          { expected: 0, actual: past.items.length },
        );
      }),
  );

  check(
    env,
    'pages around the largest size',
    { claim: 'a list larger than the largest page pages like any other, at page sizes around the maximum', writes: true, needs: [SCOPE] },
    async (run) => {
      const largest = run.api.capabilities.paging.maxPerPage;
      // Where the docs name no largest page, a server may serve smaller pages than these sizes ask.
      const mayCap = largest.basis !== 'documented';
      const max = largest.value;
      const sizes = [max - 1, max].map((perPage) => ({ name: `${max + 1} clients at page size ${perPage}`, value: perPage }));
      const large = largeScope(run);
      await boundaryPhase(run, sizes, async (perPage, run) => {
        const { scope, ids } = await large();
        await expectPagesAddUp(run.api, scope, ids, perPage, mayCap);
      });
      await boundaryPhase(run, [{ name: `${max + 1} clients at page size ${max + 1}`, value: max + 1 }], async (perPage, run) => {
        const { scope, ids } = await large();
        run.judged(...sizeFacets(run.api, perPage));
        const answer = await run.api.tryList({ scope, filters: [], page: 1, perPage }, 'pagination/per-page-cap');
        if (answer === 'rejected') return;
        expectThat(
          run,
          answer.items.length <= max && answer.perPage <= max,
          'pagination/per-page-cap',
          `per_page ${perPage} gave ${plural(answer.items.length, 'client')} (answered per_page ${answer.perPage})`,
          { expected: `<= ${max}`, actual: answer.items.length },
        );
        expectThat(run, answer.total === ids.length, 'pagination/total', `total is ${answer.total} for ${plural(ids.length, 'client')}`, {
          expected: ids.length,
          actual: answer.total,
        });
      });
    },
  );

  check(
    env,
    'out-of-range pages',
    { claim: 'pages 0, -1 and far past the end are refused or answered within per_page', writes: true, needs: [SCOPE] },
    async (run) => {
      const scope = run.scope();
      await createAll(
        run,
        scope,
        Array.from({ length: 3 }, (_, i) => someFields(run.api, `r${i}`)),
      );
      const pages = [0, -1, 1000].map((page) => ({ name: `page ${page}`, value: page }));
      await boundaryPhase(run, pages, async (page, run) => {
        if (page > 1) run.judged(pagingFacet('past the end'));
        const answer = await run.api.tryList({ scope, filters: [], page, perPage: 2 }, 'pagination/out-of-range-page');
        if (answer === 'rejected') return;
        expectThat(
          run,
          answer.items.length <= 2,
          'pagination/out-of-range-page',
          `page ${page} at per_page 2 holds ${plural(answer.items.length, 'client')}`,
          { expected: '<= 2', actual: answer.items.length },
        );
        if (page > 1)
          expectThat(
            run,
            answer.items.length === 0,
            'pagination/past-the-end',
            `page ${page} (past the end) holds ${plural(answer.items.length, 'client')}`,
            { expected: 0, actual: answer.items.length },
          );
      });
    },
  );

  check(
    env,
    'default page size',
    { claim: 'a list without per_page uses the documented default page size', writes: true, needs: [SCOPE] },
    async (run) => {
      const size = run.api.capabilities.paging.defaultPerPage;
      if (size === undefined) return run.skip('the docs name no default per_page');
      // One more client than the default page holds, so a smaller or larger default shows.
      const scope = run.scope();
      await createAll(
        run,
        scope,
        Array.from({ length: size + 1 }, (_, i) => someFields(run.api, `d${i}`)),
      );
      run.judged(pageSizeFacet('default'));
      const first = await run.api.list({ scope, filters: [], page: 1 });
      expectThat(
        run,
        first.perPage === size,
        'pagination/default-per-page',
        `without per_page the list answers per_page ${first.perPage}`,
        {
          expected: size,
          actual: first.perPage,
        },
      );
      expectThat(
        run,
        first.items.length === size,
        'pagination/default-page-size',
        `without per_page page 1 holds ${first.items.length} of ${size + 1} clients`,
        { expected: size, actual: first.items.length },
      );
      expectThat(run, first.pages === 2, 'pagination/pages', `without per_page, ${size + 1} clients make ${first.pages} pages`, {
        expected: 2,
        actual: first.pages,
      });
    },
  );

  check(
    env,
    'documented order across pages',
    { claim: 'a list comes in the documented order, across pages too', writes: true, needs: [SCOPE] },
    async (run) => {
      const order = run.api.capabilities.order;
      if (!order) return run.skip('the docs name no list order');
      await forAll(run, layout, async ({ count, perPage }, run) => {
        const scope = run.scope();
        await createAll(
          run,
          scope,
          Array.from({ length: count }, (_, i) => someFields(run.api, `o${i}`)),
        );
        const listed = (await walkPages(run.api, { scope, filters: [], perPage }, count)).flatMap((page) => page.items);
        const at = listed.findIndex((item, i) => i > 0 && !order.inOrder(listed[i - 1]!, item));
        run.judged(pagingFacet('order kept across pages'));
        expectThat(run, at < 0, 'pagination/order', `the list is not in ${order.description} order at position ${at}`, {
          expected: order.description,
          actual: listed.map((item) => item.id),
        });
      });
    },
  );

  check(env, 'per_page above the maximum', { claim: 'per_page above the maximum is capped or rejected', writes: false }, (run) => {
    const max = run.api.capabilities.paging.maxPerPage.value;
    return forAll(
      run,
      fc.integer({ min: 1, max: 400 }),
      async (excess, run) => {
        run.judged(pageSizeFacet('above maximum'));
        const answer = await run.api.tryList({ filters: [], page: 1, perPage: max + excess }, 'pagination/per-page-cap');
        if (answer === 'rejected') return;
        expectThat(
          run,
          answer.perPage <= max,
          'pagination/per-page-cap',
          `per_page ${max + excess} was honoured (answered ${answer.perPage})`,
          {
            expected: `<= ${max}`,
            actual: answer.perPage,
          },
        );
        expectThat(run, answer.items.length <= max, 'pagination/per-page-cap', `a page holds ${plural(answer.items.length, 'client')}`, {
          expected: `<= ${max}`,
          actual: answer.items.length,
        });
      },
      [{ name: `page size ${max + 1} (the maximum plus one)`, value: 1 }],
    );
  });
});

/** `client 7 appears on more than one page`, `clients 7, 9 appear ...`. */
function repeatedLine(repeated: readonly string[]): string {
  const ids = [...new Set(repeated)];
  return `${oneOrMany(ids.length, 'client', 'clients')} ${ids.join(', ')} ${oneOrMany(ids.length, 'appears', 'appear')} on more than one page`;
}
