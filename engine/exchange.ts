/**
 * The one record the session makes of every message it sends, whatever the transport. Checks,
 * reproductions and reports read only this, so a check is written once for HTTP+JSON, XML and JSON-RPC.
 */

/** Names a credential of the run (by its descriptor key) or a value that is no secret (a deliberately wrong token). */
export type CredentialRef = { readonly credential: string } | { readonly literal: string };

/**
 * The credential a request carries. The transport adds it on the wire, so an exchange never holds a
 * secret and a reproduction can name the environment variable instead.
 */
export type Auth =
  | { readonly scheme: 'bearer'; readonly token: CredentialRef }
  | { readonly scheme: 'basic'; readonly user: CredentialRef; readonly password: string };

export interface WireRequest {
  /** The HTTP method, or the JSON-RPC method (`tools/call`). */
  readonly method: string;
  /** HTTP only. */
  readonly url?: string;
  /** Never credentials: those go in `auth`. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly auth?: Auth;
}

/**
 * What the documents promise for one case. Each layer is optional and checked only where given and
 * where the protocol has it: HTTP statuses, JSON-RPC error codes, and the verdict an envelope carries
 * (Classic XML answers 200 with `status="fail"`; MCP answers a result or an error).
 */
export interface Expectation {
  readonly httpStatuses?: readonly number[];
  /** The JSON-RPC error codes the docs name for this case; the answer must be an error with one of them. */
  readonly rpcCodes?: readonly number[];
  readonly outcome?: Outcome;
  readonly why: string;
  /**
   * The rule id whose basis grounds this expectation (`success`, `errors/unknown-id`, ...): a status,
   * code or verdict other than the expected one breaks that rule.
   */
  readonly rule: string;
  /**
   * Where the docs give only the kind of answer (a refusal) and leave its exact status to the
   * implementer: another status matching one of these patterns (`4XX`) keeps `rule` and breaks only
   * `exactRule`, an open rule.
   */
  readonly lenient?: { readonly httpStatuses: readonly string[]; readonly exactRule: string };
}

/** The verdict an answer carries besides any HTTP status: a success, or a documented refusal. */
export type Outcome = 'ok' | 'fail';

export interface WireResponse {
  /** HTTP only; absent over stdio. */
  readonly httpStatus?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Body text (HTTP), or the JSON-RPC response message, cut at the size cap (see `truncated`). */
  readonly body: string;
  readonly truncated: boolean;
  /** JSON-RPC: the error code the answer carries (a protocol `error`, or a code inside a tool error result). */
  readonly rpcErrorCode?: number;
  /** MCP: the tool answered with a result that says `isError: true`. */
  readonly toolError?: boolean;
}

/** Why no usable response arrived. `connection` means the target is unreachable (exit 3). */
type TransportErrorKind = 'timeout' | 'too-large' | 'connection' | 'protocol' | 'rate-limited';

export interface TransportError {
  readonly kind: TransportErrorKind;
  readonly message: string;
}

export interface Exchange {
  /** The spec's operation id (`getClient`, `client.list`, `client_single`, ...). */
  readonly operation: string;
  readonly request: WireRequest;
  /** What the case wanted of the answer, so a replay judges the answer as the run did. */
  readonly expect?: Expectation;
  readonly response?: WireResponse;
  readonly transportError?: TransportError;
  readonly elapsedMs: number;
  /** Retries after rate-limit answers before this one (counted in the report, not a failure). */
  readonly retries?: number;
  readonly waitedMs?: number;
}

/**
 * The first `length` characters of a text as a string of their own: V8 keeps a whole large string alive
 * behind a slice of it, and a hostile 8 MiB body must not stay in memory for the sake of its first 64 KiB.
 */
export function detachedPrefix(text: string, length: number): string {
  return text.length <= length ? text : Buffer.from(text.slice(0, length), 'utf16le').toString('utf16le');
}

/** The response headers a failure excerpt shows: what a reader needs to understand the answer, never a credential. */
export const SHOWN_HEADERS: readonly string[] = [
  'content-type',
  'content-length',
  'retry-after',
  'location',
  'www-authenticate',
  'allow',
  'mcp-session-id',
];

/** A request's or a response's media type (lower-case, no parameters), or '' without a Content-Type. */
export function contentTypeOf(message: Pick<WireResponse, 'headers'>): string {
  const headers = message.headers;
  if (!headers) return '';
  // Answers' header names are lower-case; a request's are as the adapter wrote them.
  let value = headers['content-type'];
  if (value === undefined)
    for (const name in headers)
      if (name.length === 12 && name.toLowerCase() === 'content-type') {
        value = headers[name];
        break;
      }
  if (!value) return '';
  const end = value.indexOf(';');
  return (end < 0 ? value : value.slice(0, end)).trim().toLowerCase();
}

/** What a person runs or sends to replay one exchange, by kind, so each report format can show it fittingly. */
export interface ReproductionStep {
  /** `curl`: a shell line; `jsonrpc`: a JSON-RPC message to write to the server's stdin. */
  readonly kind: 'curl' | 'jsonrpc';
  readonly command: string;
  /** The body as sent, when there is one, and its language. */
  readonly body?: string;
  readonly language?: 'json' | 'xml' | 'form';
}
