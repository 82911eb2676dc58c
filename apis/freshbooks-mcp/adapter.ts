/**
 * The FreshBooks MCP server's client tools (seed 002) onto the abstract client model. Every operation is
 * a `tools/call` of one documented tool; a refusal is a documented JSON-RPC code.
 *
 * Scoping: the MCP list has no note filter, so a client's scope travels in two of its filterable
 * fields, `lName` and `organization`, as a suffix the model never sees: `Ψ` and the run tag and scope
 * spelled in sixteen Greek letters. No generated value can hold those characters, so a filter value
 * never matches inside a suffix nor across its edge, and a partial filter on the suffix confines a list
 * to a scope (or, on its prefix, to the whole run). A list filtered on one carrier is scoped through
 * the other, so every documented filter (fName, lName, organization partial; email exact; visState)
 * stays testable.
 *
 * Grades split here, apart from the expectations: which code refuses what the documents give no code
 * for (page 0, an unknown tool) is open (`mcp/refusal-code`, `self-description/unknown-operation-code`),
 * while -32603 is the server failing whatever was asked (`mcp/internal-error`); schema drift fails only
 * a contradiction of an Input Schema table, and what an advertised schema merely leaves out warns
 * (`self-description/schema-limits`).
 */
import type fc from 'fast-check';
import { ClientApiBase, CreatedClients, checkedId, snapshotAndTimes, FieldSchemas, SCOPE_SUFFIX, scopeSuffix } from '../../port/kit.js';
import { resultOf } from '../../port/mcp-spec-view.js';
import { AdvertisedTools } from './advertised.js';
import type { AuthMode, ClientApi, DocumentedErrorCase, DriftRow, Expectations, Probe, SelfDescription } from '../../port/port.js';
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import { expectThat } from '../../engine/property.js';
import { ConformanceFailure } from '../../engine/failures.js';
import { inputDrift } from '../../generators/schema-drift.js';
import type { Expectation } from '../../engine/checks/types.js';
import { credentialOf, type RunConfig } from '../../engine/config.js';
import type { Auth, WireRequest } from '../../engine/exchange.js';
import type { Answer, Session } from '../../engine/session.js';
import { invalidBodyArbitrary, type NamedValue, type StringConstraints } from '../../generators/arbitraries.js';
import { loadMcpTools, toolOf } from '../../generators/mcp-tools.js';
import type { JsonSchema, SpecSource } from '../../generators/spec.js';
import { assumed, documented, type Capabilities } from '../../model/capabilities.js';
import type { ClientRecord, ListPage, ListQuery, Visibility } from '../../model/client.js';
import type { ClientFields, FieldSpec, FieldValue } from '../../model/fields.js';
import { SPEC } from './spec.js';
import type { Tally } from '../../engine/verdicts.js';

const SOURCE: SpecSource = SPEC;

const WIRE_FIELD: Readonly<Record<string, string>> = {
  firstName: 'fName',
  lastName: 'lName',
  email: 'email',
  organization: 'organization',
  phone: 'busPhone',
  mobile: 'mobPhone',
  street: 'pStreet',
  city: 'pCity',
  province: 'pProvince',
  country: 'pCountry',
  postalCode: 'pCode',
};
const LIKE_PARAM: Readonly<Record<string, string>> = { firstName: 'fName', lastName: 'lName', organization: 'organization' };
const EQUALS_PARAM: Readonly<Record<string, string>> = { email: 'email' };
/** The fields that carry the scope, each the other's stand-in when a list filters on it. */
const CARRIERS = ['lName', 'organization'] as const;
const VIS_STATE: Readonly<Record<Visibility, number>> = { active: 0, deleted: 1, archived: 2 };
const VOLATILE = new Set(['updated']);

const FIELDS: readonly FieldSpec[] = Object.keys(WIRE_FIELD).map((name) => ({ name, kind: 'text' }));

const CAPABILITIES: Capabilities = {
  fields: FIELDS,
  filters: {
    like: Object.keys(LIKE_PARAM),
    equals: Object.keys(EQUALS_PARAM),
    ids: false,
    likeCase: assumed('insensitive'),
    equalsCase: assumed('insensitive'),
  },
  // "perPage | number | No | 30 | Results per page (max 100)"
  paging: { maxPerPage: documented(100), defaultPerPage: 30, emptyListPages: assumed(0) },
  // "This is a soft delete (sets visState=1). Data is preserved and can be restored."
  deletion: { kind: 'soft', restore: true, visibilityKeys: ['visState'] },
  createDefaults: [],
  auth: 'session',
};

type Json = Record<string, unknown>;

/** tools.json's schemas are self-contained: a `$ref` in one is a broken spec. */
const noRefs = (ref: string): JsonSchema => {
  throw new Error(`spec: tools.json has no $ref (${ref})`);
};

const OK: Expectation = { outcome: 'ok', why: 'a valid call succeeds', rule: 'success' };
/** JSON-RPC's "Invalid params": the code of every documented argument error, and the one expected of an undocumented refusal. */
const INVALID_PARAMS = -32602;
/** JSON-RPC's "Internal error": the server failed (`mcp/internal-error`). */
const INTERNAL_ERROR = -32603;

/**
 * Records a broken rule as its basis grades it: a warning for an open rule (the check goes on), thrown
 * for a binding one.
 */
function breach(tally: Tally | undefined, failure: ConformanceFailure): void {
  tally?.evaluated(failure.rule);
  if (tally?.isWarning(failure)) tally.warn(failure);
  else throw failure;
}

export class FreshbooksMcpApi extends ClientApiBase implements ClientApi {
  readonly id = 'freshbooks-mcp';
  readonly capabilities = CAPABILITIES;
  readonly expectations: Expectations = {
    ok: OK,
    created: { ...OK, why: 'a valid create succeeds' },
    unknownId: { rpcCodes: [-32005], why: 'an unknown client id is answered -32005 (Client not found)', rule: 'errors/unknown-id' },
    unauthorized: {
      rpcCodes: [-32001],
      why: 'a server without credentials answers -32001 (Not authenticated)',
      rule: 'errors/unauthorized',
    },
    invalidBody: {
      rpcCodes: [-32602, -32013],
      why: 'arguments of a wrong type are refused (-32602, or -32013 Validation error)',
      rule: 'errors/invalid-body',
    },
    notPermitted: { rpcCodes: [-32005], why: 'no restricted user is documented', rule: 'errors/not-permitted' },
  };
  protected readonly created: CreatedClients;
  private readonly accountId: string;
  private readonly createInput: JsonSchema;
  private readonly schemas: FieldSchemas;

  constructor(
    readonly session: Session,
    private readonly config: RunConfig,
  ) {
    super();
    this.created = new CreatedClients(config.journal, (text) => session.redactor.text(text));
    this.accountId = credentialOf(config, 'accountId') ?? '';
    const create = toolOf(SOURCE, 'client_create');
    if (!create) throw new Error('spec: no client_create tool');
    this.createInput = create.inputSchema;
    this.schemas = new FieldSchemas(this.createInput, (field) => WIRE_FIELD[field], noRefs);
    this.advertised = new AdvertisedTools(session, () => this.auth());
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
    // The arguments object, wrapped so the kit's generator finds it; `create-raw` unwraps it.
    return invalidBodyArbitrary({ type: 'object', properties: { arguments: this.createInput } }, 'arguments', noRefs);
  }

  // --- the model, mapped to tool calls ------------------------------------------------------------

  async create(fields: ClientFields, scope: string): Promise<ClientRecord> {
    const suffix = scopeSuffix(this.config.runTag, scope);
    const answer = await this.call('client_create', this.withSuffix(this.toWire(fields), suffix, true), this.expectations.created);
    const record = this.toRecord(await this.payload('client_create', answer));
    this.created.add(record.id);
    this.suffixes.set(record.id, suffix);
    return record;
  }

  async get(id: string, rule = 'success'): Promise<ClientRecord> {
    const answer = await this.call(
      'client_single',
      { clientId: Number(id) },
      { ...OK, rule, why: 'a client this run created can be read' },
    );
    return this.toRecord(await this.payload('client_single', answer));
  }

  async update(id: string, fields: ClientFields, rule = 'success'): Promise<void> {
    await this.call(
      'client_update',
      { clientId: Number(id), ...this.carried(id, fields) },
      { ...OK, rule, why: 'a valid update succeeds' },
    );
  }

  async delete(id: string): Promise<void> {
    await this.call('client_delete', { clientId: Number(id) }, { ...OK, why: 'client_delete (a soft delete) succeeds' });
  }

  async restore(id: string): Promise<void> {
    await this.call(
      'client_update',
      { clientId: Number(id), visState: VIS_STATE.active },
      { ...OK, why: 'restore (client_update with visState 0) succeeds' },
    );
  }

  tryList(query: ListQuery, rule: string): Promise<ListPage | 'rejected'> {
    return this.listWith(query, { why: 'a list is served, or refused with -32602', rule });
  }

  /**
   * A refusal of a list the suite allows to be refused: -32602 (invalid params) is what the Errors tables
   * give every argument error. perPage above 100 has its documented code, so another one breaks it; for
   * a request the documents give no error (page 0), which code refuses it is open (`mcp/refusal-code`).
   */
  private refusedList(answer: Answer, rule: string): void {
    const code = answer.exchange.response?.rpcErrorCode;
    if (code === INVALID_PARAMS) return;
    const documented = rule === 'pagination/per-page-cap';
    breach(
      this.session.tally,
      new ConformanceFailure(
        documented ? 'errors/per-page-above-max' : 'mcp/refusal-code',
        `client_list was refused with ${code ?? 'an error result without a code'} instead of ${INVALID_PARAMS} (invalid params)`,
        {
          operation: 'client_list',
          expected: documented ? `${INVALID_PARAMS} (perPage > 100)` : `${INVALID_PARAMS}, if refused at all`,
          actual: String(code ?? 'no code'),
          exchanges: [answer.exchange],
        },
      ),
    );
  }

  protected async listWith(query: ListQuery, expect: Expectation): Promise<ListPage | 'rejected'> {
    const args: Json = { page: query.page };
    if (query.perPage !== undefined) args.perPage = query.perPage;
    if (query.visibility) args.visState = VIS_STATE[query.visibility];
    for (const filter of query.filters) {
      if (filter.kind === 'ids') throw new Error('freshbooks-mcp has no id filter');
      const name = (filter.kind === 'like' ? LIKE_PARAM : EQUALS_PARAM)[filter.field];
      if (!name) throw new Error(`freshbooks-mcp has no ${filter.kind} filter on ${filter.field}`);
      args[name] = filter.value;
    }
    if (query.scope !== undefined) {
      const carrier = CARRIERS.find((key) => args[key] === undefined);
      if (!carrier) throw new Error('freshbooks-mcp cannot scope a list filtered on both lName and organization');
      args[carrier] = scopeSuffix(this.config.runTag, query.scope);
    }
    const answer = await this.call('client_list', args, expect);
    const result = resultOf(answer.body);
    if (expect.outcome === undefined && (result === 'error' || result?.isError)) {
      this.refusedList(answer, expect.rule);
      return 'rejected';
    }
    const payload = await this.payload('client_list', answer);
    const clients = payload.clients;
    const pagination = payload.pagination as Json | undefined;
    if (!Array.isArray(clients)) throw this.session.envelopeGap('client_list', 'clients', payload);
    const counter = (key: string): number => {
      const value = pagination?.[key];
      if (typeof value !== 'number') throw this.session.envelopeGap('client_list', `pagination.${key}`, payload);
      return value;
    };
    return {
      items: (clients as Json[]).map((c) => this.toRecord(c)),
      page: counter('page'),
      perPage: counter('perPage'),
      pages: counter('pages'),
      total: counter('total'),
    };
  }

  // --- raw probes for the contract suite ---------------------------------------------------------

  async probe(probe: Probe, _auth: AuthMode, expect: Expectation): Promise<Answer> {
    switch (probe.op) {
      case 'list':
        return this.call('client_list', { page: 1, perPage: 5 }, expect);
      case 'get':
        return this.call('client_single', { clientId: Number(probe.id) }, expect);
      case 'update':
        return this.call('client_update', { clientId: Number(probe.id), ...this.carried(probe.id, probe.fields) }, expect);
      case 'delete':
        return this.call('client_delete', { clientId: Number(probe.id) }, expect);
      case 'create':
      case 'create-raw': {
        const body =
          probe.op === 'create'
            ? this.withSuffix(this.toWire(probe.fields), scopeSuffix(this.config.runTag, probe.scope), true)
            : ((probe.body as { arguments?: Json }).arguments ?? (probe.body as Json));
        const answer = await this.call('client_create', body, expect);
        this.trackAccidentalCreate(answer);
        return answer;
      }
      case 'act':
        throw new Error('freshbooks-mcp documents no action');
    }
  }

  documentedErrors(): readonly DocumentedErrorCase[] {
    const refusal = (tool: string, rule: string, why: string): Expectation => {
      const codes =
        toolOf(SOURCE, tool)
          ?.errors.filter((error) => error.rule === rule)
          .map((error) => error.code) ?? [];
      if (codes.length === 0) throw new Error(`spec: ${tool} documents no error for ${rule}`);
      return { rpcCodes: codes, rule, why };
    };
    const create = async (args: Json, expect: Expectation) => {
      const answer = await this.call('client_create', args, expect);
      this.trackAccidentalCreate(answer);
      return answer;
    };
    return [
      {
        condition: 'client_list: Invalid accountId format',
        send: () =>
          this.call(
            'client_list',
            { accountId: 'not a valid id!', page: 1 },
            refusal('client_list', 'errors/invalid-account-id', 'a malformed accountId is refused'),
          ),
      },
      {
        condition: 'client_list: perPage > 100',
        send: () =>
          this.call(
            'client_list',
            { page: 1, perPage: 101 },
            refusal('client_list', 'errors/per-page-above-max', 'perPage 101 is refused'),
          ),
      },
      {
        condition: 'client_list: Invalid visState value',
        send: () =>
          this.call('client_list', { page: 1, visState: 3 }, refusal('client_list', 'errors/invalid-visstate', 'visState 3 is refused')),
      },
      {
        condition: 'client_single: Invalid clientId',
        send: () =>
          this.call('client_single', { clientId: 0 }, refusal('client_single', 'errors/invalid-client-id', 'clientId 0 is refused')),
      },
      {
        condition: 'client_delete: Invalid clientId',
        send: () =>
          this.call('client_delete', { clientId: -1 }, refusal('client_delete', 'errors/invalid-client-id', 'clientId -1 is refused')),
      },
      {
        condition: 'client_create: Missing name/organization',
        send: () =>
          create(
            { email: 'nameless@example.test' },
            refusal('client_create', 'errors/missing-name', 'a create without fName, lName or organization is refused'),
          ),
      },
      {
        condition: 'client_create: Invalid email format',
        send: () =>
          create(
            { fName: 'Ada', email: 'not an email' },
            refusal('client_create', 'errors/invalid-email', 'a create with an invalid email is refused'),
          ),
      },
      {
        condition: 'client_update: Invalid email format',
        send: (id) =>
          this.call(
            'client_update',
            { clientId: Number(id), email: 'not an email' },
            refusal('client_update', 'errors/invalid-email', 'an update with an invalid email is refused'),
          ),
      },
    ];
  }

  readonly selfDescription: SelfDescription = {
    handshake: async () => {
      const answer = await this.session.call(
        'initialize',
        { method: 'initialize', ...this.auth() },
        { outcome: 'ok', why: 'the initialize handshake succeeds', rule: 'self-description/handshake' },
      );
      const result = ((answer.body as Json | undefined)?.result ?? {}) as Json;
      const version = result.protocolVersion;
      expectThat(
        this.session,
        typeof version === 'string' && SUPPORTED_PROTOCOL_VERSIONS.includes(version),
        'self-description/handshake',
        `the server answered protocol version ${String(version)}, which the MCP SDK does not support`,
        { operation: 'initialize', expected: SUPPORTED_PROTOCOL_VERSIONS.join(' or '), actual: version },
      );
      const capabilities = (result.capabilities ?? {}) as Json;
      expectThat(
        this.session,
        capabilities.tools !== undefined,
        'self-description/handshake',
        'the server does not declare the tools capability',
        {
          operation: 'initialize',
          expected: 'capabilities.tools',
          actual: capabilities,
        },
      );
    },
    drift: async () => {
      const advertised = await this.advertised.list();
      const rows = loadMcpTools(SOURCE).tools.flatMap((tool): DriftRow[] => {
        const offered = advertised.get(tool.name);
        if (!offered)
          return [
            {
              operation: tool.name,
              parameter: '-',
              kind: 'operation missing',
              documented: 'documented',
              advertised: '(not listed)',
              contradicts: true,
            },
          ];
        return inputDrift(tool.name, tool.inputSchema, (offered.inputSchema ?? {}) as JsonSchema);
      });
      return rows;
    },
    unknownOperation: async () => {
      // The refusal is what MCP gives an unknown tool; which code refuses it is open.
      const answer = await this.session.call('clientele_no_such_tool', this.request('clientele_no_such_tool', {}), {
        rpcCodes: [-32602, -32601],
        why: 'a call of a tool the server does not have is refused with -32602 or -32601',
        rule: 'self-description/unknown-operation-code',
      });
      const result = resultOf(answer.body);
      const refused = result === 'error' || result?.isError === true;
      this.session.tally?.evaluated('self-description/unknown-operation');
      if (!refused)
        throw new ConformanceFailure('self-description/unknown-operation', 'a call of a tool the server does not have succeeded', {
          operation: 'clientele_no_such_tool',
          expected: 'a JSON-RPC error or an isError result',
          actual: 'a result',
          exchanges: [answer.exchange],
        });
      this.notInternalError('clientele_no_such_tool', answer, []);
      return answer;
    },
  };

  async cleanup(): Promise<void> {
    await this.created.cleanup(async (id) => {
      const answer = await this.session.attempt('client_delete', this.request('client_delete', { clientId: Number(id) }), {
        why: 'cleanup: soft delete',
        rule: 'success',
      });
      // -32005 for a client a check deleted already ("Client may already be deleted"): nothing is left to do.
      return answer?.outcome === 'ok' || answer?.exchange.response?.rpcErrorCode === -32005;
    });
  }

  // --- wire plumbing -----------------------------------------------------------------------------

  /** The tool of the call in progress, to name in a failure. */
  private lastTool = 'client_list';

  private async call(tool: string, args: Json, expect: Expectation): Promise<Answer> {
    this.lastTool = tool;
    const answer = await this.session.call(tool, this.request(tool, args), expect);
    this.notInternalError(tool, answer, expect.rpcCodes ?? []);
    return answer;
  }

  /**
   * -32603 is the server failing, whatever the request: judged here, apart from the expectation, so a
   * crash fails even where the expectation's own rule is open (a wrongly typed argument, page 0).
   */
  private notInternalError(tool: string, answer: Answer, expected: readonly number[]): void {
    const code = answer.exchange.response?.rpcErrorCode;
    if (code === undefined || expected.includes(INTERNAL_ERROR)) return;
    this.session.tally?.evaluated('mcp/internal-error');
    if (code !== INTERNAL_ERROR) return;
    throw new ConformanceFailure('mcp/internal-error', `${tool} answered ${INTERNAL_ERROR} (internal error): the server failed`, {
      operation: tool,
      expected: 'a result or a refusal, never an internal error',
      actual: String(code),
      exchanges: [answer.exchange],
    });
  }

  private request(tool: string, args: Json): WireRequest {
    return {
      method: 'tools/call',
      body: JSON.stringify({ name: tool, arguments: { accountId: this.accountId, ...args } }),
      ...this.auth(),
    };
  }

  /** The Bearer token, over Streamable HTTP, when the run has one. */
  private auth(): { auth?: Auth } {
    return credentialOf(this.config, 'token') ? { auth: { scheme: 'bearer', token: { credential: 'token' } } } : {};
  }

  /**
   * The JSON a successful call answered with, judged against the output schema the server advertises
   * for the tool too (the documented one is the spec view's); a gap is an `envelope` failure, never a crash.
   */
  private async payload(tool: string, answer: Answer): Promise<Json> {
    const result = resultOf(answer.body);
    const payload = result && result !== 'error' ? result.payload : undefined;
    if (!payload || typeof payload !== 'object')
      throw this.session.envelopeGap(tool, 'structured content or JSON text content', answer.body);
    await this.advertised.judge(tool, answer, payload);
    return payload as Json;
  }

  /** What tools/list advertises: the drift check's evidence, and the output schemas results are held to. */
  private readonly advertised: AdvertisedTools;

  /** The scope suffix of each client this adapter created: an update of a carrier writes it back after the new value. */
  private readonly suffixes = new Map<string, string>();

  /** The carriers hold the suffix after whatever value the model gives them (every carrier on create, those given on update). */
  private withSuffix(wire: Json, suffix: string, everyCarrier: boolean): Json {
    const out = { ...wire };
    for (const key of CARRIERS) {
      if (everyCarrier || typeof out[key] === 'string') out[key] = `${typeof out[key] === 'string' ? out[key] : ''}${suffix}`;
    }
    return out;
  }

  private carried(id: string, fields: ClientFields): Json {
    const suffix = this.suffixes.get(id);
    return suffix === undefined ? this.toWire(fields) : this.withSuffix(this.toWire(fields), suffix, false);
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
      if (typeof value === 'string')
        fields[field] = (CARRIERS as readonly string[]).includes(wire) ? value.replace(SCOPE_SUFFIX, '') : value;
      else if (value === null) fields[field] = null;
    }
    // "id | number | No | Unique client identifier": tool arguments take it back as a number.
    if (typeof client.id !== 'number') throw this.session.envelopeGap(this.lastTool, 'a numeric id', client.id);
    const visibility = (Object.entries(VIS_STATE).find(([, n]) => n === client.visState)?.[0] ?? 'active') as Visibility;
    return {
      id: checkedId(this.session, client.id, 'a client in the answer'),
      fields,
      visibility,
      ...snapshotAndTimes(client, (key) => VOLATILE.has(key), { created: 'signupDate', updated: 'updated' }),
    };
  }

  /** A raw create the target accepted is ours to clean up, whatever the suite expected of it. */
  private trackAccidentalCreate(answer: Answer): void {
    const result = resultOf(answer.body);
    const id = result && result !== 'error' && !result.isError ? (result.payload as Json | undefined)?.id : undefined;
    if (id !== undefined) this.created.add(String(id));
  }
}
