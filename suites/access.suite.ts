/**
 * Access: a restricted user (Classic: a staff member) sees and changes only the clients assigned to
 * them. Black-box, that means: a client the full user creates now is assigned to nobody, so the
 * restricted user must not list, read, update or delete it; what they do list, they can read; and their
 * list is part of the full user's. Runs only when the run was given the restricted credential.
 */
import fc from 'fast-check';
import type { ClientApi } from '../port/port.js';
import { expectThat, forAll } from '../engine/property.js';
import { check, family, prerequisiteCheck } from './harness.js';
import { accessFacet } from './facets.js';
import { RESTRICTED_USER, SCOPE, restrictedUser } from './prerequisites.js';
import { changedSnapshotKeys, clientFields, createAll, listedIds } from './support.js';

/** Every client a user lists (in a scope of `atMost` clients, or the whole account), active ones only where the API keeps deleted clients. */
function everyId(api: ClientApi, scope?: string, atMost = Infinity): Promise<string[]> {
  const visibility = api.capabilities.deletion.kind === 'soft' ? ('active' as const) : undefined;
  return listedIds(api, { scope, filters: [], visibility, perPage: api.capabilities.paging.maxPerPage.value }, atMost);
}

export default family('access', (env) => {
  prerequisiteCheck(env, RESTRICTED_USER, { writes: false });

  check(
    env,
    'restricted lists hold only assigned clients',
    { claim: 'a restricted user never lists a client that is not assigned to them', writes: true, needs: [RESTRICTED_USER, SCOPE] },
    async (run) => {
      const staff = restrictedUser(run);
      await forAll(run, fc.array(clientFields(run.api), { minLength: 1, maxLength: 4 }), async (clients, run) => {
        const scope = run.scope();
        const created = await createAll(run, scope, clients);
        run.judged(accessFacet('restricted list'));
        const seen = await everyId(staff, scope, created.length);
        const leaked = created.map((c) => c.id).filter((id) => seen.includes(id));
        expectThat(
          run,
          leaked.length === 0,
          'access/list-scope',
          `the restricted user lists clients not assigned to them: ${leaked.join(', ')}`,
          { expected: [], actual: leaked },
        );
      });
    },
  );

  check(
    env,
    'restricted user cannot touch others',
    { claim: 'a restricted user cannot read, change or delete a client not assigned to them', writes: true, needs: [RESTRICTED_USER] },
    async (run) => {
      const staff = restrictedUser(run);
      await forAll(run, fc.record({ fields: clientFields(run.api), changes: clientFields(run.api) }), async ({ fields, changes }, run) => {
        const { id } = await run.api.create(fields, run.scope());
        const before = await run.api.get(id);
        run.judged(accessFacet('restricted write'));
        for (const probe of [{ op: 'get', id } as const, { op: 'update', id, fields: changes } as const, { op: 'delete', id } as const]) {
          // The restricted view shares the run's session, so a failure's reproduction shows these too.
          await staff.probe(probe, 'valid', staff.expectations.notPermitted);
        }
        const after = await run.api.get(id, 'access/unchanged');
        const changed = changedSnapshotKeys(before, after);
        expectThat(run, changed.length === 0, 'access/unchanged', `the restricted user's refused requests changed ${changed.join(', ')}`, {
          expected: before.snapshot,
          actual: after.snapshot,
        });
      });
    },
  );

  check(
    env,
    'restricted reads match restricted lists',
    {
      claim: 'a restricted user can read every client they list, and lists only clients that exist',
      writes: false,
      needs: [RESTRICTED_USER],
    },
    async (run) => {
      const staff = restrictedUser(run);
      run.judged(accessFacet('restricted read'));
      const mine = await everyId(staff);
      const all = await everyId(run.api);
      const unknown = mine.filter((id) => !all.includes(id));
      expectThat(
        run,
        unknown.length === 0,
        'access/subset',
        `the restricted user lists clients the full user does not: ${unknown.join(', ')}`,
        {
          expected: 'a subset of the full list',
          actual: unknown,
        },
      );
      for (const id of mine.slice(0, 20)) {
        const read = await staff.get(id);
        expectThat(run, read.id === id, 'access/readable', `the restricted user lists ${id} but reading it gives ${read.id}`, {
          expected: id,
          actual: read.id,
        });
      }
    },
  );
});
