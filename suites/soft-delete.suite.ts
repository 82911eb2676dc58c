/**
 * Soft delete: a deleted client is kept (get shows it deleted, fields intact), leaves the active list,
 * appears in the deleted list, and a restore (where the API documents one) brings it back unchanged.
 */
import fc from 'fast-check';
import { family, check } from '../engine/suite.js';
import { forAll, expectThat } from '../engine/property.js';
import type { CheckRun } from '../engine/check-run.js';
import type { Visibility } from '../model/client.js';
import { changedSnapshotKeys, clientFields, createAll, fieldChanges, sameIds, walkPages } from './support.js';

async function listedIds(run: CheckRun, scope: string, visibility: Visibility): Promise<string[]> {
  const pages = await walkPages(run, { scope, filters: [], visibility, perPage: 100 });
  return pages.flatMap((p) => p.items.map((i) => i.id));
}

/** Several clients, some of them (by mask) deleted. */
const population = (run: CheckRun) =>
  fc.record({ clients: fc.array(clientFields(run.api), { minLength: 1, maxLength: 5 }), mask: fc.nat({ max: 31 }) });

family('soft-delete', (env) => {
  check(env, 'a deleted client is kept, shown as deleted, with its fields intact', { writes: true }, (run) =>
    forAll(run, clientFields(run.api), async (fields) => {
      const { id } = await run.api.create(fields, run.scope());
      const before = await run.api.get(id);
      await run.api.softDelete(id);
      const after = await run.api.get(id);
      expectThat(after.visibility === 'deleted', 'soft-delete/kept-as-deleted', `after delete, get shows the client as ${after.visibility}`, { expected: 'deleted', actual: after.visibility });
      const changed = changedSnapshotKeys(before, after, run.api.visibilityKeys);
      expectThat(changed.length === 0, 'soft-delete/fields-intact', `delete changed ${changed.join(', ')}`, { expected: before.snapshot, actual: after.snapshot });
    }),
  );

  check(env, 'deleted clients leave the active list and appear in the deleted list', { writes: true }, (run) =>
    forAll(run, population(run), async ({ clients, mask }) => {
      const scope = run.scope();
      const created = await createAll(run, scope, clients);
      const deleted = created.filter((_, i) => (mask >> i) & 1).map((c) => c.id);
      for (const id of deleted) await run.api.softDelete(id);
      const active = created.map((c) => c.id).filter((id) => !deleted.includes(id));
      const listedActive = await listedIds(run, scope, 'active');
      expectThat(sameIds(listedActive, active), 'soft-delete/active-list', 'the active list does not hold exactly the clients not deleted', { expected: active, actual: listedActive });
      const listedDeleted = await listedIds(run, scope, 'deleted');
      expectThat(sameIds(listedDeleted, deleted), 'soft-delete/deleted-list', 'the deleted list does not hold exactly the deleted clients', { expected: deleted, actual: listedDeleted });
    }),
  );

  check(env, 'a restore brings a deleted client back as it was before the delete', { writes: true }, async (run) => {
    if (!run.api.capabilities.restore) run.skip('the API documents no way to restore a deleted client');
    await forAll(run, fc.record({ fields: clientFields(run.api), changes: fieldChanges(run.api) }), async ({ fields, changes }) => {
      const scope = run.scope();
      const { id } = await run.api.create(fields, scope);
      // An update first: "unchanged" means as it was just before the delete, not as created.
      await run.api.update(id, changes);
      const before = await run.api.get(id);
      await run.api.softDelete(id);
      await run.api.restore(id);
      const after = await run.api.get(id);
      expectThat(after.visibility === 'active', 'soft-delete/restored', `after restore, get shows the client as ${after.visibility}`, { expected: 'active', actual: after.visibility });
      const changed = changedSnapshotKeys(before, after);
      expectThat(changed.length === 0, 'soft-delete/restored-unchanged', `restore changed ${changed.join(', ')}`, { expected: before.snapshot, actual: after.snapshot });
      const listed = await listedIds(run, scope, 'active');
      expectThat(listed.includes(id), 'soft-delete/restored-listed', 'a restored client is missing from the active list', { expected: [id], actual: listed });
    });
  });
});
