/**
 * Embedded reference target for the FreshBooks REST clients API
 * (`/accounting/account/<accountId>/users/clients`), with switchable faults for mutation testing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_BODY_LIMIT_BYTES, readBody, sendText } from '../../../reference-kit/http.js';
import { serveOnLoopback } from '../../../reference-kit/loopback.js';
import { paginate } from '../../../reference-kit/paging.js';
import type { RunningTarget } from '../../../reference-kit/types.js';
import {
  INTERNAL_ERROR_BODY,
  UNAUTHORIZED_BODY,
  accountNotFoundBody,
  bodyTooLargeBody,
  clientEnvelope,
  clientNotFoundBody,
  listEnvelope,
  methodNotAllowedBody,
  oldErrorBody,
  pathNotFoundBody,
  type Json,
  type SerializeOptions,
} from './envelopes.js';
import type { FreshbooksFaults } from './faults.js';
import { buildFilters } from './filters.js';
import { ALLOWED_METHODS, DEFAULT_PER_PAGE, matchRoute, parseClientBody, parsePaging } from './requests.js';
import { ClientStore, type ClientRecord } from './store.js';

export interface FreshbooksTargetOptions {
  token: string;
  accountId: string;
  faults?: FreshbooksFaults;
  /** `clientele serve --port`; default an ephemeral port. */
  port?: number;
}

export function startFreshbooksTarget(options: FreshbooksTargetOptions): Promise<RunningTarget> {
  const faults: FreshbooksFaults = options.faults ?? {};
  const { token, accountId } = options;
  const store = new ClientStore(faults);
  const serializing: SerializeOptions = {
    accountId,
    idAsString: faults.idAsString,
    listOmitsPerPage: faults.listOmitsPerPage,
  };

  function sendJsonText(res: ServerResponse, status: number, text: string, extraHeaders?: Record<string, string>): void {
    const contentType = faults.htmlContentType ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8';
    sendText(res, status, contentType, text, extraHeaders);
  }

  /**
   * The JSON text of a body. Under the duplicate-id-key fault every client object names `id` twice, which
   * only a text can say. Outside a string a quote is never escaped, so `{"id":` or `,"id":` is always a
   * member name, and only client objects have an `id` member.
   */
  function jsonText(body: Json): string {
    const text = JSON.stringify(body);
    return faults.duplicateIdKey ? text.replace(/([{,])"id":(-?\d+|"[^"\\]*")/g, '$1"id":$2,"id":$2') : text;
  }

  function send(res: ServerResponse, status: number, body: Json, extraHeaders?: Record<string, string>): void {
    sendJsonText(res, status, jsonText(body), extraHeaders);
  }

  function sendClientNotFound(res: ServerResponse, idText: string): void {
    send(res, faults.unknownId500 ? 500 : 404, clientNotFoundBody(idText));
  }

  function isAuthorized(header: string | undefined): boolean {
    if (header === undefined) return faults.noTokenAccepted === true;
    if (faults.wrongTokenAccepted && /^Bearer .+/.test(header)) return true;
    return header === `Bearer ${token}`;
  }

  /** The request body, or undefined once a 413 has been sent for it. */
  async function readBodyOr413(req: IncomingMessage, res: ServerResponse): Promise<string | undefined> {
    const raw = await readBody(req, res);
    if (raw === undefined) send(res, 413, bodyTooLargeBody(DEFAULT_BODY_LIMIT_BYTES));
    return raw;
  }

  /** The list's query without its vis_state filter: what the active-total fault counts. */
  function withoutVisState(params: URLSearchParams): URLSearchParams {
    const rest = new URLSearchParams(params);
    rest.delete('search[vis_state]');
    return rest;
  }

  /** The page's items when a list without per_page is not limited (`perPage` and `pages` still say 15); else undefined. */
  function unlimitedItems(
    params: URLSearchParams,
    matched: readonly ClientRecord[],
    page: number,
    perPage: number,
  ): ClientRecord[] | undefined {
    return faults.missingPerPageUnlimited && !params.has('per_page') ? matched.slice((page - 1) * perPage) : undefined;
  }

  function handleList(res: ServerResponse, params: URLSearchParams): void {
    const paging = parsePaging(params, faults.pageZeroUnpaged);
    if (!paging.ok) return send(res, faults.badPage422 && paging.error.field === 'page' ? 422 : 400, oldErrorBody([paging.error]));
    const all = store.all();
    const filters = buildFilters(params, faults);
    const matched = all.filter((r) => filters.every((f) => f(r)));
    const unsized = faults.defaultPerPage20 && !params.has('per_page') ? 20 : paging.perPage;
    const requested = faults.perPage99IsDefault && paging.perPage === 99 ? DEFAULT_PER_PAGE : unsized;
    // Only the page-zero-unpaged fault lets a page below 1 get here: it is served as page 1 holding every match.
    const unpaged = paging.page < 1;
    const page = unpaged ? 1 : paging.page;
    const served = paginate(matched, page, requested, {
      perPageUncapped: faults.perPageUncapped,
      pagesFloor: faults.pagesFloor,
      laterPagesStartEarly: faults.pageBoundaryRepeat,
    });
    const { perPage, pages } = served;
    const items = unpaged ? matched : (unlimitedItems(params, matched, page, perPage) ?? served.items);
    const activeOnly = params.get('search[vis_state]') === '0';
    const counted = faults.totalIgnoresFilters
      ? all.length
      : faults.activeTotalCountsDeleted && activeOnly
        ? all.filter((r) => r.fields.vis_state !== 2 && buildFilters(withoutVisState(params), faults).every((f) => f(r))).length
        : matched.length;
    const total = faults.totalCappedAt100 ? Math.min(counted, 100) : counted;
    send(res, 200, listEnvelope({ clients: items, page, pages, perPage, total }, serializing));
  }

  async function handleCreate(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBodyOr413(req, res);
    if (raw === undefined) return;
    const parsed = parseClientBody(raw, faults.acceptsWrongTypes);
    if (!parsed.ok) return send(res, parsed.status, oldErrorBody(parsed.errors));
    const record = store.create(parsed.patch);
    // The create-skips-mob-phone fault stores no mob_phone, but answers from the body sent.
    const { mob_phone } = parsed.patch;
    const answered =
      faults.createSkipsMobPhone && mob_phone !== undefined ? { ...record, fields: { ...record.fields, mob_phone } } : record;
    send(res, 200, clientEnvelope(answered, serializing));
  }

  function handleGet(res: ServerResponse, idText: string): void {
    const record = store.find(idText);
    if (!record) return sendClientNotFound(res, idText);
    // The get-id-is-row-number fault: id is the client's row number in the account (userid stays right).
    const shown = faults.getIdIsRowNumber ? { ...serializing, idOverride: store.all().indexOf(record) + 1 } : serializing;
    const text = jsonText(clientEnvelope(record, shown));
    sendJsonText(res, 200, faults.truncatedJson ? text.slice(0, Math.floor(text.length / 2)) : text);
  }

  async function handleUpdate(req: IncomingMessage, res: ServerResponse, idText: string): Promise<void> {
    const raw = await readBodyOr413(req, res);
    if (raw === undefined) return;
    const record = store.find(idText);
    if (!record && faults.unknownIdUpdate422) return send(res, 422, clientNotFoundBody(idText));
    if (!record) return sendClientNotFound(res, idText);
    const parsed = parseClientBody(raw, faults.acceptsWrongTypes);
    if (!parsed.ok) return send(res, parsed.status, oldErrorBody(parsed.errors));
    store.update(record, parsed.patch);
    // The seed's "Delete Single Client" answers an empty response object.
    if (parsed.patch.vis_state === 1) return send(res, 200, { response: {} });
    send(res, 200, clientEnvelope(record, serializing));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isAuthorized(req.headers.authorization)) return send(res, 401, UNAUTHORIZED_BODY);

    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = matchRoute(url.pathname);
    if (!route) return send(res, 404, pathNotFoundBody(url.pathname));
    if (route.accountId !== accountId) return send(res, 404, accountNotFoundBody(route.accountId));
    const method = req.method ?? 'GET';
    const allowed = ALLOWED_METHODS[route.kind];
    if (!allowed.includes(method)) return send(res, 405, methodNotAllowedBody(method), { Allow: allowed.join(', ') });

    if (route.kind === 'collection') {
      return method === 'GET' ? handleList(res, url.searchParams) : handleCreate(req, res);
    }
    return method === 'GET' ? handleGet(res, route.id) : handleUpdate(req, res, route.id);
  }

  return serveOnLoopback(handle, (res) => send(res, 500, INTERNAL_ERROR_BODY), '', options.port);
}
