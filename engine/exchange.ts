/**
 * The one record every protocol adapter produces. Checks, reproductions and reports read only this,
 * so a check is written once for HTTP+JSON, XML and JSON-RPC alike.
 */
export type Protocol = 'http-json' | 'http-xml' | 'jsonrpc';

export interface WireRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface WireResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Body text, cut at the size cap (see `truncated`). */
  readonly body: string;
  readonly truncated: boolean;
}

/** Why no usable response arrived. `connection` means the target is unreachable (exit 3). */
export type TransportErrorKind = 'timeout' | 'too-large' | 'connection' | 'protocol';

export interface TransportError {
  readonly kind: TransportErrorKind;
  readonly message: string;
}

export interface Exchange {
  readonly protocol: Protocol;
  /** The spec's operation id (`getClient`, `client.list`, ...). */
  readonly operation: string;
  readonly request: WireRequest;
  readonly response?: WireResponse;
  readonly transportError?: TransportError;
  readonly elapsedMs: number;
}

export function contentTypeOf(response: WireResponse): string {
  return (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}
