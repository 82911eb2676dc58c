/**
 * Embedded reference target for the FreshBooks REST clients API
 * (`/accounting/account/<accountId>/users/clients`), with switchable faults for mutation testing.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { RunningTarget } from '../types.js';
import { listenOnLoopback } from '../loopback.js';

export interface FreshbooksFaults {
  /** Update resets every writable field not named in the body to its create default. */
  updateWipesUnreferenced?: boolean;
  /** Update silently ignores `lname`. */
  updateIgnoresLname?: boolean;
  /** Setting vis_state 1 removes the client instead of marking it deleted. */
  hardDelete?: boolean;
  /** `search[vis_state]=0` also returns deleted (vis_state 1) clients. */
  deletedListedAsActive?: boolean;
  /** Setting vis_state 0 on a deleted client is ignored. */
  restoreImpossible?: boolean;
  /** Restoring a deleted client resets its writable fields to their values at creation. */
  restoreRevertsUpdates?: boolean;
  /** Every page after the first starts one item early. */
  pageBoundaryRepeat?: boolean;
  /** `pages` is floor(total / per_page) instead of ceil. */
  pagesFloor?: boolean;
  /** `total` counts every client of the account, ignoring the search filters. */
  totalIgnoresFilters?: boolean;
  /** `per_page` above 100 is honoured instead of capped. */
  perPageUncapped?: boolean;
  /** `_like` filters compare case-sensitively. */
  likeCaseSensitive?: boolean;
  /** `_like` filters match only at the start of the value. */
  likePrefixOnly?: boolean;
  /** `search[email]` matches any email containing the value. */
  emailPartialMatch?: boolean;
  /** `id` is serialized as a string. */
  idAsString?: boolean;
  /** An unknown client id answers 500 instead of 404. */
  unknownId500?: boolean;
  /** A request without Authorization is served as if authorized. */
  noTokenAccepted?: boolean;
  /** Any Bearer token is accepted. */
  wrongTokenAccepted?: boolean;
  /** New ids are 100001 + the number of non-deleted clients, overwriting any existing client. */
  idFromActiveCount?: boolean;
  /** Non-string values for text fields are stored as text instead of rejected with 422. */
  acceptsWrongTypes?: boolean;
  /** Every response is labelled `text/html`. */
  htmlContentType?: boolean;
  /** GET of a single client returns only the first half of the JSON text. */
  truncatedJson?: boolean;
}

export interface FreshbooksTargetOptions {
  token: string;
  accountId: string;
  faults?: FreshbooksFaults;
}

// ---------------------------------------------------------------------------------------------
// Field model

const TEXT_FIELDS = [
  'fname', 'lname', 'email', 'organization', 'note',
  'bus_phone', 'home_phone', 'mob_phone', 'fax',
  'p_street', 'p_street2', 'p_city', 'p_province', 'p_country', 'p_code',
  's_street', 's_street2', 's_city', 's_province', 's_country', 's_code',
  'vat_name', 'vat_number', 'currency_code', 'language', 'username',
] as const;
const BOOLEAN_FIELDS = [
  'allow_email_include_pdf', 'allow_late_fees', 'allow_late_notifications', 'pref_email', 'pref_gmail',
] as const;
const VIS_STATES: readonly number[] = [0, 1, 2];

type TextField = (typeof TEXT_FIELDS)[number];
type BooleanField = (typeof BOOLEAN_FIELDS)[number];
type Writable = Record<TextField, string | null> & Record<BooleanField, boolean> & { vis_state: number };
type Patch = Partial<Writable>;

interface ClientRecord {
  readonly id: number;
  readonly uuid: string;
  readonly signupDate: string;
  updated: string;
  fields: Writable;
  /** Snapshot taken at creation; only the restore-reverts-updates fault reads it. */
  readonly atCreation: Writable;
}

const FIRST_ID = 100001;
const MAX_PER_PAGE = 100;
const DEFAULT_PER_PAGE = 15;

/** Create defaults; `username` is derived from the names and id when not given. */
function fieldsFromPatch(patch: Patch, id: number): Writable {
  const fields: Writable = {
    fname: '', lname: '', email: '', organization: '', note: null,
    bus_phone: '', home_phone: null, mob_phone: '', fax: '',
    p_street: '', p_street2: '', p_city: '', p_province: '', p_country: '', p_code: '',
    s_street: '', s_street2: '', s_city: '', s_province: '', s_country: '', s_code: '',
    vat_name: null, vat_number: null, currency_code: 'USD', language: 'en', username: '',
    allow_email_include_pdf: false, allow_late_fees: true, allow_late_notifications: true,
    pref_email: true, pref_gmail: false,
    vis_state: 0,
    ...patch,
  };
  if (patch.username === undefined) fields.username = defaultUsername(fields.fname, fields.lname, id);
  return fields;
}

function defaultUsername(fname: string | null, lname: string | null, id: number): string {
  const base = `${fname ?? ''}${lname ?? ''}`.toLowerCase().replace(/[^a-z0-9]/g, '');
  return base === '' ? `client${id}` : `${base}${id}`;
}

/** UTC `YYYY-MM-DD HH:MM:SS`, the format of `signup_date`/`updated`. */
function timestamp(): string {
  return new Date().toISOString().slice(0, 19).replace('T', ' ');
}

// ---------------------------------------------------------------------------------------------
// Envelopes

type Json = unknown;

interface OldError {
  errno: number;
  field: string;
  message: string;
  value: string;
}

function oldErrorBody(errors: readonly OldError[]): Json {
  return {
    response: {
      errors: errors.map((e) => ({ errno: e.errno, field: e.field, message: e.message, object: 'client', value: e.value })),
    },
  };
}

interface NewErrorMeta {
  object: string;
  message: string;
  value: string;
  field: string;
}

function newErrorBody(status: number, code: number, reason: string, metadata: NewErrorMeta): Json {
  return {
    code,
    message: `Request failed with status_code: ${status}`,
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason,
        domain: 'accounting.api.freshbooks.com',
        metadata: { object: metadata.object, message: metadata.message, value: metadata.value, field: metadata.field },
      },
    ],
  };
}

const UNAUTHORIZED_BODY = newErrorBody(401, 16, '1003', {
  object: '',
  message: 'The server could not verify that you are authorized to access the URL requested.',
  value: '',
  field: '',
});

function clientNotFoundBody(idText: string): Json {
  return newErrorBody(404, 5, '1012', { object: 'client', message: 'Client not found.', value: idText, field: 'userid' });
}

/** How a request value is echoed in the old envelope's `value`. */
function valueText(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// Routing

type Route =
  | { kind: 'collection'; accountId: string }
  | { kind: 'item'; accountId: string; id: string };

const ROUTE_PATTERN = /^\/accounting\/account\/([^/]+)\/users\/clients(?:\/([^/]+))?$/;
const ALLOWED_METHODS: Record<Route['kind'], readonly string[]> = { collection: ['GET', 'POST'], item: ['GET', 'PUT'] };

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function matchRoute(pathname: string): Route | undefined {
  const match = ROUTE_PATTERN.exec(pathname);
  if (!match) return undefined;
  const accountId = safeDecode(match[1]);
  return match[2] === undefined ? { kind: 'collection', accountId } : { kind: 'item', accountId, id: safeDecode(match[2]) };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Strict decimal integer, or undefined. */
function parseInteger(text: string): number | undefined {
  return /^-?\d+$/.test(text) ? Number(text) : undefined;
}

// ---------------------------------------------------------------------------------------------
// The target

export function startFreshbooksTarget(options: FreshbooksTargetOptions): Promise<RunningTarget> {
  const faults: FreshbooksFaults = options.faults ?? {};
  const { token, accountId } = options;
  const clients = new Map<number, ClientRecord>();
  let nextId = FIRST_ID;

  // --- responses ---

  function sendText(res: ServerResponse, status: number, text: string, extraHeaders: Record<string, string> = {}): void {
    const contentType = faults.htmlContentType ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8';
    res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), ...extraHeaders });
    res.end(text);
  }

  function send(res: ServerResponse, status: number, body: Json, extraHeaders?: Record<string, string>): void {
    sendText(res, status, JSON.stringify(body), extraHeaders);
  }

  function sendClientNotFound(res: ServerResponse, idText: string): void {
    send(res, faults.unknownId500 ? 500 : 404, clientNotFoundBody(idText));
  }

  function serializeClient(record: ClientRecord): Json {
    const f = record.fields;
    // Keys in the alphabetical order the API uses.
    return {
      accounting_systemid: accountId,
      allow_email_include_pdf: f.allow_email_include_pdf,
      allow_late_fees: f.allow_late_fees,
      allow_late_notifications: f.allow_late_notifications,
      bus_phone: f.bus_phone,
      company_industry: null,
      company_size: null,
      currency_code: f.currency_code,
      direct_link_token: null,
      email: f.email,
      exceeds_client_limit: 0,
      fax: f.fax,
      fname: f.fname,
      has_retainer: null,
      home_phone: f.home_phone,
      id: faults.idAsString ? String(record.id) : record.id,
      language: f.language,
      last_activity: null,
      last_login: null,
      level: 0,
      lname: f.lname,
      mob_phone: f.mob_phone,
      note: f.note,
      notified: false,
      num_logins: 0,
      organization: f.organization,
      p_city: f.p_city,
      p_code: f.p_code,
      p_country: f.p_country,
      p_province: f.p_province,
      p_street: f.p_street,
      p_street2: f.p_street2,
      pref_email: f.pref_email,
      pref_gmail: f.pref_gmail,
      retainer_id: null,
      role: 'client',
      s_city: f.s_city,
      s_code: f.s_code,
      s_country: f.s_country,
      s_province: f.s_province,
      s_street: f.s_street,
      s_street2: f.s_street2,
      signup_date: record.signupDate,
      statement_token: null,
      subdomain: null,
      updated: record.updated,
      userid: record.id,
      username: f.username,
      uuid: record.uuid,
      vat_name: f.vat_name,
      vat_number: f.vat_number,
      vis_state: f.vis_state,
    };
  }

  function clientEnvelope(record: ClientRecord): Json {
    return { response: { result: { client: serializeClient(record) } } };
  }

  // --- auth ---

  function isAuthorized(header: string | undefined): boolean {
    if (header === undefined) return faults.noTokenAccepted === true;
    if (faults.wrongTokenAccepted && /^Bearer .+/.test(header)) return true;
    return header === `Bearer ${token}`;
  }

  // --- validation ---

  type Parsed = { ok: true; patch: Patch } | { ok: false; status: number; errors: OldError[] };

  function coerceText(value: unknown): string {
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }

  /** Validates a create/update body; unknown keys in `client` are ignored. */
  function parseClientBody(raw: string): Parsed {
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
        errors: [{ errno: 1001, field: 'client', message: "Request body must be an object with a 'client' object.", value: valueText(given) }],
      };
    }
    const input = body.client;
    const patch: Patch = {};
    const errors: OldError[] = [];

    for (const field of TEXT_FIELDS) {
      if (!(field in input)) continue;
      const value = input[field];
      if (typeof value === 'string' || value === null) patch[field] = value;
      else if (faults.acceptsWrongTypes) patch[field] = coerceText(value);
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

  // --- store ---

  function allocateId(): number {
    if (faults.idFromActiveCount) {
      const active = [...clients.values()].filter((c) => c.fields.vis_state !== 1).length;
      return FIRST_ID + active;
    }
    return nextId++;
  }

  function createClient(patch: Patch): ClientRecord {
    const id = allocateId();
    const now = timestamp();
    const fields = fieldsFromPatch(patch, id);
    const record: ClientRecord = { id, uuid: randomUUID(), signupDate: now, updated: now, fields, atCreation: { ...fields } };
    clients.set(id, record); // under idFromActiveCount this may overwrite
    return record;
  }

  function updateClient(record: ClientRecord, patch: Patch): void {
    const applied: Patch = { ...patch };
    if (faults.updateIgnoresLname) delete applied.lname;
    const restoring = record.fields.vis_state === 1 && patch.vis_state === 0;

    const base = restoring && faults.restoreRevertsUpdates ? record.atCreation : record.fields;
    const next = faults.updateWipesUnreferenced ? fieldsFromPatch(applied, record.id) : { ...base, ...applied };
    if (restoring && faults.restoreImpossible) next.vis_state = 1;

    record.fields = next;
    record.updated = timestamp();
    if (faults.hardDelete && next.vis_state === 1) clients.delete(record.id);
  }

  function findClient(idText: string): ClientRecord | undefined {
    const id = /^\d+$/.test(idText) ? Number(idText) : undefined;
    return id === undefined ? undefined : clients.get(id);
  }

  // --- list: paging and filters ---

  type Paging = { ok: true; page: number; perPage: number } | { ok: false; error: OldError };

  function parsePositive(params: URLSearchParams, name: string, fallback: number): number | OldError {
    const raw = params.get(name);
    if (raw === null) return fallback;
    const value = parseInteger(raw);
    if (value === undefined || value < 1) {
      return { errno: 2001, field: name, message: `${name} must be an integer of at least 1.`, value: raw };
    }
    return value;
  }

  function parsePaging(params: URLSearchParams): Paging {
    const page = parsePositive(params, 'page', 1);
    if (typeof page !== 'number') return { ok: false, error: page };
    const requested = parsePositive(params, 'per_page', DEFAULT_PER_PAGE);
    if (typeof requested !== 'number') return { ok: false, error: requested };
    const perPage = faults.perPageUncapped ? requested : Math.min(requested, MAX_PER_PAGE);
    return { ok: true, page, perPage };
  }

  function likeMatches(value: string | null, needle: string): boolean {
    if (value === null) return false;
    if (faults.likeCaseSensitive) return value.includes(needle);
    const haystack = value.toLowerCase();
    const lowered = needle.toLowerCase();
    return faults.likePrefixOnly ? haystack.startsWith(lowered) : haystack.includes(lowered);
  }

  function emailMatches(email: string | null, wanted: string): boolean {
    if (email === null) return false;
    const have = email.toLowerCase();
    const want = wanted.toLowerCase();
    return faults.emailPartialMatch ? have.includes(want) : have === want;
  }

  function visStateMatches(visState: number, wanted: number | undefined): boolean {
    if (faults.deletedListedAsActive && wanted === 0) return visState === 0 || visState === 1;
    return visState === wanted;
  }

  type Filter = (record: ClientRecord) => boolean;

  /** One predicate per `search[...]` parameter present; a non-integer where an integer is expected matches nothing. */
  function buildFilters(params: URLSearchParams): Filter[] {
    const filters: Filter[] = [];
    const get = (key: string): string | null => params.get(`search[${key}]`);
    const like = (key: string, fields: readonly TextField[]): void => {
      const needle = get(key);
      if (needle !== null) filters.push((r) => fields.some((f) => likeMatches(r.fields[f], needle)));
    };

    const email = get('email');
    if (email !== null) filters.push((r) => emailMatches(r.fields.email, email));
    const userid = get('userid');
    if (userid !== null) filters.push((r) => r.id === parseInteger(userid));
    const username = get('username');
    if (username !== null) filters.push((r) => r.fields.username === username);
    const visState = get('vis_state');
    if (visState !== null) filters.push((r) => visStateMatches(r.fields.vis_state, parseInteger(visState)));
    const userids = params.getAll('search[userids][]');
    if (userids.length > 0) filters.push((r) => userids.some((u) => parseInteger(u) === r.id));

    like('fname_like', ['fname']);
    like('lname_like', ['lname']);
    like('organization_like', ['organization']);
    like('note_like', ['note']);
    like('address_like', ['p_street', 'p_street2', 'p_city', 'p_province', 'p_country', 'p_code']);
    like('phone_like', ['bus_phone', 'home_phone', 'mob_phone', 'fax']);
    like('user_like', ['fname', 'lname', 'username', 'email']);

    const updatedMin = get('updated_min');
    if (updatedMin !== null) filters.push((r) => r.updated >= updatedMin);
    const updatedMax = get('updated_max');
    if (updatedMax !== null) filters.push((r) => r.updated <= updatedMax);
    return filters;
  }

  function listResult(params: URLSearchParams, page: number, perPage: number): Json {
    const all = [...clients.values()].sort((a, b) => a.id - b.id);
    const filters = buildFilters(params);
    const matched = all.filter((r) => filters.every((f) => f(r)));

    const start = (page - 1) * perPage - (faults.pageBoundaryRepeat && page > 1 ? 1 : 0);
    const pageItems = matched.slice(start, start + perPage);
    const total = faults.totalIgnoresFilters ? all.length : matched.length;
    const pages = (faults.pagesFloor ? Math.floor : Math.ceil)(matched.length / perPage);
    return {
      response: { result: { clients: pageItems.map(serializeClient), page, pages, per_page: perPage, total } },
    };
  }

  // --- handlers ---

  function handleList(res: ServerResponse, params: URLSearchParams): void {
    const paging = parsePaging(params);
    if (!paging.ok) return send(res, 400, oldErrorBody([paging.error]));
    send(res, 200, listResult(params, paging.page, paging.perPage));
  }

  async function handleCreate(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = parseClientBody(await readBody(req));
    if (!parsed.ok) return send(res, parsed.status, oldErrorBody(parsed.errors));
    send(res, 200, clientEnvelope(createClient(parsed.patch)));
  }

  function handleGet(res: ServerResponse, idText: string): void {
    const record = findClient(idText);
    if (!record) return sendClientNotFound(res, idText);
    const text = JSON.stringify(clientEnvelope(record));
    sendText(res, 200, faults.truncatedJson ? text.slice(0, Math.floor(text.length / 2)) : text);
  }

  async function handleUpdate(req: IncomingMessage, res: ServerResponse, idText: string): Promise<void> {
    const raw = await readBody(req);
    const record = findClient(idText);
    if (!record) return sendClientNotFound(res, idText);
    const parsed = parseClientBody(raw);
    if (!parsed.ok) return send(res, parsed.status, oldErrorBody(parsed.errors));
    updateClient(record, parsed.patch);
    // The seed's "Delete Single Client" answers an empty response object.
    if (parsed.patch.vis_state === 1) return send(res, 200, { response: {} });
    send(res, 200, clientEnvelope(record));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isAuthorized(req.headers.authorization)) return send(res, 401, UNAUTHORIZED_BODY);

    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = matchRoute(url.pathname);
    if (!route) {
      return send(res, 404, newErrorBody(404, 5, '1012', {
        object: '', message: 'The requested URL was not found on the server.', value: url.pathname, field: '',
      }));
    }
    if (route.accountId !== accountId) {
      return send(res, 404, newErrorBody(404, 5, '1012', {
        object: 'account', message: 'Account not found.', value: route.accountId, field: 'accountid',
      }));
    }
    const method = req.method ?? 'GET';
    const allowed = ALLOWED_METHODS[route.kind];
    if (!allowed.includes(method)) {
      const error: OldError = { errno: 1001, field: '', message: `Method ${method} is not allowed here.`, value: method };
      return send(res, 405, oldErrorBody([error]), { Allow: allowed.join(', ') });
    }

    if (route.kind === 'collection') {
      return method === 'GET' ? handleList(res, url.searchParams) : handleCreate(req, res);
    }
    return method === 'GET' ? handleGet(res, route.id) : handleUpdate(req, res, route.id);
  }

  // --- server ---

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (res.headersSent) return res.destroy();
      send(res, 500, newErrorBody(500, 13, '1000', { object: '', message: 'Internal server error.', value: '', field: '' }));
    });
  });

  return listenOnLoopback(server);
}
