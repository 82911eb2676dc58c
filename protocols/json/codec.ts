/**
 * The JSON codec: bounded before it is parsed. A target's body is scanned once, left to right, without
 * recursion and without copying it: nesting depth, the number of values and keys, and the length of
 * each string are bounded, and keys named twice in one object are noted. Only a body within the bounds
 * reaches JSON.parse, so nothing downstream (ajv, JSON.stringify in reports and comparisons, snapshot
 * walks) can overflow the stack on a target's data: a body beyond a bound is the target's fault, a
 * failure that names the bound.
 */
import type { Decoded } from '../../engine/checks/types.js';

export interface JsonLimits {
  /** The deepest nesting of arrays and objects accepted (the root container is level 1). */
  readonly maxDepth: number;
  /** The most values (the root, every element, every member's value) and member names together. */
  readonly maxValues: number;
  /** The longest string (value or member name) accepted, in UTF-16 code units as written (escapes included). */
  readonly maxStringLength: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = {
  maxDepth: 256,
  maxValues: 2_000_000,
  maxStringLength: 8 * 1024 * 1024,
};

/** How many duplicate keys a decoded body names at most (the first ones seen). */
export const MAX_REPORTED_DUPLICATES = 10;

/** What the scan found: a broken bound (the body is not parsed), and the keys named twice in one object. */
export interface JsonScan {
  readonly bound?: string;
  /** The JSON path of each duplicated member (`$.response.result["a b"]`), the first few, in order. */
  readonly duplicates: readonly string[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const COMMA = 0x2c;
const COLON = 0x3a;

const ARRAY = 0;
const OBJECT = 1;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const SHOWN_KEY_LENGTH = 64;

/** Whether a character can be part of a literal (`true`, `null`, `-1.5e+3`; junk too, which JSON.parse refuses). */
function isLiteralChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x2d || c === 0x2b || c === 0x2e;
}

/** The index of the quote closing the string opened at `open`, or -1 when it is never closed. Linear overall. */
function stringEnd(text: string, open: number): number {
  let from = open + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return -1;
    // A quote preceded by an odd run of backslashes is escaped. Each run is counted once: only when a
    // quote follows it directly.
    let before = quote - 1;
    while (before > open && text.charCodeAt(before) === BACKSLASH) before -= 1;
    if ((quote - 1 - before) % 2 === 0) return quote;
    from = quote + 1;
  }
}

/** A member name as JSON.parse reads it (escapes resolved); as written when its escapes are invalid (the parse then fails anyway). */
function memberName(raw: string): string {
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

function pathSegment(key: string): string {
  if (key.length <= SHOWN_KEY_LENGTH && IDENTIFIER.test(key)) return `.${key}`;
  const shown = key.length > SHOWN_KEY_LENGTH ? `${key.slice(0, SHOWN_KEY_LENGTH)}…` : key;
  return `[${JSON.stringify(shown)}]`;
}

/**
 * One pass over the text: no recursion, no copy of the body, state proportional to the nesting depth
 * (bounded) plus the member names of the objects still open. Tolerant of malformed JSON (JSON.parse
 * judges that afterwards); exact on well-formed JSON.
 */
export function scanJson(text: string, limits: JsonLimits = DEFAULT_JSON_LIMITS): JsonScan {
  const duplicates: string[] = [];
  // One frame per open container, at most maxDepth of them.
  const kinds: number[] = [];
  const indexes: number[] = [];
  const currentKeys: string[] = [];
  // The names an open object has seen: none, one (a string), or a Set from the second on.
  const seen: (string | Set<string> | undefined)[] = [];
  let depth = 0;
  let values = 0;
  let expectKey = false;
  const tooMany = (): JsonScan => ({ bound: `more than ${limits.maxValues} values and keys`, duplicates });

  const noteDuplicate = (key: string): void => {
    if (duplicates.length >= MAX_REPORTED_DUPLICATES) return;
    let path = '$';
    for (let level = 0; level < depth - 1; level += 1)
      path += kinds[level] === ARRAY ? `[${indexes[level]}]` : pathSegment(currentKeys[level]!);
    path += pathSegment(key);
    if (!duplicates.includes(path)) duplicates.push(path);
  };

  const length = text.length;
  let at = 0;
  while (at < length) {
    const c = text.charCodeAt(at);
    if (c === QUOTE) {
      const end = stringEnd(text, at);
      const size = (end < 0 ? length : end) - at - 1;
      if (size > limits.maxStringLength) return { bound: `a string longer than ${limits.maxStringLength} characters`, duplicates };
      // Unterminated: nothing after it is structure; JSON.parse refuses it.
      if (end < 0) break;
      values += 1;
      if (values > limits.maxValues) return tooMany();
      const top = depth - 1;
      if (top >= 0 && kinds[top] === OBJECT && expectKey) {
        const key = memberName(text.slice(at + 1, end));
        const before = seen[top];
        if (before === undefined) seen[top] = key;
        else if (typeof before === 'string') {
          if (before === key) noteDuplicate(key);
          else seen[top] = new Set([before, key]);
        } else if (before.has(key)) noteDuplicate(key);
        else before.add(key);
        currentKeys[top] = key;
        expectKey = false;
      }
      at = end + 1;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      values += 1;
      if (values > limits.maxValues) return tooMany();
      if (depth >= limits.maxDepth) return { bound: `nesting deeper than ${limits.maxDepth} levels`, duplicates };
      kinds[depth] = c === OPEN_ARRAY ? ARRAY : OBJECT;
      indexes[depth] = 0;
      currentKeys[depth] = '';
      seen[depth] = undefined;
      depth += 1;
      expectKey = c === OPEN_OBJECT;
      at += 1;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      if (depth > 0) {
        depth -= 1;
        // Let the closed object's names go.
        seen[depth] = undefined;
      }
      expectKey = false;
      at += 1;
    } else if (c === COMMA) {
      const top = depth - 1;
      if (top >= 0) {
        if (kinds[top] === OBJECT) expectKey = true;
        else indexes[top]! += 1;
      }
      at += 1;
    } else if (c === COLON || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      at += 1;
    } else {
      // A literal starts with - a digit t f or n; anything else is a character JSON.parse refuses (an
      // HTML page, a BOM), so the scan stops and leaves the verdict to it.
      if (!(c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e)) break;
      values += 1;
      if (values > limits.maxValues) return tooMany();
      at += 1;
      while (at < length && isLiteralChar(text.charCodeAt(at))) at += 1;
    }
  }
  return { duplicates };
}

/**
 * Decodes a JSON body within bounds. Never throws: a body beyond a bound, or one JSON.parse refuses, is
 * `{ok: false}` with the reason; a decoded one carries the keys it saw named twice in one object.
 */
export function decodeJson(text: string, limits: Partial<JsonLimits> = {}): Decoded {
  // Not text.trim(): no copy of the body just to learn it is blank.
  if (!/\S/.test(text)) return { ok: false, error: 'empty body' };
  const scan = scanJson(text, { ...DEFAULT_JSON_LIMITS, ...limits });
  if (scan.bound !== undefined) return { ok: false, error: `${scan.bound} (a bound clientele sets on JSON bodies)` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
  return scan.duplicates.length > 0 ? { ok: true, value, duplicates: scan.duplicates } : { ok: true, value };
}
