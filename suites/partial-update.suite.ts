/**
 * Partial update: an update naming a subset of fields changes exactly those. Every other stored field,
 * read back with get, is unchanged (server-managed timestamps excepted), action fields included: the
 * client has a set given on create and an enum set by its action first, so an update that resets them shows.
 * An update without a field the docs require is refused and changes nothing.
 */
import fc from 'fast-check';
import { expectThat, forAll } from '../engine/property.js';
import { fieldsDiffer, type ClientFields } from '../model/fields.js';
import { plural } from '../engine/words.js';
import { check, family } from './harness.js';
import { updateFacet } from './facets.js';
import {
  actionState,
  plainActions,
  boundaryFields,
  changedSnapshotKeys,
  clientFields,
  fieldChanges,
  freshValue,
  plainClient,
  refusalFor,
  untilTheClockMoves,
  required,
  updatable,
  withRequired,
} from './support.js';

interface Case {
  readonly initial: ClientFields;
  readonly changes: ClientFields;
  readonly actions: { readonly onCreate: ClientFields; readonly viaAction: ClientFields };
  readonly waitForClock?: boolean;
}

export default family('partial-update', (env) => {
  check(env, 'update changes exactly what it names', { claim: 'an update changes exactly the fields it names', writes: true }, (run) => {
    const plain = plainClient(run.api);
    const fields = updatable(run.api);
    // Updates to the empty string, to null where a field is nullable, and to every other edge value, first.
    const edges = boundaryFields(run.api, { nulls: true }, fields).map(({ name, value }) => ({
      name: `update to ${name}`,
      value: { initial: plain, changes: withRequired(run.api, value, plain), actions: plainActions(run.api) },
    }));
    // Then each field alone, to a value no other field holds, on a client whose fields are all told apart:
    // an update that writes, clears or resets a field it did not name shows in that field. The first one
    // makes sure the update comes in a later second than the create, so a creation time rewritten shows.
    const alone = fields.map((field, i) => ({
      name: `update of ${field} alone`,
      value: {
        initial: plain,
        changes: withRequired(run.api, { [field]: freshValue(run.api, field, Object.values(plain).map(String), 2) }, plain),
        actions: plainActions(run.api),
        waitForClock: i === 0,
      },
    }));
    return forAll(
      run,
      fc.record({ initial: clientFields(run.api), changes: fieldChanges(run.api), actions: actionState(run.api) }),
      async ({ initial, changes, actions, waitForClock }: Case, run) => {
        const { id } = await run.api.create({ ...initial, ...actions.onCreate }, run.scope());
        for (const [field, value] of Object.entries(actions.viaAction)) await run.api.act!(id, field, value);
        const before = await run.api.get(id);
        await run.api.update(id, changes);
        let after = await run.api.get(id);
        // An update stamped in the second the client was created cannot show a creation time rewritten:
        // once per check, wait for the server's clock to move and update again.
        if (waitForClock && before.timestamps?.created !== undefined && after.timestamps?.updated === before.timestamps.created) {
          await untilTheClockMoves(before);
          await run.api.update(id, changes);
          after = await run.api.get(id);
        }
        const notApplied = fieldsDiffer(changes, after.fields, run.api.capabilities.fields);
        run.judged(updateFacet('named fields only'));
        expectThat(run, notApplied.length === 0, 'partial-update/applied', `the update did not store ${notApplied.join(', ')}`, {
          operation: 'update',
          expected: changes,
          actual: Object.fromEntries(notApplied.map((f) => [f, after.fields[f]])),
        });
        // Only the wire keys that carry the named fields may differ.
        const collateral = changedSnapshotKeys(before, after, run.api.wireKeys(Object.keys(changes)));
        expectThat(
          run,
          collateral.length === 0,
          'partial-update/untouched',
          `the update also changed ${collateral.join(', ')}, which it did not name`,
          {
            operation: 'update',
            expected: Object.fromEntries(collateral.map((k) => [k, before.snapshot[k]])),
            actual: Object.fromEntries(collateral.map((k) => [k, after.snapshot[k]])),
          },
        );
        const created = before.timestamps?.created;
        expectThat(
          run,
          created === after.timestamps?.created,
          'partial-update/untouched',
          'the update also changed when the client was created',
          { operation: 'update', expected: created, actual: after.timestamps?.created },
        );
      },
      [...edges, ...alone],
    );
  });

  check(
    env,
    'repeated updates leave the rest alone',
    { claim: 'repeated updates of one field leave the others alone', writes: true },
    (run) =>
      forAll(
        run,
        fc.record({
          initial: clientFields(run.api),
          // Values from the field's own schema: a made-up value could break its pattern (an email, a phone).
          change: fc
            .constantFrom(...updatable(run.api))
            .chain((field) =>
              fc.record({ field: fc.constant(field), values: fc.array(run.api.fieldArbitrary(field), { minLength: 1, maxLength: 3 }) }),
            ),
        }),
        async ({ initial, change: { field, values } }, run) => {
          const { id } = await run.api.create(initial, run.scope());
          for (const value of values) await run.api.update(id, withRequired(run.api, { [field]: value }, initial));
          const after = await run.api.get(id);
          const expected = { ...initial, [field]: values.at(-1)! };
          const wrong = fieldsDiffer(expected, after.fields, run.api.capabilities.fields);
          expectThat(
            run,
            wrong.length === 0,
            'partial-update/repeated',
            `after ${plural(values.length, 'update')} of ${field}, the client differs from what was sent in ${wrong.join(', ')}`,
            { expected, actual: after.fields },
          );
        },
      ),
  );

  check(
    env,
    'update without a required field refused',
    { claim: 'an update without a field the docs require is refused and changes nothing', writes: true },
    async (run) => {
      const fields = required(run.api, 'update');
      const refusal = run.api.expectations.invalid;
      if (fields.length === 0 || !refusal) return run.skip('the docs require no field on update, or name no refusal for one left out');
      await forAll(
        run,
        fc.record({ initial: clientFields(run.api), changes: fieldChanges(run.api) }),
        async ({ initial, changes }, run) => {
          const { id } = await run.api.create(initial, run.scope());
          const before = await run.api.get(id);
          for (const field of fields) {
            const without = Object.fromEntries(Object.entries(changes).filter(([name]) => name !== field));
            await run.api.probe(
              { op: 'update', id, fields: without },
              'valid',
              refusalFor(refusal, 'errors/required-field', `an update without ${field} is refused`),
            );
          }
          const after = await run.api.get(id);
          const changed = changedSnapshotKeys(before, after);
          expectThat(run, changed.length === 0, 'partial-update/refused-unchanged', `a refused update changed ${changed.join(', ')}`, {
            operation: 'update',
            expected: Object.fromEntries(changed.map((k) => [k, before.snapshot[k]])),
            actual: Object.fromEntries(changed.map((k) => [k, after.snapshot[k]])),
          });
        },
      );
    },
  );
});
