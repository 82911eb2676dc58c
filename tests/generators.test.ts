/**
 * The arbitraries derived from the FreshBooks spec are sound: valid bodies validate, invalid bodies fail
 * on the field they name, strings keep their constraints, and bad constraints fail at construction.
 * Every validation runs against both the in-memory validators and the generated standalone module.
 */
import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  invalidBodyArbitrary,
  objectArbitrary,
  stringArbitrary,
  valueArbitrary,
  wrongTypeArbitrary,
  type StringConstraints,
} from '../generators/arbitraries.js';
import { indexOperations, resolveBundleRef, type JsonSchema, type SpecSource } from '../generators/spec.js';
import { runtimeValidators } from '../generators/compile-validators.js';
import { requestKey, standaloneValidators, type ValidatorSet } from '../generators/validators.js';

const addFormats = createRequire(import.meta.url)('ajv-formats') as typeof import('ajv-formats').default;

const REST: SpecSource = { api: 'freshbooks-rest', path: 'specs/freshbooks-rest/openapi.yaml' };
const resolve = (ref: string): JsonSchema => resolveBundleRef(REST, ref);
const CREATE_KEY = requestKey('createClient');

function createBodySchema(): JsonSchema {
  const schema = indexOperations(REST).get('createClient')?.requestSchema;
  expect(schema).toBeDefined();
  return typeof schema!.$ref === 'string' ? resolve(schema!.$ref) : schema!;
}
const createBody = createBodySchema();
const clientInput = (() => {
  const client = (createBody.properties as Record<string, JsonSchema>).client!;
  return typeof client.$ref === 'string' ? resolve(client.$ref) : client;
})();
const inputProperties = clientInput.properties as Record<string, JsonSchema>;

/** The JSON type of a value as JSON Schema names it (integers count as `integer`). */
function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typesAllowed(schema: JsonSchema): string[] {
  const type = schema.type;
  const types = Array.isArray(type) ? (type as string[]) : typeof type === 'string' ? [type] : [];
  return types.includes('number') ? [...types, 'integer'] : types;
}

const VALIDATORS: [string, () => Promise<ValidatorSet>][] = [
  ['runtime', async () => runtimeValidators(REST)],
  ['standalone', () => standaloneValidators(REST)],
];

describe.each(VALIDATORS)('with the %s validators', (_name, load) => {
  let validators: ValidatorSet;
  beforeAll(async () => {
    validators = await load();
  });

  it('derive valid and invalid updateClient bodies through allOf (ClientInput + vis_state)', () => {
    const key = requestKey('updateClient');
    const raw = indexOperations(REST).get('updateClient')!.requestSchema!;
    const body = typeof raw.$ref === 'string' ? resolve(raw.$ref) : raw;
    fc.assert(
      fc.property(objectArbitrary(body, resolve), (value) => validators.validate(key, value).ok),
      { numRuns: 100, seed: 3 },
    );
    fc.assert(
      fc.property(invalidBodyArbitrary(body, 'client', resolve), (invalid) => !validators.validate(key, invalid.body).ok),
      { numRuns: 100, seed: 3 },
    );
    const fields = fc.sample(
      invalidBodyArbitrary(body, 'client', resolve).map((i) => i.field),
      { numRuns: 300, seed: 5 },
    );
    expect(fields).toContain('client.vis_state');
  });

  it('know the createClient request body', () => {
    expect(validators.has(CREATE_KEY)).toBe(true);
    // The validator is not a yes-to-everything: the body needs its `client`.
    expect(validators.validate(CREATE_KEY, {}).ok).toBe(false);
    expect(validators.validate(CREATE_KEY, { client: { fname: 7 } }).ok).toBe(false);
    expect(validators.validate(CREATE_KEY, { client: { fname: 'Ada' } }).ok).toBe(true);
  });

  it('(a) accept every body objectArbitrary derives from the createClient schema', () => {
    let withEmail = 0;
    let withFields = 0;
    fc.assert(
      fc.property(objectArbitrary(createBody, resolve), (body) => {
        const result = validators.validate(CREATE_KEY, body);
        expect(result.errors).toEqual([]);
        expect(result.ok).toBe(true);
        const client = body.client as Record<string, unknown>;
        expect(client).toBeTypeOf('object');
        if (typeof client.email === 'string') withEmail++;
        if (Object.keys(client).length > 0) withFields++;
      }),
      { numRuns: 200 },
    );
    // The property is only meaningful if the bodies exercise the schema's fields, formats included.
    expect(withFields).toBeGreaterThan(100);
    expect(withEmail).toBeGreaterThan(10);
  });

  it('(b) reject every body invalidBodyArbitrary derives, on the field it names', () => {
    const seenFields = new Set<string>();
    fc.assert(
      fc.property(invalidBodyArbitrary(createBody, 'client', resolve), ({ body, field, value }) => {
        const client = body.client as Record<string, unknown>;
        const [name, ...rest] = Object.keys(client);
        expect(rest).toEqual([]);
        expect(field).toBe(`client.${name}`);
        expect(client[name!]).toBe(value);
        // The value's type is one the property's schema forbids.
        expect(typesAllowed(inputProperties[name!]!)).not.toContain(jsonType(value));

        const result = validators.validate(CREATE_KEY, body);
        expect(result.ok).toBe(false);
        expect(result.errors.length).toBeGreaterThan(0);
        for (const error of result.errors) expect(error.startsWith(`/client/${name} `)).toBe(true);
        // Without that one field, the body is valid: the field is the whole fault.
        const withoutField = Object.fromEntries(Object.entries(client).filter(([key]) => key !== name));
        expect(validators.validate(CREATE_KEY, { ...body, client: withoutField }).ok).toBe(true);
        seenFields.add(name!);
      }),
      { numRuns: 200 },
    );
    expect(seenFields.size).toBeGreaterThan(5);
  });
});

describe('(c) stringArbitrary', () => {
  const ajv = new Ajv2020({ strict: true });
  addFormats(ajv);
  const isEmail = ajv.compile({ type: 'string', format: 'email' });
  const SIMPLE_EMAIL = /^[a-z0-9]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/;

  it('draws only from the alphabet, within min and max length', () => {
    const strings: StringConstraints = { alphabet: 'xyZ -', minLength: 2, maxLength: 5 };
    const lengths = new Set<number>();
    fc.assert(
      fc.property(stringArbitrary({ type: 'string' }, strings), (s) => {
        expect([...s].every((c) => strings.alphabet.includes(c))).toBe(true);
        expect(s.length).toBeGreaterThanOrEqual(2);
        expect(s.length).toBeLessThanOrEqual(5);
        lengths.add(s.length);
      }),
      { numRuns: 200 },
    );
    expect(lengths).toEqual(new Set([2, 3, 4, 5]));
  });

  it('keeps the schema maxLength and minLength when they are tighter than the constraints', () => {
    fc.assert(
      fc.property(stringArbitrary({ type: 'string', maxLength: 3 }), (s) => {
        expect(s.length).toBeGreaterThanOrEqual(1);
        expect(s.length).toBeLessThanOrEqual(3);
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(stringArbitrary({ type: 'string', minLength: 12 }), (s) => {
        expect(s.length).toBeGreaterThanOrEqual(12);
        expect(s.length).toBeLessThanOrEqual(16);
      }),
      { numRuns: 200 },
    );
  });

  it('never starts or ends with a space, even from a space-heavy alphabet', () => {
    let inner = 0;
    fc.assert(
      fc.property(stringArbitrary({ type: 'string' }, { alphabet: 'a   ', minLength: 1, maxLength: 8 }), (s) => {
        expect(s).toBe(s.trim());
        expect(s.length).toBeGreaterThan(0);
        if (s.includes(' ')) inner++;
      }),
      { numRuns: 200 },
    );
    expect(inner).toBeGreaterThan(0); // spaces do occur, inside
  });

  it('makes format: email strings that are emails, by a simple pattern and by ajv-formats', () => {
    fc.assert(
      fc.property(stringArbitrary({ type: ['string', 'null'], format: 'email' }), (s) => {
        expect(s).toMatch(SIMPLE_EMAIL);
        expect(isEmail(s)).toBe(true);
        expect(s).toBe(s.trim());
      }),
      { numRuns: 200 },
    );
  });

  it('takes the local part of an email from the alphabet and keeps the schema length', () => {
    fc.assert(
      fc.property(
        stringArbitrary({ type: 'string', format: 'email', maxLength: 16 }, { alphabet: 'AB', minLength: 1, maxLength: 10 }),
        (s) => {
          expect(s).toMatch(/^[ab]{1,3}@example\.test$/);
          expect(isEmail(s)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(stringArbitrary({ type: 'string', format: 'email', minLength: 20 }), (s) => {
        expect(s.length).toBeGreaterThanOrEqual(20);
        expect(isEmail(s)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

describe('(d) factories reject bad constraints at construction', () => {
  const cases: [string, () => unknown][] = [
    ['an empty alphabet', () => stringArbitrary({ type: 'string' }, { alphabet: '', minLength: 1, maxLength: 4 })],
    ['maxLength < minLength', () => stringArbitrary({ type: 'string' }, { alphabet: 'ab', minLength: 5, maxLength: 4 })],
    ['a negative minLength', () => stringArbitrary({ type: 'string' }, { alphabet: 'ab', minLength: -1, maxLength: 4 })],
    ['a fractional maxLength', () => stringArbitrary({ type: 'string' }, { alphabet: 'ab', minLength: 1, maxLength: 2.5 })],
    [
      'a schema maxLength below the constraints minLength',
      () => stringArbitrary({ type: 'string', maxLength: 2 }, { alphabet: 'ab', minLength: 3, maxLength: 8 }),
    ],
    ['an alphabet of spaces only', () => stringArbitrary({ type: 'string' }, { alphabet: '  ', minLength: 1, maxLength: 4 })],
    [
      'an email alphabet with no letter or digit',
      () => stringArbitrary({ format: 'email' }, { alphabet: ' .-', minLength: 1, maxLength: 4 }),
    ],
    ['an email schema too short for any address', () => stringArbitrary({ type: 'string', format: 'email', maxLength: 10 })],
    [
      'an empty alphabet inside valueArbitrary',
      () => valueArbitrary({ type: 'string' }, resolve, { strings: { alphabet: '', minLength: 1, maxLength: 3 } }),
    ],
    ['a negative maxDepth', () => valueArbitrary({ type: 'object' }, resolve, { maxDepth: -1 })],
    [
      'a schema that allows every type',
      () => wrongTypeArbitrary({ type: ['string', 'number', 'boolean', 'object', 'array', 'null'] }, resolve),
    ],
    [
      'a number schema (integer included) with every other type',
      () => wrongTypeArbitrary({ type: ['number', 'string', 'boolean', 'object', 'array'] }, resolve),
    ],
    ['a schema with no type, which allows anything', () => wrongTypeArbitrary({}, resolve)],
    ['a container the body does not have', () => invalidBodyArbitrary(createBody, 'nope', resolve)],
  ];

  it.each(cases)('%s throws RangeError', (_name, build) => {
    expect(build).toThrow(RangeError);
  });

  it('accepts the boundary cases (the rejections above are not blanket)', () => {
    const exact = stringArbitrary({ type: 'string' }, { alphabet: 'q', minLength: 3, maxLength: 3 });
    expect(fc.sample(exact, 5)).toEqual(['qqq', 'qqq', 'qqq', 'qqq', 'qqq']);
    const shortest = stringArbitrary({ type: 'string', format: 'email', maxLength: 14 });
    expect(fc.sample(shortest, 20).every((s) => s.length === 14)).toBe(true);
    const wrongForAllButString = wrongTypeArbitrary({ type: ['number', 'boolean', 'object', 'array'] }, resolve);
    expect(fc.sample(wrongForAllButString, 20).every((v) => typeof v === 'string')).toBe(true);
  });

  it('gives integers a wrong type that is never a number', () => {
    fc.assert(
      fc.property(wrongTypeArbitrary({ type: 'integer' }, resolve), (v) => {
        expect(typeof v).not.toBe('number');
      }),
      { numRuns: 100 },
    );
  });
});

describe('(e) standalone and runtime validators', () => {
  let runtime: ValidatorSet;
  let standalone: ValidatorSet;
  beforeAll(async () => {
    runtime = runtimeValidators(REST);
    standalone = await standaloneValidators(REST);
  });

  it('expose the same keys', () => {
    expect(runtime.keys.length).toBeGreaterThan(5);
    expect([...standalone.keys].sort()).toEqual([...runtime.keys].sort());
    expect(runtime.keys).toContain(CREATE_KEY);
  });

  it('agree on random valid and invalid createClient bodies', () => {
    const bodies = fc.oneof(
      objectArbitrary(createBody, resolve).map((body) => ({ body, valid: true })),
      invalidBodyArbitrary(createBody, 'client', resolve).map(({ body }) => ({ body, valid: false })),
    );
    const verdicts = new Set<boolean>();
    fc.assert(
      fc.property(bodies, ({ body, valid }) => {
        const a = runtime.validate(CREATE_KEY, body);
        const b = standalone.validate(CREATE_KEY, body);
        expect(b).toEqual(a);
        expect(a.ok).toBe(valid);
        verdicts.add(a.ok);
      }),
      { numRuns: 50 },
    );
    expect(verdicts).toEqual(new Set([true, false]));
  });

  it('agree on arbitrary JSON under every key', () => {
    const keys = [...runtime.keys];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 3 }), (key, value) => {
        expect(standalone.validate(key, value)).toEqual(runtime.validate(key, value));
      }),
      { numRuns: 50 },
    );
  });
});
