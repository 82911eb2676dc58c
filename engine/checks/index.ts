/**
 * The registry of exchange checks, in the order they run. Adding a check: write one module beside this
 * one (a name, a description, what it applies to, a `run` that throws ConformanceFailure), list it
 * here, and name it in the spec views that should run it.
 */
import { contentType } from './content-type.js';
import { documentedMessage } from './documented-message.js';
import { duplicateKeys } from './duplicate-keys.js';
import { expectedErrorCode } from './expected-error-code.js';
import { expectedOutcome } from './expected-outcome.js';
import { expectedStatus } from './expected-status.js';
import { notAServerError } from './not-a-server-error.js';
import { responseSchema } from './response-schema.js';
import { statusDocumented } from './status-documented.js';
import { transport } from './transport.js';
import type { ExchangeCheck } from './types.js';
import { wellFormedBody } from './well-formed-body.js';

export const EXCHANGE_CHECKS: readonly ExchangeCheck[] = [
  transport,
  notAServerError,
  expectedStatus,
  statusDocumented,
  contentType,
  wellFormedBody,
  duplicateKeys,
  responseSchema,
  documentedMessage,
  expectedOutcome,
  expectedErrorCode,
];

/**
 * Checks grouped by what a protocol has, as ajv groups its keywords in vocabularies: a spec view picks
 * the groups its protocol speaks (HTTP+JSON: `http` and `body`; Classic XML adds `envelope`).
 */
export const CHECK_GROUPS = {
  http: ['transport', 'not-a-server-error', 'expected-status', 'status-documented', 'content-type'],
  body: ['well-formed-body', 'response-schema'],
  /** JSON bodies only: XML has no duplicate keys (a repeated attribute is malformed, repeated elements are legitimate). */
  json: ['duplicate-keys', 'documented-message'],
  envelope: ['expected-outcome'],
  rpc: ['expected-error-code'],
} as const satisfies Record<string, readonly string[]>;

/** The registered checks with these names, in registry order: how a spec view picks the ones its protocol has. */
export function pickChecks(names: readonly string[]): readonly ExchangeCheck[] {
  const unknown = names.filter((name) => !EXCHANGE_CHECKS.some((check) => check.name === name));
  if (unknown.length) throw new Error(`no exchange check named ${unknown.join(', ')}`);
  return EXCHANGE_CHECKS.filter((check) => names.includes(check.name));
}
