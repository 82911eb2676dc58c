/**
 * What most checks rely on. When one of these fails, its dependants are reported blocked, naming it,
 * instead of as a cascade of unrelated failures.
 */
import type { ClientApi } from '../port/port.js';
import { ConformanceFailure } from '../engine/failures.js';
import { expectThat } from '../engine/property.js';
import type { CheckRun, Prerequisite, SharedWork } from './harness.js';
import { listedIds, someFields } from './support.js';
import { plural } from '../engine/words.js';

/** Every list-based property confines its lists to the clients of one scope (see ClientApi.create). */
export const SCOPE: Prerequisite = {
  family: 'contract',
  name: 'scoped list holds exactly its clients',
  claim: 'a list confined to one scope holds exactly the clients created in it',
  async probe(run) {
    if (run.config.readOnly) run.skip('judging the scope filter needs a client created on the target (--read-only)');
    const mine = run.scope();
    const elsewhere = run.scope();
    const { id } = await run.api.create(someFields(run.api, 'scope'), mine);
    // The items, not `total`: a wrong total is pagination's business, an unconfined list is this one's.
    const empty = await run.api.list({ scope: elsewhere, filters: [], page: 1, perPage: 5 });
    expectThat(
      run,
      empty.items.length === 0,
      'prerequisite/scope',
      `a list confined to a scope no client has holds ${plural(empty.items.length, 'client')}: the scope filter is ignored`,
      {
        expected: [],
        actual: empty.items.map((item) => item.id),
      },
    );
    const listed = await listedIds(run.api, { scope: mine, filters: [], perPage: 5 }, 1);
    expectThat(
      run,
      listed.length === 1 && listed[0] === id,
      'prerequisite/scope',
      'a list confined to a scope does not hold exactly its one client',
      { expected: [id], actual: listed },
    );
  },
};

/**
 * Whether the target hands the id of a deleted client out again, found once per run with the target to
 * itself: two clients created, both deleted, two more created. A server that reuses ids may give a freed
 * id to a client another check creates meanwhile (after a soft delete, two clients then share it): the
 * run's checks then run alone, one case at a time (`registerRuns`), so none sees another's.
 */
export const IDS_REUSED: SharedWork<boolean> = {
  key: 'ids-reused',
  alone: true,
  async make(run) {
    const scope = run.scope();
    const first = [await run.api.create(someFields(run.api, 'r0'), scope), await run.api.create(someFields(run.api, 'r1'), scope)];
    for (const { id } of first) await run.api.delete(id);
    const later = [await run.api.create(someFields(run.api, 'r2'), scope), await run.api.create(someFields(run.api, 'r3'), scope)];
    return later.some(({ id }) => first.some((gone) => gone.id === id));
  },
};

/** The restricted user's view of the API, or a skip saying why there is none. */
export function restrictedUser(run: CheckRun): ClientApi {
  if (!run.api.restricted) return run.skip('the API documents no restricted user');
  const restricted = run.api.restricted();
  if (!restricted) return run.skip('no restricted credential was given (--staff-token)');
  return restricted;
}

/** The access checks speak as the restricted user: their credential must work at all. */
export const RESTRICTED_USER: Prerequisite = {
  family: 'access',
  name: 'restricted credential accepted',
  claim: 'the restricted credential is accepted',
  async probe(run) {
    const staff = restrictedUser(run);
    try {
      await staff.list({ filters: [], page: 1, perPage: 1 });
    } catch (error) {
      if (!(error instanceof ConformanceFailure)) throw error;
      throw new ConformanceFailure('prerequisite/restricted-user', `a list as the restricted user is refused: ${error.message}`, {
        ...error.details,
        basisRule: 'prerequisite/restricted-user',
      });
    }
  },
};
