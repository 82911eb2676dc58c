/**
 * Embedded reference target for the Grow CRM clients API (`/api/clients`), with switchable faults for
 * mutation testing. It follows growcrm-contract.md, including its "Embedded reference specifics".
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_BODY_LIMIT_BYTES, readBody, sendText } from '../../../reference-kit/http.js';
import { serveOnLoopback } from '../../../reference-kit/loopback.js';
import { paginate } from '../../../reference-kit/paging.js';
import type { RunningTarget } from '../../../reference-kit/types.js';
import {
  CLIENT_NOT_FOUND,
  MESSAGES,
  ROUTE_NOT_FOUND,
  SERVER_ERROR_BODY,
  UNAUTHORIZED_MESSAGE,
  dataBody,
  listBody,
  messageBody,
  serializeClient,
  validationBody,
  type FieldErrors,
  type Json,
} from './envelopes.js';
import type { GrowcrmFaults } from './faults.js';
import {
  ALLOWED_METHODS,
  parseBody,
  parseCreate,
  parseOwner,
  parseStatus,
  parseTags,
  parseUpdate,
  matchRoute,
  type Action,
  type Input,
  type Parsed,
} from './requests.js';
import { parseListQuery } from './list-query.js';
import { ClientStore, type ClientRecord } from './store.js';

export interface GrowcrmTargetOptions {
  token: string;
  faults?: GrowcrmFaults;
  /** `clientele serve --port`; default an ephemeral port. */
  port?: number;
}

export function startGrowcrmTarget(options: GrowcrmTargetOptions): Promise<RunningTarget> {
  const faults: GrowcrmFaults = options.faults ?? {};
  const store = new ClientStore(faults);

  function send(res: ServerResponse, status: number, body: Json, extraHeaders?: Record<string, string>): void {
    sendText(res, status, 'application/json', JSON.stringify(body), extraHeaders);
  }

  function sendNotFound(res: ServerResponse, message: string): void {
    send(res, 404, faults.notFoundWithoutMessage ? { error: 'Not found' } : messageBody(message));
  }

  function sendInvalid(res: ServerResponse, errors: FieldErrors): void {
    send(res, faults.validation400 ? 400 : 422, validationBody(errors, faults.validationWithoutErrors));
  }

  function sendClient(res: ServerResponse, status: number, record: ClientRecord, message: string): void {
    send(res, status, dataBody(serializeClient(record, store), message));
  }

  /** The parsed value, or undefined once the 422 for it has been sent. */
  function valid<T>(res: ServerResponse, parsed: Parsed<T>): T | undefined {
    if (parsed.ok) return parsed.value;
    sendInvalid(res, parsed.errors);
    return undefined;
  }

  /** The request's fields, or undefined once a 413 has been sent. */
  async function readInput(req: IncomingMessage, res: ServerResponse): Promise<Input | undefined> {
    const raw = await readBody(req, res);
    if (raw === undefined) {
      send(res, 413, messageBody(`Request body is larger than ${DEFAULT_BODY_LIMIT_BYTES} bytes.`));
      return undefined;
    }
    return parseBody(raw, req.headers['content-type']);
  }

  function handleList(res: ServerResponse, params: URLSearchParams): void {
    const { query, page, limit: asked, pageGiven } = parseListQuery(params, faults);
    if (faults.limit100Rejected && asked === 100)
      return send(res, 422, validationBody({ limit: ['The limit may not be greater than 99.'] }));
    const limit = faults.smallLimitIgnored && asked < 10 ? 10 : faults.maxPageSize99 && asked === 100 ? 99 : asked;
    const matched = store.list(query);
    const served =
      faults.pageZeroUnlimited && pageGiven < 1
        ? { items: matched, perPage: limit, pages: 1 }
        : paginate(matched, page, limit, {
            perPageUncapped: faults.limitUncapped,
            pagesFloor: faults.lastPageFloor,
            laterPagesStartEarly: faults.pageBoundaryRepeat,
          });
    // Laravel's paginator: an empty list still has one (empty) page.
    const lastPage = faults.emptyListLastPage0 && matched.length === 0 ? 0 : Math.max(1, served.pages);
    const meta = { current_page: page, per_page: served.perPage, total: matched.length, last_page: lastPage };
    const data = served.items.map((record) => serializeClient(record, store));
    send(res, 200, faults.listWithoutMeta ? { data, message: MESSAGES.list } : listBody(data, meta));
  }

  async function handleCreate(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const input = await readInput(req, res);
    if (input === undefined) return;
    const created = valid(res, parseCreate(input, faults, store));
    if (created === undefined) return;
    sendClient(res, faults.createAnswers200 ? 200 : 201, store.create(created), MESSAGES.create);
  }

  function handleGet(res: ServerResponse, idText: string): void {
    const record = store.find(idText);
    if (record) return sendClient(res, 200, record, faults.getMessageWrong ? 'Client found.' : MESSAGES.get);
    if (faults.unknownId200Null) return send(res, 200, dataBody(null, MESSAGES.get));
    sendNotFound(res, CLIENT_NOT_FOUND);
  }

  /** Update and the actions: the body is read, then the id looked up (404), then the body validated. */
  async function handleWrite(req: IncomingMessage, res: ServerResponse, idText: string, action?: Action): Promise<void> {
    const input = await readInput(req, res);
    if (input === undefined) return;
    const record = store.find(idText);
    if (!record) return sendNotFound(res, CLIENT_NOT_FOUND);
    switch (action) {
      case undefined: {
        const parsed = parseUpdate(input, faults);
        // Under the fault the other named fields are saved before the company name is found missing.
        if (!parsed.ok && faults.updateRefusedYetSaved) {
          const rest = parseUpdate({ ...input, client_company_name: record.companyName }, faults);
          if (rest.ok) store.update(record, rest.value);
        }
        const patch = valid(res, parsed);
        if (patch === undefined) return;
        store.update(record, patch);
        return sendClient(res, 200, record, MESSAGES.update);
      }
      case 'tags': {
        const tags = valid(res, parseTags(input));
        if (tags === undefined) return;
        store.setTags(record, tags);
        return sendClient(res, 200, record, MESSAGES.tags);
      }
      case 'status': {
        const parsed = parseStatus(input, faults);
        if (!parsed.ok && faults.statusRefusedYetStored && typeof input.status === 'string' && input.status !== '')
          store.setStatus(record, input.status);
        if (!parsed.ok && faults.statusRefused400) return send(res, 400, validationBody(parsed.errors));
        const status = valid(res, parsed);
        if (status === undefined) return;
        store.setStatus(record, status);
        return sendClient(res, 200, record, MESSAGES.status);
      }
      case 'owner': {
        const owner = valid(res, parseOwner(input, faults, store, record));
        if (owner === undefined) return;
        store.setOwner(record, owner);
        return sendClient(res, 200, record, MESSAGES.owner);
      }
    }
  }

  function handleDelete(res: ServerResponse, idText: string): void {
    const record = store.find(idText);
    if (!record) return sendNotFound(res, CLIENT_NOT_FOUND);
    store.delete(record);
    send(res, 200, dataBody({ id: record.id }, MESSAGES.delete));
  }

  function isAuthorized(header: string | undefined): boolean {
    return header === `Bearer ${options.token}`;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Auth comes first, on every path (but the action routes, for the mutant that leaves them open).
    const open = faults.actionsWithoutKey && /\/clients\/[^/]+\/(tags|status|owner)$/.test(req.url?.split('?')[0] ?? '');
    if (!open && !isAuthorized(req.headers.authorization)) {
      const message = faults.unauthorizedMessageWrong ? 'Unauthenticated.' : UNAUTHORIZED_MESSAGE;
      return send(res, faults.unauthorized403 ? 403 : 401, messageBody(message));
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = matchRoute(url.pathname);
    if (!route || (faults.ownerRouteMissing && route.kind === 'action' && route.action === 'owner'))
      return sendNotFound(res, ROUTE_NOT_FOUND);
    // HEAD is served as GET (Node leaves the body out), as Laravel's GET routes do.
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    const allowed = ALLOWED_METHODS[route.kind];
    if (!allowed.includes(method)) {
      const message = `The ${method} method is not supported for this route. Supported methods: ${allowed.join(', ')}.`;
      return send(res, 405, messageBody(message), { Allow: allowed.join(', ') });
    }
    switch (route.kind) {
      case 'collection':
        return method === 'GET' ? handleList(res, url.searchParams) : handleCreate(req, res);
      case 'item':
        if (method === 'GET') return handleGet(res, route.id);
        return method === 'DELETE' ? handleDelete(res, route.id) : handleWrite(req, res, route.id);
      case 'action':
        return handleWrite(req, res, route.id, route.action);
    }
  }

  return serveOnLoopback(handle, (res) => send(res, 500, SERVER_ERROR_BODY), '/api', options.port);
}
