/**
 * Access: a restricted user (Classic: a staff member) sees and changes only the clients assigned to
 * them. Black-box, that means: a client the full user creates now is assigned to nobody, so the
 * restricted user must not list, read, update or delete it; what they do list, they can read; and their
 * list is part of the full user's. Runs only when the run was given the restricted credential.
 */
import fc from 'fast-check';
import type { ClientApi } from '../adapters/types.js';
import type { CheckRun } from '../engine/check-run.js';
import { forAll, expectThat } from '../engine/property.js';
import { family, check } from '../engine/suite.js';
import { verifyExchange } from '../engine/verify.js';
import type { Visibility } from '../model/client.js';
import { changedSnapshotKeys, clientFields, createAll, walkPages } from './support.js';

async function restrictedUser(run: CheckRun): Promise<ClientApi> {
  const restricted = await run.api.restricted();
  if (!restricted) return run.skip('no restricted credential was given (--staff-token)');
  return restricted;
}

async function everyId(api: ClientApi, visibility: Visibility, scope?: string): Promise<string[]> {
  const pages = await walkPages({ api }, { scope, filters: [], visibility, perPage: api.capabilities.maxPerPage });
  return pages.flatMap((page) => page.items.map((item) => item.id));
}

family('access', (env) => {
  check(env, 'a restricted user never lists a client that is not assigned to them', { writes: true }, async (run) => {
    const staff = await restrictedUser(run);
    await forAll(run, fc.array(clientFields(run.api), { minLength: 1, maxLength: 4 }), async (clients) => {
      const scope = run.scope();
      const created = await createAll(run, scope, clients);
      const seen = await everyId(staff, 'active', scope);
      const leaked = created.map((c) => c.id).filter((id) => seen.includes(id));
      expectThat(leaked.length === 0, 'access/list-scope', `the restricted user lists clients not assigned to them: ${leaked.join(', ')}`, { expected: [], actual: leaked });
    });
  });

  check(env, 'a restricted user cannot read, change or delete a client not assigned to them', { writes: true }, async (run) => {
    const staff = await restrictedUser(run);
    await forAll(run, fc.record({ fields: clientFields(run.api), changes: clientFields(run.api) }), async ({ fields, changes }) => {
      const { id } = await run.api.create(fields, run.scope());
      const before = await run.api.get(id);
      for (const probe of [{ op: 'get', id } as const, { op: 'update', id, fields: changes } as const, { op: 'delete', id } as const]) {
        // The restricted view shares the run's exchange log, so a failure's reproduction shows these too.
        const exchange = await staff.probe(probe, 'valid');
        verifyExchange(staff.spec, exchange, { operation: exchange.operation, expect: staff.expectations.notPermitted });
      }
      const after = await run.api.get(id);
      const changed = changedSnapshotKeys(before, after);
      expectThat(changed.length === 0, 'access/unchanged', `the restricted user's refused requests changed ${changed.join(', ')}`, { expected: before.snapshot, actual: after.snapshot });
    });
  });

  check(env, 'a restricted user can read every client they list, and lists only clients that exist', { writes: false }, async (run) => {
    const staff = await restrictedUser(run);
    const mine = await everyId(staff, 'active');
    const all = await everyId(run.api, 'active');
    const unknown = mine.filter((id) => !all.includes(id));
    expectThat(unknown.length === 0, 'access/subset', `the restricted user lists clients the full user does not: ${unknown.join(', ')}`, { expected: 'a subset of the full list', actual: unknown });
    for (const id of mine.slice(0, 20)) {
      const read = await staff.get(id);
      expectThat(read.id === id, 'access/readable', `the restricted user lists ${id} but reading it gives ${read.id}`, { expected: id, actual: read.id });
    }
  });
});
