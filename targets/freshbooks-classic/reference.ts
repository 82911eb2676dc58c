/**
 * Embedded reference target for the FreshBooks Classic XML API (`POST /api/2.1/xml-in`, the `client.*`
 * methods), with switchable faults for mutation testing.
 *
 * Fail codes are our own (the seed lists none); each fail envelope carries one of:
 *   40010  malformed request: bad XML, DOCTYPE/ENTITY, wrong root, no `<client>`, text where elements belong
 *   40011  unknown method
 *   40012  invalid field: unknown or repeated element, child elements where text belongs, bad filter or paging value
 *   40020  missing or non-integer client_id
 *   40404  client not found (also a client the staff user is not assigned to, so existence does not leak)
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { XMLBuilder } from 'fast-xml-parser';
import type { RunningTarget } from '../types.js';
import { listenOnLoopback } from '../loopback.js';
import { decodeXml, type XmlBody, type XmlElement } from '../../protocols/xml/codec.js';

export interface ClassicFaults {
  /** client.update resets every field the request leaves out to ''. */
  updateBlanksUnreferenced?: boolean;
  /** client.list orders by ascending client_id. */
  listAscending?: boolean;
  /** client.list defaults per_page to 10 instead of 25. */
  defaultPerPage10?: boolean;
  /** `pages` is floor(total / per_page) instead of ceil. */
  pagesFloor?: boolean;
  /** `total` counts only the clients on the returned page. */
  totalIsPageSize?: boolean;
  /** The staff user's list and get also see clients not assigned to them. */
  staffSeesAll?: boolean;
  /** The staff user may update and delete clients not assigned to them (list and get stay scoped). */
  staffEditsUnassigned?: boolean;
  /** A missing or empty username defaults to first_name instead of email. */
  usernameNotEmail?: boolean;
  /** client.get of an unknown id answers an empty ok response. */
  getUnknownOk?: boolean;
  /** The fail envelope has `<error>` but no `<code>`. */
  failWithoutCode?: boolean;
  /** Response text is written without escaping, so `&` or `<` in a value makes the XML malformed. */
  unescapedText?: boolean;
  /** Every 200 answer says `Content-Type: text/html; charset=utf-8`. */
  htmlContentType?: boolean;
  /** The client.list email filter matches any email containing the value. */
  emailFilterPartial?: boolean;
  /** client.delete removes the client entirely instead of moving it to the deleted folder. */
  deleteIsHard?: boolean;
  /** The active folder also lists deleted clients. */
  deletedStayActive?: boolean;
  /** A request without Authorization is served as the admin. */
  noAuth?: boolean;
  /** per_page above 100 is honoured instead of capped. */
  perPageUncapped?: boolean;
  /** client.create ignores p_code. */
  createDropsPostalCode?: boolean;
  /** Any Basic user name is served as the admin (a wrong token is accepted). */
  anyUserAccepted?: boolean;
  /** The staff user's client.get fails even for a client assigned to them. */
  staffGetDenied?: boolean;
}

export interface ClassicTargetOptions {
  /** Admin API token: the Basic-auth user name. */
  readonly token: string;
  /** Token of a staff user who sees only the clients assigned to them. */
  readonly staffToken?: string;
  readonly faults?: ClassicFaults;
}

// ---------------------------------------------------------------------------------------------
// Constants and the client model

const API_PATH = '/api/2.1/xml-in';
const API_NAMESPACE = 'http://www.freshbooks.com/api/';
const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n';
const MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_PER_PAGE = 25;
const FAULTY_DEFAULT_PER_PAGE = 10;
const MAX_PER_PAGE = 100;

const FailCode = {
  malformed: 40010,
  unknownMethod: 40011,
  invalidField: 40012,
  missingClientId: 40020,
  notFound: 40404,
} as const;
type FailCode = (typeof FailCode)[keyof typeof FailCode];

/** Writable client fields, in the order client.get returns them. */
const CLIENT_FIELDS = [
  'first_name', 'last_name', 'organization', 'email', 'username', 'password',
  'work_phone', 'home_phone', 'mobile', 'fax', 'language', 'currency_code', 'notes',
  'p_street1', 'p_street2', 'p_city', 'p_state', 'p_country', 'p_code',
  's_street1', 's_street2', 's_city', 's_state', 's_country', 's_code',
  'vat_name', 'vat_number',
] as const;
type ClientField = (typeof CLIENT_FIELDS)[number];
type ClientFields = Record<ClientField, string>;

const FOLDERS = ['active', 'archived', 'deleted'] as const;
type Folder = (typeof FOLDERS)[number];

const LIST_FILTERS = ['email', 'username', 'notes', 'folder', 'updated_from', 'updated_to', 'page', 'per_page'] as const;

interface ClientRecord {
  readonly id: number;
  fields: ClientFields;
  folder: Folder;
  updated: string;
  readonly assignedToStaff: boolean;
}

type Caller = 'admin' | 'staff';

function blankFields(): ClientFields {
  return Object.fromEntries(CLIENT_FIELDS.map((f) => [f, ''])) as ClientFields;
}

/** UTC `YYYY-MM-DD HH:MM:SS`, the format of `updated` and of the list date filters. */
function timestamp(): string {
  return new Date().toISOString().slice(0, 19).replace('T', ' ');
}

const TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

function randomPassword(): string {
  return randomBytes(12).toString('base64url');
}

/** Seeded so the staff scope has something to hide: 1 and 2 are assigned to the staff user, 3 is not. */
const SEED_CLIENTS: readonly { fields: Partial<ClientFields>; assignedToStaff: boolean }[] = [
  {
    assignedToStaff: true,
    fields: {
      first_name: 'Maria', last_name: 'Okafor', organization: 'Okafor Landscaping', email: 'maria@okafor-landscaping.example',
      work_phone: '(555) 201-3344', language: 'en', currency_code: 'USD', p_street1: '48 Elm Street',
      p_city: 'Portland', p_state: 'Oregon', p_country: 'United States', p_code: '97205',
    },
  },
  {
    assignedToStaff: true,
    fields: {
      first_name: 'Tomas', last_name: 'Becker', organization: 'Becker & Sons Plumbing', email: 'tomas@becker-sons.example',
      mobile: '(555) 870-1122', language: 'en', currency_code: 'CAD', notes: 'Invoices by email only',
      p_street1: '12 King Street West', p_city: 'Toronto', p_state: 'Ontario', p_country: 'Canada', p_code: 'M5H 1A1',
    },
  },
  {
    assignedToStaff: false,
    fields: {
      first_name: 'Priya', last_name: 'Natarajan', organization: 'Northwind Analytics', email: 'priya@northwind.example',
      work_phone: '(555) 640-9090', language: 'en', currency_code: 'USD', p_city: 'Austin', p_state: 'Texas',
      p_country: 'United States', p_code: '73301', vat_name: 'EIN', vat_number: '12-3456789',
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Request parsing

class RequestFailure extends Error {
  constructor(readonly code: FailCode, message: string) {
    super(message);
  }
}

/** fast-xml-parser's preserveOrder shape, for the response builder: one key per node (plus `:@` for attributes). */
const TEXT_KEY = '#text';
const ATTRIBUTES_KEY = ':@';

function malformed(message: string): RequestFailure {
  return new RequestFailure(FailCode.malformed, message);
}

/**
 * Parses the body into its `<request>` element and method name with the project's XML codec, which
 * refuses any DTD before parsing and anything but well-formed XML.
 */
function parseRequestDocument(body: string): { method: string; request: XmlElement } {
  const decoded = decodeXml(body);
  if (!decoded.ok) throw malformed(`Malformed request: ${decoded.error}`);
  const request = (decoded.value as XmlBody).root;
  const method = request.attributes.method;
  if (request.name !== 'request' || method === undefined) throw malformed('The root element must be <request method="...">');
  return { method, request };
}

/** The named children of a container, refusing unknown or repeated names and stray text. */
function childrenByName(container: XmlElement, allowed: ReadonlySet<string>): Map<string, XmlElement> {
  if (container.text.trim() !== '') throw malformed(`<${container.name}> holds text where elements are expected`);
  const byName = new Map<string, XmlElement>();
  for (const child of container.children) {
    if (!allowed.has(child.name)) throw new RequestFailure(FailCode.invalidField, `Unknown element <${child.name}> in <${container.name}>`);
    if (byName.has(child.name)) throw new RequestFailure(FailCode.invalidField, `Element <${child.name}> is repeated`);
    byName.set(child.name, child);
  }
  return byName;
}

function leafText(element: XmlElement): string {
  if (element.children.length > 0) {
    throw new RequestFailure(FailCode.invalidField, `<${element.name}> must hold text, not elements`);
  }
  return element.text;
}

/** Values used as parameters (not stored) tolerate surrounding whitespace. */
function parameterText(element: XmlElement | undefined): string | undefined {
  return element === undefined ? undefined : leafText(element).trim();
}

function parseClientId(element: XmlElement | undefined): number {
  const text = parameterText(element);
  if (text === undefined) throw new RequestFailure(FailCode.missingClientId, 'client_id is required');
  if (!/^-?\d+$/.test(text)) throw new RequestFailure(FailCode.missingClientId, 'client_id must be an integer');
  return Number(text);
}

function parsePositiveInteger(element: XmlElement | undefined, name: string, fallback: number): number {
  const text = parameterText(element);
  if (text === undefined) return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RequestFailure(FailCode.invalidField, `${name} must be an integer of at least 1`);
  }
  return value;
}

function parseTimestampFilter(element: XmlElement | undefined, name: string): string | undefined {
  const text = parameterText(element);
  if (text !== undefined && !TIMESTAMP_PATTERN.test(text)) {
    throw new RequestFailure(FailCode.invalidField, `${name} must look like YYYY-MM-DD HH:MM:SS`);
  }
  return text;
}

function parseFolder(element: XmlElement | undefined): Folder {
  const text = parameterText(element);
  if (text === undefined) return 'active';
  const folder = FOLDERS.find((f) => f === text);
  if (folder === undefined) throw new RequestFailure(FailCode.invalidField, 'folder must be one of active, archived, deleted');
  return folder;
}

// ---------------------------------------------------------------------------------------------
// Response building

/** A node in fast-xml-parser's preserveOrder shape, for XMLBuilder. */
type BuilderNode = Record<string, unknown>;

function element(name: string, content: string | readonly BuilderNode[], attributes?: Record<string, string>): BuilderNode {
  const children = typeof content === 'string' ? (content === '' ? [] : [{ [TEXT_KEY]: content }]) : content;
  return attributes === undefined ? { [name]: children } : { [name]: children, [ATTRIBUTES_KEY]: attributes };
}

const BUILDER_OPTIONS = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  suppressEmptyNode: true,
  format: false,
} as const;
const escapingBuilder = new XMLBuilder({ ...BUILDER_OPTIONS, processEntities: true });
const rawBuilder = new XMLBuilder({ ...BUILDER_OPTIONS, processEntities: false });

type Outcome = { status: 'ok'; content: BuilderNode[] } | { status: 'fail'; code: FailCode; message: string };

const ok = (content: BuilderNode[] = []): Outcome => ({ status: 'ok', content });

// ---------------------------------------------------------------------------------------------
// The target

export function startFreshbooksClassicTarget(options: ClassicTargetOptions): Promise<RunningTarget> {
  const faults: ClassicFaults = options.faults ?? {};
  const { token, staffToken } = options;
  if (token === '' || staffToken === '') return Promise.reject(new Error('tokens must not be empty'));

  const clients = new Map<number, ClientRecord>();
  let nextId = 1;

  for (const seed of SEED_CLIENTS) {
    const fields = { ...blankFields(), ...seed.fields };
    fields.username = fields.email;
    fields.password = randomPassword();
    const id = nextId++;
    clients.set(id, { id, fields, folder: 'active', updated: timestamp(), assignedToStaff: seed.assignedToStaff });
  }

  // --- auth ---

  function authenticate(header: string | undefined): Caller | undefined {
    if (header === undefined) return faults.noAuth ? 'admin' : undefined;
    const match = /^Basic +([A-Za-z0-9+/]+={0,2})$/i.exec(header.trim());
    if (!match) return undefined;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const user = decoded.slice(0, colon); // the password (conventionally X) is ignored
    if (user === token) return 'admin';
    if (staffToken !== undefined && user === staffToken) return 'staff';
    return faults.anyUserAccepted ? 'admin' : undefined;
  }

  // --- scope ---

  function canRead(caller: Caller, record: ClientRecord): boolean {
    return caller === 'admin' || record.assignedToStaff || faults.staffSeesAll === true;
  }

  function canWrite(caller: Caller, record: ClientRecord): boolean {
    return caller === 'admin' || record.assignedToStaff || faults.staffEditsUnassigned === true;
  }

  function notFound(id: number): RequestFailure {
    return new RequestFailure(FailCode.notFound, `Client ${id} not found`);
  }

  /** The client the caller may act on; an out-of-scope client answers as if it did not exist. */
  function findClient(caller: Caller, id: number, access: 'read' | 'write'): ClientRecord {
    const record = clients.get(id);
    if (record === undefined) throw notFound(id);
    if (!(access === 'read' ? canRead(caller, record) : canWrite(caller, record))) throw notFound(id);
    return record;
  }

  // --- serialization ---

  function clientElement(record: ClientRecord): BuilderNode {
    const fields = CLIENT_FIELDS.filter((f) => f !== 'password').map((f) => element(f, record.fields[f]));
    return element('client', [
      element('client_id', String(record.id)),
      ...fields,
      element('credit', '0.00'),
      element('folder', record.folder),
      element('updated', record.updated),
    ]);
  }

  function render(outcome: Outcome): string {
    const content =
      outcome.status === 'ok'
        ? outcome.content
        : [element('error', outcome.message), ...(faults.failWithoutCode ? [] : [element('code', String(outcome.code))])];
    const root = element('response', content, { xmlns: API_NAMESPACE, status: outcome.status });
    const builder = faults.unescapedText ? rawBuilder : escapingBuilder;
    return XML_DECLARATION + String(builder.build([root]));
  }

  // --- methods ---

  function clientPayload(request: XmlElement, allowed: ReadonlySet<string>): Map<string, XmlElement> {
    const top = childrenByName(request, new Set(['client']));
    const client = top.get('client');
    if (client === undefined) throw malformed('<client> is required');
    return childrenByName(client, allowed);
  }

  function readFields(given: Map<string, XmlElement>): Partial<ClientFields> {
    const patch: Partial<ClientFields> = {};
    for (const field of CLIENT_FIELDS) {
      const el = given.get(field);
      if (el !== undefined) patch[field] = leafText(el);
    }
    return patch;
  }

  const CREATE_ELEMENTS: ReadonlySet<string> = new Set(CLIENT_FIELDS);
  const UPDATE_ELEMENTS: ReadonlySet<string> = new Set(['client_id', ...CLIENT_FIELDS]);
  const ID_ONLY: ReadonlySet<string> = new Set(['client_id']);

  function create(request: XmlElement, caller: Caller): Outcome {
    const patch = readFields(clientPayload(request, CREATE_ELEMENTS));
    if (faults.createDropsPostalCode) delete patch.p_code;
    const fields: ClientFields = { ...blankFields(), ...patch };
    if (fields.username === '') fields.username = faults.usernameNotEmail ? fields.first_name : fields.email;
    if (fields.password === '') fields.password = randomPassword();
    const id = nextId++;
    clients.set(id, { id, fields, folder: 'active', updated: timestamp(), assignedToStaff: caller === 'staff' });
    return ok([element('client_id', String(id))]);
  }

  function update(request: XmlElement, caller: Caller): Outcome {
    const given = clientPayload(request, UPDATE_ELEMENTS);
    const id = parseClientId(given.get('client_id'));
    const patch = readFields(given);
    const record = findClient(caller, id, 'write');
    const base = faults.updateBlanksUnreferenced ? blankFields() : record.fields;
    record.fields = { ...base, ...patch };
    record.updated = timestamp();
    return ok();
  }

  function get(request: XmlElement, caller: Caller): Outcome {
    const id = parseClientId(childrenByName(request, ID_ONLY).get('client_id'));
    if (faults.getUnknownOk && !clients.has(id)) return ok();
    if (faults.staffGetDenied && caller === 'staff') throw notFound(id);
    return ok([clientElement(findClient(caller, id, 'read'))]);
  }

  function remove(request: XmlElement, caller: Caller): Outcome {
    const id = parseClientId(childrenByName(request, ID_ONLY).get('client_id'));
    const record = findClient(caller, id, 'write');
    if (faults.deleteIsHard) {
      clients.delete(id);
    } else if (record.folder !== 'deleted') {
      record.folder = 'deleted';
      record.updated = timestamp();
    }
    return ok();
  }

  function list(request: XmlElement, caller: Caller): Outcome {
    const given = childrenByName(request, new Set(LIST_FILTERS));
    const text = (name: string): string | undefined => {
      const el = given.get(name);
      return el === undefined ? undefined : leafText(el);
    };
    const email = text('email')?.toLowerCase();
    const username = text('username')?.toLowerCase();
    const notes = text('notes')?.toLowerCase();
    const folder = parseFolder(given.get('folder'));
    const updatedFrom = parseTimestampFilter(given.get('updated_from'), 'updated_from');
    const updatedTo = parseTimestampFilter(given.get('updated_to'), 'updated_to');
    const page = parsePositiveInteger(given.get('page'), 'page', 1);
    const requested = parsePositiveInteger(given.get('per_page'), 'per_page', faults.defaultPerPage10 ? FAULTY_DEFAULT_PER_PAGE : DEFAULT_PER_PAGE);
    const perPage = faults.perPageUncapped ? requested : Math.min(requested, MAX_PER_PAGE);

    const inFolder = (record: ClientRecord): boolean =>
      record.folder === folder || (faults.deletedStayActive === true && folder === 'active' && record.folder === 'deleted');
    const emailMatches = (have: string, want: string): boolean =>
      faults.emailFilterPartial ? have.toLowerCase().includes(want) : have.toLowerCase() === want;

    const matched = [...clients.values()]
      .filter((r) => canRead(caller, r) && inFolder(r))
      .filter((r) => email === undefined || emailMatches(r.fields.email, email))
      .filter((r) => username === undefined || r.fields.username.toLowerCase() === username)
      .filter((r) => notes === undefined || r.fields.notes.toLowerCase().includes(notes))
      .filter((r) => updatedFrom === undefined || r.updated >= updatedFrom)
      .filter((r) => updatedTo === undefined || r.updated <= updatedTo)
      .sort((a, b) => (faults.listAscending ? a.id - b.id : b.id - a.id));

    const start = (page - 1) * perPage;
    const pageItems = matched.slice(start, start + perPage);
    const pages = (faults.pagesFloor ? Math.floor : Math.ceil)(matched.length / perPage);
    const total = faults.totalIsPageSize ? pageItems.length : matched.length;
    const attributes = { page: String(page), per_page: String(perPage), pages: String(pages), total: String(total) };
    return ok([element('clients', pageItems.map(clientElement), attributes)]);
  }

  const METHODS: ReadonlyMap<string, (request: XmlElement, caller: Caller) => Outcome> = new Map([
    ['client.create', create],
    ['client.update', update],
    ['client.get', get],
    ['client.delete', remove],
    ['client.list', list],
  ]);

  function dispatch(body: string, caller: Caller): Outcome {
    try {
      const { method, request } = parseRequestDocument(body);
      const handler = METHODS.get(method);
      if (handler === undefined) throw new RequestFailure(FailCode.unknownMethod, `Unknown method "${method}"`);
      return handler(request, caller);
    } catch (err) {
      if (err instanceof RequestFailure) return { status: 'fail', code: err.code, message: err.message };
      throw err;
    }
  }

  // --- HTTP ---

  function sendPlain(res: ServerResponse, status: number, text: string, extraHeaders: Record<string, string> = {}): void {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...extraHeaders });
    res.end(text);
  }

  function sendXml(res: ServerResponse, xml: string): void {
    const contentType = faults.htmlContentType ? 'text/html; charset=utf-8' : 'application/xml; charset=utf-8';
    res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(xml) });
    res.end(xml);
  }

  /** The body as UTF-8, or undefined when it exceeds the limit (the excess is drained, not kept). */
  function readBody(req: IncomingMessage): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      });
      req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (pathname !== API_PATH) {
      req.resume(); // drain so the connection stays usable
      return sendPlain(res, 404, 'Not Found');
    }
    if (req.method !== 'POST') {
      req.resume();
      return sendPlain(res, 405, 'Method Not Allowed', { Allow: 'POST' });
    }
    const caller = authenticate(req.headers.authorization);
    if (caller === undefined) {
      req.resume();
      return sendPlain(res, 401, 'Authentication failed', { 'WWW-Authenticate': 'Basic realm="FreshBooks"' });
    }
    const body = await readBody(req);
    if (body === undefined) return sendPlain(res, 413, 'Request body too large');
    sendXml(res, render(dispatch(body, caller)));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (res.headersSent) return res.destroy();
      sendPlain(res, 500, 'Internal server error');
    });
  });

  return listenOnLoopback(server, API_PATH);
}
