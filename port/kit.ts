/** What every adapter repeats: the ids it created (for cleanup), the scope tag, the envelope guard, and the port's plain members. */
import type fc from 'fast-check';
import { ConformanceFailure } from '../engine/failures.js';
import { journalCreated, journalDeleted } from '../engine/journal.js';
import { MIN_IN_FLIGHT } from '../engine/pacing.js';
import {
  DEFAULT_STRINGS,
  boundaryStrings,
  flattenSchema,
  stringArbitrary,
  type NamedValue,
  type RefResolver,
  type StringConstraints,
} from '../generators/arbitraries.js';
import type { JsonSchema } from '../generators/spec.js';
import type { FieldValue } from '../model/fields.js';
import { EVERY_SCOPE } from '../model/client.js';
import type { Session } from '../engine/session.js';
import type { Expectation } from '../engine/exchange.js';
import type { ClientRecord, ListPage, ListQuery } from '../model/client.js';
import type { Expectations } from './port.js';

/** A client id as every API here documents one: a positive integer (as a number or as digits). */
const CLIENT_ID = /^[1-9][0-9]{0,17}$/;

export function isClientId(value: unknown): value is string | number {
  return (typeof value === 'number' || typeof value === 'string') && CLIENT_ID.test(String(value));
}

/**
 * The id an answer carries, checked before any request carries it: one that is no id (`-0`, text, an
 * echoed header) is the answer's failure, judged on its schema, never a request clientele builds and
 * then refuses to send.
 */
export function checkedId(session: Session, value: unknown, where: string): string {
  if (isClientId(value)) return String(value);
  // JSON.stringify writes -0 as 0, which would name the one value that is fine as the one refused.
  const written = Object.is(value, -0) ? '-0' : (JSON.stringify(value)?.slice(0, 80) ?? String(value));
  const shown = value === undefined ? 'no id' : session.redactor.text(written);
  throw new ConformanceFailure('response-schema', `${where} carries ${shown} where a client id (a positive integer) belongs`, {
    expected: 'a positive integer',
    actual: shown,
  });
}

/**
 * What every JSON adapter's client record takes from the answer alike: the snapshot (every key but
 * those that change on their own, `volatile`) and the creation and update times at the keys named.
 */
export function snapshotAndTimes(
  client: Readonly<Record<string, unknown>>,
  volatile: (key: string) => boolean,
  stamps: { readonly created: string; readonly updated: string },
): Pick<ClientRecord, 'snapshot' | 'timestamps'> {
  const stamp = (key: string) => (typeof client[key] === 'string' ? (client[key] as string) : undefined);
  // Every client of every list answer goes through here: a loop, not entries filtered into a new object.
  const snapshot: Record<string, unknown> = {};
  for (const key of Object.keys(client)) if (!volatile(key)) snapshot[key] = client[key];
  return { snapshot, timestamps: { created: stamp(stamps.created), updated: stamp(stamps.updated) } };
}

/**
 * The ids of the clients an adapter created, so cleanup touches only those; journalled (when the run
 * has a journal, each line through the run's redactor) so a run that cannot clean up leaves the list
 * for `clientele cleanup`. Only ids are kept: a value that is none names nothing to delete.
 */
export class CreatedClients {
  private readonly ids = new Set<string>();

  constructor(
    private readonly journal: string | undefined,
    private readonly redact: (text: string) => string,
  ) {}

  add(id: string): void {
    if (this.ids.has(id) || !isClientId(id)) return;
    this.ids.add(id);
    journalCreated(this.journal, id, this.redact);
  }

  /**
   * A raw create the target accepted is ours to clean up, whatever the suite expected of it: the id at
   * `path` in the JSON of the session's last answer, if it was a success.
   */
  addAccepted(session: Session, path: readonly string[]): void {
    const response = session.log.last()?.response;
    if (!response || (response.httpStatus ?? 500) >= 300) return;
    try {
      let node: unknown = JSON.parse(response.body);
      for (const key of path) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
      if (node !== undefined && node !== null) this.add(String(node));
    } catch {
      // not JSON: nothing was created that we could name
    }
  }

  /** Takes ids created elsewhere (a journal's) as its own to clean up. */
  adopt(ids: readonly string[]): void {
    for (const id of ids) this.add(id);
  }

  /** Deletes every id with `remove` (true when it went), a few at a time, journalling each one that did. */
  async cleanup(remove: (id: string) => Promise<boolean>): Promise<void> {
    const all = [...this.ids];
    this.ids.clear();
    // The deletes are independent: a few in flight spare a distant target's round trips.
    const next = () => all.shift();
    const worker = async () => {
      for (let id = next(); id !== undefined; id = next()) if (await remove(id)) journalDeleted(this.journal, id, this.redact);
    };
    // As many as the run's window always admits, so none waits for a place while others could go.
    await Promise.all(Array.from({ length: MIN_IN_FLIGHT }, worker));
  }
}

/**
 * The text a scoped client carries (REST `note`, Classic `notes`): the run tag makes the client this
 * run's, the scope confines a list to one check or property case on a shared target.
 */
export function scopeTag(runTag: string, scope: string): string {
  return scope === EVERY_SCOPE ? `clientele-${runTag}-` : `clientele-${runTag}-${scope}-`;
}

/**
 * The scope as a suffix of a field's value, for APIs whose lists have no free-text field to hold a tag
 * (MCP, Grow CRM): `Ψ` and the run tag and scope in sixteen Greek letters, which no generated value
 * holds. Every scope's suffix starts with the run's (EVERY_SCOPE), so a substring filter on the run's
 * finds all of them.
 */
export function scopeSuffix(runTag: string, scope: string): string {
  const text = scope === EVERY_SCOPE ? `${runTag}/` : `${runTag}/${scope}/`;
  return SCOPE_MARK + [...Buffer.from(text, 'utf8').toString('hex')].map((digit) => HEX_LETTERS[parseInt(digit, 16)]).join('');
}
const SCOPE_MARK = 'Ψ';
const HEX_LETTERS = 'αβγδεζηθικλμνξοπ';
/** A scope suffix at the end of a value. */
export const SCOPE_SUFFIX = new RegExp(`${SCOPE_MARK}[${HEX_LETTERS}]+$`);

/** A numeric id far above any a target hands out in a run: an unknown id, probably, even on a shared target. */
function unlikelyNumericId(): string {
  return String(900_000_000 + Math.floor(Math.random() * 99_999_999));
}

/**
 * The port's members every adapter has alike: `list` is its own `listWith` expecting success, an
 * unknown id is an unlikely number, adopted ids join the created ones, and closing closes the session.
 */
export abstract class ClientApiBase {
  abstract readonly session: Session;
  abstract readonly expectations: Expectations;
  protected abstract readonly created: CreatedClients;
  /** A list with this expectation; `rejected` when the target refused the query as the expectation allows. */
  protected abstract listWith(query: ListQuery, expect: Expectation): Promise<ListPage | 'rejected'>;

  async list(query: ListQuery): Promise<ListPage> {
    const result = await this.listWith(query, { ...this.expectations.ok, why: 'a valid list succeeds' });
    // Success is all this expectation allows: the session threw before a refusal could come back.
    if (result === 'rejected') throw new Error('unreachable: a refusal was not expected');
    return result;
  }

  unknownId(): string {
    return unlikelyNumericId();
  }

  adopt(ids: readonly string[]): void {
    this.created.adopt(ids);
  }

  close(): Promise<void> {
    return this.session.close();
  }
}

type Json = Record<string, unknown>;

/** Walks a decoded JSON answer; the schema was checked already, so a gap is a failure (`envelope`), never a crash. */
export function dig(session: Session, operation: string, json: unknown, path: readonly string[]): Json {
  let node = json;
  for (const key of path) node = node && typeof node === 'object' ? (node as Json)[key] : undefined;
  if (!node || typeof node !== 'object') throw session.envelopeGap(operation, path.join('.'), json);
  return node as Json;
}

/**
 * A model field's values and edge values, from the schema of the create body's property that carries it:
 * what `ClientApi.fieldArbitrary` and `fieldBoundaries` answer for a JSON API. `withNull`: a nullable
 * property adds null to the edge values (an update that clears it).
 */
export class FieldSchemas {
  constructor(
    private readonly body: JsonSchema,
    private readonly keyOf: (field: string) => string | undefined,
    private readonly resolve: RefResolver,
    private readonly options: { readonly withNull?: boolean } = {},
  ) {}

  arbitrary(field: string, strings: StringConstraints = DEFAULT_STRINGS): fc.Arbitrary<string> {
    return stringArbitrary(this.schema(field), strings);
  }

  boundaries(field: string): readonly NamedValue<FieldValue>[] {
    const schema = this.schema(field);
    const nullable = this.options.withNull && Array.isArray(schema.type) && schema.type.includes('null');
    return [...boundaryStrings(schema), ...(nullable ? [{ name: 'null (the field is nullable)', value: null }] : [])];
  }

  private schema(field: string): JsonSchema {
    const schema = ((this.body.properties ?? {}) as Record<string, JsonSchema>)[this.keyOf(field) ?? ''];
    if (!schema) throw new Error(`spec: the create body has no property for ${field}`);
    return flattenSchema(schema, this.resolve);
  }
}
