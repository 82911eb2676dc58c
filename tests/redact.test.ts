/**
 * The redactor (`engine/redact.ts`) against a target that reflects a secret in pieces: every fragment of
 * 6 characters or more goes, raw, URL-encoded, JSON-escaped and inside base64 (alone or in `Basic`
 * credentials), shorter ones stay; whole secrets and Authorization values go as before; and an 8 MiB
 * hostile text is redacted in bounded time.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN_FRAGMENT_LENGTH, REDACTED, Redactor, redactSecrets } from '../engine/redact.js';

const TOKEN = 'tok_9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a'; // 64 characters
// A secret with characters every encoding changes: URL-reserved, JSON-escaped, entity- and Markdown-escaped.
const SPECIAL = 'p@ss/w0rd+"Quote"\\back&<amp>_x=42!';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** Every substring of `secret` of exactly `length` characters. */
function fragmentsOf(secret: string, length: number): string[] {
  return Array.from({ length: secret.length - length + 1 }, (_, start) => secret.slice(start, start + length));
}

/** Whether `text` holds any fragment of `secret` of at least MIN_FRAGMENT_LENGTH characters (those hold one of exactly that length). */
function holdsFragment(text: string, secret: string): boolean {
  const grams = new Set(fragmentsOf(secret, MIN_FRAGMENT_LENGTH));
  for (let i = 0; i + MIN_FRAGMENT_LENGTH <= text.length; i++) if (grams.has(text.slice(i, i + MIN_FRAGMENT_LENGTH))) return true;
  return false;
}

describe('fragments of a secret', () => {
  const redactor = new Redactor([TOKEN]);

  it('redacts every raw fragment of 6 characters or more, wherever it starts', () => {
    expect(MIN_FRAGMENT_LENGTH).toBe(6);
    for (const length of [6, 7, 13, 40, TOKEN.length - 1]) {
      for (const fragment of fragmentsOf(TOKEN, length)) {
        expect(redactor.text(`parse error near '${fragment}' at 3`), fragment).toBe(`parse error near '${REDACTED}' at 3`);
      }
    }
  });

  it('leaves a fragment of 5 characters alone: too likely in ordinary words', () => {
    for (const fragment of fragmentsOf(TOKEN, 5)) expect(redactor.text(`near '${fragment}'`), fragment).toBe(`near '${fragment}'`);
    expect(redactSecrets('a cab in 9f8e7 and tok_9', [TOKEN])).toBe('a cab in 9f8e7 and tok_9');
  });

  it('redacts two pieces reflected side by side, and a fragment glued to other text', () => {
    const text = `${TOKEN.slice(0, 10)}${TOKEN.slice(30, 45)}|xx${TOKEN.slice(50, 58)}yy`;
    const out = redactor.text(text);
    expect(holdsFragment(out, TOKEN)).toBe(false);
    expect(out).toMatch(/\|xx\[REDACTED\]yy$/);
  });

  it('redacts URL-encoded fragments (upper- and lower-case escapes, and form encoding)', () => {
    const special = new Redactor([SPECIAL]);
    for (const fragment of ['ss/w0rd+', 'w0rd+"Quote"', '\\back&<amp>', 'amp>_x=42!', SPECIAL]) {
      const encoded = encodeURIComponent(fragment);
      expect(encoded).not.toBe(fragment);
      expect(special.text(`GET /clients?q=${encoded}&page=2`), fragment).toBe(`GET /clients?q=${REDACTED}&page=2`);
      expect(special.text(`q=${encoded.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())}&`), fragment).toBe(`q=${REDACTED}&`);
      expect(special.text(`q=${new URLSearchParams({ q: fragment }).toString().slice(2)}&`), fragment).toBe(`q=${REDACTED}&`);
    }
    expect(special.text(`q=${encodeURIComponent('p@ss/')}`)).toBe(`q=${encodeURIComponent('p@ss/')}`); // 5 characters
  });

  it('redacts JSON-escaped fragments, and the JSON stays valid', () => {
    const special = new Redactor([SPECIAL]);
    for (const fragment of ['"Quote"\\b', 'ote"\\back', '\\back&', SPECIAL]) {
      const body = JSON.stringify({ error: `unexpected token in ${fragment}, line 1`, n: 1 });
      const out = special.text(body);
      expect(out, fragment).toContain(REDACTED);
      expect(JSON.parse(out), fragment).toEqual({ error: `unexpected token in ${REDACTED}, line 1`, n: 1 });
    }
  });

  it('never cuts a backslash escape in two, so redacted JSON still parses', () => {
    // The fragment starts with `n`: in the JSON text it follows the backslash of `\n`.
    const startsAfterEscape = JSON.stringify({ m: 'line\nabcdefgh tail' });
    const out = redactSecrets(startsAfterEscape, ['nabcdefgh12']);
    expect(out).not.toContain('abcdef');
    expect(JSON.parse(out)).toEqual({ m: `line${REDACTED} tail` });
    // The secret ends with a backslash: its raw form would leave the escaped quote's backslash behind.
    const endsWithBackslash = JSON.stringify({ m: 'zyxwvu\\"q' });
    expect(JSON.parse(redactSecrets(endsWithBackslash, ['zyxwvu\\']))).toEqual({ m: `${REDACTED}"q` });
    // Inside a \u escape.
    const unicode = `{"m":"\\u00e9${'k3yfrag'}"}`;
    expect(() => JSON.parse(redactSecrets(unicode, ['00e9k3yfrag']))).not.toThrow();
    expect(redactSecrets(unicode, ['00e9k3yfrag'])).not.toContain('k3yfrag');
  });

  it('redacts base64 of Basic credentials built from the token, and any base64 run carrying a fragment', () => {
    const basic = b64(`${TOKEN}:X`);
    expect(redactor.text(`upstream said: Basic ${basic}.`)).toBe(`upstream said: Basic ${REDACTED}.`);
    expect(redactor.text(`"auth":"${basic}"`)).toBe(`"auth":"${REDACTED}"`);
    // A piece of the base64 text, cut anywhere (each of the 4 alignments), padded or not.
    for (let start = 0; start < 8; start++) {
      const piece = basic.slice(start, start + 20);
      const out = redactor.text(`echo ${piece} end`);
      expect(out, piece).toBe(`echo ${REDACTED} end`);
    }
    // A bare run: base64 of a fragment alone, standard and URL-safe alphabets.
    const fragment = b64(`xx${TOKEN.slice(20, 28)}yy`);
    expect(redactor.text(`id=${fragment};`)).toBe(`id=${REDACTED};`);
    const urlSafe = Buffer.from(`\u00ff\u00fe${TOKEN.slice(3, 12)}`, 'latin1').toString('base64url');
    expect(urlSafe).toMatch(/[-_]/);
    expect(redactor.text(`t=${urlSafe}`)).toBe(`t=${REDACTED}`);
  });

  it('leaves base64 alone when it carries only 5 characters of the token, or none', () => {
    const five = b64(`xx${TOKEN.slice(20, 25)}yy`);
    expect(redactor.text(`id=${five};`)).toBe(`id=${five};`);
    const other = b64('someone:else-entirely');
    expect(redactor.text(`Basic ${other}`)).toBe(`Basic ${other}`);
    expect(redactor.text('applicationJsonContentType and dGhpcyBpcyBmaW5l')).toBe('applicationJsonContentType and dGhpcyBpcyBmaW5l');
  });

  it('leaves nothing of 6 characters or more behind, whatever the pieces (property)', () => {
    const piece = fc.oneof(
      fc.tuple(fc.nat(TOKEN.length - 1), fc.integer({ min: 1, max: 20 })).map(([start, length]) => TOKEN.slice(start, start + length)),
      fc.string({ unit: fc.constantFrom(...'tok_0123456789abcdef []"\\'.split('')), maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const out = redactor.text(pieces.join(''));
        expect(holdsFragment(out, TOKEN)).toBe(false);
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('says it cut nothing only of a text it left as it was and that holds no piece of the token in any form (property)', () => {
    const piece = fc.oneof(
      fc.tuple(fc.nat(TOKEN.length - 1), fc.integer({ min: 1, max: 20 })).map(([start, length]) => TOKEN.slice(start, start + length)),
      fc.tuple(fc.nat(TOKEN.length - 1), fc.integer({ min: 6, max: 20 })).map(([start, length]) => b64(TOKEN.slice(start, start + length))),
      fc.string({ unit: fc.constantFrom(...'tok_0123456789abcdef []"\\'.split('')), maxLength: 8 }),
      fc.constantFrom('Authorization: Bearer x', ' Basic ', '%5F', '&amp;'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        const { text: out, cut } = redactor.redact(text);
        expect(out).toBe(redactor.text(text));
        if (!cut) {
          expect(out).toBe(text);
          expect(redactor.finds(text)).toBe(false);
          expect(redactor.finds(text, MIN_FRAGMENT_LENGTH)).toBe(false);
        }
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});

describe('an echoed credential (Redactor.finds, run on every answer)', () => {
  const redactor = new Redactor([TOKEN, SPECIAL]);
  const noise = fc.string({ unit: fc.constantFrom(...'xyz QRS-_.:,{}"'.split('')), maxLength: 40 });
  const piece = (secret: string, min: number, max: number) =>
    fc.tuple(fc.nat(secret.length - min), fc.integer({ min, max })).map(([start, length]) => secret.slice(start, start + length));
  const forms = [
    (text: string) => text,
    (text: string) => JSON.stringify(text).slice(1, -1),
    (text: string) => encodeURIComponent(text),
    (text: string) => b64(`${text}`),
    (text: string) => `Basic ${b64(`${text}:X`)}`,
  ];

  it('finds a piece of 12 characters or more wherever it sits, in any form (property)', () => {
    fc.assert(
      fc.property(
        noise,
        fc.oneof(piece(TOKEN, 12, 30), piece(SPECIAL, 12, 20)),
        fc.nat(forms.length - 1),
        noise,
        (before, found, form, after) => {
          expect(redactor.finds(`${before}${forms[form]!(found)}${after}`)).toBe(true);
        },
      ),
      { numRuns: 400, seed: 11 },
    );
  });

  it('finds nothing in a text that holds only pieces shorter than 12 characters (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(noise, fc.oneof(piece(TOKEN, 1, 11), piece(SPECIAL, 1, 11))), { maxLength: 6 }), (parts) => {
        // Noise of at least one character between pieces, so two pieces never join into a longer one.
        const text = parts.map(([gap, found]) => `${gap}|${found}|`).join('');
        expect(redactor.finds(text)).toBe(false);
      }),
      { numRuns: 300, seed: 12 },
    );
  });
});

describe('whole secrets and headers, as before', () => {
  it('redacts the whole token raw, JSON-escaped, entity- and Markdown-escaped, URL-encoded, as one [REDACTED]', () => {
    const special = new Redactor([SPECIAL]);
    const forms = [
      SPECIAL,
      JSON.stringify(SPECIAL).slice(1, -1),
      SPECIAL.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'),
      SPECIAL.replace(/[\\`*_[\]<>|~&#!]/g, '\\$&'),
      encodeURIComponent(SPECIAL),
    ];
    for (const form of forms) expect(special.text(`[${form}]`), form).toBe(`[${REDACTED}]`);
    expect(redactSecrets(`token ${TOKEN} again ${TOKEN}`, [TOKEN])).toBe(`token ${REDACTED} again ${REDACTED}`);
  });

  it('redacts secrets of 4 and 5 characters whole only, and ignores shorter ones', () => {
    expect(redactSecrets('wxyz and vwxyz', ['wxyz', 'vwxyz'])).toBe(`${REDACTED} and ${REDACTED}`);
    expect(redactSecrets('abc cabbage', ['abc', ''])).toBe('abc cabbage');
    expect(redactSecrets('abcdefgh but not abcdefg', ['abcdefgh'])).toBe(`${REDACTED} but not ${REDACTED}`);
  });

  it('always redacts Authorization values, with or without secrets', () => {
    expect(redactSecrets(`-H 'Authorization: Bearer whatever-it-is'`, [])).toBe(`-H 'Authorization: Bearer ${REDACTED}'`);
    expect(redactSecrets(`authorization="basic dXNlcjpwdw=="`, [TOKEN])).toBe(`authorization="basic ${REDACTED}"`);
  });

  it('leaves a text without secrets unchanged', () => {
    const text = 'HTTP 500: {"message":"internal error","trace":"at x (y.js:1:2)"} Basic dXNlcjpwdw==';
    expect(redactSecrets(text, [TOKEN, SPECIAL])).toBe(text);
  });
});

describe('cost', () => {
  it('builds the pattern of a 200-character secret quickly', () => {
    const long = Array.from({ length: 200 }, (_, i) => String.fromCharCode(33 + ((i * 37) % 94))).join('');
    const started = performance.now();
    const redactor = new Redactor([long, TOKEN]);
    const built = performance.now() - started;
    expect(built).toBeLessThan(2_000);
    expect(redactor.text(`x ${long.slice(50, 120)} y`)).toBe(`x ${REDACTED} y`);
  });

  it('redacts 8 MiB of hostile text with a 64-character token in bounded time', () => {
    const pieces = [
      'lorem ipsum dolor sit amet ',
      TOKEN.slice(3, 12), // fragments
      ' near ',
      TOKEN.slice(0, 5), // near misses: 5 characters
      ' tok_9f8e7 9f8e7d 7d6c5 ',
      encodeURIComponent(`${TOKEN.slice(20, 30)}/`),
      JSON.stringify(TOKEN.slice(7, 19)),
      ' Basic ',
      b64(`${TOKEN}:X`),
      ' ',
      b64(TOKEN).slice(5, 30), // a piece of base64
      ' ',
      'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo'.repeat(20), // a long base64 run carrying nothing
      ' \\"\\n\\u00e9\\\\ ',
      'abcdefgh '.repeat(30), // many short runs
      '\u001b[2J\u009b\u202e',
    ];
    const unit = pieces.join('');
    const size = 8 * 1024 * 1024;
    const text = unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
    expect(TOKEN).toHaveLength(64);
    const redactor = new Redactor([TOKEN]);
    const started = performance.now();
    const out = redactor.text(text);
    const ms = performance.now() - started;
    console.info(`redacted ${text.length} characters in ${Math.round(ms)} ms`);
    expect(ms).toBeLessThan(30_000);
    expect(out).toContain(REDACTED);
    expect(out).toContain('lorem ipsum dolor sit amet ');
    expect(holdsFragment(out, TOKEN)).toBe(false);
    expect(out).not.toContain(b64(TOKEN).slice(5, 30));
  });
});
