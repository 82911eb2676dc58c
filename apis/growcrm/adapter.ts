/**
 * Grow CRM clients (JSON over HTTP, form-encoded requests) onto the abstract client model.
 * Wire facts come from seed 003 and the Grow CRM docs (shared/reference/crm-docs): Bearer auth,
 * `{data, meta, message}` envelopes, 201 on create, 422 with a per-field `errors` object, a hard
 * delete, and the tags/status/owner actions under `/clients/{id}/`.
 *
 * Scoping: the only free-text filter is `search`, on the company name, so a client's scope rides at the
 * end of its company name, after a space: `Ψ` and the run tag and scope in Greek letters (port/kit).
 * A scoped list searches for the suffix; a scoped search for a needle searches for the needle followed
 * by the suffix, which reaches only values that end with the needle (FilterFacts.scopedAtEnd).
 * The primary user's email must be unique and is never answered back, so every create but the
 * uniqueness probe makes it unique with a plus tag.
 */
import type fc from 'fast-check';
import {
  ClientApiBase,
  CreatedClients,
  checkedId,
  snapshotAndTimes,
  FieldSchemas,
  SCOPE_SUFFIX,
  dig,
  scopeSuffix,
} from '../../port/kit.js';
import type { AuthMode, ClientApi, Expectations, Probe } from '../../port/port.js';
import type { Expectation } from '../../engine/checks/types.js';
import type { RunConfig } from '../../engine/config.js';
import type { Auth, WireRequest } from '../../engine/exchange.js';
import type { Answer, Session } from '../../engine/session.js';
import { flattenSchema, invalidBodyArbitrary, type NamedValue, type StringConstraints } from '../../generators/arbitraries.js';
import { indexOperations, resolveBundleRef, type JsonSchema, type SpecSource } from '../../generators/spec.js';
import { assumed, documented, type Capabilities } from '../../model/capabilities.js';
import type { ClientRecord, ListPage, ListQuery } from '../../model/client.js';
import type { ClientFields, FieldValue } from '../../model/fields.js';
import { CLIENT_FIELDS, REQUEST_KEY, SNAPSHOT_KEYS, fieldsOf, flatten, modelNameOf } from './fields.js';
import { SPEC } from './spec.js';

const SOURCE: SpecSource = SPEC;

const CAPABILITIES: Capabilities = {
  fields: CLIENT_FIELDS,
  filters: {
    like: ['companyName'],
    equals: ['status', 'category'],
    ids: false,
    // `search` is a substring match (meaning: prerequisite/scope); that it ignores letter case is open (filtering/case).
    likeCase: assumed('insensitive'),
    scopedAtEnd: ['companyName'],
  },
  // "limit: Results per page (max 100)"; an empty list's last_page is 1, as Laravel's paginator (which the
  // guide names for every list) has it: max(ceil(total / per_page), 1) (meaning: contract/empty-list-pages).
  paging: { maxPerPage: documented(100), emptyListPages: documented(1) },
  // "sort: client_company_name, client_status, client_created, client_updated"; "order: asc or desc (default desc)".
  sort: {
    columns: [
      { name: 'client_company_name', by: { field: 'companyName' } },
      { name: 'client_status', by: { field: 'status' } },
      { name: 'client_created', by: { timestamp: 'created' } },
      { name: 'client_updated', by: { timestamp: 'updated' } },
    ],
    defaultOrder: 'desc',
  },
  // "Deletes the client and all of its related records".
  deletion: { kind: 'hard' },
  // "client_company_name: Defaults to "first_name last_name" if omitted."
  createDefaults: [{ key: 'company_name', from: ['firstName', 'lastName'], omit: 'companyName' }],
  auth: 'per-request',
};

type Json = Record<string, unknown>;

const resolveRef = (ref: string): JsonSchema => resolveBundleRef(SOURCE, ref);
/** The scope suffix and the space before it, unless a server that trims ate the space (an empty company name). */
const UNSCOPED = new RegExp(` ?${SCOPE_SUFFIX.source}`);
const TOKEN: Auth = { scheme: 'bearer', token: { credential: 'token' } };
const OK: Expectation = { httpStatuses: [200], why: 'a valid request succeeds', rule: 'success' };
/**
 * The refusals whose kind the docs give (a value the action does not take is refused, nothing changes)
 * but not their status: any 4xx keeps the rule, and only a status other than 422 breaks its open
 * `-status` rule (a warning).
 */
const REFUSALS_OF_OPEN_STATUS = new Set(['actions/enum-refused', 'actions/foreign-ref-refused']);
/** A list query the server may refuse rather than correct (a limit above 100, a page below 1): which 4xx is open. */
const LIST_REFUSED_STATUS = 'errors/list-refused-status';
const isClientError = (status: number | undefined): boolean => status !== undefined && status >= 400 && status < 500;
const ACTION_PATH: Readonly<Record<string, { operation: string; path: string; key: string }>> = {
  tags: { operation: 'setClientTags', path: 'tags', key: 'tags' },
  status: { operation: 'setClientStatus', path: 'status', key: 'status' },
  owner: { operation: 'setClientOwner', path: 'owner', key: 'owner' },
};

export class GrowcrmApi extends ClientApiBase implements ClientApi {
  readonly id = 'growcrm';
  readonly capabilities = CAPABILITIES;
  readonly expectations: Expectations = {
    ok: OK,
    created: { httpStatuses: [201], why: 'a valid create answers 201 Created', rule: 'success' },
    unknownId: { httpStatuses: [404], why: 'an unknown client id is answered 404', rule: 'errors/unknown-id' },
    unauthorized: { httpStatuses: [401], why: 'a request without a valid API key is answered 401', rule: 'errors/unauthorized' },
    invalidBody: { httpStatuses: [422], why: 'a body with a wrongly typed field fails validation (422)', rule: 'errors/invalid-body' },
    notPermitted: {
      httpStatuses: [403, 404],
      why: 'no restricted user is documented (every key is an administrator)',
      rule: 'errors/not-permitted',
    },
    invalid: { httpStatuses: [422], why: 'validation fails with 422', rule: 'errors/required-field' },
  };
  protected readonly created: CreatedClients;
  private readonly base: string;
  private readonly createBody: JsonSchema;
  private readonly schemas: FieldSchemas;
  /** The scope suffix of each client this adapter created: an update of the company name writes it back. */
  private readonly suffixes = new Map<string, string>();
  private emails = 0;

  constructor(
    readonly session: Session,
    private readonly config: RunConfig,
  ) {
    super();
    const url = config.target.kind === 'url' ? config.target.url : '';
    this.created = new CreatedClients(config.journal, (text) => session.redactor.text(text));
    this.base = `${url.replace(/\/+$/, '')}/clients`;
    const body = indexOperations(SOURCE).get('createClient')?.requestSchema;
    if (!body) throw new Error('spec: createClient has no request body');
    this.createBody = flattenSchema(body, resolveRef);
    this.schemas = new FieldSchemas(this.createBody, (field) => REQUEST_KEY[field], resolveRef);
  }

  wireKeys(fields: readonly string[]): readonly string[] {
    return fields.flatMap((field) => SNAPSHOT_KEYS[field] ?? []);
  }

  fieldArbitrary(field: string, strings?: StringConstraints): fc.Arbitrary<string> {
    return this.schemas.arbitrary(field, strings);
  }

  fieldBoundaries(field: string): readonly NamedValue<FieldValue>[] {
    return this.schemas.boundaries(field);
  }

  /** A valid create (unique email) with one property of a type its schema forbids, as JSON. */
  invalidCreateBodies() {
    return invalidBodyArbitrary({ type: 'object', properties: { body: this.createBody } }, 'body', resolveRef).map((invalid) => {
      const [name, value] = Object.entries(invalid.body.body as Json)[0]!;
      return {
        ...invalid,
        body: {
          ...this.createWire({ firstName: 'Typed', lastName: 'Wrong', email: 'typed@example.test' }, 'invalid', true),
          [name]: value,
        },
      };
    });
  }

  // --- the model, mapped to the wire -------------------------------------------------------------

  async create(fields: ClientFields, scope: string): Promise<ClientRecord> {
    const suffix = scopeSuffix(this.config.runTag, scope);
    const answer = await this.session.call(
      'createClient',
      this.form('POST', this.base, this.createWire(fields, scope, true)),
      this.expectations.created,
    );
    const record = this.toRecord(dig(this.session, 'createClient', answer.body, ['data']));
    this.created.add(record.id);
    if (fields.companyName !== undefined) this.suffixes.set(record.id, suffix);
    return record;
  }

  async get(id: string, rule = 'success'): Promise<ClientRecord> {
    const answer = await this.session.call('getClient', this.form('GET', this.clientUrl(id)), {
      ...OK,
      rule,
      why: 'a client this run created can be read',
    });
    return this.toRecord(dig(this.session, 'getClient', answer.body, ['data']));
  }

  async update(id: string, fields: ClientFields, rule = 'success'): Promise<void> {
    await this.session.call('updateClient', this.form('PATCH', this.clientUrl(id), this.updateWire(id, fields, true)), {
      ...OK,
      rule,
      why: 'a valid update succeeds',
    });
  }

  async delete(id: string): Promise<void> {
    await this.session.call('deleteClient', this.form('DELETE', this.clientUrl(id)), {
      ...OK,
      why: 'a delete of an existing client succeeds',
    });
  }

  async act(id: string, field: string, value: FieldValue): Promise<void> {
    await this.actRequest(id, field, value, { ...OK, why: `setting ${field} through its action succeeds` });
  }

  tryList(query: ListQuery, rule: string): Promise<ListPage | 'rejected'> {
    return this.listWith(query, {
      httpStatuses: [200, 422],
      lenient: { httpStatuses: ['4XX'], exactRule: LIST_REFUSED_STATUS },
      why: 'a list is served or refused with 422',
      rule,
    });
  }

  protected async listWith(query: ListQuery, expect: Expectation): Promise<ListPage | 'rejected'> {
    const params = new URLSearchParams({ page: String(query.page) });
    if (query.perPage !== undefined) params.append('limit', String(query.perPage));
    const suffix = query.scope === undefined ? '' : scopeSuffix(this.config.runTag, query.scope);
    const like = query.filters.find((filter) => filter.kind === 'like');
    if (like || suffix) params.append('search', like ? `${like.value}${suffix ? ` ${suffix}` : ''}` : suffix);
    for (const filter of query.filters) {
      if (filter.kind === 'ids' || (filter.kind === 'like' && filter.field !== 'companyName'))
        throw new Error(`growcrm has no ${filter.kind} filter${filter.kind === 'ids' ? '' : ` on ${filter.field}`}`);
      if (filter.kind === 'equals') params.append(filter.field === 'category' ? 'category_id' : filter.field, filter.value);
    }
    if (query.sort) {
      params.append('sort', query.sort.column);
      if (query.sort.order) params.append('order', query.sort.order);
    }
    const answer = await this.session.call('listClients', this.form('GET', `${this.base}?${params}`), expect);
    // Only tryList admits a refusal (its expectation lets any 4xx through, 422 the documented one).
    if (isClientError(answer.httpStatus)) return 'rejected';
    const clients = (answer.body as Json | undefined)?.data;
    if (!Array.isArray(clients)) throw this.session.envelopeGap('listClients', 'data', answer.body);
    const meta = dig(this.session, 'listClients', answer.body, ['meta']);
    const counter = (key: string): number => {
      const value = meta[key];
      if (typeof value !== 'number') throw this.session.envelopeGap('listClients', `meta.${key}`, answer.body);
      return value;
    };
    return {
      items: (clients as Json[]).map((c) => this.toRecord(c)),
      page: counter('current_page'),
      perPage: counter('per_page'),
      pages: counter('last_page'),
      total: counter('total'),
    };
  }

  // --- raw probes ---------------------------------------------------------------------------------

  async probe(probe: Probe, auth: AuthMode, expect: Expectation): Promise<Answer> {
    switch (probe.op) {
      case 'list':
        return this.session.call('listClients', this.form('GET', `${this.base}?page=1&limit=5`, undefined, auth), expect);
      case 'get':
        return this.session.call('getClient', this.form('GET', this.clientUrl(probe.id), undefined, auth), expect);
      case 'update':
        return this.session.call(
          'updateClient',
          this.form('PATCH', this.clientUrl(probe.id), this.updateWire(probe.id, probe.fields, !probe.withoutCustomFields), auth),
          expect,
        );
      case 'delete':
        return this.session.call('deleteClient', this.form('DELETE', this.clientUrl(probe.id), undefined, auth), expect);
      case 'act':
        return this.actRequest(probe.id, probe.field, probe.value, this.refusal(expect), auth);
      case 'create':
      case 'create-raw': {
        const request =
          probe.op === 'create'
            ? this.form('POST', this.base, this.createWire(probe.fields, probe.scope, false, !probe.withoutCustomFields), auth)
            : this.json('POST', this.base, probe.body, auth);
        try {
          return await this.session.call('createClient', request, expect);
        } finally {
          this.created.addAccepted(this.session, ['data', 'id']);
        }
      }
    }
  }

  /**
   * An action's refusal of a value it does not take (an undocumented status, another client's user as
   * owner): the docs say it is refused, not with which 4xx, so another 4xx than 422 breaks only the
   * rule's open `-status` twin.
   */
  private refusal(expect: Expectation): Expectation {
    if (expect.lenient || !REFUSALS_OF_OPEN_STATUS.has(expect.rule)) return expect;
    return { ...expect, lenient: { httpStatuses: ['4XX'], exactRule: `${expect.rule}-status` } };
  }

  refusedFields(answer: Answer): readonly string[] {
    const errors = (answer.body as Json | undefined)?.errors;
    return errors && typeof errors === 'object' ? Object.keys(errors).map(modelNameOf) : [];
  }

  async cleanup(): Promise<void> {
    await this.created.cleanup(async (id) => {
      const answer = await this.session.attempt('deleteClient', this.form('DELETE', this.clientUrl(id)), {
        httpStatuses: [200, 404],
        why: 'cleanup: delete (already gone is done)',
        rule: 'success',
      });
      return answer?.httpStatus === 200 || answer?.httpStatus === 404;
    });
  }

  // --- wire plumbing -----------------------------------------------------------------------------

  private clientUrl(id: string, action?: string): string {
    return `${this.base}/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;
  }

  private actRequest(id: string, field: string, value: FieldValue, expect: Expectation, auth: AuthMode = 'valid'): Promise<Answer> {
    const action = ACTION_PATH[field];
    if (!action) throw new Error(`growcrm has no action that sets ${field}`);
    const url = this.clientUrl(id, action.path);
    // An empty array has no form encoding ("tags[]=" is one empty tag); the docs call the API a JSON API.
    const request =
      Array.isArray(value) && value.length === 0
        ? this.json('PUT', url, { [action.key]: [] }, auth)
        : this.form('PUT', url, { [action.key]: value }, auth);
    return this.session.call(action.operation, request, expect);
  }

  /** The create body: the fields, the scope at the end of the company name, the email made unique where `unique` says so, and the run's custom fields. */
  private createWire(fields: ClientFields, scope: string, unique: boolean, customFields = true): Json {
    const wire = this.toWire(fields);
    if (typeof wire.client_company_name === 'string')
      wire.client_company_name = `${wire.client_company_name} ${scopeSuffix(this.config.runTag, scope)}`;
    // The scope is the run's own (each family opens its adapter): the tag is unique across the whole run.
    if (unique && typeof wire.email === 'string')
      wire.email = wire.email.replace('@', `+${this.config.runTag}-${scope}-${(this.emails += 1)}@`);
    return customFields ? { ...wire, ...this.config.customFields } : wire;
  }

  private updateWire(id: string, fields: ClientFields, customFields: boolean): Json {
    const wire = this.toWire(fields);
    const suffix = this.suffixes.get(id);
    if (suffix !== undefined && typeof wire.client_company_name === 'string')
      wire.client_company_name = `${wire.client_company_name} ${suffix}`;
    return customFields ? { ...wire, ...this.config.customFields } : wire;
  }

  private toWire(fields: ClientFields): Json {
    const wire: Json = {};
    for (const [field, value] of Object.entries(fields)) {
      const key = REQUEST_KEY[field];
      if (!key) throw new Error(`growcrm sends no ${field} on create or update`);
      wire[key] = value;
    }
    return wire;
  }

  private toRecord(client: Json): ClientRecord {
    const flat = flatten(client);
    const fields = fieldsOf(flat, (text) => text.replace(UNSCOPED, ''));
    return {
      id: checkedId(this.session, client.id, 'a client in the answer'),
      fields,
      ...snapshotAndTimes(flat, (key) => key.startsWith('dates.'), { created: 'dates.created', updated: 'dates.updated' }),
    };
  }

  private auth(mode: AuthMode): Auth | undefined {
    if (mode === 'missing') return undefined;
    return mode === 'wrong' ? { scheme: 'bearer', token: { literal: `wrong-${this.config.runTag}` } } : TOKEN;
  }

  /** A request with a form-encoded body, as the docs send them (arrays as `key[]`). */
  private form(method: string, url: string, body?: Json, auth: AuthMode = 'valid'): WireRequest {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body === undefined) return { method, url, headers, auth: this.auth(auth) };
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(body)) {
      if (Array.isArray(value)) for (const item of value) params.append(`${key}[]`, String(item));
      else if (value !== undefined && value !== null) params.append(key, String(value));
    }
    return {
      method,
      url,
      headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: params.toString(),
      auth: this.auth(auth),
    };
  }

  private json(method: string, url: string, body: unknown, auth: AuthMode = 'valid'): WireRequest {
    return {
      method,
      url,
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      auth: this.auth(auth),
    };
  }
}
