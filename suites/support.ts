/** Arbitraries and steps the property suites share; all in terms of the port and the model. */
import fc from 'fast-check';
import type { ClientApi } from '../port/port.js';
import { expectThat } from '../engine/property.js';
import type { Expectation } from '../engine/exchange.js';
import type { Answer } from '../engine/session.js';
import type { NamedValue, StringConstraints } from '../generators/arbitraries.js';
import type { ClientRecord, ListPage, ListQuery } from '../model/client.js';
import {
  actionFields,
  editableFields,
  requiredOn,
  updatableFields,
  type ClientFields,
  type FieldSpec,
  type FieldValue,
} from '../model/fields.js';
import type { CheckRun } from './harness.js';

/** Few letters in both cases: substrings and case variants of one value show up in another. */
export const COLLIDING: StringConstraints = { alphabet: 'abAB', minLength: 1, maxLength: 5 };
export const EMAILS: StringConstraints = { alphabet: 'ab', minLength: 1, maxLength: 3 };

/** The fields a plain create carries (text fields not managed by an action). */
export function editable(api: ClientApi): string[] {
  return editableFields(api.capabilities.fields).map((field) => field.name);
}

/** The fields a plain update carries (those of a create but the ones only a create sends). */
export function updatable(api: ClientApi): string[] {
  return updatableFields(api.capabilities.fields).map((field) => field.name);
}

/** The fields the docs require on an operation. */
export function required(api: ClientApi, operation: 'create' | 'update'): string[] {
  return requiredOn(api.capabilities.fields, operation).map((field) => field.name);
}

/** Minimal changes for an update whose content does not matter: the first updatable field set to `value`, plain values where the docs require one. */
export function updateFields(api: ClientApi, value: string): ClientFields {
  const plain = Object.fromEntries(required(api, 'update').map((field) => [field, plainValue(api, field)]));
  return { ...plain, [updatable(api)[0]!]: value };
}

/** An update's changes with every field the docs require on update added, at its current value where the changes leave it out. */
export function withRequired(api: ClientApi, changes: ClientFields, current: ClientFields): ClientFields {
  const added = required(api, 'update').filter((field) => !(field in changes) && current[field] !== undefined);
  return { ...Object.fromEntries(added.map((field) => [field, current[field]!])), ...changes };
}

/** A full set of fields for a new client, every value drawn from the field's schema. */
export function clientFields(api: ClientApi, strings?: StringConstraints): fc.Arbitrary<ClientFields> {
  const record: Record<string, fc.Arbitrary<string>> = {};
  for (const field of editable(api)) record[field] = api.fieldArbitrary(field, strings);
  return fc.record(record);
}

/** A non-empty subset of the updatable fields, with new values: always those the docs require on update. */
export function fieldChanges(api: ClientApi): fc.Arbitrary<ClientFields> {
  const must = required(api, 'update');
  const optional = updatable(api).filter((field) => !must.includes(field));
  return fc.subarray(optional, { minLength: must.length > 0 ? 0 : 1 }).chain((fields) => {
    const record: Record<string, fc.Arbitrary<string>> = {};
    for (const field of [...must, ...fields]) record[field] = api.fieldArbitrary(field);
    return fc.record(record);
  });
}

/**
 * Minimal fields for a client whose content does not matter: the first editable field set to `value`,
 * and a plain value in every other field the docs require on create.
 */
export function someFields(api: ClientApi, value: string): ClientFields {
  const plain = Object.fromEntries(required(api, 'create').map((field) => [field, plainValue(api, field)]));
  return { ...plain, [editable(api)[0]!]: value };
}

/**
 * Creates the clients in one scope, a few at a time: the creates are independent, and a distant
 * target's round trips overlap. Never more than the run's concurrency, one for a check that runs alone:
 * then they go in the order asked, as a reproduction lists them. The records come back in the order asked.
 */
export async function createAll(run: CheckRun, scope: string, all: readonly ClientFields[]): Promise<ClientRecord[]> {
  const records: ClientRecord[] = new Array(all.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < all.length; i = next++) records[i] = await run.api.create(all[i]!, scope);
  };
  const width = run.alone ? 1 : Math.min(CREATES_IN_FLIGHT, run.config.concurrency, all.length);
  await Promise.all(Array.from({ length: width }, worker));
  return records;
}

const CREATES_IN_FLIGHT = 8;

/** How many pages a walk of a list no check of this run filled (a whole account's) may ask for. */
const UNSCOPED_PAGES = 20;

/**
 * Every page of a list, walked from page 1 to `pages` as the first page announces it, but never more
 * pages than `atMost` clients (what the check put in the scope) can fill, plus one: a target that
 * announces a million pages costs a page more than an honest one, and the counters' checks say it lied.
 */
export async function walkPages(api: ClientApi, query: Omit<ListQuery, 'page'>, atMost: number): Promise<ListPage[]> {
  const first = await api.list({ ...query, page: 1 });
  // A server that says its pages are smaller than asked (a cap) gets the pages that makes: never more than the clients, plus one.
  const answered = first.perPage > 0 ? first.perPage : undefined;
  const perPage = Math.max(1, Math.min(query.perPage ?? answered ?? 1, answered ?? Infinity));
  const bound = Number.isFinite(atMost) ? Math.ceil(atMost / perPage) + 1 : UNSCOPED_PAGES;
  const pages = [first];
  for (let page = 2; page <= Math.min(first.pages, bound); page++) pages.push(await api.list({ ...query, page }));
  return pages;
}

export async function listedIds(api: ClientApi, query: Omit<ListQuery, 'page'>, atMost: number): Promise<string[]> {
  return (await walkPages(api, query, atMost)).flatMap((page) => page.items.map((item) => item.id));
}

export function sameIds(a: Iterable<string>, b: Iterable<string>): boolean {
  const left = [...a].sort();
  const right = [...b].sort();
  return left.length === right.length && left.every((id, i) => id === right[i]);
}

/**
 * Waits until a server clock that keeps whole seconds shows a later time than `record`'s timestamps
 * (a little over a second, whatever the two clocks' offset): what the next request stamps, or rewrites
 * by mistake, then differs from them. Timestamps with fractions of a second need no wait, and a record
 * without timestamps gets none.
 */
export async function untilTheClockMoves(record: ClientRecord): Promise<void> {
  const stamps = Object.values(record.timestamps ?? {}).filter((stamp): stamp is string => typeof stamp === 'string');
  if (stamps.length === 0 || stamps.every((stamp) => /\.\d*[1-9]/.test(stamp))) return;
  await new Promise((resolve) => setTimeout(resolve, 1_050));
}

/** The snapshot keys whose values differ between two reads of one client, except those in `ignore`. */
export function changedSnapshotKeys(before: ClientRecord, after: ClientRecord, ignore: Iterable<string> = []): string[] {
  const skip = new Set(ignore);
  const keys = new Set([...Object.keys(before.snapshot), ...Object.keys(after.snapshot)]);
  return [...keys].filter((k) => !skip.has(k) && JSON.stringify(before.snapshot[k]) !== JSON.stringify(after.snapshot[k]));
}

/**
 * Plain values already drawn, per API (its fields and its spec view, both shared by every check that
 * opens it): they are a function of those alone (a fixed seed), and every check of every run wants them.
 */
const plainValues = new WeakMap<object, WeakMap<object, Map<string, string>>>();

/** Whether two values could stand for one another in a comparison or a match: equal, or one inside the other, in any case. */
function overlaps(a: string, b: string): boolean {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  return x.includes(y) || y.includes(x);
}

/**
 * A valid value of a field that overlaps none of `avoid` (drawn from the field's own schema, the same on
 * every run): so a value written into the wrong field, or a match on the wrong field, shows.
 */
export function freshValue(api: ClientApi, field: string, avoid: readonly string[], seed = 1): string {
  const candidates = fc.sample(api.fieldArbitrary(field), { seed, numRuns: 60 });
  return candidates.find((value) => value.trim() !== '' && !avoid.some((other) => overlaps(value, other))) ?? candidates[0]!;
}

/**
 * Plain valid values for every field a create may carry, the same on every run and told apart: no value
 * is empty, equal to another or part of another, so an operation that writes, clears or matches the
 * wrong field shows whichever field it touches.
 */
function plainValuesOf(api: ClientApi): Map<string, string> {
  let bySpec = plainValues.get(api.capabilities.fields);
  if (!bySpec) plainValues.set(api.capabilities.fields, (bySpec = new WeakMap()));
  let drawn = bySpec.get(api.session.spec);
  if (!drawn) {
    drawn = new Map<string, string>();
    for (const field of new Set([...required(api, 'create'), ...editable(api)]))
      drawn.set(field, freshValue(api, field, [...drawn.values()]));
    bySpec.set(api.session.spec, drawn);
  }
  return drawn;
}

/** A plain valid value of a field, the same on every run: what a boundary case leaves in the fields it does not probe. */
function plainValue(api: ClientApi, field: string): string {
  return plainValuesOf(api).get(field) ?? freshValue(api, field, []);
}

/** A client whose every field holds a plain value. */
export function plainClient(api: ClientApi): ClientFields {
  return Object.fromEntries(editable(api).map((field) => [field, plainValue(api, field)]));
}

/**
 * The boundary phase's field values, one case per edge class (empty, spaces, punctuation, Unicode, ...):
 * the class's value in every editable field whose schema allows it, a plain value elsewhere.
 */
export function boundaryFields(
  api: ClientApi,
  options: { nulls: boolean },
  fields: readonly string[] = editable(api),
): NamedValue<ClientFields>[] {
  const byClass = new Map<string, Record<string, FieldValue>>();
  for (const field of fields) {
    for (const { name, value } of api.fieldBoundaries(field)) {
      if (value === null && !options.nulls) continue;
      const fields = byClass.get(name) ?? {};
      fields[field] = value;
      byClass.set(name, fields);
    }
  }
  return [...byClass].map(([name, fields]) => ({ name, value: fields }));
}

/** A value an action on any client accepts: an empty set, an enum's first value; none for a ref that must belong to the client. */
export function actionProbeValue(field: FieldSpec): FieldValue | undefined {
  if (field.kind === 'set') return [];
  if (field.kind === 'enum') return field.values?.[0];
  return undefined;
}

/** A few short words: sets drawn from them overlap, so a set appended to instead of replaced shows. */
const SET_WORDS = ['alpha', 'beta', 'gamma', 'delta'];

/** A set value: a few of SET_WORDS. */
export function setValue(): fc.Arbitrary<string[]> {
  return fc.subarray(SET_WORDS, { minLength: 1 });
}

/**
 * Values for a client's action fields, where the API has them: a set given on create (where a create
 * may carry it) and an enum set by its action. Refs are left as the server made them.
 */
export function actionState(api: ClientApi): fc.Arbitrary<{ onCreate: ClientFields; viaAction: ClientFields }> {
  const onCreate: Record<string, fc.Arbitrary<FieldValue>> = {};
  const viaAction: Record<string, fc.Arbitrary<FieldValue>> = {};
  for (const field of actionFields(api.capabilities.fields)) {
    if (field.kind === 'set' && field.onCreate) onCreate[field.name] = setValue();
    // A set changed by its action after the create: what an update that restores the created set shows.
    if (field.kind === 'set' && api.act) viaAction[field.name] = setValue();
    else if (field.kind === 'enum' && field.values?.length && api.act) viaAction[field.name] = fc.constantFrom(...field.values);
  }
  return fc.record({
    onCreate: fc.record(onCreate) as fc.Arbitrary<ClientFields>,
    viaAction: fc.record(viaAction) as fc.Arbitrary<ClientFields>,
  });
}

/**
 * One fixed action state, for boundary cases: the first two set words on create, then a third by the set's
 * action (so the stored set is not the created one), and an enum's last value by its action.
 */
export function plainActions(api: ClientApi): { onCreate: ClientFields; viaAction: ClientFields } {
  const onCreate: Record<string, FieldValue> = {};
  const viaAction: Record<string, FieldValue> = {};
  for (const field of actionFields(api.capabilities.fields)) {
    if (field.kind === 'set' && field.onCreate) onCreate[field.name] = SET_WORDS.slice(0, 2);
    if (field.kind === 'set' && api.act) viaAction[field.name] = SET_WORDS.slice(2, 3);
    else if (field.kind === 'enum' && field.values?.length && api.act) viaAction[field.name] = field.values.at(-1)!;
  }
  return { onCreate, viaAction };
}

/**
 * A refusal expectation judged under `rule`: where the adapter's refusal leaves the exact status open
 * (lenient), that status is the open rule `<rule>-status`, so another 4xx only warns.
 */
export function refusalFor(refusal: Expectation, rule: string, why: string): Expectation {
  return { ...refusal, rule, why, ...(refusal.lenient ? { lenient: { ...refusal.lenient, exactRule: `${rule}-status` } } : {}) };
}

/**
 * A refusal must name the fields it is about, where the protocol's refusals name fields at all: in the
 * documented form of the documented status. A refusal another status carries (which a lenient
 * expectation lets pass, as an open choice) is judged under that open rule too.
 */
export function expectNamed(api: ClientApi, answer: Answer, fields: readonly string[], expectation: Expectation): void {
  if (!api.refusedFields) return;
  const named = api.refusedFields(answer);
  const missing = fields.filter((field) => !named.includes(field));
  // Named fields are part of the documented refusal's form; a refusal with another status is judged as open.
  const exact = answer.httpStatus === undefined || (expectation.httpStatuses ?? []).includes(answer.httpStatus);
  const rule = exact ? expectation.rule : (expectation.lenient?.exactRule ?? `${expectation.rule}-status`);
  expectThat(api.session, missing.length === 0, rule, `the refusal does not name ${missing.join(', ')}`, {
    expected: fields,
    actual: named,
  });
}
