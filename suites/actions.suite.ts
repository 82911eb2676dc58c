/**
 * Actions: fields a client changes only through a request of their own (`FieldSpec.viaAction`). A set
 * action replaces the whole set (an empty one clears it; a set given on create is kept); an enum action
 * takes each documented value and refuses any other; a reference that must belong to the client accepts
 * the client's own value and refuses another client's. Each leaves every other stored field as it was,
 * and a refused one changes nothing.
 */
import type { Tallied } from '../engine/verdicts.js';
import fc from 'fast-check';
import type { ClientApi } from '../port/port.js';
import { expectThat, forAll } from '../engine/property.js';
import type { ClientRecord } from '../model/client.js';
import type { ClientFields } from '../model/fields.js';
import { actionFields, sameValue, type FieldSpec, type FieldValue } from '../model/fields.js';
import { check, family, type CheckRun } from './harness.js';
import { actionFacet } from './facets.js';
import { changedSnapshotKeys, clientFields, expectNamed, plainActions, refusalFor, setValue, someFields } from './support.js';

/** The action fields of a kind, or a skip saying the API has none. */
function actionFieldsOf(
  run: CheckRun,
  kind: FieldSpec['kind'],
  what: string,
  extra: (spec: FieldSpec) => boolean = () => true,
): FieldSpec[] {
  const fields = run.api.act ? actionFields(run.api.capabilities.fields).filter((spec) => spec.kind === kind && extra(spec)) : [];
  if (fields.length === 0) run.skip(`the API documents no action that sets ${what}`);
  return fields;
}

/**
 * A client whose other action fields hold something an action could wrongly reset: a set given on create
 * and an enum moved off its default, each except `field` (the one under test). So an action that also
 * clears the tags or resets the status shows in the fields it did not name.
 */
async function createWithOtherActions(run: CheckRun, fields: ClientFields, field: string, scope = run.scope()): Promise<string> {
  const { onCreate, viaAction } = plainActions(run.api);
  const others = (values: ClientFields) => Object.fromEntries(Object.entries(values).filter(([name]) => name !== field));
  const { id } = await run.api.create({ ...others(onCreate), ...fields }, scope);
  for (const [name, value] of Object.entries(others(viaAction))) await run.api.act!(id, name, value);
  return id;
}

/** Only the field the action set may differ between the two reads (server-kept timestamps aside). */
function expectUntouched(api: ClientApi, field: string, before: ClientRecord, after: ClientRecord, why: string): void {
  const changed = changedSnapshotKeys(before, after, api.wireKeys([field]));
  expectThat(api.session, changed.length === 0, 'actions/untouched', `${why} also changed ${changed.join(', ')}`, {
    expected: Object.fromEntries(changed.map((k) => [k, before.snapshot[k]])),
    actual: Object.fromEntries(changed.map((k) => [k, after.snapshot[k]])),
  });
}

function expectValue(on: Tallied, field: string, after: ClientRecord, wanted: FieldValue, rule: string, why: string): void {
  expectThat(on, sameValue(wanted, after.fields[field]), rule, `${why}: get shows ${JSON.stringify(after.fields[field])}`, {
    expected: wanted,
    actual: after.fields[field],
  });
}

/** A refused action changes nothing at all. */
function expectUnchanged(on: Tallied, before: ClientRecord, after: ClientRecord, why: string): void {
  const changed = changedSnapshotKeys(before, after);
  expectThat(on, changed.length === 0, 'actions/untouched', `${why}, yet changed ${changed.join(', ')}`, {
    expected: before.snapshot,
    actual: after.snapshot,
  });
}

export default family('actions', (env) => {
  check(
    env,
    'set action replaces the set',
    { claim: 'a set action replaces the whole set, an empty one clears it, and a set given on create is kept', writes: true },
    async (run) => {
      const fields = actionFieldsOf(run, 'set', 'a set');
      const steps = fc.array(fc.oneof(setValue(), fc.constant([] as string[])), { minLength: 1, maxLength: 3 });
      const replaceThenClear = {
        name: 'two words, one other word, then the empty set',
        value: {
          field: fields[0]!,
          initial: someFields(run.api, 'set'),
          onCreate: ['alpha', 'beta'],
          steps: [['alpha', 'beta'], ['gamma'], []],
        },
      };
      await forAll(
        run,
        fc.record({ field: fc.constantFrom(...fields), initial: clientFields(run.api), onCreate: setValue(), steps }),
        async ({ field, initial, onCreate, steps: sets }, run) => {
          const withSet = field.onCreate ? { ...initial, [field.name]: onCreate } : initial;
          const id = await createWithOtherActions(run, withSet, field.name);
          let before = await run.api.get(id);
          if (field.onCreate)
            expectValue(
              run,
              field.name,
              before,
              onCreate,
              'actions/set-on-create',
              `a create with ${field.name} ${JSON.stringify(onCreate)}`,
            );
          for (const set of sets) {
            run.judged(actionFacet(field.name, set.length === 0 ? 'the empty set' : 'a new set'));
            await run.api.act!(id, field.name, set);
            const after = await run.api.get(id);
            const why = `setting ${field.name} to ${JSON.stringify(set)}`;
            expectValue(run, field.name, after, set, set.length === 0 ? 'actions/set-clears' : 'actions/set-replaces', why);
            expectUntouched(run.api, field.name, before, after, why);
            before = after;
          }
        },
        [replaceThenClear],
      );
    },
  );

  check(
    env,
    'enum action takes documented values only',
    { claim: 'an enum action takes each documented value and refuses any other, which changes nothing', writes: true },
    async (run) => {
      const fields = actionFieldsOf(run, 'enum', 'a status', (spec) => Boolean(spec.values?.length));
      const refusal = run.api.expectations.invalid;
      await forAll(
        run,
        fc.constantFrom(...fields).chain((field) =>
          fc.record({
            field: fc.constant(field),
            initial: clientFields(run.api),
            values: fc.array(fc.constantFrom(...field.values!), { minLength: 1, maxLength: 3 }),
          }),
        ),
        async ({ field, initial, values }, run) => {
          const id = await createWithOtherActions(run, initial, field.name);
          let before = await run.api.get(id);
          for (const value of values) {
            run.judged(actionFacet(field.name, value));
            await run.api.act!(id, field.name, value);
            const after = await run.api.get(id);
            const why = `setting ${field.name} to ${JSON.stringify(value)}`;
            expectValue(run, field.name, after, value, 'actions/enum-applied', why);
            expectUntouched(run.api, field.name, before, after, why);
            before = after;
          }
          if (!refusal) return;
          const undocumented = `clientele-${field.values!.join('-')}`;
          const expectation = refusalFor(
            refusal,
            'actions/enum-refused',
            `${field.name} ${JSON.stringify(undocumented)} is not a documented value`,
          );
          const answer = await run.api.probe({ op: 'act', id, field: field.name, value: undocumented }, 'valid', expectation);
          expectNamed(run.api, answer, [field.name], expectation);
          expectUnchanged(run, before, await run.api.get(id), `${field.name} ${JSON.stringify(undocumented)} was refused`);
        },
      );
    },
  );

  check(
    env,
    'reference action takes only own values',
    {
      claim: "an action on a reference that must belong to the client accepts the client's own and refuses another client's",
      writes: true,
    },
    async (run) => {
      const fields = actionFieldsOf(run, 'ref', 'a reference that belongs to the client', (spec) => Boolean(spec.belongsToClient));
      const refusal = run.api.expectations.invalid;
      await forAll(
        run,
        fc.record({ field: fc.constantFrom(...fields), mine: clientFields(run.api), theirs: clientFields(run.api) }),
        async ({ field, mine, theirs }, run) => {
          const scope = run.scope();
          const id = await createWithOtherActions(run, mine, field.name, scope);
          const other = await run.api.get((await run.api.create(theirs, scope)).id);
          const before = await run.api.get(id);
          const own = before.fields[field.name];
          const foreign = other.fields[field.name];
          if (typeof own !== 'string' || typeof foreign !== 'string') return run.skip(`get does not show ${field.name}`);
          run.judged(actionFacet(field.name, "the client's own"));
          await run.api.act!(id, field.name, own);
          const kept = await run.api.get(id);
          expectValue(run, field.name, kept, own, 'actions/own-ref-kept', `setting ${field.name} to the client's own ${own}`);
          expectUntouched(run.api, field.name, before, kept, `setting ${field.name} to the client's own ${own}`);
          if (!refusal || own === foreign) return;
          run.judged(actionFacet(field.name, "another client's"));
          const expectation = refusalFor(refusal, 'actions/foreign-ref-refused', `${field.name} ${foreign} belongs to another client`);
          const answer = await run.api.probe({ op: 'act', id, field: field.name, value: foreign }, 'valid', expectation);
          expectNamed(run.api, answer, [field.name], expectation);
          expectUnchanged(run, kept, await run.api.get(id), `${field.name} ${foreign} (another client's) was refused`);
        },
      );
    },
  );
});
