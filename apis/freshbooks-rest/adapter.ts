/**
 * FreshBooks REST (JSON over HTTP) onto the abstract client model.
 * Wire facts come from the seed and `../shared/README.md`: Bearer auth, `{client: ...}` bodies,
 * `{response: {result: ...}}` envelopes, soft delete as `PUT vis_state: 1`, `search[...]` filters.
 */
import type fc from 'fast-check';
import { ClientApiBase, CreatedClients, checkedId, snapshotAndTimes, FieldSchemas, dig, scopeTag } from '../../port/kit.js';
import type { AuthMode, ClientApi, Expectations, Probe } from '../../port/port.js';
import type { Expectation } from '../../engine/checks/types.js';
import { credentialOf, type RunConfig } from '../../engine/config.js';
import type { Auth, WireRequest } from '../../engine/exchange.js';
import type { Answer, Session } from '../../engine/session.js';
import { flattenSchema, invalidBodyArbitrary, type NamedValue, type StringConstraints } from '../../generators/arbitraries.js';
import { indexOperations, resolveBundleRef, type JsonSchema, type SpecSource } from '../../generators/spec.js';
import { assumed, documented, type Capabilities } from '../../model/capabilities.js';
import type { ClientRecord, ListPage, ListQuery, Visibility } from '../../model/client.js';
import type { ClientFields, FieldSpec, FieldValue } from '../../model/fields.js';
import { SPEC } from './spec.js';

const SOURCE: SpecSource = SPEC;

const WIRE_FIELD: Readonly<Record<string, string>> = {
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

const LIKE_PARAM: Readonly<Record<string, string>> = {
  firstName: 'search[fname_like]',
  lastName: 'search[lname_like]',
  organization: 'search[organization_like]',
};
const EQUALS_PARAM: Readonly<Record<string, string>> = { email: 'search[email]' };

const VIS_STATE: Readonly<Record<Visibility, number>> = { active: 0, deleted: 1, archived: 2 };

/** Changed by the server on its own, so never part of "unchanged". */
const VOLATILE = new Set(['updated', 'last_activity', 'last_login']);

const FIELDS: readonly FieldSpec[] = Object.keys(WIRE_FIELD).map((name) => ({ name, kind: 'text' }));

const CAPABILITIES: Capabilities = {
  fields: FIELDS,
  filters: {
    like: Object.keys(LIKE_PARAM),
    equals: Object.keys(EQUALS_PARAM),
    ids: true,
    // Open in the spec (filtering/case): `_like` and email are expected to ignore letter case.
    likeCase: assumed('insensitive'),
    equalsCase: assumed('insensitive'),
  },
  // "`per_page` (max 100)" and "An empty list has `pages: 0`." (the REST paging facts); per_page 15 when
  // none is sent: every list example (shown).
  paging: { maxPerPage: documented(100), defaultPerPage: 15, emptyListPages: documented(0) },
  deletion: { kind: 'soft', restore: true, visibilityKeys: ['vis_state'] },
  createDefaults: [],
  auth: 'per-request',
};

type Json = Record<string, unknown>;

const resolveRef = (ref: string): JsonSchema => resolveBundleRef(SOURCE, ref);
const TOKEN: Auth = { scheme: 'bearer', token: { credential: 'token' } };
const OK: Expectation = { httpStatuses: [200], why: 'a valid request succeeds', rule: 'success' };

/**
 * A list the server may serve or refuse: 400 is the refusal expected, and any other 4xx is a refusal too
 * (the documents give no status for it), which breaks only the open rule `<rule>-status`.
 */
function servedOrRefused(rule: string): Expectation {
  return {
    httpStatuses: [200, 400],
    lenient: { httpStatuses: ['4XX'], exactRule: `${rule}-status` },
    why: 'a list is served or refused with 400',
    rule,
  };
}

/** The documents give 404 for a read of an unknown id, not for an update: another 4xx refuses it too, and only warns. */
function unknownOnUpdate(expect: Expectation): Expectation {
  return expect.rule === 'errors/unknown-id'
    ? { ...expect, lenient: { httpStatuses: ['4XX'], exactRule: 'errors/unknown-id-status' } }
    : expect;
}

export class FreshbooksRestApi extends ClientApiBase implements ClientApi {
  readonly id = 'freshbooks-rest';
  readonly capabilities = CAPABILITIES;
  readonly expectations: Expectations = {
    ok: OK,
    created: { httpStatuses: [200, 201], why: 'a valid create succeeds', rule: 'success' },
    unknownId: { httpStatuses: [404], why: 'an unknown client id is answered 404', rule: 'errors/unknown-id' },
    unauthorized: { httpStatuses: [401], why: 'a request without a valid Bearer token is answered 401', rule: 'errors/unauthorized' },
    invalidBody: { httpStatuses: [400, 422], why: 'a body with a wrongly typed field is rejected', rule: 'errors/invalid-body' },
    notPermitted: { httpStatuses: [403, 404], why: "a client outside the user's reach is refused", rule: 'errors/not-permitted' },
  };
  protected readonly created: CreatedClients;
  private readonly base: string;
  private readonly createBody: JsonSchema;
  private readonly schemas: FieldSchemas;

  constructor(
    readonly session: Session,
    private readonly config: RunConfig,
  ) {
    super();
    const url = config.target.kind === 'url' ? config.target.url : '';
    this.created = new CreatedClients(config.journal, (text) => session.redactor.text(text));
    this.base = `${url.replace(/\/+$/, '')}/accounting/account/${encodeURIComponent(credentialOf(config, 'accountId') ?? '')}/users/clients`;
    const body = indexOperations(SOURCE).get('createClient')?.requestSchema;
    this.createBody = body ? flattenSchema(body, resolveRef) : {};
    const client = ((this.createBody.properties ?? {}) as Record<string, JsonSchema>).client;
    if (!client) throw new Error('spec: createClient has no {client} request body');
    this.schemas = new FieldSchemas(flattenSchema(client, resolveRef), (field) => WIRE_FIELD[field], resolveRef, { withNull: true });
  }

  wireKeys(fields: readonly string[]): readonly string[] {
    return fields.map((field) => WIRE_FIELD[field]!);
  }

  fieldArbitrary(field: string, strings?: StringConstraints): fc.Arbitrary<string> {
    return this.schemas.arbitrary(field, strings);
  }

  fieldBoundaries(field: string): readonly NamedValue<FieldValue>[] {
    return this.schemas.boundaries(field);
  }

  invalidCreateBodies() {
    return invalidBodyArbitrary(this.createBody, 'client', resolveRef);
  }

  // --- the model, mapped to the wire -------------------------------------------------------------

  async create(fields: ClientFields, scope: string): Promise<ClientRecord> {
    const body = { client: { ...this.toWire(fields), note: scopeTag(this.config.runTag, scope) } };
    const answer = await this.session.call('createClient', this.request('POST', this.base, body), this.expectations.created);
    const record = this.toRecord(dig(this.session, 'createClient', answer.body, ['response', 'result', 'client']));
    this.created.add(record.id);
    return record;
  }

  async get(id: string, rule = 'success'): Promise<ClientRecord> {
    const answer = await this.session.call('getClient', this.request('GET', this.clientUrl(id)), {
      ...OK,
      rule,
      why: 'a client this run created can be read',
    });
    return this.toRecord(dig(this.session, 'getClient', answer.body, ['response', 'result', 'client']));
  }

  async update(id: string, fields: ClientFields, rule = 'success'): Promise<void> {
    await this.session.call('updateClient', this.request('PUT', this.clientUrl(id), { client: this.toWire(fields) }), {
      ...OK,
      rule,
      why: 'a valid update succeeds',
    });
  }

  async delete(id: string): Promise<void> {
    await this.session.call('updateClient', this.visStateRequest(id, 'deleted'), { ...OK, why: 'soft delete (vis_state 1) succeeds' });
  }

  async restore(id: string): Promise<void> {
    await this.session.call('updateClient', this.visStateRequest(id, 'active'), { ...OK, why: 'restore (vis_state 0) succeeds' });
  }

  tryList(query: ListQuery, rule: string): Promise<ListPage | 'rejected'> {
    return this.listWith(query, servedOrRefused(rule));
  }

  protected async listWith(query: ListQuery, expect: Expectation): Promise<ListPage | 'rejected'> {
    const params = new URLSearchParams({ page: String(query.page) });
    if (query.perPage !== undefined) params.append('per_page', String(query.perPage));
    if (query.scope !== undefined) params.append('search[note_like]', scopeTag(this.config.runTag, query.scope));
    if (query.visibility) params.append('search[vis_state]', String(VIS_STATE[query.visibility]));
    for (const filter of query.filters) {
      if (filter.kind === 'ids') for (const id of filter.ids) params.append('search[userids][]', id);
      else {
        const name = (filter.kind === 'like' ? LIKE_PARAM : EQUALS_PARAM)[filter.field];
        if (!name) throw new Error(`freshbooks-rest has no ${filter.kind} filter on ${filter.field}`);
        params.append(name, filter.value);
      }
    }
    const answer = await this.session.call('listClients', this.request('GET', `${this.base}?${params}`), expect);
    const status = answer.httpStatus ?? 0;
    if (status >= 400 && status < 500) return 'rejected';
    const result = dig(this.session, 'listClients', answer.body, ['response', 'result']);
    const clients = result.clients;
    if (!Array.isArray(clients)) throw this.session.envelopeGap('listClients', 'response.result.clients', answer.body);
    const counter = (key: string): number => {
      const value = result[key];
      if (typeof value !== 'number') throw this.session.envelopeGap('listClients', `response.result.${key}`, answer.body);
      return value;
    };
    return {
      items: (clients as Json[]).map((c) => this.toRecord(c)),
      page: counter('page'),
      perPage: counter('per_page'),
      pages: counter('pages'),
      total: counter('total'),
    };
  }

  // --- raw probes for the contract suite ---------------------------------------------------------

  async probe(probe: Probe, auth: AuthMode, expect: Expectation): Promise<Answer> {
    switch (probe.op) {
      case 'list':
        return this.session.call('listClients', this.request('GET', `${this.base}?page=1&per_page=5`, undefined, auth), expect);
      case 'get':
        return this.session.call('getClient', this.request('GET', this.clientUrl(probe.id), undefined, auth), expect);
      case 'update':
        return this.session.call(
          'updateClient',
          this.request('PUT', this.clientUrl(probe.id), { client: this.toWire(probe.fields) }, auth),
          unknownOnUpdate(expect),
        );
      case 'delete':
        // A delete is an update: the documents give 404 for a read of an unknown id, not for it.
        return this.session.call(
          'updateClient',
          { ...this.visStateRequest(probe.id, 'deleted'), auth: this.auth(auth) },
          unknownOnUpdate(expect),
        );
      case 'create':
      case 'create-raw': {
        const body =
          probe.op === 'create'
            ? { client: { ...this.toWire(probe.fields), note: scopeTag(this.config.runTag, probe.scope) } }
            : probe.body;
        try {
          return await this.session.call('createClient', this.request('POST', this.base, body, auth), expect);
        } finally {
          this.created.addAccepted(this.session, ['response', 'result', 'client', 'id']);
        }
      }
      case 'act':
        throw new Error('freshbooks-rest documents no action');
    }
  }

  async cleanup(): Promise<void> {
    await this.created.cleanup(async (id) => {
      const answer = await this.session.attempt('updateClient', this.visStateRequest(id, 'deleted'), {
        ...OK,
        why: 'cleanup: soft delete',
      });
      return answer?.httpStatus === 200;
    });
  }

  // --- wire plumbing -----------------------------------------------------------------------------

  private clientUrl(id: string): string {
    return `${this.base}/${encodeURIComponent(id)}`;
  }

  private visStateRequest(id: string, visibility: Visibility): WireRequest {
    return this.request('PUT', this.clientUrl(id), { client: { vis_state: VIS_STATE[visibility] } });
  }

  private toWire(fields: ClientFields): Json {
    const wire: Json = {};
    for (const [field, value] of Object.entries(fields)) wire[WIRE_FIELD[field]!] = value;
    return wire;
  }

  private toRecord(client: Json): ClientRecord {
    const fields: Record<string, string | null> = {};
    for (const [field, wire] of Object.entries(WIRE_FIELD)) {
      const value = client[wire];
      if (typeof value === 'string' || value === null) fields[field] = value;
    }
    const visibility = (Object.entries(VIS_STATE).find(([, n]) => n === client.vis_state)?.[0] ?? 'active') as Visibility;
    return {
      id: checkedId(this.session, client.id, 'a client in the answer'),
      fields,
      visibility,
      ...snapshotAndTimes(client, (key) => VOLATILE.has(key), { created: 'signup_date', updated: 'updated' }),
    };
  }

  private auth(mode: AuthMode): Auth | undefined {
    if (mode === 'missing') return undefined;
    return mode === 'wrong' ? { scheme: 'bearer', token: { literal: `wrong-${this.config.runTag}` } } : TOKEN;
  }

  private request(method: string, url: string, body?: unknown, auth: AuthMode = 'valid'): WireRequest {
    const headers: Record<string, string> = { Accept: 'application/json', 'Api-Version': 'alpha' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return { method, url, headers, body: body === undefined ? undefined : JSON.stringify(body), auth: this.auth(auth) };
  }
}
