/**
 * fast-check arbitraries derived from the spec's JSON Schemas: valid values (what a conforming client
 * may send) and invalid bodies (one field given a type the schema forbids), for the negative checks.
 * Factories validate their constraints at once, so a bad argument fails where it is written.
 */
import fc from 'fast-check';
import type { JsonSchema } from './spec.js';

export interface StringConstraints {
  /** Characters strings are drawn from; small alphabets make substring collisions likely. */
  readonly alphabet: string;
  readonly minLength: number;
  readonly maxLength: number;
}

export const DEFAULT_STRINGS: StringConstraints = {
  alphabet: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-',
  minLength: 1,
  maxLength: 16,
};

export type RefResolver = (ref: string) => JsonSchema;

function checkStringConstraints(strings: StringConstraints): void {
  if (strings.alphabet.length === 0) throw new RangeError('strings.alphabet must not be empty');
  if (!Number.isInteger(strings.minLength) || strings.minLength < 0) throw new RangeError('strings.minLength must be an integer >= 0');
  if (!Number.isInteger(strings.maxLength) || strings.maxLength < strings.minLength) {
    throw new RangeError('strings.maxLength must be an integer >= strings.minLength');
  }
}

function typesOf(schema: JsonSchema): string[] {
  const type = schema.type;
  if (Array.isArray(type)) return type as string[];
  if (typeof type === 'string') return [type];
  return [];
}

/**
 * A string that satisfies the schema's length, format and pattern and never starts or ends with a space
 * (servers may trim; the docs do not say, so we never rely on it either way).
 */
export function stringArbitrary(schema: JsonSchema, strings: StringConstraints = DEFAULT_STRINGS): fc.Arbitrary<string> {
  checkStringConstraints(strings);
  const schemaMax = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
  const schemaMin = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const chars = [...strings.alphabet];
  if (schema.format === 'email') {
    const local = [...strings.alphabet.toLowerCase()].filter((c) => /[a-z0-9]/.test(c));
    if (local.length === 0) throw new RangeError('strings.alphabet has no character usable in an email local part');
    // The domain `@example.test` takes 13 of the schema's characters.
    const minLocal = Math.max(1, strings.minLength, schemaMin - 13);
    const maxLocal = Math.min(strings.maxLength, schemaMax - 13);
    if (maxLocal < minLocal) throw new RangeError(`no email of length ${minLocal + 13}..${maxLocal + 13} fits the schema`);
    return fc
      .string({ unit: fc.constantFrom(...new Set(local)), minLength: minLocal, maxLength: maxLocal })
      .map((name) => `${name}@example.test`);
  }
  const minLength = Math.max(strings.minLength, schemaMin, 1);
  const maxLength = Math.min(strings.maxLength, schemaMax);
  if (maxLength < minLength) throw new RangeError(`no string of length ${minLength}..${maxLength} fits the schema`);
  // A pattern that is a character class (`^[0-9 .-]*$`) narrows the alphabet to the characters it allows.
  const pattern = typeof schema.pattern === 'string' ? new RegExp(schema.pattern, 'u') : undefined;
  const allowed = pattern ? chars.filter((c) => pattern.test(c)) : chars;
  const unit = allowed.length > 0 ? allowed : chars;
  if (unit.every((c) => c.trim() === '')) throw new RangeError('strings.alphabet has only whitespace; every string would be trimmed away');
  return fc
    .string({ unit: fc.constantFrom(...new Set(unit)), minLength, maxLength })
    .map((s) => s.trim())
    .filter((s) => s.length >= minLength && (!pattern || pattern.test(s)));
}

export interface ValueConstraints {
  readonly strings?: StringConstraints;
  /** Draw `null` where the schema allows it (default false: null round-trips are not documented). */
  readonly allowNull?: boolean;
  /** Limits recursion into arrays and objects. */
  readonly maxDepth?: number;
}

/** Any valid value of a schema (types, enum/const, string formats, nested objects and arrays). */
export function valueArbitrary(schema: JsonSchema, resolve: RefResolver, constraints: ValueConstraints = {}): fc.Arbitrary<unknown> {
  const depth = constraints.maxDepth ?? 3;
  if (depth < 0) throw new RangeError('maxDepth must be >= 0');
  schema = flattenSchema(schema, resolve);
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const branches = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (branches) return fc.oneof(...branches.map((b) => valueArbitrary(b, resolve, constraints)));
  const types = typesOf(schema).filter((t) => t !== 'null' || constraints.allowNull);
  const options = (types.length ? types : ['string']).map((type): fc.Arbitrary<unknown> => {
    switch (type) {
      case 'string':
        return stringArbitrary(schema, constraints.strings);
      case 'integer':
        return fc.integer({
          min: typeof schema.minimum === 'number' ? schema.minimum : -1_000_000,
          max: typeof schema.maximum === 'number' ? schema.maximum : 1_000_000,
        });
      case 'number':
        return fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array':
        return depth === 0
          ? fc.constant([])
          : fc.array(valueArbitrary((schema.items ?? {}) as JsonSchema, resolve, { ...constraints, maxDepth: depth - 1 }), {
              maxLength: 3,
            });
      case 'object':
        return depth === 0 ? fc.constant({}) : objectArbitrary(schema, resolve, { ...constraints, maxDepth: depth - 1 });
      default:
        throw new RangeError(`unsupported schema type ${type}`);
    }
  });
  return options.length === 1 ? options[0]! : fc.oneof(...options);
}

/** A schema with its `$ref` followed and its `allOf` merged: the one shape every factory reads. */
export function flattenSchema(schema: JsonSchema, resolve: RefResolver): JsonSchema {
  if (typeof schema.$ref === 'string') return flattenSchema(resolve(schema.$ref), resolve);
  if (Array.isArray(schema.allOf)) return mergeAllOf(schema, resolve);
  return schema;
}

/**
 * `allOf` of object schemas as one schema: properties and required keys united (later branches win
 * for a property named twice). Enough for the request bodies the specs describe.
 */
function mergeAllOf(schema: JsonSchema, resolve: RefResolver): JsonSchema {
  const { allOf, ...rest } = schema;
  const merged: JsonSchema = {
    ...rest,
    properties: { ...((rest.properties ?? {}) as object) },
    required: [...((rest.required ?? []) as string[])],
  };
  for (const part of allOf as JsonSchema[]) {
    const flat = flattenSchema(part, resolve);
    Object.assign(merged.properties as object, flat.properties ?? {});
    (merged.required as string[]).push(...((flat.required ?? []) as string[]));
    if (flat.type && !merged.type) merged.type = flat.type;
  }
  return merged;
}

/** An object with every required property and any subset of the optional ones. */
export function objectArbitrary(
  schema: JsonSchema,
  resolve: RefResolver,
  constraints: ValueConstraints = {},
): fc.Arbitrary<Record<string, unknown>> {
  schema = flattenSchema(schema, resolve);
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, propertySchema] of Object.entries(properties)) record[name] = valueArbitrary(propertySchema, resolve, constraints);
  return fc.record(record, { requiredKeys: [...required].filter((k) => k in record) }) as fc.Arbitrary<Record<string, unknown>>;
}

/** A value whose JSON type the schema does not allow (the schema's own types are excluded). */
export function wrongTypeArbitrary(schema: JsonSchema, resolve: RefResolver): fc.Arbitrary<unknown> {
  schema = flattenSchema(schema, resolve);
  const allowed = new Set(typesOf(schema));
  if (allowed.size === 0) throw new RangeError('schema names no type, so any type may be valid; no wrong type exists');
  if (allowed.has('integer')) allowed.add('number');
  const candidates: [string, fc.Arbitrary<unknown>][] = [
    ['string', fc.string({ minLength: 1, maxLength: 8 })],
    ['number', fc.integer({ min: -1000, max: 1000 })],
    ['boolean', fc.boolean()],
    ['object', fc.constant({ unexpected: 'object' })],
    ['array', fc.constant(['unexpected', 'array'])],
  ];
  const wrong = candidates.filter(([type]) => !allowed.has(type)).map(([, arb]) => arb);
  if (wrong.length === 0) throw new RangeError('schema allows every type; no wrong type exists');
  return fc.oneof(...wrong);
}

export interface InvalidBody {
  readonly body: Record<string, unknown>;
  /** `client.fname`: the property given the wrong type. */
  readonly field: string;
  readonly value: unknown;
}

/**
 * A request body that is valid except for one property of `container` (e.g. `client`), which holds a
 * value of a type its schema forbids.
 */
export function invalidBodyArbitrary(bodySchema: JsonSchema, container: string, resolve: RefResolver): fc.Arbitrary<InvalidBody> {
  const containerSchema = ((flattenSchema(bodySchema, resolve).properties ?? {}) as Record<string, JsonSchema>)[container];
  if (!containerSchema) throw new RangeError(`body schema has no property ${container}`);
  const inner = flattenSchema(containerSchema, resolve);
  const properties = Object.entries((inner.properties ?? {}) as Record<string, JsonSchema>).filter(([, s]) => {
    try {
      wrongTypeArbitrary(s, resolve);
      return true;
    } catch {
      return false;
    }
  });
  if (properties.length === 0) throw new RangeError(`${container} has no property with a forbidden type`);
  return fc
    .constantFrom(...properties)
    .chain(([name, schema]) => wrongTypeArbitrary(schema, resolve).map((value) => ({ name, value })))
    .map(({ name, value }) => ({ body: { [container]: { [name]: value } }, field: `${container}.${name}`, value }));
}

/** A named edge case for the boundary phase. */
export interface NamedValue<T> {
  readonly name: string;
  readonly value: T;
}

/** The string edge cases every text field is tried with, where its schema allows them. */
const BOUNDARY_STRINGS: readonly NamedValue<string>[] = [
  { name: 'empty string', value: '' },
  { name: 'one character', value: 'q' },
  { name: 'leading and trailing spaces', value: '  padded  ' },
  { name: 'inner spaces', value: 'two  inner spaces' },
  { name: 'punctuation special in JSON, XML, URLs and queries', value: `a&b<c>d"e'f%g+h#i/j?k=l[m]n\\o` },
  { name: 'multi-byte text and emoji', value: 'Zoë Ångström 日本 😀' },
  { name: 'combining characters', value: 'Cafe\u0301 Noe\u0308l' },
];

/** Email edge cases: the shortest local part, a plus address, letters in both cases. */
const BOUNDARY_EMAILS: readonly NamedValue<string>[] = [
  { name: 'one-character email', value: 'q@example.test' },
  { name: 'plus address', value: 'first+tag@example.test' },
  { name: 'email in mixed case', value: 'Mixed.Case@Example.Test' },
];

/** Whether a value satisfies a string schema's length, pattern and (simple) email format. */
function fitsStringSchema(schema: JsonSchema, value: string): boolean {
  const length = [...value].length;
  if (typeof schema.minLength === 'number' && length < schema.minLength) return false;
  if (typeof schema.maxLength === 'number' && length > schema.maxLength) return false;
  if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) return false;
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return false;
  if (schema.format === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) return false;
  return true;
}

/**
 * The boundary phase's strings for a field: every edge case its schema allows (an email field gets
 * email-shaped ones). None is longer than a few characters: a documented maximum length would add one
 * at the maximum, and no spec here documents one (the lengths in the XSD are assumptions).
 */
export function boundaryStrings(schema: JsonSchema): NamedValue<string>[] {
  const candidates = schema.format === 'email' ? BOUNDARY_EMAILS : BOUNDARY_STRINGS;
  return candidates.filter((candidate) => fitsStringSchema(schema, candidate.value));
}
