import type { Credential } from './config.js';
import type { CredentialRef, ReproductionStep, TransportError, WireRequest, WireResponse } from './exchange.js';
import { InternalError } from './failures.js';
import type { RequestWindow } from './pacing.js';

export type ShellValue = { readonly variable: string } | { readonly text: string };

export interface TransportOutcome {
  readonly response?: WireResponse;
  readonly transportError?: TransportError;
  readonly elapsedMs: number;
  /** Retries after a rate-limit answer (a 429, a 503 with Retry-After, a "come back later" code), and the time waited for them. */
  readonly retries?: number;
  readonly waitedMs?: number;
  /** Attempts the target pushed back (429, 503, "come back later"), the last one included when it still did. */
  readonly pushedBack?: number;
}

/** Turns a credential reference into its value at send time, and into its name for a reproduction. */
export interface CredentialResolver {
  value(ref: CredentialRef): string;
  /** How a reproduction writes it: a secret by its environment variable, anything else as its text. */
  forShell(ref: CredentialRef): ShellValue;
}

/** The resolver of a run's credentials: a reference the run has no credential for is our error. */
export function resolverOf(credentials: readonly Credential[]): CredentialResolver {
  const find = (ref: CredentialRef): Credential | undefined =>
    'credential' in ref ? credentials.find((c) => c.key === ref.credential) : undefined;
  return {
    value(ref) {
      if ('literal' in ref) return ref.literal;
      const found = find(ref);
      if (!found) throw new InternalError(`the run has no credential '${ref.credential}'`);
      return found.value;
    },
    forShell(ref) {
      if ('literal' in ref) return { text: ref.literal };
      const found = find(ref);
      return found?.secret ? { variable: found.env ?? 'CLIENTELE_TOKEN' } : { text: found?.value ?? '' };
    },
  };
}

/** What bounds one send beyond the transport's own limits: the guard's say. */
export interface SendOptions {
  /** A shorter deadline than the transport's (cleanup after the run stopped has little time left). */
  readonly timeoutMs?: number;
  /** Aborts the send (and any wait for a retry) when the run is interrupted. */
  readonly signal?: AbortSignal;
  /** The run's requests in flight: the send holds a place in it from its first attempt to its last answer, and tells it of pushback. */
  readonly window?: RequestWindow;
}

/**
 * How messages reach the target: HTTP today (`protocols/http`), with room for stdio and Streamable HTTP.
 * The session is its only caller; a transport never throws for what the target does, it reports it.
 */
export interface Transport {
  send(request: WireRequest, credentials: CredentialResolver, options?: SendOptions): Promise<TransportOutcome>;
  /** The shortest thing a person can replay the request with, credentials named, never written. */
  reproduce(request: WireRequest, credentials: CredentialResolver): ReproductionStep;
  /** What a server this transport started wrote to its stderr (the end of it); absent when it started none. */
  serverLog?(): string;
  close(): Promise<void>;
}
