/**
 * Deletion, of the kind each API documents. Soft: a deleted client is kept (get shows it deleted, fields
 * intact), leaves the active list, appears in the deleted list, and a restore (where documented) brings
 * it back unchanged. Hard: the client is gone; get, update, actions and a second delete answer the documented
 * not-found error, no list shows it, and no later create reuses its id.
 */
import fc from 'fast-check';
import type { ClientApi } from '../port/port.js';
import { expectThat, forAll } from '../engine/property.js';
import type { DeletionFacet } from '../model/capabilities.js';
import { actionFields } from '../model/fields.js';
import { created as createdIn, deleted as deletedIn, EMPTY_STATE, expectedList, listAgrees, type ModelState } from '../model/state.js';
import { plural } from '../engine/words.js';
import { check, family, type CheckRun } from './harness.js';
import { deletionFacet, restoreFacet } from './facets.js';
import { SCOPE } from './prerequisites.js';
import {
  actionProbeValue,
  changedSnapshotKeys,
  clientFields,
  createAll,
  fieldChanges,
  listedIds,
  sameIds,
  someFields,
  updateFields,
  walkPages,
} from './support.js';

/** Several clients, some of them (by mask) deleted. */
const population = (api: ClientApi) =>
  fc.record({ clients: fc.array(clientFields(api), { minLength: 1, maxLength: 5 }), mask: fc.nat({ max: 31 }) });

function softDeletion(run: CheckRun): Extract<DeletionFacet, { kind: 'soft' }> {
  const deletion = run.api.capabilities.deletion;
  if (deletion.kind !== 'soft') return run.skip(`the API documents a ${deletion.kind} delete`);
  return deletion;
}

function hardDeletion(run: CheckRun): void {
  const deletion = run.api.capabilities.deletion;
  if (deletion.kind !== 'hard') run.skip(`the API documents a ${deletion.kind} delete: deleted clients are kept`);
}

export default family('deletion', (env) => {
  check(
    env,
    'soft delete keeps the client',
    { claim: 'a soft-deleted client is kept, shown as deleted, with its fields intact', writes: true },
    async (run) => {
      const { visibilityKeys } = softDeletion(run);
      await forAll(run, clientFields(run.api), async (fields, run) => {
        const { id } = await run.api.create(fields, run.scope());
        const before = await run.api.get(id);
        await run.api.delete(id);
        run.judged(deletionFacet('get'));
        const after = await run.api.get(id, 'deletion/kept-as-deleted');
        expectThat(
          run,
          after.visibility === 'deleted',
          'deletion/kept-as-deleted',
          `after delete, get shows the client as ${after.visibility}`,
          {
            expected: 'deleted',
            actual: after.visibility,
          },
        );
        const changed = changedSnapshotKeys(before, after, visibilityKeys);
        expectThat(run, changed.length === 0, 'deletion/fields-intact', `delete changed ${changed.join(', ')}`, {
          expected: before.snapshot,
          actual: after.snapshot,
        });
      });
    },
  );

  check(
    env,
    'deleted clients leave the active list',
    {
      claim: 'deleted clients leave the active list (and appear in the deleted list, for a soft delete)',
      writes: true,
      needs: [SCOPE],
    },
    (run) =>
      forAll(run, population(run.api), async ({ clients, mask }, run) => {
        const { deletion, filters } = run.api.capabilities;
        const scope = run.scope();
        const created = await createAll(run, scope, clients);
        let state: ModelState = EMPTY_STATE;
        for (const client of created) state = createdIn(state, client.id, client.fields, deletion.kind === 'soft');
        const doomed = created.filter((_, i) => (mask >> i) & 1).map((c) => c.id);
        for (const id of doomed) {
          await run.api.delete(id);
          state = deletedIn(state, id, deletion);
        }
        const soft = deletion.kind === 'soft';
        const activePages = await walkPages(
          run.api,
          { scope, filters: [], ...(soft ? { visibility: 'active' as const } : {}), perPage: 100 },
          created.length,
        );
        const active = activePages.flatMap((page) => page.items.map((item) => item.id));
        run.judged(deletionFacet('active list'), ...(soft ? [deletionFacet('deleted list')] : []));
        const expectedActive = expectedList(state, [], filters, soft ? 'active' : undefined);
        expectThat(
          run,
          listAgrees(active, expectedActive),
          'deletion/active-list',
          'the list does not hold exactly the clients not deleted',
          {
            expected: expectedActive.must,
            actual: active,
          },
        );
        // The count belongs to the list it heads: deleted clients count in no list that leaves them out.
        const activeTotal = activePages[0]!.total;
        expectThat(
          run,
          activeTotal === active.length,
          'filtering/total',
          `the list of clients not deleted reports total ${activeTotal} for ${plural(active.length, 'client')}`,
          { expected: active.length, actual: activeTotal },
        );
        if (!soft) return;
        const deletedPages = await walkPages(run.api, { scope, filters: [], visibility: 'deleted', perPage: 100 }, created.length);
        const listedDeleted = deletedPages.flatMap((page) => page.items.map((item) => item.id));
        expectThat(
          run,
          sameIds(listedDeleted, doomed),
          'deletion/deleted-list',
          'the deleted list does not hold exactly the deleted clients',
          {
            expected: doomed,
            actual: listedDeleted,
          },
        );
        const total = deletedPages[0]!.total;
        expectThat(
          run,
          total === listedDeleted.length,
          'filtering/total',
          `the deleted list reports total ${total} for ${listedDeleted.length} clients`,
          { expected: listedDeleted.length, actual: total },
        );
      }),
  );

  check(
    env,
    'restore brings the client back',
    { claim: 'a restore brings a deleted client back as it was before the delete', writes: true, needs: [SCOPE] },
    async (run) => {
      softDeletion(run);
      const restore = run.api.restore?.bind(run.api);
      if (!restore) return run.skip('the API documents no way to restore a deleted client');
      await forAll(run, fc.record({ fields: clientFields(run.api), changes: fieldChanges(run.api) }), async ({ fields, changes }, run) => {
        const scope = run.scope();
        const { id } = await run.api.create(fields, scope);
        // An update first: "unchanged" means as it was just before the delete, not as created.
        await run.api.update(id, changes);
        const before = await run.api.get(id);
        await run.api.delete(id);
        run.judged(restoreFacet);
        await restore(id);
        const after = await run.api.get(id, 'deletion/restored');
        expectThat(run, after.visibility === 'active', 'deletion/restored', `after restore, get shows the client as ${after.visibility}`, {
          expected: 'active',
          actual: after.visibility,
        });
        const changed = changedSnapshotKeys(before, after);
        expectThat(run, changed.length === 0, 'deletion/restored-unchanged', `restore changed ${changed.join(', ')}`, {
          expected: before.snapshot,
          actual: after.snapshot,
        });
        const listed = await listedIds(run.api, { scope, filters: [], visibility: 'active', perPage: 100 }, 1);
        expectThat(run, listed.includes(id), 'deletion/restored-listed', 'a restored client is missing from the active list', {
          expected: [id],
          actual: listed,
        });
      });
    },
  );

  check(
    env,
    'hard-deleted client is gone',
    { claim: 'a hard-deleted client is gone: get, update, actions and a second delete answer not found', writes: true },
    async (run) => {
      hardDeletion(run);
      await forAll(run, clientFields(run.api), async (fields, run) => {
        const { id } = await run.api.create(fields, run.scope());
        await run.api.delete(id);
        const gone = run.api.expectations.unknownId;
        run.judged(deletionFacet('get'), deletionFacet('update'), deletionFacet('delete again'));
        await run.api.probe({ op: 'get', id }, 'valid', { ...gone, why: `a deleted client is gone (${gone.why})` });
        await run.api.probe({ op: 'update', id, fields: updateFields(run.api, 'ghost') }, 'valid', {
          ...gone,
          why: `a deleted client cannot be updated (${gone.why})`,
        });
        for (const field of actionFields(run.api.capabilities.fields)) {
          // A ref that must belong to the client has no value valid for a gone one: validation may answer first.
          const value = actionProbeValue(field);
          if (value !== undefined) run.judged(deletionFacet('action'));
          if (value !== undefined)
            await run.api.probe({ op: 'act', id, field: field.name, value }, 'valid', {
              ...gone,
              why: `a deleted client's ${field.name} cannot be set (${gone.why})`,
            });
        }
        await run.api.probe({ op: 'delete', id }, 'valid', { ...gone, why: `a deleted client cannot be deleted again (${gone.why})` });
      });
    },
  );

  check(
    env,
    'deleted ids are not reused',
    { claim: 'no later create reuses the id of a hard-deleted client', writes: true },
    async (run) => {
      hardDeletion(run);
      await forAll(run, fc.integer({ min: 1, max: 4 }), async (count, run) => {
        const scope = run.scope();
        const first = await createAll(
          run,
          scope,
          Array.from({ length: count }, (_, i) => someFields(run.api, `h${i}`)),
        );
        for (const client of first) await run.api.delete(client.id);
        const later = await createAll(
          run,
          scope,
          Array.from({ length: count }, (_, i) => someFields(run.api, `n${i}`)),
        );
        const reused = later.map((c) => c.id).filter((id) => first.some((c) => c.id === id));
        run.judged(deletionFacet('id not reused'));
        expectThat(run, reused.length === 0, 'deletion/id-not-reused', `a new client got the id of a deleted one: ${reused.join(', ')}`, {
          expected: 'fresh ids',
          actual: reused,
        });
      });
    },
  );
});
