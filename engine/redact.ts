/**
 * The one redactor. Credentials never leave the process: what leaves a check passes through it (a
 * failure's record, its texts, its exchanges), and the report writer and console every rendered line, as
 * a last pass. The session searches every answer for a credential the target echoed (`finds`).
 *
 * A hostile target can reflect a secret in pieces (a parse error quoting part of a body), so what goes
 * is every fragment of a secret of `MIN_FRAGMENT_LENGTH` characters or more, in every form a report or
 * an exchange can hold it (raw, JSON-escaped, URL-encoded, entity- or Markdown-escaped), and any base64
 * run that decodes to text holding such a fragment (`Basic` credentials built from a token).
 */
import { TextMemo } from './memo.js';

export const REDACTED = '[REDACTED]';

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);

/** Shorter secrets would match inside ordinary words and mangle the report. */
const MIN_SECRET_LENGTH = 4;

/** Pieces of a secret this long or longer are redacted wherever they appear; shorter ones are too likely in ordinary words. */
export const MIN_FRAGMENT_LENGTH = 6;
/** The shortest piece of a secret that counts as the target echoing it back (see `Redactor.finds`). */
const ECHO_FRAGMENT_LENGTH = 12;

/**
 * A longer reflected piece is matched as consecutive fragments of at most this many characters (all of
 * them redacted): it bounds the pattern to secret length x this, for secrets far longer than a token.
 */
const MAX_FRAGMENT_LENGTH = 256;

/** Base64 runs this long or longer are decoded (at each of the 4 alignments) and checked for fragments. */
const MIN_BASE64_RUN = 8;
/** Runs up to this long are remembered with what their decoding holds, up to `MEMO_LIMIT` of them. */
const MEMO_RUN_LENGTH = 64;
const MEMO_LIMIT = 20_000;

export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!SECRET_HEADERS.has(name.toLowerCase())) out[name] = value;
    else {
      // Keep the scheme (Bearer/Basic): it tells the reader which kind of credential was sent.
      const scheme = /^(\w+)\s/.exec(value)?.[1];
      out[name] = scheme ? `${scheme} ${REDACTED}` : REDACTED;
    }
  }
  return out;
}

// A quote as it may appear around a header value once rendered: raw, JSON-escaped, or as an XML/HTML entity.
const QUOTE = String.raw`(?:\\?["']|&quot;|&apos;|&#0*3[49];|&#x0*2[27];)`;
// The credential ends at whitespace or at the first character that starts a quote or escape in any format.
const AUTHORIZATION = new RegExp(String.raw`(authorization${QUOTE}?\s*[:=]\s*${QUOTE}?\s*(?:bearer|basic)\s+)[^\s'"\\<>&$]+`, 'gi');
// Standard and URL-safe alphabets. `+`, not `{n,}`: V8 runs out of stack on a counted loop over a long run.
const BASIC_CREDENTIALS = /\b(basic\s+)([A-Za-z0-9+/_-]+={0,2})/gi;
// A run is decoded whole, so a reflected piece of a base64 text counts too.
const BASE64_RUN = /[A-Za-z0-9+/_-]+={0,2}/g;
/** The code units of BASE64_RUN's alphabet, looked up when a scan needs only the runs' bounds. */
const BASE64_UNITS = new Uint8Array(128);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-') BASE64_UNITS[char.charCodeAt(0)] = 1;
const isBase64Unit = (unit: number) => unit < 128 && BASE64_UNITS[unit] === 1;
const EQUALS = 0x3d;

function base64(text: string): string {
  // Unpadded, so the form matches whether or not the text that holds it kept the padding.
  return Buffer.from(text, 'utf8').toString('base64').replace(/=+$/, '');
}

/** Node's decoder takes both alphabets (`+/` and `-_`) and unpadded input. */
function decodeBase64(text: string): string {
  return Buffer.from(text, 'base64').toString('utf8');
}

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const ATTRIBUTE_WHITESPACE: Readonly<Record<string, string>> = { '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

const entity = (char: string, apostrophe: string) => (char === "'" ? apostrophe : (ENTITIES[char] ?? char));
const uri = (char: string) => {
  try {
    return encodeURIComponent(char);
  } catch {
    return char; // a lone surrogate: no URL form
  }
};

/**
 * Every way one character of a secret can appear in a text: raw, escaped by one of the report formats,
 * or encoded. Each form is a per-character map, so the form of a fragment is a fragment of the form.
 */
const CHAR_FORMS: readonly ((char: string) => string)[] = [
  (char) => char,
  (char) => JSON.stringify(char).slice(1, -1),
  uri,
  (char) => uri(char).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
  (char) => new URLSearchParams({ v: char }).toString().slice(2), // form encoding: space as +, more escaped
  (char) => entity(char, '&apos;'),
  (char) => entity(char, '&#39;'),
  (char) => ATTRIBUTE_WHITESPACE[char] ?? entity(char, '&apos;'),
  (char) => (/[\\`*_[\]<>|~&#!]/.test(char) ? `\\${char}` : char), // Markdown
];

/** Whole-secret forms no per-character map gives: base64, alone or in the Basic credentials built from a token. */
function encodedForms(secret: string): string[] {
  // `secret:`, `secret:X` (FreshBooks Classic), `user:secret`.
  return [base64(secret), base64(`${secret}:`), base64(`${secret}:X`), base64(`:${secret}`)];
}

const BACKSLASH = 0x5c;

/** Whether the character at `index` is escaped by the backslashes before it (an odd run of them). */
function escapedAt(text: string, index: number): boolean {
  let count = 0;
  for (let k = index - 1; k >= 0 && text.charCodeAt(k) === BACKSLASH; k--) count++;
  return count % 2 === 1;
}

/** Whether a backslash escape (`\x`, or `\uXXXX`) starts at `index`. */
function escapeStartsAt(text: string, index: number): boolean {
  return text.charCodeAt(index) === BACKSLASH && !escapedAt(text, index);
}

function escapeLength(text: string, index: number): number {
  return text[index + 1] === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(index + 2, index + 6)) ? 6 : 2;
}

/**
 * Widens a match so it never cuts a backslash escape in two (`\"`, `\n`, `\u00e9`): the redacted JSON
 * stays valid, and a kept backslash cannot swallow the character after `[REDACTED]`.
 */
function widen(text: string, start: number, end: number, floor: number): [number, number] {
  let from = start;
  for (let p = start - 1; p >= Math.max(floor, start - 5); p--) {
    if (escapeStartsAt(text, p) && p + escapeLength(text, p) > start) {
      from = p;
      break;
    }
  }
  let to = end;
  for (let p = Math.max(from, end - 5); p < end; p++) {
    if (escapeStartsAt(text, p)) {
      to = Math.max(to, Math.min(text.length, p + escapeLength(text, p)));
      p += escapeLength(text, p) - 1;
    }
  }
  return [from, to];
}

/**
 * A trie of every fragment of every form of the secrets (the trie of all their suffixes, so at most
 * secret length x `MAX_FRAGMENT_LENGTH` nodes per form), scanned leftmost-longest: each position walks
 * until the text leaves the trie, and a walk that reaches no accepting node is shorter than a fragment.
 * That keeps the scan linear-ish in the text, whatever the text holds.
 */
class FragmentTrie {
  private readonly edges: Map<number, number>[] = [new Map()];
  private readonly accepting: boolean[] = [false];
  /** The code units a match can start with: most positions of a text are dismissed by one lookup. */
  private readonly starts = new Uint8Array(0x10000);

  /** Adds the path of `pieces` (one string per character of the source); it accepts after the `acceptFrom`-th piece and each one after. */
  add(pieces: readonly string[], acceptFrom: number): void {
    let node = 0;
    pieces.forEach((piece, index) => {
      for (let i = 0; i < piece.length; i++) node = this.child(node, piece.charCodeAt(i));
      if (index + 1 >= acceptFrom) this.accepting[node] = true;
    });
  }

  private child(node: number, unit: number): number {
    if (node === 0) this.starts[unit] = 1;
    const edges = this.edges[node]!;
    let next = edges.get(unit);
    if (next === undefined) {
      next = this.edges.length;
      this.edges.push(new Map());
      this.accepting.push(false);
      edges.set(unit, next);
    }
    return next;
  }

  /** The end of the longest match starting at `start`, or -1. */
  longestAt(text: string, start: number): number {
    if (this.starts[text.charCodeAt(start)] !== 1) return -1;
    let node = 0;
    let end = -1;
    for (let i = start; i < text.length; i++) {
      const next = this.edges[node]!.get(text.charCodeAt(i));
      if (next === undefined) break;
      node = next;
      if (this.accepting[node]) end = i + 1;
    }
    return end;
  }
}

/** The length of the pieces of text `GramTable` knows. */
const GRAM = 6;

/**
 * Every `GRAM` characters that occur in a form of a secret, as a table of their hashes: a text's piece
 * whose hash is not in it occurs in no form. A hash shared by chance only costs an exact look.
 */
class GramTable {
  private readonly seen = new Uint8Array(1 << 16);

  add(form: string): void {
    for (let at = 0; at + GRAM <= form.length; at++) this.seen[gramHash(form, at)] = 1;
  }

  holds(text: string, at: number): boolean {
    return this.seen[gramHash(text, at)] === 1;
  }
}

function gramHash(text: string, at: number): number {
  let hash = 0;
  for (let k = at; k < at + GRAM; k++) hash = (Math.imul(hash, 31) + text.charCodeAt(k)) | 0;
  return (hash ^ (hash >>> 16)) & 0xffff;
}

/** Removes every secret, in every form, and any credential in an Authorization header line, from a text. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  return redactorFor(secrets).text(text);
}

// The console, the writer and every session of a run (a check's, each property case's) redact with the
// same secrets: the pattern is built once, and what it learned of repeated base64 runs is kept. Both
// are functions of the secrets alone, so sharing them shares no state of a run.
const cache = new Map<string, Redactor>();

/** The redactor for `secrets`, built once for as long as it is among the last 8 asked for. */
export function redactorFor(secrets: readonly string[]): Redactor {
  const key = JSON.stringify(secrets);
  let redactor = cache.get(key);
  if (redactor === undefined) {
    redactor = new Redactor(secrets);
    if (cache.size >= 8) cache.delete(cache.keys().next().value!);
    cache.set(key, redactor);
  }
  return redactor;
}

/** A redactor bound to one run's secrets; the pattern of every form of every fragment is built once. */
export class Redactor {
  private readonly usable: readonly string[];
  private readonly trie?: FragmentTrie;
  private readonly grams = new GramTable();
  private readonly decoded = new TextMemo<number>(MEMO_LIMIT, MEMO_RUN_LENGTH);

  constructor(readonly secrets: readonly string[]) {
    this.usable = [...new Set(secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH))];
    if (this.usable.length === 0) return;
    const trie = new FragmentTrie();
    const seen = new Set<string>();
    const addOnce = (pieces: readonly string[], acceptFrom: number) => {
      const key = `${acceptFrom}\u0000${pieces.join('\u0000')}`;
      if (!seen.has(key)) {
        seen.add(key);
        trie.add(pieces, acceptFrom);
      }
    };
    for (const secret of this.usable) {
      const chars = [...secret];
      for (const form of CHAR_FORMS) {
        const pieces = chars.map(form);
        this.grams.add(pieces.join(''));
        // The whole secret, whatever its length (4 and 5 too)...
        addOnce([pieces.join('')], 1);
        // ...and every fragment of MIN_FRAGMENT_LENGTH characters or more: the paths of all its suffixes.
        for (let start = 0; start + MIN_FRAGMENT_LENGTH <= chars.length; start++) {
          addOnce(pieces.slice(start, start + MAX_FRAGMENT_LENGTH), MIN_FRAGMENT_LENGTH);
        }
      }
      for (const form of encodedForms(secret)) {
        if (form.length >= MIN_SECRET_LENGTH) addOnce([form], 1);
        this.grams.add(form);
      }
    }
    this.trie = trie;
  }

  text(text: string): string {
    return this.redact(text).text;
  }

  /**
   * The text redacted, and whether anything was cut from it. A text nothing was cut from holds no
   * secret and no piece of one in any form, so `finds` would find nothing in it either.
   */
  redact(text: string): { text: string; cut: boolean } {
    let cut = false;
    // Header values go whatever the secrets list says: a credential never belongs in a report.
    let out = text.replace(AUTHORIZATION, (_match, prefix: string) => {
      cut = true;
      return `${prefix}${REDACTED}`;
    });
    if (this.trie === undefined) return { text: out, cut };
    // `Basic <base64>` outside a header line: decode and drop it when it carries a secret.
    out = out.replace(BASIC_CREDENTIALS, (match, prefix: string, encoded: string) => {
      if (encoded.length < MIN_SECRET_LENGTH) return match;
      const decoded = decodeBase64(encoded);
      if (!this.usable.some((secret) => decoded.includes(secret)) && !this.holdsFragment(decoded)) return match;
      cut = true;
      return `${prefix}${REDACTED}`;
    });
    // Any other base64 run, or a piece of one: decoded at each alignment, dropped whole when it carries a fragment.
    out = out.replace(BASE64_RUN, (run) => {
      if (!this.decodesToFragment(run)) return run;
      cut = true;
      return REDACTED;
    });
    const rest = this.fragments(out);
    return { text: rest, cut: cut || rest !== out };
  }

  optional(text: string | undefined): string | undefined {
    return text === undefined ? undefined : this.text(text);
  }

  /** Every value of a record (headers) redacted, under the same names. */
  record(values: Readonly<Record<string, string>>): Record<string, string> {
    return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, this.text(value)]));
  }

  /**
   * Whether a text holds a secret, or a piece of one of at least `minLength` characters, in any form: a
   * target that echoes a credential. Longer than the redaction's 6: random data (ids, uuids) holds a
   * 6-character piece of a random hex token by chance every few thousand answers; a 12-character one,
   * practically never.
   */
  finds(text: string, minLength = ECHO_FRAGMENT_LENGTH): boolean {
    if (this.trie === undefined) return false;
    if (minLength >= 2 * GRAM - 1 ? this.holdsLongFragment(text, minLength) : this.holdsFragment(text, minLength)) return true;
    // A fragment of `minLength` characters takes at least as many bytes, so a shorter base64 run cannot
    // decode to one: most runs (words, numbers, short ids) are passed over without a slice or a decode.
    const shortest = Math.max(MIN_BASE64_RUN, Math.ceil((minLength * 4) / 3));
    for (let i = 0; i < text.length;) {
      if (!isBase64Unit(text.charCodeAt(i))) {
        i++;
        continue;
      }
      let end = i + 1;
      while (end < text.length && isBase64Unit(text.charCodeAt(end))) end++;
      const body = end - i;
      for (let pad = 0; pad < 2 && text.charCodeAt(end) === EQUALS; pad++) end++;
      if (body >= shortest && this.decodesToFragment(text.slice(i, end), minLength)) return true;
      i = end;
    }
    return false;
  }

  /** Replaces every match, leftmost-longest: what is left between two holds no fragment of a secret. */
  private fragments(text: string): string {
    const trie = this.trie!;
    const parts: string[] = [];
    let last = 0;
    for (let i = 0; i < text.length;) {
      const end = trie.longestAt(text, i);
      if (end < 0) {
        i++;
        continue;
      }
      const [from, to] = widen(text, i, end, last);
      parts.push(text.slice(last, from), REDACTED);
      last = i = to;
    }
    if (parts.length === 0) return text;
    parts.push(text.slice(last));
    return parts.join('');
  }

  /** Whether a text holds a fragment of a secret of MIN_FRAGMENT_LENGTH characters or more, in any form. */
  private holdsFragment(text: string, minLength = MIN_FRAGMENT_LENGTH): boolean {
    const trie = this.trie!;
    for (let i = 0; i < text.length; i++) if (trie.longestAt(text, i) - i >= minLength) return true;
    return false;
  }

  /**
   * As `holdsFragment`, for pieces of `2 * GRAM - 1` characters or more, looking at every `GRAM`-th
   * position only: such a piece holds a whole `GRAM` that starts at one of them, and that `GRAM` is one
   * of the secrets' forms'. Only where one is found is the trie walked, from the positions before it.
   */
  private holdsLongFragment(text: string, minLength: number): boolean {
    const trie = this.trie!;
    for (let at = 0; at + GRAM <= text.length; at += GRAM) {
      if (!this.grams.holds(text, at)) continue;
      for (let start = Math.max(0, at - GRAM + 1); start <= at; start++) if (trie.longestAt(text, start) - start >= minLength) return true;
    }
    return false;
  }

  private decodesToFragment(run: string, minLength = MIN_FRAGMENT_LENGTH): boolean {
    if (run.length < MIN_BASE64_RUN) return false;
    return this.longestDecodedFragment(run) >= minLength;
  }

  /**
   * The longest fragment of a secret that `run`, decoded at any alignment, holds (0 for none). Answers
   * repeat their keys and many values, and every word of 8 letters is a base64 run: a run seen before
   * is looked up, not decoded again (up to `MEMO_LIMIT` distinct short runs).
   */
  private longestDecodedFragment(run: string): number {
    return this.decoded.get(run, () => {
      const body = run.replace(/=+$/, '');
      let longest = 0;
      // A piece of a base64 text starts anywhere in a 4-character group: try each alignment.
      for (let shift = 0; shift < 4 && body.length - shift >= MIN_BASE64_RUN - 3; shift++) {
        longest = Math.max(longest, this.longestFragment(decodeBase64(body.slice(shift))));
      }
      return longest;
    });
  }

  /** The length of the longest fragment of a secret in `text`, in any form (0 for none). */
  private longestFragment(text: string): number {
    const trie = this.trie!;
    let longest = 0;
    for (let i = 0; i < text.length; i++) longest = Math.max(longest, trie.longestAt(text, i) - i);
    return longest;
  }
}
