/**
 * The bounded JSON codec (`protocols/json/codec.ts`): a body beyond a bound (nesting, values and keys,
 * string length) is refused before JSON.parse, fast and without a throw; duplicate keys are noted with
 * their JSON path; everything within bounds decodes exactly as JSON.parse does; time is linear.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeJson as viewDecodeJson } from '../port/openapi-spec-view.js';
import { DEFAULT_JSON_LIMITS, MAX_REPORTED_DUPLICATES, decodeJson, scanJson } from '../protocols/json/codec.js';

const DEPTH_BOUND = `nesting deeper than ${DEFAULT_JSON_LIMITS.maxDepth} levels`;

function decodeError(text: string, limits?: Parameters<typeof decodeJson>[1]): string {
  const decoded = decodeJson(text, limits);
  if (decoded.ok) throw new Error(`expected a decoding error for ${JSON.stringify(text.slice(0, 80))}`);
  return decoded.error;
}

function duplicatesOf(text: string): readonly string[] | undefined {
  const decoded = decodeJson(text);
  if (!decoded.ok) throw new Error(`expected a decoded body, got: ${decoded.error}`);
  return decoded.duplicates;
}

/** What JSON.parse makes of a text, in the codec's terms. */
function parsed(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

function elapsed(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/** The best of a few timings: the one least disturbed by the GC and the other workers. */
function bestOf(runs: number, fn: () => void): number {
  return Math.min(...Array.from({ length: runs }, () => elapsed(fn)));
}

/** A flat array of numbers about `bytes` long. */
function flatArray(bytes: number): string {
  return `[${Array.from({ length: Math.floor(bytes / 6) }, (_, i) => String(10_000 + (i % 90_000))).join(',')}]`;
}

describe('decodeJson bounds', () => {
  it('refuses 100,000 levels of nesting naming the depth bound, fast and without a throw', () => {
    for (const text of [
      '['.repeat(100_000) + ']'.repeat(100_000),
      '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000),
      '['.repeat(100_000),
    ]) {
      let error = '';
      const ms = elapsed(() => {
        error = decodeError(text);
      });
      expect(error).toContain(DEPTH_BOUND);
      expect(ms).toBeLessThan(500);
    }
  });

  it('refuses 8 MiB of nesting (4 million levels) in well under a second', () => {
    const text = '['.repeat(4 * 1024 * 1024) + ']'.repeat(4 * 1024 * 1024);
    let error = '';
    expect(elapsed(() => (error = decodeError(text)))).toBeLessThan(1_000);
    expect(error).toContain(DEPTH_BOUND);
  });

  it('accepts nesting up to the bound and refuses one level more', () => {
    const depth = DEFAULT_JSON_LIMITS.maxDepth;
    const deepest = '['.repeat(depth) + ']'.repeat(depth);
    const decoded = decodeJson(deepest);
    expect(decoded.ok).toBe(true);
    // What comes out can be walked recursively by anything downstream.
    expect(JSON.stringify(decoded.ok && decoded.value)).toBe(deepest);
    expect(decodeError(`[${deepest}]`)).toContain(DEPTH_BOUND);
    expect(decodeError('[[[1]]]', { maxDepth: 2 })).toBe('nesting deeper than 2 levels (a bound clientele sets on JSON bodies)');
    expect(decodeJson('[[1],[2],{"a":3}]', { maxDepth: 2 })).toEqual({ ok: true, value: [[1], [2], { a: 3 }] });
  });

  it('decodes a wide array of a million numbers within the default bounds', () => {
    const text = `[${Array.from({ length: 1_000_000 }, (_, i) => i).join(',')}]`;
    const decoded = decodeJson(text);
    expect(decoded.ok).toBe(true);
    const value = (decoded as { value: number[] }).value;
    expect(value).toHaveLength(1_000_000);
    expect(value[999_999]).toBe(999_999);
  });

  it('bounds the number of values and keys, and the length of a string', () => {
    expect(decodeError('[1,2,3,4]', { maxValues: 4 })).toBe('more than 4 values and keys (a bound clientele sets on JSON bodies)');
    expect(decodeJson('[1,2,3]', { maxValues: 4 }).ok).toBe(true);
    // A member name counts, as its value does.
    expect(decodeError('{"a":1,"b":2}', { maxValues: 4 })).toContain('more than 4 values and keys');
    expect(decodeError(JSON.stringify({ note: 'x'.repeat(1001) }), { maxStringLength: 1000 })).toBe(
      'a string longer than 1000 characters (a bound clientele sets on JSON bodies)',
    );
    expect(decodeError(JSON.stringify({ ['k'.repeat(1001)]: 1 }), { maxStringLength: 1000 })).toContain(
      'a string longer than 1000 characters',
    );
    // An unterminated string is measured to the end of the body.
    expect(decodeError(`["${'x'.repeat(1001)}`, { maxStringLength: 1000 })).toContain('a string longer than 1000 characters');
    expect(decodeJson(JSON.stringify('x'.repeat(1000)), { maxStringLength: 1000 }).ok).toBe(true);
  });

  it('leaves malformed JSON to JSON.parse, whose message it keeps', () => {
    for (const text of [
      '{"a":',
      '{"response": {"result": {"clients": [{"id": 1',
      '<html><body>It works!</body></html>',
      '\uFEFF{}',
      '[1,]',
      '{"a" 1}',
      '"\\x"',
      'nul',
    ]) {
      expect(decodeJson(text)).toEqual(parsed(text));
    }
    expect(decodeJson('')).toEqual({ ok: false, error: 'empty body' });
    expect(decodeJson(' \n\t ')).toEqual({ ok: false, error: 'empty body' });
  });

  it('is the decoder the OpenAPI spec view uses', () => {
    expect(viewDecodeJson).toBe(decodeJson);
  });
});

describe('duplicate keys', () => {
  it('names none in a body without any, even where sibling and nested objects reuse a key', () => {
    expect(decodeJson('{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}')).toEqual({
      ok: true,
      value: { a: 1, b: { a: 2 }, c: [{ a: 3 }, { a: 4 }] },
    });
  });

  it('names each by its JSON path, in nested objects and arrays of objects; the value is the one JSON.parse keeps', () => {
    const text = '{"response":{"result":{"clients":[{"id":1},{"id":2,"fname":"a","id":3}],"total":1,"total":2}},"x":{"a b":1,"a b":2}}';
    const decoded = decodeJson(text);
    expect(decoded).toEqual({
      ok: true,
      value: JSON.parse(text),
      duplicates: ['$.response.result.clients[1].id', '$.response.result.total', '$.x["a b"]'],
    });
  });

  it('compares keys as decoded, so an escaped spelling is the same key', () => {
    expect(duplicatesOf('{"a":1,"\\u0061":2}')).toEqual(['$.a']);
    expect(duplicatesOf('{"\\"":1,"\\u0022":2}')).toEqual(['$["\\""]']);
    expect(duplicatesOf('{"é":1,"\\u00e9":2}')).toEqual(['$["é"]']);
    expect(duplicatesOf('{"a":1,"A":2}')).toBeUndefined();
  });

  it('reports a key named three times once, keeps only the first few, and shortens a long key', () => {
    expect(duplicatesOf('{"a":1,"a":2,"a":3}')).toEqual(['$.a']);
    const many = `{${Array.from({ length: 50 }, (_, i) => `"k${i}":1,"k${i}":2`).join(',')}}`;
    const found = duplicatesOf(many)!;
    expect(found).toHaveLength(MAX_REPORTED_DUPLICATES);
    expect(found[0]).toBe('$.k0');
    const long = 'k'.repeat(500);
    expect(duplicatesOf(`{"${long}":1,"${long}":2}`)).toEqual([`$[${JSON.stringify(`${'k'.repeat(64)}…`)}]`]);
  });

  it('names the duplicate of a deeply nested object within the bound', () => {
    const depth = DEFAULT_JSON_LIMITS.maxDepth - 1;
    const text = `${'['.repeat(depth)}{"a":1,"a":2}${']'.repeat(depth)}`;
    expect(duplicatesOf(text)).toEqual([`$${'[0]'.repeat(depth)}.a`]);
  });

  it('finds exactly the one key repeated in any object (property)', () => {
    const objects = fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }), { minKeys: 1, maxKeys: 8 });
    fc.assert(
      fc.property(objects, fc.nat(), (object, pick) => {
        const keys = Object.keys(object);
        const key = keys[pick % keys.length]!;
        const text = `{${JSON.stringify(key)}:null,${JSON.stringify(object).slice(1)}`;
        const decoded = decodeJson(text);
        expect(decoded).toMatchObject({ ok: true, value: JSON.parse(text) });
        const segment = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
        expect(decoded.ok && decoded.duplicates).toEqual([`$${segment}`]);
      }),
      { seed: 20240611, numRuns: 300 },
    );
  });
});

describe('decodeJson agrees with JSON.parse within bounds', () => {
  it('on any JSON text, strings with escapes and any unicode included (property)', () => {
    fc.assert(
      fc.property(fc.json({ stringUnit: 'binary', maxDepth: 6 }), (text) => {
        expect(decodeJson(text)).toEqual({ ok: true, value: JSON.parse(text) });
      }),
      { seed: 20240611, numRuns: 500 },
    );
  });

  it('on pretty-printed JSON (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        const text = JSON.stringify(value, null, '\t \r\n'.slice(0, 1 + ((JSON.stringify(value) ?? '').length % 4)));
        expect(decodeJson(text)).toEqual(parsed(text));
      }),
      { seed: 20240611, numRuns: 300 },
    );
  });

  it('on truncated and arbitrary texts: the same value or the same error, and never a throw (property)', () => {
    const truncated = fc.tuple(fc.json({ maxDepth: 4 }), fc.nat()).map(([text, cut]) => text.slice(0, cut % (text.length + 1)));
    const junk = fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', '\\', ':', ',', ' ', '1', '-', 'e', 't', 'n', 'a', 'u') });
    fc.assert(
      fc.property(fc.oneof(truncated, junk, fc.string()), (text) => {
        const expected = /\S/.test(text) ? parsed(text) : { ok: false, error: 'empty body' };
        expect(decodeJson(text)).toEqual(expected);
      }),
      { seed: 20240611, numRuns: 2000 },
    );
  });

  it('on long strings of escapes, in linear time', () => {
    for (const unit of ['\\"', '\\\\', '\\u0041', '\\n']) {
      const text = `["${unit.repeat(Math.floor((4 * 1024 * 1024) / unit.length))}", "tail\\\\"]`;
      let decoded: ReturnType<typeof decodeJson> | undefined;
      expect(elapsed(() => (decoded = decodeJson(text)))).toBeLessThan(2_000);
      expect(decoded).toEqual({ ok: true, value: JSON.parse(text) });
    }
  });
});

describe('decoding time', () => {
  it('is about linear: 8 MiB of a flat array takes less than 20 times what 1 MiB takes', () => {
    const small = flatArray(1024 * 1024);
    const large = flatArray(8 * 1024 * 1024);
    expect(large.length).toBeGreaterThan(8 * 1024 * 1024 - 16);
    expect(decodeJson(large).ok).toBe(true);
    const smallMs = bestOf(5, () => decodeJson(small));
    const largeMs = bestOf(3, () => decodeJson(large));
    expect(largeMs).toBeLessThan(20 * Math.max(smallMs, 1));
  });

  it('the scan alone is linear in many small objects with many keys each', () => {
    const objects = (count: number) =>
      `[${Array.from({ length: count }, (_, i) => `{"a${i % 7}":1,"b":[2,{"c":3}],"d":"x\\"y"}`).join(',')}]`;
    const small = objects(20_000);
    const large = objects(160_000);
    expect(scanJson(large)).toEqual({ duplicates: [] });
    const smallMs = bestOf(5, () => scanJson(small));
    const largeMs = bestOf(3, () => scanJson(large));
    expect(largeMs).toBeLessThan(20 * Math.max(smallMs, 1));
  });
});
