/**
 * Stateful, model-based: random sequences of create, get, update, delete, restore and list run
 * against the target and against the in-memory model; every answer must agree with the model.
 * fast-check shrinks a failing sequence to the shortest one; the report prints its requests.
 */
import fc from 'fast-check';
import type { ClientApi } from '../adapters/types.js';
import { family, check } from '../engine/suite.js';
import { forAll, expectThat } from '../engine/property.js';
import type { ClientFields, Visibility } from '../model/client.js';
import { clientFields, fieldChanges, fieldsDiffer, sameIds, walkPages } from './support.js';
import type { CheckRun } from '../engine/check-run.js';

interface ModelClient {
  id: string;
  fields: ClientFields;
  visibility: Visibility;
}
interface Model {
  readonly scope: string;
  readonly clients: ModelClient[];
}
interface Real {
  readonly run: CheckRun;
  readonly api: ClientApi;
}
type Command = fc.AsyncCommand<Model, Real>;

/** After it ran, a command reads as the request it sent (credentials redacted); before, as its intent. */
abstract class ClientCommand implements Command {
  private sent?: string;
  abstract check(model: Readonly<Model>): boolean;
  protected abstract execute(model: Model, real: Real): Promise<void>;
  protected abstract intent(): string;
  async run(model: Model, real: Real): Promise<void> {
    try {
      await this.execute(model, real);
    } finally {
      const last = real.api.log.snapshot().at(-1);
      this.sent = last ? real.api.reproduce(last).command : undefined;
    }
  }
  toString(): string {
    return this.sent ? `${this.intent()}: ${this.sent}` : this.intent();
  }
}

const pickFrom = (model: Readonly<Model>, pick: number) => model.clients[pick % model.clients.length]!;

class Create extends ClientCommand {
  constructor(readonly fields: ClientFields) { super(); }
  check = () => true;
  intent = () => `create ${JSON.stringify(this.fields)}`;
  protected async execute(model: Model, { api }: Real) {
    const record = await api.create(this.fields, model.scope);
    expectThat(!model.clients.some((c) => c.id === record.id), 'stateful/fresh-id', `create returned id ${record.id}, which another client has`, { actual: record.id });
    model.clients.push({ id: record.id, fields: { ...this.fields }, visibility: 'active' });
  }
}

class Get extends ClientCommand {
  constructor(readonly pick: number) { super(); }
  check = (model: Readonly<Model>) => model.clients.length > 0;
  intent = () => `get client #${this.pick}`;
  protected async execute(model: Model, { api }: Real) {
    const expected = pickFrom(model, this.pick);
    const actual = await api.get(expected.id);
    const wrong = fieldsDiffer(expected.fields, actual.fields);
    expectThat(wrong.length === 0, 'stateful/get-fields', `get ${expected.id}: ${wrong.join(', ')} differ from the model`, { expected: expected.fields, actual: actual.fields });
    expectThat(actual.visibility === expected.visibility, 'stateful/get-visibility', `get ${expected.id}: visibility differs from the model`, { expected: expected.visibility, actual: actual.visibility });
  }
}

class Update extends ClientCommand {
  constructor(readonly pick: number, readonly changes: ClientFields) { super(); }
  check = (model: Readonly<Model>) => model.clients.length > 0;
  intent = () => `update client #${this.pick} with ${JSON.stringify(this.changes)}`;
  protected async execute(model: Model, { api }: Real) {
    const target = pickFrom(model, this.pick);
    await api.update(target.id, this.changes);
    target.fields = { ...target.fields, ...this.changes };
  }
}

class Delete extends ClientCommand {
  constructor(readonly pick: number) { super(); }
  check = (model: Readonly<Model>) => model.clients.some((c) => c.visibility === 'active');
  intent = () => `delete active client #${this.pick}`;
  protected async execute(model: Model, { api }: Real) {
    const active = model.clients.filter((c) => c.visibility === 'active');
    const target = active[this.pick % active.length]!;
    await api.softDelete(target.id);
    target.visibility = 'deleted';
  }
}

class Restore extends ClientCommand {
  constructor(readonly pick: number) { super(); }
  check = (model: Readonly<Model>) => model.clients.some((c) => c.visibility === 'deleted');
  intent = () => `restore deleted client #${this.pick}`;
  protected async execute(model: Model, { api }: Real) {
    const deleted = model.clients.filter((c) => c.visibility === 'deleted');
    const target = deleted[this.pick % deleted.length]!;
    await api.restore(target.id);
    target.visibility = 'active';
    // A restore must bring the client back as it was; read it back at once.
    const actual = await api.get(target.id);
    const wrong = fieldsDiffer(target.fields, actual.fields);
    expectThat(wrong.length === 0, 'stateful/restore-fields', `restore ${target.id}: ${wrong.join(', ')} differ from the model`, { expected: target.fields, actual: actual.fields });
  }
}

class List extends ClientCommand {
  constructor(readonly visibility: Visibility, readonly perPage: number) { super(); }
  check = () => true;
  intent = () => `list ${this.visibility} clients, ${this.perPage} per page`;
  protected async execute(model: Model, real: Real) {
    const pages = await walkPages(real.run, { scope: model.scope, filters: [], visibility: this.visibility, perPage: this.perPage });
    const listed = pages.flatMap((p) => p.items.map((i) => i.id));
    const expected = model.clients.filter((c) => c.visibility === this.visibility).map((c) => c.id);
    expectThat(sameIds(listed, expected), 'stateful/list', `the ${this.visibility} list differs from the model`, { expected, actual: listed });
  }
}

family('stateful', (env) => {
  check(env, 'random sequences of create, get, update, delete, restore and list agree with the model', { writes: true }, (run) => {
    const { api } = run;
    const create = clientFields(api).map((fields) => new Create(fields));
    const commands = fc.commands(
      [
        // Twice: with creates as likely as the rest, most sequences would touch no client at all.
        create,
        create,
        fc.nat().map((pick) => new Get(pick)),
        fc.tuple(fc.nat(), fieldChanges(api)).map(([pick, changes]) => new Update(pick, changes)),
        fc.nat().map((pick) => new Delete(pick)),
        ...(api.capabilities.restore ? [fc.nat().map((pick): Command => new Restore(pick))] : []),
        fc.tuple(fc.constantFrom<Visibility>('active', 'deleted'), fc.integer({ min: 1, max: 4 })).map(([v, n]) => new List(v, n)),
      ],
      { maxCommands: 20, size: '+1' },
    );
    return forAll(run, commands, (cmds) =>
      fc.asyncModelRun(() => ({ model: { scope: run.scope(), clients: [] }, real: { run, api } }), cmds),
    );
  });
});
