/**
 * Stateful, model-based: random sequences of the operations an API has (create, get, update, delete,
 * restore and actions where documented, list) run against the target and against the model's pure transitions
 * (`model/state.ts`); every answer must agree with the model. fast-check shrinks a failing sequence to
 * the shortest one; the report prints its requests.
 */
import fc from 'fast-check';
import type { ClientApi } from '../port/port.js';
import { expectThat, forAll } from '../engine/property.js';
import type { Visibility } from '../model/client.js';
import { actionFields, fieldsDiffer, type ClientFields, type FieldValue } from '../model/fields.js';
import * as transition from '../model/state.js';
import { check, family, type CheckRun } from './harness.js';
import { SCOPE } from './prerequisites.js';
import { clientFields, fieldChanges, listedIds, setValue, withRequired } from './support.js';

/** fast-check's model is mutable; it holds the pure state and replaces it at each step. */
interface Model {
  readonly scope: string;
  state: transition.ModelState;
}
interface Real {
  readonly run: CheckRun;
  readonly api: ClientApi;
}
type Command = fc.AsyncCommand<Model, Real>;

/** After it ran, a command reads as the request it sent (credentials named, never written); before, as its intent. */
abstract class ClientCommand implements Command {
  /** What it sent last, written out only if the command is ever read (a counterexample is). */
  private sent?: () => string;
  abstract check(model: Readonly<Model>): boolean;
  protected abstract execute(model: Model, real: Real): Promise<void>;
  protected abstract intent(): string;
  async run(model: Model, real: Real): Promise<void> {
    try {
      await this.execute(model, real);
    } finally {
      const { session } = real.api;
      const last = session.log.last();
      this.sent = last ? () => session.reproduce(last).command : undefined;
    }
  }
  toString(): string {
    return this.sent ? `${this.intent()}: ${this.sent()}` : this.intent();
  }
}

const soft = (api: ClientApi) => api.capabilities.deletion.kind === 'soft';
const pickFrom = <T>(items: readonly T[], pick: number) => items[pick % items.length]!;
const withVisibility = (model: Readonly<Model>, visibility: Visibility) =>
  model.state.clients.filter((c) => (c.visibility ?? 'active') === visibility);

class Create extends ClientCommand {
  constructor(readonly fields: ClientFields) {
    super();
  }
  check = () => true;
  intent = () => `create ${JSON.stringify(this.fields)}`;
  protected async execute(model: Model, { api }: Real) {
    const record = await api.create(this.fields, model.scope);
    const holder = model.state.clients.find((c) => c.id === record.id);
    const active = holder !== undefined && (holder.visibility ?? 'active') === 'active';
    expectThat(api.session, !active, 'stateful/fresh-id', `create returned id ${record.id}, which another client has`, {
      actual: record.id,
    });
    // An id a deleted client had: taken where a delete keeps the client, the API's choice where it may not.
    const had = holder !== undefined || model.state.gone.includes(record.id);
    expectThat(api.session, !had, 'stateful/deleted-id', `create returned id ${record.id}, which a deleted client had`, {
      actual: record.id,
    });
    model.state = transition.created(model.state, record.id, this.fields, soft(api));
  }
}

class Get extends ClientCommand {
  constructor(readonly pick: number) {
    super();
  }
  check = (model: Readonly<Model>) => model.state.clients.length > 0;
  intent = () => `get client #${this.pick}`;
  protected async execute(model: Model, { api }: Real) {
    const expected = pickFrom(model.state.clients, this.pick);
    // Reading a deleted client relies on what a delete keeps, which the docs may leave open: its own rule.
    const deleted = expected.visibility === 'deleted';
    const actual = await api.get(expected.id, deleted ? 'stateful/deleted-read' : 'success');
    const wrong = fieldsDiffer(expected.fields, actual.fields, api.capabilities.fields);
    expectThat(
      api.session,
      wrong.length === 0,
      deleted ? 'stateful/deleted-read' : 'stateful/get-fields',
      `get ${expected.id} differs from the model in ${wrong.join(', ')}`,
      {
        expected: expected.fields,
        actual: actual.fields,
      },
    );
    expectThat(
      api.session,
      actual.visibility === expected.visibility,
      deleted ? 'stateful/deleted-read' : 'stateful/get-visibility',
      `get ${expected.id}: visibility differs from the model`,
      { expected: expected.visibility, actual: actual.visibility },
    );
  }
}

class Update extends ClientCommand {
  constructor(
    readonly pick: number,
    readonly changes: ClientFields,
  ) {
    super();
  }
  check = (model: Readonly<Model>) => model.state.clients.length > 0;
  intent = () => `update client #${this.pick} with ${JSON.stringify(this.changes)}`;
  protected async execute(model: Model, { api }: Real) {
    const target = pickFrom(model.state.clients, this.pick);
    const changes = withRequired(api, this.changes, target.fields);
    await api.update(target.id, changes, target.visibility === 'deleted' ? 'stateful/deleted-update' : 'success');
    model.state = transition.updated(model.state, target.id, changes);
  }
}

class Delete extends ClientCommand {
  constructor(readonly pick: number) {
    super();
  }
  check = (model: Readonly<Model>) => withVisibility(model, 'active').length > 0;
  intent = () => `delete active client #${this.pick}`;
  protected async execute(model: Model, { api }: Real) {
    const target = pickFrom(withVisibility(model, 'active'), this.pick);
    await api.delete(target.id);
    model.state = transition.deleted(model.state, target.id, api.capabilities.deletion);
  }
}

/** An action sets one field (a set replaced whole, an enum value) and nothing else. */
class Act extends ClientCommand {
  constructor(
    readonly pick: number,
    readonly field: string,
    readonly value: FieldValue,
  ) {
    super();
  }
  check = (model: Readonly<Model>) => withVisibility(model, 'active').length > 0;
  intent = () => `set ${this.field} of active client #${this.pick} to ${JSON.stringify(this.value)}`;
  protected async execute(model: Model, { api }: Real) {
    const target = pickFrom(withVisibility(model, 'active'), this.pick);
    await api.act!(target.id, this.field, this.value);
    model.state = transition.fieldSet(model.state, target.id, this.field, this.value);
  }
}

class Restore extends ClientCommand {
  constructor(readonly pick: number) {
    super();
  }
  check = (model: Readonly<Model>) => withVisibility(model, 'deleted').length > 0;
  intent = () => `restore deleted client #${this.pick}`;
  protected async execute(model: Model, { api }: Real) {
    const target = pickFrom(withVisibility(model, 'deleted'), this.pick);
    await api.restore!(target.id);
    model.state = transition.restored(model.state, target.id);
    // A restore must bring the client back as it was; read it back at once.
    const actual = await api.get(target.id, 'stateful/restore-fields');
    const wrong = fieldsDiffer(target.fields, actual.fields, api.capabilities.fields);
    expectThat(
      api.session,
      wrong.length === 0,
      'stateful/restore-fields',
      `restore ${target.id} differs from the model in ${wrong.join(', ')}`,
      {
        expected: target.fields,
        actual: actual.fields,
      },
    );
  }
}

class List extends ClientCommand {
  constructor(
    readonly visibility: Visibility | undefined,
    readonly perPage: number,
  ) {
    super();
  }
  check = () => true;
  intent = () => `list ${this.visibility ?? 'all'} clients, ${this.perPage} per page`;
  protected async execute(model: Model, { api }: Real) {
    const listed = await listedIds(
      api,
      { scope: model.scope, filters: [], visibility: this.visibility, perPage: this.perPage },
      model.state.clients.length,
    );
    const expected = transition.expectedList(model.state, [], api.capabilities.filters, this.visibility);
    const rule = this.visibility === 'deleted' ? 'stateful/deleted-list' : 'stateful/list';
    expectThat(api.session, transition.listAgrees(listed, expected), rule, `the ${this.visibility ?? ''} list differs from the model`, {
      expected: expected.must,
      actual: listed,
    });
  }
}

/** One command per action field the suite can give a value: sets of a few words, enums' documented values. */
function actionCommands(api: ClientApi): fc.Arbitrary<Command>[] {
  if (!api.act) return [];
  return actionFields(api.capabilities.fields).flatMap((field) => {
    const values: fc.Arbitrary<FieldValue> | undefined =
      field.kind === 'set'
        ? fc.oneof(setValue(), fc.constant([]))
        : field.kind === 'enum' && field.values?.length
          ? fc.constantFrom(...field.values)
          : undefined;
    return values ? [fc.tuple(fc.nat(), values).map(([pick, value]): Command => new Act(pick, field.name, value))] : [];
  });
}

/** The commands this API's capabilities allow: restore only where documented, lists by visibility only for soft deletes. */
function commandsFor(api: ClientApi): fc.Arbitrary<Command>[] {
  const create = clientFields(api).map((fields): Command => new Create(fields));
  const visibilities: (Visibility | undefined)[] = soft(api) ? ['active', 'deleted'] : [undefined];
  return [
    // Twice: with creates as likely as the rest, most sequences would touch no client at all.
    create,
    create,
    fc.nat().map((pick) => new Get(pick)),
    fc.tuple(fc.nat(), fieldChanges(api)).map(([pick, changes]) => new Update(pick, changes)),
    fc.nat().map((pick) => new Delete(pick)),
    ...(api.restore ? [fc.nat().map((pick): Command => new Restore(pick))] : []),
    ...actionCommands(api),
    fc.tuple(fc.constantFrom(...visibilities), fc.integer({ min: 1, max: 4 })).map(([v, n]) => new List(v, n)),
  ];
}

export default family('stateful', (env) => {
  check(
    env,
    'random sequences agree with the model',
    { claim: 'random sequences of the documented operations agree with the model', writes: true, needs: [SCOPE] },
    (run) => {
      const commands = fc.commands(commandsFor(run.api), { maxCommands: 20, size: '+1' });
      return forAll(run, commands, (cmds, run) =>
        fc.asyncModelRun(() => ({ model: { scope: run.scope(), state: transition.EMPTY_STATE }, real: { run, api: run.api } }), cmds),
      );
    },
  );
});
