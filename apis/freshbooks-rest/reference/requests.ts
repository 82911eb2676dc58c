/** Reading FreshBooks REST requests: the route, the create/update body and the paging parameters. */
import { BOOLEAN_FIELDS, TEXT_FIELDS, VIS_STATES, type Patch } from './store.js';
import { valueText, type OldError } from './envelopes.js';

export type Route = { kind: 'collection'; accountId: string } | { kind: 'item'; accountId: string; id: string };

const ROUTE_PATTERN = /^\/accounting\/account\/([^/]+)\/users\/clients(?:\/([^/]+))?$/;
export const ALLOWED_METHODS: Record<Route['kind'], readonly string[]> = { collection: ['GET', 'POST'], item: ['GET', 'PUT'] };

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function matchRoute(pathname: string): Route | undefined {
  const match = ROUTE_PATTERN.exec(pathname);
  if (!match) return undefined;
  const accountId = safeDecode(match[1]);
  return match[2] === undefined ? { kind: 'collection', accountId } : { kind: 'item', accountId, id: safeDecode(match[2]) };
}

/** Strict decimal integer, or undefined. */
export function parseInteger(text: string): number | undefined {
  return /^-?\d+$/.test(text) ? Number(text) : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function coerceText(value: unknown): string {
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export type ParsedClientBody = { ok: true; patch: Patch } | { ok: false; status: number; errors: OldError[] };

/**
 * Validates a create/update body; unknown keys in `client` are ignored. `acceptsWrongTypes` is the
 * fault that stores a non-string text value as text instead of refusing it.
 */
export function parseClientBody(raw: string, acceptsWrongTypes = false): ParsedClientBody {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return { ok: false, status: 400, errors: [{ errno: 1001, field: '', message: 'Request body is not valid JSON.', value: '' }] };
  }
  if (!isPlainObject(body) || !isPlainObject(body.client)) {
    const given = isPlainObject(body) ? body.client : body;
    return {
      ok: false,
      status: 422,
      errors: [
        { errno: 1001, field: 'client', message: "Request body must be an object with a 'client' object.", value: valueText(given) },
      ],
    };
  }
  const input = body.client;
  const patch: Patch = {};
  const errors: OldError[] = [];

  for (const field of TEXT_FIELDS) {
    if (!(field in input)) continue;
    const value = input[field];
    if (typeof value === 'string' || value === null) patch[field] = value;
    else if (acceptsWrongTypes) patch[field] = coerceText(value);
    else errors.push({ errno: 2001, field, message: `${field} must be a string or null.`, value: valueText(value) });
  }
  for (const field of BOOLEAN_FIELDS) {
    if (!(field in input)) continue;
    const value = input[field];
    if (typeof value === 'boolean') patch[field] = value;
    else errors.push({ errno: 2001, field, message: `${field} must be a boolean.`, value: valueText(value) });
  }
  if ('vis_state' in input) {
    const value = input.vis_state;
    if (typeof value === 'number' && VIS_STATES.includes(value)) patch.vis_state = value;
    else errors.push({ errno: 2001, field: 'vis_state', message: 'vis_state must be one of 0, 1, 2.', value: valueText(value) });
  }
  return errors.length > 0 ? { ok: false, status: 422, errors } : { ok: true, patch };
}

export const DEFAULT_PER_PAGE = 15;

export type PagingParameters = { ok: true; page: number; perPage: number } | { ok: false; error: OldError };

/** `anyInteger` is the page-zero-unpaged fault's reading of `page`: 0 and negative pages pass. */
function parsePositive(params: URLSearchParams, name: string, fallback: number, anyInteger = false): number | OldError {
  const raw = params.get(name);
  if (raw === null) return fallback;
  const value = parseInteger(raw);
  if (value === undefined || (value < 1 && !anyInteger)) {
    return { errno: 2001, field: name, message: `${name} must be an integer of at least 1.`, value: raw };
  }
  return value;
}

/** `page` and the requested `per_page` (capping is paging's business); `anyPage` lets page 0 and below through (a fault). */
export function parsePaging(params: URLSearchParams, anyPage = false): PagingParameters {
  const page = parsePositive(params, 'page', 1, anyPage);
  if (typeof page !== 'number') return { ok: false, error: page };
  const perPage = parsePositive(params, 'per_page', DEFAULT_PER_PAGE);
  if (typeof perPage !== 'number') return { ok: false, error: perPage };
  return { ok: true, page, perPage };
}
