/**
 * FreshBooks Classic (XML over HTTP POST to one endpoint) onto the abstract client model.
 * Wire facts come from the Classic Clients docs and `../shared/README.md`: `<request method="client.*">` bodies, HTTP
 * Basic auth with the token as user name and `X` as password, `<response status="ok|fail">` envelopes,
 * `client.delete` modelled as a soft delete (the client moves to the `deleted` folder), lists filtered by
 * `folder`. Every rule rests on a graded basis entry of the XSD; where the documents leave the HTTP status
 * of a fail envelope open, the expectations below are lenient (any 4xx breaks only the `-status` rule).
 */
import fc from 'fast-check';
import { isXmlBody } from '../../port/xml-spec-view.js';
import { ClientApiBase, CreatedClients, checkedId, scopeTag } from '../../port/kit.js';
import type { AuthMode, ClientApi, Expectations, Probe } from '../../port/port.js';
import type { Expectation } from '../../engine/checks/types.js';
import { credentialOf, type RunConfig } from '../../engine/config.js';
import type { Auth, CredentialRef, WireRequest } from '../../engine/exchange.js';
import { InternalError } from '../../engine/failures.js';
import type { Answer, Session } from '../../engine/session.js';
import {
  DEFAULT_STRINGS,
  boundaryStrings,
  stringArbitrary,
  type InvalidBody,
  type NamedValue,
  type StringConstraints,
} from '../../generators/arbitraries.js';
import { loadXsdSpec, type XsdSpec } from '../../generators/xsd.js';
import { assumed, documented, type Capabilities } from '../../model/capabilities.js';
import type { ClientRecord, ListPage, ListQuery, Visibility } from '../../model/client.js';
import type { ClientFields, FieldSpec, FieldValue } from '../../model/fields.js';
import { buildXml, childElement, childText, type XmlBody, type XmlContent, type XmlElement } from '../../protocols/xml/codec.js';
import { SPEC } from './spec.js';

const WIRE_FIELD: Readonly<Record<string, string>> = {
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

/**
 * client.create marks username, password, the phones, notes and the addresses "(Optional)" but not
 * first_name, last_name, organization and email, so a correct server may require them: every create
 * carries all four, a plain value (distinct per client, the email unique) where the check gives none.
 */
const CREATE_BASICS = ['firstName', 'lastName', 'organization', 'email'] as const;

/** Fields a server may require: an empty value is no edge case to probe them with. */
const NOT_EMPTY: ReadonlySet<string> = new Set(CREATE_BASICS);

/** Changed by the server on its own, so never part of "unchanged". */
const VOLATILE = new Set(['updated']);

/** XML's own special characters belong in every value: escaping is part of the contract. */
const XML_STRINGS: StringConstraints = { ...DEFAULT_STRINGS, alphabet: `${DEFAULT_STRINGS.alphabet}&<>"'` };

const FIELDS: readonly FieldSpec[] = Object.keys(WIRE_FIELD).map((name) => ({ name, kind: 'text' }));

const CAPABILITIES: Capabilities = {
  fields: FIELDS,
  // The docs name `email` and `username` filters (meaning: exactly the clients with that value); `notes`
  // (substring) carries our scope tag. Letter case is open: only what holds either way is checked.
  filters: { like: [], equals: ['email'], ids: false },
  // "default 25" (stated); pages is ceil(total / per_page), so 0 for an empty list (meaning); the cap of
  // 100 is open (pagination/per-page-cap).
  // The docs name no largest page: 100 is the most the suites ask for, never judged as a cap.
  paging: { maxPerPage: assumed(100), defaultPerPage: 25, emptyListPages: documented(0) },
  // Seed: "in order of descending client_id".
  order: { description: 'descending client_id', inOrder: (a, b) => Number(a.id) > Number(b.id) },
  // Modelled soft (client.list names a 'deleted' folder); only leaving the active list binds, the rest is open.
  deletion: { kind: 'soft', restore: false, visibilityKeys: ['folder'] },
  // Seed: username "Defaults to e-mail address".
  createDefaults: [{ key: 'username', from: ['email'] }],
  auth: 'per-request',
};
const OK: Expectation = { httpStatuses: [200], outcome: 'ok', why: 'a valid request succeeds', rule: 'success' };

/**
 * The fail envelope, which the documents give as the form of a failure, at HTTP 200 or any 4xx: the
 * status is open, so a 4xx breaks only `exactRule` (a warning); a 2xx ok, a 5xx or no envelope breaks `rule`.
 */
function failEnvelope(rule: string, exactRule: string, why: string): Expectation {
  return { httpStatuses: [200], outcome: 'fail', lenient: { httpStatuses: ['4XX'], exactRule }, why, rule };
}

export class FreshbooksClassicApi extends ClientApiBase implements ClientApi {
  readonly id = 'freshbooks-classic';
  readonly capabilities = CAPABILITIES;
  readonly expectations: Expectations = {
    ok: OK,
    created: { ...OK, why: 'a valid create succeeds' },
    unknownId: failEnvelope('errors/unknown-id', 'errors/unknown-id-status', 'an unknown client_id is answered with the fail envelope'),
    unauthorized: { httpStatuses: [401], why: 'a request without valid Basic credentials is answered 401', rule: 'errors/unauthorized' },
    invalidBody: failEnvelope(
      'errors/invalid-body',
      'errors/invalid-body-status',
      'a request that violates the schema is answered with the fail envelope',
    ),
    notPermitted: failEnvelope(
      'errors/not-permitted',
      'errors/not-permitted-status',
      'a staff member touching a client not assigned to them gets the fail envelope',
    ),
  };
  protected readonly created: CreatedClients;
  /** Clients this view deleted: client.delete is all the API offers, so cleanup has nothing left to do for them. */
  private readonly deleted = new Set<string>();
  private restrictedView?: FreshbooksClassicApi;

  private constructor(
    readonly session: Session,
    private readonly config: RunConfig,
    /** Whose requests these are: the run's token, or the staff member's for the restricted view. */
    private readonly user: CredentialRef,
    private readonly xsd: XsdSpec,
    /** The restricted view shares the parent's session; only the parent closes it. */
    private readonly owner: boolean,
    /** How many clients this run's views have created: numbers the plain values of the fields a check leaves out. */
    private readonly sequence: { next: number } = { next: 0 },
  ) {
    super();
    this.created = new CreatedClients(config.journal, (text) => session.redactor.text(text));
  }

  static open(session: Session, config: RunConfig): FreshbooksClassicApi {
    return new FreshbooksClassicApi(session, config, { credential: 'token' }, loadXsdSpec(SPEC.path), true);
  }

  wireKeys(fields: readonly string[]): readonly string[] {
    return fields.map((field) => WIRE_FIELD[field]!);
  }

  fieldArbitrary(field: string, strings: StringConstraints = XML_STRINGS): fc.Arbitrary<string> {
    return stringArbitrary(this.xsd.stringSchema(CLIENT_INPUT_TYPE, WIRE_FIELD[field] ?? field), strings);
  }

  /**
   * XML has no null: an element left empty is the empty string. Not for the fields a server may require
   * on create (see CREATE_BASICS): whether it refuses them empty is not documented.
   */
  fieldBoundaries(field: string): readonly NamedValue<FieldValue>[] {
    const edges = boundaryStrings(this.xsd.stringSchema(CLIENT_INPUT_TYPE, WIRE_FIELD[field] ?? field));
    return NOT_EMPTY.has(field) ? edges.filter(({ value }) => value !== '') : edges;
  }

  /** A create whose `<client>` breaks the schema in one place: an element the schema does not know, or markup where text belongs. */
  invalidCreateBodies(): fc.Arbitrary<InvalidBody> {
    const known = this.xsd.elementNames(CLIENT_INPUT_TYPE).filter((name) => name !== 'client_id' && name !== 'contacts');
    if (known.length === 0) throw new Error(`spec: ${CLIENT_INPUT_TYPE} has no elements`);
    const markupInText = fc.constantFrom(...known).map((name) => ({ name, value: { b: 'markup where text belongs' } as XmlContent }));
    const unknownElement = fc.stringMatching(/^x_[a-z]{1,8}$/).map((name) => ({ name, value: 'not in the schema' as XmlContent }));
    return fc
      .oneof(markupInText, unknownElement)
      .map(({ name, value }) => ({ body: { client: { [name]: value } }, field: `client.${name}`, value }));
  }

  // --- the model, mapped to the wire -------------------------------------------------------------

  async create(fields: ClientFields, scope: string): Promise<ClientRecord> {
    const body = await this.call(
      'client.create',
      { client: { ...this.toWire({ ...this.basics(), ...fields }), notes: scopeTag(this.config.runTag, scope) } },
      this.expectations.created,
    );
    const id = checkedId(this.session, this.element(body, 'client_id', 'client.create').text, 'the client.create answer');
    this.created.add(id);
    return this.get(id);
  }

  async get(id: string, rule = 'success'): Promise<ClientRecord> {
    const body = await this.call('client.get', { client_id: id }, { ...OK, rule, why: 'a client this run created can be read' });
    return this.toRecord(this.element(body, 'client', 'client.get'));
  }

  async update(id: string, fields: ClientFields, rule = 'success'): Promise<void> {
    await this.call(
      'client.update',
      { client: { client_id: id, ...this.toWire(fields) } },
      { ...OK, rule, why: 'a valid update succeeds' },
    );
  }

  async delete(id: string): Promise<void> {
    await this.call('client.delete', { client_id: id }, { ...OK, why: 'a delete of an existing client succeeds' });
    this.deleted.add(id);
  }

  /**
   * Sent as it is: the query may break the schema on purpose (page 0, per_page above the maximum). Served,
   * or refused with the fail envelope at 200 or (open) a 4xx; a 5xx or a refusal without the envelope breaks `rule`.
   */
  tryList(query: ListQuery, rule: string): Promise<ListPage | 'rejected'> {
    const expect: Expectation = {
      httpStatuses: [200],
      lenient: { httpStatuses: ['4XX'], exactRule: 'errors/invalid-body-status' },
      why: 'a list is served or refused with the fail envelope',
      rule,
    };
    return this.listWith(query, expect, true);
  }

  protected async listWith(query: ListQuery, expect: Expectation, raw = false): Promise<ListPage | 'rejected'> {
    const answer = await this.session.call('client.list', this.request('client.list', this.listContent(query), 'valid', raw), expect);
    if (answer.outcome === 'fail') return 'rejected';
    const clients = this.element(answer.body, 'clients', 'client.list');
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
      if (filter.kind !== 'equals' || !CAPABILITIES.filters.equals.includes(filter.field)) {
        throw new Error(`freshbooks-classic has no ${filter.kind} filter${filter.kind === 'ids' ? '' : ` on ${filter.field}`}`);
      }
      content[WIRE_FIELD[filter.field]!] = filter.value;
    }
    if (query.scope !== undefined) content.notes = scopeTag(this.config.runTag, query.scope);
    if (query.visibility) content.folder = query.visibility;
    content.page = String(query.page);
    if (query.perPage !== undefined) content.per_page = String(query.perPage);
    return content;
  }

  // --- raw probes for the contract and access suites ---------------------------------------------

  async probe(probe: Probe, auth: AuthMode, expect: Expectation): Promise<Answer> {
    const send = (operation: string, content: Record<string, XmlContent>, raw = false) =>
      this.session.call(operation, this.request(operation, content, auth, raw), expect);
    switch (probe.op) {
      case 'list':
        return send('client.list', { page: '1', per_page: '5' });
      case 'get':
        return send('client.get', { client_id: probe.id });
      case 'update':
        return send('client.update', { client: { client_id: probe.id, ...this.toWire(probe.fields) } });
      case 'delete':
        return send('client.delete', { client_id: probe.id });
      case 'create':
      case 'create-raw':
        try {
          if (probe.op === 'create')
            return await send('client.create', {
              client: { ...this.toWire(probe.fields), notes: scopeTag(this.config.runTag, probe.scope) },
            });
          return await send('client.create', probe.body as Record<string, XmlContent>, true);
        } finally {
          this.trackAccidentalCreate();
        }
      case 'act':
        throw new Error('freshbooks-classic documents no action');
    }
  }

  restricted(): ClientApi | undefined {
    if (!credentialOf(this.config, 'staffToken')) return undefined;
    this.restrictedView ??= new FreshbooksClassicApi(
      this.session,
      this.config,
      { credential: 'staffToken' },
      this.xsd,
      false,
      this.sequence,
    );
    return this.restrictedView;
  }

  async cleanup(): Promise<void> {
    await this.created.cleanup(async (id) => {
      if (this.deleted.has(id)) return true;
      const answer = await this.session.attempt('client.delete', this.request('client.delete', { client_id: id }), {
        ...OK,
        why: 'cleanup: delete',
      });
      return answer?.outcome === 'ok';
    });
    await this.restrictedView?.cleanup();
  }

  async close(): Promise<void> {
    if (this.owner) await this.session.close();
  }

  // --- wire plumbing -----------------------------------------------------------------------------

  /**
   * Plain values of the fields a server may require on create (CREATE_BASICS), for a check that gives
   * none: distinct per client, the email unique in the run (so is the username it defaults to).
   */
  private basics(): Record<(typeof CREATE_BASICS)[number], string> {
    const n = ++this.sequence.next;
    return {
      firstName: 'Plain',
      lastName: `Client ${n}`,
      organization: `Clientele ${n}`,
      email: `clientele.${this.config.runTag}.${n}@example.test`,
    };
  }

  private toWire(fields: ClientFields): Record<string, XmlContent> {
    const wire: Record<string, XmlContent> = {};
    for (const [field, value] of Object.entries(fields)) if (typeof value === 'string') wire[WIRE_FIELD[field]!] = value;
    return wire;
  }

  private toRecord(client: XmlElement): ClientRecord {
    const fields: Record<string, string> = {};
    for (const [field, wire] of Object.entries(WIRE_FIELD)) {
      const value = childText(client, wire);
      if (value !== undefined) fields[field] = value;
    }
    const folder = childText(client, 'folder') ?? 'active';
    const visibility: Visibility = folder === 'deleted' || folder === 'archived' ? folder : 'active';
    const snapshot: Record<string, unknown> = {};
    for (const child of client.children) if (!VOLATILE.has(child.name)) snapshot[child.name] = flatten(child);
    return { id: checkedId(this.session, childText(client, 'client_id'), 'a client in the answer'), fields, visibility, snapshot };
  }

  /** The schema was checked already; this only guards the walk, so a gap is a failure, not a crash. */
  private element(body: unknown, name: string, operation: string): XmlElement {
    const found = isXmlBody(body) ? childElement(body.root, name) : undefined;
    if (found) return found;
    throw this.session.envelopeGap(operation, `<response status="ok"><${name}>`, isXmlBody(body) ? body.text : body);
  }

  /** A raw create the target accepted is ours to clean up, whatever the suite expected of it. */
  private trackAccidentalCreate(): void {
    const response = this.session.log.last()?.response;
    if (!response || response.httpStatus !== 200) return;
    const decoded = this.session.spec.decode(response);
    if (!decoded.ok) return;
    const id = childText((decoded.value as XmlBody).root, 'client_id');
    if (id) this.created.add(id);
  }

  private auth(mode: AuthMode): Auth | undefined {
    if (mode === 'missing') return undefined;
    // HTTP Basic with the token as user name and `X` as password, as the Classic docs ask.
    return { scheme: 'basic', user: mode === 'wrong' ? { literal: `wrong-${this.config.runTag}` } : this.user, password: 'X' };
  }

  private request(operation: string, content: Record<string, XmlContent>, auth: AuthMode = 'valid', raw = false): WireRequest {
    const body = buildXml('request', { method: operation }, content);
    if (!raw) {
      // The XSD describes requests too: a request we build that it rejects is our bug, not the target's.
      const own = this.xsd.validateRequest(operation, body);
      if (!own.ok) throw new InternalError(`clientele built a ${operation} request its own XSD rejects: ${own.errors[0]}`);
    }
    const headers = { Accept: 'application/xml', 'Content-Type': 'application/xml; charset=utf-8' };
    return { method: 'POST', url: this.config.target.kind === 'url' ? this.config.target.url : '', headers, body, auth: this.auth(auth) };
  }

  private async call(operation: string, content: Record<string, XmlContent>, expect: Expectation): Promise<XmlBody> {
    return (await this.session.call(operation, this.request(operation, content), expect)).body as XmlBody;
  }
}

/** An element as a comparable value: its text, or its children's (links, contacts, credits). */
function flatten(element: XmlElement): unknown {
  if (element.children.length === 0)
    return Object.keys(element.attributes).length ? { text: element.text, ...element.attributes } : element.text;
  return element.children.map((child) => [child.name, flatten(child)]);
}
