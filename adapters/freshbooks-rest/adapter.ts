/**
 * FreshBooks REST (JSON over HTTP) onto the abstract client model.
 * Wire facts come from the seed and `../shared/README.md`: Bearer auth, `{client: ...}` bodies,
 * `{response: {result: ...}}` envelopes, soft delete as `PUT vis_state: 1`, `search[...]` filters.
 */
import type fc from 'fast-check';
import type { SpecView } from '../../engine/checks/types.js';
import type { RunConfig } from '../../engine/config.js';
import type { Exchange, WireRequest } from '../../engine/exchange.js';
import { ExchangeLog } from '../../engine/exchange-log.js';
import { ConformanceFailure } from '../../engine/failures.js';
import { verifyExchange } from '../../engine/verify.js';
import { DEFAULT_STRINGS, flattenSchema, invalidBodyArbitrary, stringArbitrary, type StringConstraints } from '../../generators/arbitraries.js';
import { indexOperations, resolveBundleRef, type JsonSchema } from '../../generators/spec.js';
import type { ClientField, ClientFields, ClientRecord, ListPage, ListQuery, Visibility } from '../../model/client.js';
import { toCurl } from '../../protocols/http/curl.js';
import { HttpTransport } from '../../protocols/http/transport.js';
import { openApiSpecView } from '../openapi-spec-view.js';
import type { ApiCapabilities, AuthMode, ClientApi, Expectation, Probe } from '../types.js';

const WIRE_FIELD: Readonly<Record<ClientField, string>> = {
  firstName: 'fname',
  lastName: 'lname',
  email: 'email',
  organization: 'organization',
  phone: 'bus_phone',
  mobile: 'mob_phone',
  street: 'p_street',
  city: 'p_city',
  province: 'p_province',
  country: 'p_country',
  postalCode: 'p_code',
};

const LIKE_PARAM: Partial<Record<ClientField, string>> = {
  firstName: 'search[fname_like]',
  lastName: 'search[lname_like]',
  organization: 'search[organization_like]',
};
const EQUALS_PARAM: Partial<Record<ClientField, string>> = { email: 'search[email]' };

const VIS_STATE: Readonly<Record<Visibility, number>> = { active: 0, deleted: 1, archived: 2 };

/** Changed by the server on its own, so never part of "unchanged". */
const VOLATILE = new Set(['updated', 'last_activity', 'last_login']);

const CAPABILITIES: ApiCapabilities = {
  fields: Object.keys(WIRE_FIELD) as ClientField[],
  likeFilters: Object.keys(LIKE_PARAM) as ClientField[],
  equalsFilters: Object.keys(EQUALS_PARAM) as ClientField[],
  idsFilter: true,
  maxPerPage: 100,
  restore: true,
  createDefaults: [],
};

type Json = Record<string, unknown>;

const resolveRef = (ref: string): JsonSchema => resolveBundleRef('freshbooks', ref);

export class FreshbooksRestApi implements ClientApi {
  readonly api = 'freshbooks';
  readonly capabilities = CAPABILITIES;
  readonly log = new ExchangeLog();
  readonly visibilityKeys: ReadonlySet<string> = new Set(['vis_state']);
  readonly expectations: ClientApi['expectations'] = {
    ok: { statuses: [200], why: 'a valid request succeeds' },
    unknownId: { statuses: [404], why: 'an unknown client id is answered 404' },
    unauthorized: { statuses: [401], why: 'a request without a valid Bearer token is answered 401' },
    invalidBody: { statuses: [400, 422], why: 'a body with a wrongly typed field is rejected' },
    notPermitted: { statuses: [403, 404], why: 'a client outside the user\'s reach is refused' },
  };
  private readonly created = new Set<string>();
  private readonly base: string;
  private readonly createBody: JsonSchema;
  private readonly inputSchema: JsonSchema;

  private constructor(
    private readonly config: RunConfig,
    readonly spec: SpecView,
    private readonly transport: HttpTransport,
  ) {
    this.base = `${config.target.replace(/\/+$/, '')}/accounting/account/${encodeURIComponent(config.accountId)}/users/clients`;
    const body = indexOperations('freshbooks').get('createClient')?.requestSchema;
    this.createBody = body ? flattenSchema(body, resolveRef) : {};
    const client = ((this.createBody.properties ?? {}) as Record<string, JsonSchema>).client;
    if (!client) throw new Error('spec: createClient has no {client} request body');
    this.inputSchema = flattenSchema(client, resolveRef);
  }

  static async open(config: RunConfig): Promise<FreshbooksRestApi> {
    const transport = new HttpTransport({ timeoutMs: config.timeoutMs, maxBodyBytes: config.maxBodyBytes, connections: 4 });
    return new FreshbooksRestApi(config, await openApiSpecView('freshbooks'), transport);
  }

  wireKeys(fields: readonly ClientField[]): readonly string[] {
    return fields.map((field) => WIRE_FIELD[field]);
  }

  fieldArbitrary(field: ClientField, strings: StringConstraints = DEFAULT_STRINGS): fc.Arbitrary<string> {
    const schema = ((this.inputSchema.properties ?? {}) as Record<string, JsonSchema>)[WIRE_FIELD[field]];
    if (!schema) throw new Error(`spec: ClientInput has no property ${WIRE_FIELD[field]}`);
    return stringArbitrary(schema, strings);
  }

  invalidCreateBodies() {
    return invalidBodyArbitrary(this.createBody, 'client', resolveRef);
  }

  // --- the model, mapped to the wire -------------------------------------------------------------

  async create(fields: ClientFields, scope: string): Promise<ClientRecord> {
    const body = { client: { ...this.toWire(fields), note: this.tag(scope) } };
    const json = await this.call('createClient', 'POST', this.base, body, { statuses: [200, 201], why: 'a valid create succeeds' });
    const record = this.toRecord(this.dig(json, ['response', 'result', 'client'], 'createClient'));
    this.created.add(record.id);
    return record;
  }

  async get(id: string): Promise<ClientRecord> {
    const json = await this.call('getClient', 'GET', this.clientUrl(id), undefined, { statuses: [200], why: 'a client this run created can be read' });
    return this.toRecord(this.dig(json, ['response', 'result', 'client'], 'getClient'));
  }

  async update(id: string, fields: ClientFields): Promise<void> {
    await this.call('updateClient', 'PUT', this.clientUrl(id), { client: this.toWire(fields) }, { statuses: [200], why: 'a valid update succeeds' });
  }

  async softDelete(id: string): Promise<void> {
    await this.call('updateClient', 'PUT', this.clientUrl(id), { client: { vis_state: VIS_STATE.deleted } }, { statuses: [200], why: 'soft delete (vis_state 1) succeeds' });
  }

  async restore(id: string): Promise<void> {
    await this.call('updateClient', 'PUT', this.clientUrl(id), { client: { vis_state: VIS_STATE.active } }, { statuses: [200], why: 'restore (vis_state 0) succeeds' });
  }

  async list(query: ListQuery): Promise<ListPage> {
    const result = await this.listWith(query, { statuses: [200], why: 'a valid list succeeds' });
    if (result === 'rejected') throw new Error('unreachable: 400 was not expected');
    return result;
  }

  tryList(query: ListQuery): Promise<ListPage | 'rejected'> {
    return this.listWith(query, { statuses: [200, 400], why: 'a list is served or rejected with 400' });
  }

  private async listWith(query: ListQuery, expect: Expectation): Promise<ListPage | 'rejected'> {
    const params = new URLSearchParams({ page: String(query.page) });
    if (query.perPage !== undefined) params.append('per_page', String(query.perPage));
    if (query.scope !== undefined) params.append('search[note_like]', this.tag(query.scope));
    if (query.visibility) params.append('search[vis_state]', String(VIS_STATE[query.visibility]));
    for (const filter of query.filters) {
      if (filter.kind === 'ids') for (const id of filter.ids) params.append('search[userids][]', id);
      else {
        const name = (filter.kind === 'like' ? LIKE_PARAM : EQUALS_PARAM)[filter.field];
        if (!name) throw new Error(`freshbooks has no ${filter.kind} filter on ${filter.field}`);
        params.append(name, filter.value);
      }
    }
    const exchange = await this.send('listClients', 'GET', `${this.base}?${params}`, undefined, 'valid');
    const json = verifyExchange(this.spec, exchange, { operation: 'listClients', expect });
    if (exchange.response?.status === 400) return 'rejected';
    const result = this.dig(json, ['response', 'result'], 'listClients');
    const clients = result.clients as Json[];
    return {
      items: clients.map((c) => this.toRecord(c)),
      page: result.page as number,
      perPage: result.per_page as number,
      pages: result.pages as number,
      total: result.total as number,
    };
  }

  // --- raw probes for the contract suite ---------------------------------------------------------

  async probe(probe: Probe, auth: AuthMode): Promise<Exchange> {
    switch (probe.op) {
      case 'list':
        return this.send('listClients', 'GET', `${this.base}?page=1&per_page=5`, undefined, auth);
      case 'get':
        return this.send('getClient', 'GET', this.clientUrl(probe.id), undefined, auth);
      case 'update':
        return this.send('updateClient', 'PUT', this.clientUrl(probe.id), { client: this.toWire(probe.fields) }, auth);
      case 'delete':
        return this.send('updateClient', 'PUT', this.clientUrl(probe.id), { client: { vis_state: VIS_STATE.deleted } }, auth);
      case 'create-raw': {
        const exchange = await this.send('createClient', 'POST', this.base, probe.body, auth);
        this.trackAccidentalCreate(exchange);
        return exchange;
      }
    }
  }

  /** The REST docs describe no restricted role for the clients endpoints. */
  async restricted(): Promise<undefined> {
    return undefined;
  }

  unknownId(): string {
    return String(900_000_000 + Math.floor(Math.random() * 99_999_999));
  }

  reproduce(exchange: Exchange) {
    return { command: toCurl(exchange.request), body: exchange.request.body };
  }

  async cleanup(): Promise<void> {
    for (const id of this.created) {
      await this.transport.send(this.request('PUT', this.clientUrl(id), { client: { vis_state: VIS_STATE.deleted } }, 'valid'));
    }
    this.created.clear();
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  // --- wire plumbing -----------------------------------------------------------------------------

  private tag(scope: string): string {
    return `clientele-${this.config.runTag}-${scope}-`;
  }

  private clientUrl(id: string): string {
    return `${this.base}/${encodeURIComponent(id)}`;
  }

  private toWire(fields: ClientFields): Json {
    const wire: Json = {};
    for (const [field, value] of Object.entries(fields)) wire[WIRE_FIELD[field as ClientField]] = value;
    return wire;
  }

  private toRecord(client: Json): ClientRecord {
    const fields: ClientFields = {};
    for (const [field, wire] of Object.entries(WIRE_FIELD)) {
      const value = client[wire];
      if (typeof value === 'string') fields[field as ClientField] = value;
    }
    const visibility = (Object.entries(VIS_STATE).find(([, n]) => n === client.vis_state)?.[0] ?? 'active') as Visibility;
    const snapshot = Object.fromEntries(Object.entries(client).filter(([key]) => !VOLATILE.has(key)));
    return { id: String(client.id), fields, visibility, snapshot };
  }

  /** The schema was checked already; this only guards the walk, so a gap is a failure, not a crash. */
  private dig(json: unknown, path: readonly string[], operation: string): Json {
    let node = json;
    for (const key of path) node = node && typeof node === 'object' ? (node as Json)[key] : undefined;
    if (!node || typeof node !== 'object') {
      const last = this.log.snapshot().at(-1);
      throw new ConformanceFailure('envelope', `${operation} response has no ${path.join('.')}`, {
        operation,
        expected: path.join('.'),
        actual: JSON.stringify(json)?.slice(0, 200),
        exchanges: last ? [last] : [],
      });
    }
    return node as Json;
  }

  private trackAccidentalCreate(exchange: Exchange): void {
    if (!exchange.response || exchange.response.status >= 300) return;
    try {
      const id = JSON.parse(exchange.response.body)?.response?.result?.client?.id;
      if (id !== undefined) this.created.add(String(id));
    } catch {
      // not JSON: nothing was created that we could name
    }
  }

  private request(method: string, url: string, body: unknown, auth: AuthMode): WireRequest {
    const headers: Record<string, string> = { Accept: 'application/json', 'Api-Version': 'alpha' };
    if (auth === 'valid') headers.Authorization = `Bearer ${this.config.token}`;
    if (auth === 'wrong') headers.Authorization = `Bearer wrong-${this.config.runTag}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return { method, url, headers, body: body === undefined ? undefined : JSON.stringify(body) };
  }

  private async send(operation: string, method: string, url: string, body: unknown, auth: AuthMode): Promise<Exchange> {
    const request = this.request(method, url, body, auth);
    const outcome = await this.transport.send(request);
    const exchange: Exchange = { protocol: 'http-json', operation, request, ...outcome };
    this.log.add(exchange);
    return exchange;
  }

  private async call(operation: string, method: string, url: string, body: unknown, expect: Expectation): Promise<unknown> {
    const exchange = await this.send(operation, method, url, body, 'valid');
    return verifyExchange(this.spec, exchange, { operation, expect });
  }
}
