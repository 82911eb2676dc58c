/** Arbitraries and steps the property suites share; all in terms of the abstract model. */
import fc from 'fast-check';
import type { ClientApi } from '../adapters/types.js';
import type { CheckRun } from '../engine/check-run.js';
import type { StringConstraints } from '../generators/arbitraries.js';
import type { ClientField, ClientFields, ClientRecord } from '../model/client.js';

/** Few letters in both cases: substrings and case variants of one value show up in another. */
export const COLLIDING: StringConstraints = { alphabet: 'abAB', minLength: 1, maxLength: 5 };
export const EMAILS: StringConstraints = { alphabet: 'ab', minLength: 1, maxLength: 3 };

/** A full set of fields for a new client, every value drawn from the field's schema. */
export function clientFields(api: ClientApi, strings?: StringConstraints): fc.Arbitrary<ClientFields> {
  const record: Partial<Record<ClientField, fc.Arbitrary<string>>> = {};
  for (const field of api.capabilities.fields) record[field] = api.fieldArbitrary(field, strings);
  return fc.record(record) as fc.Arbitrary<ClientFields>;
}

/** A non-empty subset of the fields, with new values. */
export function fieldChanges(api: ClientApi): fc.Arbitrary<ClientFields> {
  return fc
    .subarray([...api.capabilities.fields], { minLength: 1 })
    .chain((fields) => {
      const record: Partial<Record<ClientField, fc.Arbitrary<string>>> = {};
      for (const field of fields) record[field] = api.fieldArbitrary(field);
      return fc.record(record) as fc.Arbitrary<ClientFields>;
    });
}

export async function createAll(run: CheckRun, scope: string, all: readonly ClientFields[]): Promise<ClientRecord[]> {
  const records: ClientRecord[] = [];
  for (const fields of all) records.push(await run.api.create(fields, scope));
  return records;
}

/** Every page of a list, walked from page 1 to `pages` as the first page announces it. */
export async function walkPages(run: { readonly api: ClientApi }, query: Omit<Parameters<ClientApi['list']>[0], 'page'>) {
  const first = await run.api.list({ ...query, page: 1 });
  const pages = [first];
  for (let page = 2; page <= first.pages && page <= 1000; page++) pages.push(await run.api.list({ ...query, page }));
  return pages;
}

export function sameIds(a: Iterable<string>, b: Iterable<string>): boolean {
  const left = [...a].sort();
  const right = [...b].sort();
  return left.length === right.length && left.every((id, i) => id === right[i]);
}

export function fieldsDiffer(expected: ClientFields, actual: ClientFields): ClientField[] {
  return (Object.keys(expected) as ClientField[]).filter((field) => expected[field] !== actual[field]);
}

/** The snapshot keys whose values differ between two reads of one client, except those in `ignore`. */
export function changedSnapshotKeys(before: ClientRecord, after: ClientRecord, ignore: ReadonlySet<string> = new Set()): string[] {
  const keys = new Set([...Object.keys(before.snapshot), ...Object.keys(after.snapshot)]);
  return [...keys].filter((k) => !ignore.has(k) && JSON.stringify(before.snapshot[k]) !== JSON.stringify(after.snapshot[k]));
}
