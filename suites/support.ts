/** Arbitraries and steps the property suites share; all in terms of the port and the model. */
import fc from 'fast-check';
import type { ClientApi } from '../adapters/port.js';
import type { NamedValue, StringConstraints } from '../generators/arbitraries.js';
import type { ClientRecord, ListPage, ListQuery } from '../model/client.js';
import { editableFields, type ClientFields, type FieldValue } from '../model/fields.js';
import type { CheckRun } from './harness.js';

/** Few letters in both cases: substrings and case variants of one value show up in another. */
export const COLLIDING: StringConstraints = { alphabet: 'abAB', minLength: 1, maxLength: 5 };
export const EMAILS: StringConstraints = { alphabet: 'ab', minLength: 1, maxLength: 3 };

/** The fields a plain create and update carry (text fields not managed by an action). */
export function editable(api: ClientApi): string[] {
  return editableFields(api.capabilities.fields).map((field) => field.name);
}

/** A full set of fields for a new client, every value drawn from the field's schema. */
export function clientFields(api: ClientApi, strings?: StringConstraints): fc.Arbitrary<ClientFields> {
  const record: Record<string, fc.Arbitrary<string>> = {};
  for (const field of editable(api)) record[field] = api.fieldArbitrary(field, strings);
  return fc.record(record);
}

/** A non-empty subset of the editable fields, with new values. */
export function fieldChanges(api: ClientApi): fc.Arbitrary<ClientFields> {
  return fc.subarray(editable(api), { minLength: 1 }).chain((fields) => {
    const record: Record<string, fc.Arbitrary<string>> = {};
    for (const field of fields) record[field] = api.fieldArbitrary(field);
    return fc.record(record);
  });
}

/** Minimal fields for a client whose content does not matter: the first editable field set to `value`. */
export function someFields(api: ClientApi, value: string): ClientFields {
  return { [editable(api)[0]!]: value };
}

export async function createAll(run: CheckRun, scope: string, all: readonly ClientFields[]): Promise<ClientRecord[]> {
  const records: ClientRecord[] = [];
  for (const fields of all) records.push(await run.api.create(fields, scope));
  return records;
}

/** How many pages a walk of a list no check of this run filled (a whole account's) may ask for. */
const UNSCOPED_PAGES = 20;

/**
 * Every page of a list, walked from page 1 to `pages` as the first page announces it, but never more
 * pages than `atMost` clients (what the check put in the scope) can fill, plus one: a target that
 * announces a million pages costs a page more than an honest one, and the counters' checks say it lied.
 */
export async function walkPages(api: ClientApi, query: Omit<ListQuery, 'page'>, atMost: number): Promise<ListPage[]> {
  const first = await api.list({ ...query, page: 1 });
  const perPage = query.perPage ?? Math.max(first.perPage, 1);
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

/** The snapshot keys whose values differ between two reads of one client, except those in `ignore`. */
export function changedSnapshotKeys(before: ClientRecord, after: ClientRecord, ignore: Iterable<string> = []): string[] {
  const skip = new Set(ignore);
  const keys = new Set([...Object.keys(before.snapshot), ...Object.keys(after.snapshot)]);
  return [...keys].filter((k) => !skip.has(k) && JSON.stringify(before.snapshot[k]) !== JSON.stringify(after.snapshot[k]));
}

/** A plain valid value of a field, the same on every run: what a boundary case leaves in the fields it does not probe. */
function plainValue(api: ClientApi, field: string): string {
  return fc.sample(api.fieldArbitrary(field), { seed: 1, numRuns: 1 })[0]!;
}

/** A client whose every field holds a plain value. */
export function plainClient(api: ClientApi): ClientFields {
  return Object.fromEntries(editable(api).map((field) => [field, plainValue(api, field)]));
}

/**
 * The boundary phase's field values, one case per edge class (empty, spaces, punctuation, Unicode, ...):
 * the class's value in every editable field whose schema allows it, a plain value elsewhere.
 */
export function boundaryFields(api: ClientApi, options: { nulls: boolean }): NamedValue<ClientFields>[] {
  const byClass = new Map<string, Record<string, FieldValue>>();
  for (const field of editable(api)) {
    for (const { name, value } of api.fieldBoundaries(field)) {
      if (value === null && !options.nulls) continue;
      const fields = byClass.get(name) ?? {};
      fields[field] = value;
      byClass.set(name, fields);
    }
  }
  return [...byClass].map(([name, fields]) => ({ name, value: fields }));
}
