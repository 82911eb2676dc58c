/**
 * The registry of exchange checks, in the order they run. Adding a check: write one module beside this
 * one (a name, a description, a `run` that throws ConformanceFailure) and list it here.
 */
import { contentType } from './content-type.js';
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
  responseSchema,
  expectedOutcome,
];
