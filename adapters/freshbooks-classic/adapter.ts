/**
 * FreshBooks Classic (XML over HTTP POST to one endpoint) onto the abstract client model.
 * Wire facts come from the seed and `../shared/README.md`: `<request method="client.*">` bodies, HTTP
 * Basic auth with the token as user name and `X` as password, `<response status="ok|fail">` envelopes,
 * soft delete as `client.delete` (the client moves to the `deleted` folder), lists filtered by `folder`.
 * Where the seed is silent, the XSD says what we assumed.
 */
import fc from 'fast-check';
import type { SpecView } from '../../engine/checks/types.js';
import type { RunConfig } from '../../engine/config.js';
import type { Exchange, WireRequest } from '../../engine/exchange.js';
import { ExchangeLog } from '../../engine/exchange-log.js';
import { ConformanceFailure, InternalError } from '../../engine/failures.js';
import { verifyExchange } from '../../engine/verify.js';
import { DEFAULT_STRINGS, stringArbitrary, type InvalidBody, type StringConstraints } from '../../generators/arbitraries.js';
import { loadXsdSpec, type XsdSpec } from '../../generators/xsd.js';
import type { ClientField, ClientFields, ClientRecord, ListPage, ListQuery, Visibility } from '../../model/client.js';
import { toCurl } from '../../protocols/http/curl.js';
import { HttpTransport } from '../../protocols/http/transport.js';
import { buildXml, childElement, childText, type XmlBody, type XmlContent, type XmlElement } from '../../protocols/xml/codec.js';
import { xmlSpecView } from '../xml-spec-view.js';
import type { ApiCapabilities, AuthMode, ClientApi, Expectation, Probe } from '../types.js';

const API = 'freshbooks-classic';

const WIRE_FIELD: Readonly<Record<ClientField, string>> = {
  firstName: 'first_name',
  lastName: 'last_name',
  email: 'email',
  organization: 'organization',
  phone: 'work_phone',
  mobile: 'mobile',
  street: 'p_street1',
  city: 'p_city',
  province: 'p_state',
  country: 'p_country',
  postalCode: 'p_code',
};

/** The XSD type of `<client>` in create and update requests: the source of field values and invalid bodies. */
const CLIENT_INPUT_TYPE = 'ClientCreateFields';

/** Changed by the server on its own, so never part of "unchanged". */
const VOLATILE = new Set(['updated']);

/** XML's own special characters belong in every value: escaping is part of the contract. */
const XML_STRINGS: StringConstraints = { ...DEFAULT_STRINGS, alphabet: `${DEFAULT_STRINGS.alphabet}&<>"'` };

const CAPABILITIES: ApiCapabilities = {
  fields: Object.keys(WIRE_FIELD) as ClientField[],
  // The seed documents `email` and `username` (exact) filters; `notes` (substring) carries our scope tag.
  likeFilters: [],
  equalsFilters: ['email'],
  idsFilter: false,
  maxPerPage: 100,
  defaultPerPage: 25,
  listOrder: { description: 'descending client_id', inOrder: (a, b) => Number(a.id) > Number(b.id) },
  restore: false,
  createDefaults: [{ key: 'username', sameAs: 'email' }],
};

const OK: Expectation = { statuses: [200], outcome: 'ok', why: 'a valid request succeeds' };

export class FreshbooksClassicApi implements ClientApi {
  readonly api = API;
  readonly capabilities = CAPABILITIES;
  readonly visibilityKeys: ReadonlySet<string> = new Set(['folder']);
  readonly expectations: ClientApi['expectations'] = {
    ok: OK,
    unknownId: { statuses: [200], outcome: 'fail', why: 'an unknown client_id is answered with the fail envelope' },
    unauthorized: { statuses: [401], why: 'a request without valid Basic credentials is answered 401' },
    invalidBody: { statuses: [200], outcome: 'fail', why: 'a request that violates the schema is answered with the fail envelope' },
    notPermitted: { statuses: [200], outcome: 'fail', why: 'a staff member touching a client not assigned to them gets the fail envelope' },
  };
  private readonly created = new Set<string>();
  private restrictedView?: FreshbooksClassicApi;

  private constructor(
    private readonly config: RunConfig,
    private readonly token: string,
    readonly spec: SpecView,
    private readonly xsd: XsdSpec,
    private readonly transport: HttpTransport,
    readonly log: ExchangeLog,
    /** The restricted view shares the parent's transport and log; only the parent closes them. */
    private readonly owner: boolean,
  ) {}

  static async open(config: RunConfig): Promise<FreshbooksClassicApi> {
    const transport = new HttpTransport({ timeoutMs: config.timeoutMs, maxBodyBytes: config.maxBodyBytes, connections: 4 });
    return new FreshbooksClassicApi(config, config.token, await xmlSpecView(API), loadXsdSpec(API), transport, new ExchangeLog(), true);
  }

  wireKeys(fields: readonly ClientField[]): readonly string[] {
    return fields.map((field) => WIRE_FIELD[field]);
  }

  fieldArbitrary(field: ClientField, strings: StringConstraints = XML_STRINGS): fc.Arbitrary<string> {
    return stringArbitrary(this.xsd.stringSchema(CLIENT_INPUT_TYPE, WIRE_FIELD[field]), strings);
  }

  /** A create whose `<client>` breaks the schema in one place: an element the schema does not know, or markup where text belongs. */
  invalidCreateBodies(): fc.Arbitrary<InvalidBody> {
    const known = this.xsd.elementNames(CLIENT_INPUT_TYPE).filter((name) => name !== 'client_id' && name !== 'contacts');
    if (known.length === 0) throw new Error(`spec: ${CLIENT_INPUT_TYPE} has no elements`);
    const markupInText = fc.constantFrom(...known).map((name) => ({ name, value: { b: 'markup where text belongs' } as XmlContent }));
    const unknownElement = fc.stringMatching(/^x_[a-z]{1,8}$/).map((name) => ({ name, value: 'not in the schema' as XmlContent }));
    return fc.oneof(markupInText, unknownElement).map(({ name, value }) => ({ body: { client: { [name]: value } }, field: `client.${name}`, value }));
  }

  // --- the model, mapped to the wire -------------------------------------------------------------

  async create(fields: ClientFields, scope: string): Promise<ClientRecord> {
    const body = await this.call('client.create', { client: { ...this.toWire(fields), notes: this.tag(scope) } }, { ...OK, why: 'a valid create succeeds' });
    const id = this.text(body, 'client_id', 'client.create');
    this.created.add(id);
    return this.get(id);
  }

  async get(id: string): Promise<ClientRecord> {
    const body = await this.call('client.get', { client_id: id }, { ...OK, why: 'a client this run created can be read' });
    return this.toRecord(this.element(body, 'client', 'client.get'));
  }

  async update(id: string, fields: ClientFields): Promise<void> {
    await this.call('client.update', { client: { client_id: id, ...this.toWire(fields) } }, { ...OK, why: 'a valid update succeeds' });
  }

  async softDelete(id: string): Promise<void> {
    await this.call('client.delete', { client_id: id }, { ...OK, why: 'a delete of an existing client succeeds' });
  }

  async restore(): Promise<void> {
    throw new Error('freshbooks-classic documents no restore (capabilities.restore is false)');
  }

  async list(query: ListQuery): Promise<ListPage> {
    const result = await this.listWith(query, { ...OK, why: 'a valid list succeeds' });
    if (result === 'rejected') throw new Error('unreachable: a fail envelope was not expected');
    return result;
  }

  tryList(query: ListQuery): Promise<ListPage | 'rejected'> {
    return this.listWith(query, { statuses: [200], why: 'a list is served or refused with the fail envelope' });
  }

  private async listWith(query: ListQuery, expect: Expectation): Promise<ListPage | 'rejected'> {
    const exchange = await this.send('client.list', this.listContent(query), 'valid');
    const body = verifyExchange(this.spec, exchange, { operation: 'client.list', expect }) as XmlBody;
    if (this.spec.outcome(body) === 'fail') return 'rejected';
    const clients = this.element(body, 'clients', 'client.list');
    const attribute = (name: string) => Number(clients.attributes[name]);
    return {
      items: clients.children.filter((c) => c.name === 'client').map((c) => this.toRecord(c)),
      page: attribute('page'),
      perPage: attribute('per_page'),
      pages: attribute('pages'),
      total: attribute('total'),
    };
  }

  private listContent(query: ListQuery): Record<string, XmlContent> {
    const content: Record<string, XmlContent> = {};
    for (const filter of query.filters) {
      if (filter.kind !== 'equals' || !CAPABILITIES.equalsFilters.includes(filter.field)) {
        throw new Error(`freshbooks-classic has no ${filter.kind} filter${filter.kind === 'ids' ? '' : ` on ${filter.field}`}`);
      }
      content[WIRE_FIELD[filter.field]] = filter.value;
    }
    if (query.scope !== undefined) content.notes = this.tag(query.scope);
    if (query.visibility) content.folder = query.visibility;
    content.page = String(query.page);
    if (query.perPage !== undefined) content.per_page = String(query.perPage);
    return content;
  }

  // --- raw probes for the contract and access suites ---------------------------------------------

  async probe(probe: Probe, auth: AuthMode): Promise<Exchange> {
    switch (probe.op) {
      case 'list':
        return this.send('client.list', { page: '1', per_page: '5' }, auth);
      case 'get':
        return this.send('client.get', { client_id: probe.id }, auth);
      case 'update':
        return this.send('client.update', { client: { client_id: probe.id, ...this.toWire(probe.fields) } }, auth);
      case 'delete':
        return this.send('client.delete', { client_id: probe.id }, auth);
      case 'create-raw': {
        const exchange = await this.send('client.create', probe.body as Record<string, XmlContent>, auth, true);
        this.trackAccidentalCreate(exchange);
        return exchange;
      }
    }
  }

  async restricted(): Promise<ClientApi | undefined> {
    if (!this.config.staffToken) return undefined;
    this.restrictedView ??= new FreshbooksClassicApi(this.config, this.config.staffToken, this.spec, this.xsd, this.transport, this.log, false);
    return this.restrictedView;
  }

  unknownId(): string {
    return String(900_000_000 + Math.floor(Math.random() * 99_999_999));
  }

  /**
   * A curl line that replays as it stands: the credential becomes `-u "$CLIENTELE_TOKEN:X"` (or the staff
   * variable), so the reader sees whose request it was and no secret is written.
   */
  reproduce(exchange: Exchange) {
    const { Authorization: sent, ...headers } = exchange.request.headers;
    const command = toCurl({ ...exchange.request, headers });
    return { command: sent === undefined ? command : `${command} -u ${this.credentialName(sent)}`, body: exchange.request.body };
  }

  private credentialName(header: string): string {
    if (header === basicAuth(this.config.token)) return '"$CLIENTELE_TOKEN:X"';
    if (this.config.staffToken && header === basicAuth(this.config.staffToken)) return '"$CLIENTELE_STAFF_TOKEN:X"';
    // The probes' deliberately wrong user name is no secret; anything else is not written at all.
    const user = Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8').replace(/:X$/, '');
    return user === `wrong-${this.config.runTag}` ? `'${user}:X'` : "'[REDACTED]:X'";
  }

  async cleanup(): Promise<void> {
    for (const id of this.created) await this.transport.send(this.request('client.delete', { client_id: id }, 'valid'));
    this.created.clear();
    await this.restrictedView?.cleanup();
  }

  async close(): Promise<void> {
    if (this.owner) await this.transport.close();
  }

  // --- wire plumbing -----------------------------------------------------------------------------

  private tag(scope: string): string {
    return `clientele-${this.config.runTag}-${scope}-`;
  }

  private toWire(fields: ClientFields): Record<string, string> {
    const wire: Record<string, string> = {};
    for (const [field, value] of Object.entries(fields)) wire[WIRE_FIELD[field as ClientField]] = value;
    return wire;
  }

  private toRecord(client: XmlElement): ClientRecord {
    const fields: ClientFields = {};
    for (const [field, wire] of Object.entries(WIRE_FIELD)) {
      const value = childText(client, wire);
      if (value !== undefined) fields[field as ClientField] = value;
    }
    const folder = childText(client, 'folder') ?? 'active';
    const visibility: Visibility = folder === 'deleted' || folder === 'archived' ? folder : 'active';
    const snapshot: Record<string, unknown> = {};
    for (const child of client.children) if (!VOLATILE.has(child.name)) snapshot[child.name] = flatten(child);
    return { id: childText(client, 'client_id') ?? '', fields, visibility, snapshot };
  }

  /** The schema was checked already; this only guards the walk, so a gap is a failure, not a crash. */
  private element(body: XmlBody, name: string, operation: string): XmlElement {
    const found = childElement(body.root, name);
    if (found) return found;
    const last = this.log.snapshot().at(-1);
    throw new ConformanceFailure('envelope', `${operation} response has no <${name}>`, {
      operation,
      expected: `<response status="ok"><${name}>`,
      actual: body.text.slice(0, 200),
      exchanges: last ? [last] : [],
    });
  }

  private text(body: XmlBody, name: string, operation: string): string {
    return this.element(body, name, operation).text;
  }

  private trackAccidentalCreate(exchange: Exchange): void {
    if (!exchange.response || exchange.response.status !== 200) return;
    const decoded = this.spec.decode(exchange.response);
    if (!decoded.ok) return;
    const id = childText((decoded.value as XmlBody).root, 'client_id');
    if (id) this.created.add(id);
  }

  private request(operation: string, content: Record<string, XmlContent>, auth: AuthMode): WireRequest {
    const headers: Record<string, string> = { Accept: 'application/xml', 'Content-Type': 'application/xml; charset=utf-8' };
    if (auth === 'valid') headers.Authorization = basicAuth(this.token);
    if (auth === 'wrong') headers.Authorization = basicAuth(`wrong-${this.config.runTag}`);
    return { method: 'POST', url: this.config.target, headers, body: buildXml('request', { method: operation }, content) };
  }

  private async send(operation: string, content: Record<string, XmlContent>, auth: AuthMode, raw = false): Promise<Exchange> {
    const request = this.request(operation, content, auth);
    if (!raw) {
      // The XSD describes requests too: a request we build that it rejects is our bug, not the target's.
      const own = this.xsd.validateRequest(operation, request.body!);
      if (!own.ok) throw new InternalError(`clientele built a ${operation} request its own XSD rejects: ${own.errors[0]}`);
    }
    const outcome = await this.transport.send(request);
    const exchange: Exchange = { protocol: 'http-xml', operation, request, ...outcome };
    this.log.add(exchange);
    return exchange;
  }

  private async call(operation: string, content: Record<string, XmlContent>, expect: Expectation): Promise<XmlBody> {
    const exchange = await this.send(operation, content, 'valid');
    return verifyExchange(this.spec, exchange, { operation, expect }) as XmlBody;
  }
}

/** HTTP Basic with the token as user name and `X` as password, as the Classic docs ask. */
function basicAuth(user: string): string {
  return `Basic ${Buffer.from(`${user}:X`, 'utf8').toString('base64')}`;
}

/** An element as a comparable value: its text, or its children's (links, contacts, credits). */
function flatten(element: XmlElement): unknown {
  if (element.children.length === 0) return Object.keys(element.attributes).length ? { text: element.text, ...element.attributes } : element.text;
  return element.children.map((child) => [child.name, flatten(child)]);
}
