/**
 * How `clientele replay` lines a new server's answers up with the recorded ones: the ids the new
 * server handed out in place of the recorded ones (learned step by step, sent in later requests), and
 * answers compared without what differs on every run (JSON-RPC message ids, timestamps, uuids).
 * Textual and generic: it knows JSON members and XML elements by name, not any API's shapes.
 */
import type { SpecView } from '../engine/checks/types.js';
import type { Exchange, WireResponse } from '../engine/exchange.js';
import type { RecordedStep } from '../engine/records.js';

type Answered = Pick<WireResponse, 'httpStatus' | 'rpcErrorCode' | 'toolError'>;

/**
 * An id-like member with a string or number value, its quotes escaped or not (MCP nests a tool's JSON
 * in a text of the JSON-RPC message): named `id`, `*_id` or `*Id`.
 */
const JSON_MEMBER = /\\*"([A-Za-z0-9_]*)\\*"\s*:\s*(?:\\*"([^"\\]+)\\*"|(-?\d+))/g;
const XML_ID_ELEMENT = /<(?:[\w.-]+:)?([\w.-]*id)(?:\s[^>]*)?>([^<]+)<\//gi;

/** The JSON-RPC message id (either member order): a count of the connection's messages, not the target's data. */
const RPC_IDS = [
  /("jsonrpc"\s*:\s*"2\.0"\s*,\s*"id"\s*:\s*)(-?\d+|"[^"]*"|null)/g,
  /("id"\s*:\s*)(-?\d+|"[^"]*"|null)(?=\s*,\s*"jsonrpc")/g,
];
const TIMESTAMP = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g;
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

/** A value counts as a token when no letter, digit, `_`, `.` or `-` touches it (`/clients/4`, `>4<`, `"clientId":4,`; not `1.0`). */
const TOKEN_BEFORE = '(?<![\\w.-])';
const TOKEN_AFTER = '(?![\\w.-])';

function idLikeMember(name: string): boolean {
  return name === 'id' || name.endsWith('_id') || /[a-z0-9]Id$/.test(name);
}

function withoutRpcIds(text: string): string {
  return RPC_IDS.reduce((out, pattern) => out.replace(pattern, (_match, lead: string) => `${lead}"#"`), text);
}

/** The id-like values of a body by where they stand: the element or member name and its occurrence. */
function places(body: string): Map<string, string> {
  const found = new Map<string, string>();
  const seen = new Map<string, number>();
  const add = (name: string, value: string) => {
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    found.set(`${name}#${n}`, value.trim());
  };
  const text = withoutRpcIds(body);
  if (/^\s*</.test(text)) {
    for (const match of text.matchAll(XML_ID_ELEMENT)) add(`<${match[1]}>`, match[2]!);
  } else {
    for (const match of text.matchAll(JSON_MEMBER)) {
      const name = match[1]!;
      if (idLikeMember(name)) add(name, match[2] ?? match[3]!);
    }
  }
  return found;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Recorded id → the new server's id for the same thing, one to one, the first learned kept. */
export class IdMap {
  private readonly map = new Map<string, string>();
  private requestPattern?: RegExp;
  private answerPattern?: RegExp;

  /** Learns from one step's recorded and replayed answers of the same kind (same status, code, verdict). */
  learn(recorded: string, replayed: string): void {
    const after = places(replayed);
    const images = new Set(this.map.values());
    for (const [place, old] of places(recorded)) {
      const now = after.get(place);
      if (now === undefined || now === '' || old === '' || now === old || this.map.has(old) || images.has(now)) continue;
      this.map.set(old, now);
      images.add(now);
      this.requestPattern = this.answerPattern = undefined;
    }
  }

  /** A later request's URL part or body with every recorded id, as a whole token, replaced in one pass. */
  inRequest(text: string): string {
    if (this.map.size === 0) return text;
    this.requestPattern ??= new RegExp(`${TOKEN_BEFORE}(?:${this.alternatives([...this.map.keys()])})${TOKEN_AFTER}`, 'g');
    return this.substituted(text, this.requestPattern);
  }

  /**
   * A recorded answer as the new server would word it: also ids of four digits or more inside words (a
   * server may build a username from the id), where no longer number can be meant.
   */
  inAnswer(text: string): string {
    if (this.map.size === 0) return text;
    if (!this.answerPattern) {
      const long = [...this.map.keys()].filter((id) => /^\d{4,}$/.test(id));
      const other = [...this.map.keys()].filter((id) => !/^\d{4,}$/.test(id));
      const parts = [
        ...(long.length ? [`(?<!\\d)(?:${this.alternatives(long)})(?!\\d)`] : []),
        ...(other.length ? [`${TOKEN_BEFORE}(?:${this.alternatives(other)})${TOKEN_AFTER}`] : []),
      ];
      this.answerPattern = new RegExp(parts.join('|'), 'g');
    }
    return this.substituted(text, this.answerPattern);
  }

  /**
   * Every match of `pattern` replaced by the id it maps to, except inside a timestamp: a clock reading
   * is never an id, yet `05:30:12` holds the token `30`, and the recorded time of day is whatever it was,
   * so replacing there would make an answer differ only on runs recorded at such a minute or second.
   */
  private substituted(text: string, pattern: RegExp): string {
    const clock = [...text.matchAll(TIMESTAMP)].map((match) => [match.index, match.index + match[0].length] as const);
    return text.replace(pattern, (old: string, offset: number) =>
      clock.some(([start, end]) => offset < end && offset + old.length > start) ? old : (this.map.get(old) ?? old),
    );
  }

  private alternatives(ids: string[]): string {
    // Longest first, so `100` never takes the start of `1000`.
    return [...ids]
      .sort((a, b) => b.length - a.length)
      .map(escape)
      .join('|');
  }
}

/** A body without the values that differ on every run. */
function normalized(body: string): string {
  return withoutRpcIds(body).replace(TIMESTAMP, '<time>').replace(UUID, '<uuid>');
}

/** Whether the replayed exchange answered as the recorded step did, ids substituted. */
export function sameAnswer(step: RecordedStep, observed: Exchange | undefined, ids: IdMap): boolean {
  if (!observed) return false;
  const was = step.answer;
  const now = observed.response;
  if (!was || !now) return !was && !now && step.transportError !== undefined && observed.transportError !== undefined;
  if (!sameKind(was, now)) return false;
  const before = normalized(ids.inAnswer(was.body));
  const after = normalized(now.body);
  // A recorded body was cut at 4 KiB (and its last id or timestamp maybe mid-way): compare what it kept.
  return was.truncated ? after.startsWith(before.slice(0, Math.max(0, before.length - 64))) : before === after;
}

/** Same HTTP status, JSON-RPC code and tool verdict: the answers stand for the same thing, so their ids line up. */
export function sameKind(was: Answered, now: Answered): boolean {
  return was.httpStatus === now.httpStatus && was.rpcErrorCode === now.rpcErrorCode && !!was.toolError === !!now.toolError;
}

/** `HTTP 404`, `HTTP 200 (fail)`, `JSON-RPC error -32005`, `a result`, `no answer (timeout ...)`. */
function answerText(spec: SpecView, response: WireResponse | undefined, transportError: string | undefined): string {
  if (!response) return `no answer (${transportError ?? 'none came'})`;
  const decoded = spec.decode(response);
  const outcome = decoded.ok ? spec.outcome(response, decoded.value) : undefined;
  const parts: string[] = [];
  if (response.httpStatus !== undefined) parts.push(`HTTP ${response.httpStatus}${outcome ? ` (${outcome})` : ''}`);
  if (response.rpcErrorCode !== undefined) parts.push(`JSON-RPC error ${response.rpcErrorCode}`);
  else if (response.toolError) parts.push('a tool error');
  else if (response.httpStatus === undefined && outcome) parts.push(outcome === 'ok' ? 'a result' : 'an error');
  return parts.length > 0 ? parts.join(', ') : 'an answer';
}

/** How a replayed answer differs from the recorded one, in a few words: `HTTP 200, was HTTP 500`. */
export function difference(spec: SpecView, step: RecordedStep, observed: Exchange | undefined): string {
  const was = answerText(spec, step.answer, step.transportError);
  const now = observed ? answerText(spec, observed.response, observed.transportError?.message) : 'not sent';
  return now === was ? `${now} with a different body` : `${now}, was ${was}`;
}
