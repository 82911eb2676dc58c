/**
 * The FreshBooks OpenAPI document (`specs/freshbooks-rest/openapi.yaml`) against the OpenAPI 3.1 meta-schema,
 * the real payloads in `shared/reference/rest-json/`, and the JSON examples of the seed. Every validation
 * runs against both the in-memory validators and the standalone module `npm run generate` writes.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { openApiMetaSchema } from './support/openapi-meta.js';
import { parse } from 'yaml';
import { openApiSpecView } from '../port/openapi-spec-view.js';
import type { SpecView } from '../engine/checks/types.js';
import { PROJECT_ROOT, specPath, type SpecSource } from '../generators/spec.js';
import { runtimeValidators } from '../generators/compile-validators.js';
import { requestKey, responseKey, standaloneValidators, type ValidatorSet } from '../generators/validators.js';

type Json = any;

const SHARED = join(PROJECT_ROOT, '..', 'shared');
const FIXTURE_DIR = join(SHARED, 'reference', 'rest-json');
const SEED_FILE = join(SHARED, 'seeds', '001_7dd8ab3969b93789.txt');

const REST: SpecSource = { api: 'freshbooks-rest', path: 'specs/freshbooks-rest/openapi.yaml' };
const readSpecText = (): string => readFileSync(specPath(REST), 'utf8');
const readSpec = (): Json => parse(readSpecText());
const clone = <T>(value: T): T => structuredClone(value);

/** A fixture's JSON, without the `# SOURCE` line that was added on top of the verbatim payload. */
function readFixture(name: string): Json {
  const text = readFileSync(join(FIXTURE_DIR, name), 'utf8');
  expect(text.startsWith('# SOURCE')).toBe(true);
  return JSON.parse(text.slice(text.indexOf('\n') + 1));
}

const JAVA = 'amcintosh_freshbooks-java-sdk__lib_src_test_resources_fixtures_';
const PYTHON = 'amcintosh_freshbooks-python-sdk__tests_fixtures_';

/** Every client fixture and the validator key its payload belongs to. */
const FIXTURE_KEYS: Record<string, string> = {
  [`${JAVA}create_client_response.json`]: responseKey('createClient', 200),
  [`${JAVA}get_client_response.json`]: responseKey('getClient', 200),
  [`${JAVA}get_client_response__no_auth.json`]: responseKey('getClient', 401),
  [`${JAVA}get_client_response__not_found_new.json`]: responseKey('getClient', 404),
  [`${JAVA}get_client_response__not_found_old.json`]: responseKey('getClient', 404),
  [`${JAVA}list_clients_response.json`]: responseKey('listClients', 200),
  [`${PYTHON}create_client_response.json`]: responseKey('createClient', 200),
  [`${PYTHON}get_client_response.json`]: responseKey('getClient', 200),
  [`${PYTHON}get_client_response__not_found.json`]: responseKey('getClient', 404),
  [`${PYTHON}list_clients_response.json`]: responseKey('listClients', 200),
};

const clientFixtureNames = (): string[] =>
  readdirSync(FIXTURE_DIR)
    .filter((name) => name.includes('client'))
    .sort();

// ---------------------------------------------------------------------------------------------------
// The seed's examples. The seed is prose with curl commands and Python snippets; its JSON sits in
// blocks that open on a line of their own (`{`), after `--data-raw '` (closed by `}'`), or after
// `payload = ` (a Python dict literal whose strings are single-quoted).

type SeedSection = 'get' | 'create' | 'update' | 'delete' | 'list';

interface SeedBlock {
  readonly line: number;
  readonly section: SeedSection;
  readonly kind: 'request' | 'response';
  readonly text: string;
}

const SECTION_HEADINGS: Record<string, SeedSection> = {
  'Get Single Client': 'get',
  'Create Client': 'create',
  'Create Single Client': 'create',
  'Update Single Client': 'update',
  'Delete Single Client': 'delete',
  'List Clients': 'list',
};

function braceBalance(line: string): number {
  let balance = 0;
  for (const char of line) {
    if (char === '{') balance++;
    else if (char === '}') balance--;
  }
  return balance;
}

function seedBlocks(): SeedBlock[] {
  const lines = readFileSync(SEED_FILE, 'utf8')
    .split('\n')
    .map((line) => line.replace(/\r$/, ''));
  const blocks: SeedBlock[] = [];
  let section: SeedSection | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() in SECTION_HEADINGS) {
      section = SECTION_HEADINGS[line.trim()];
      continue;
    }
    let first: string;
    let kind: SeedBlock['kind'];
    let python = false;
    if (line === '{') {
      first = line;
      kind = 'response';
    } else if (line.endsWith("--data-raw '{")) {
      first = '{';
      kind = 'request';
    } else if (line.startsWith('payload = {')) {
      first = line.slice('payload = '.length);
      kind = 'request';
      python = true;
    } else {
      continue;
    }
    if (!section) throw new Error(`seed line ${i + 1}: JSON before any section heading`);
    const body = [first];
    let depth = braceBalance(first);
    let j = i;
    while (depth > 0) {
      j++;
      if (j >= lines.length) throw new Error(`seed line ${i + 1}: unterminated block`);
      depth += braceBalance(lines[j]);
      body.push(lines[j]);
    }
    let text = body.join('\n');
    if (kind === 'request' && !python) text = text.replace(/\}'$/, '}');
    if (python) text = text.replace(/'/g, '"'); // the Python literals hold no apostrophes inside strings
    blocks.push({ line: i + 1, section, kind, text });
    i = j;
  }
  return blocks;
}

interface SeedExample {
  readonly name: string;
  readonly key: string;
  readonly value: Json;
}

const SECTION_OPERATION: Record<SeedSection, string> = {
  get: 'getClient',
  create: 'createClient',
  update: 'updateClient',
  delete: 'updateClient',
  list: 'listClients',
};

/** The seed's JSON examples with their validator keys; the list skeleton with `//` comments is left out. */
function seedExamples(): { examples: SeedExample[]; skipped: SeedBlock[] } {
  const examples: SeedExample[] = [];
  const skipped: SeedBlock[] = [];
  for (const block of seedBlocks()) {
    let value: Json;
    try {
      value = JSON.parse(block.text);
    } catch {
      skipped.push(block);
      continue;
    }
    const operation = SECTION_OPERATION[block.section];
    const key = block.kind === 'request' ? requestKey(operation) : responseKey(operation, 200);
    examples.push({ name: `seed line ${block.line}: ${block.section} ${block.kind}`, key, value });
  }
  return { examples, skipped };
}

/** Every client object the seed and the client fixtures show. */
function allSampleClients(): Json[] {
  const clients: Json[] = [];
  const collect = (payload: Json): void => {
    const result = payload?.response?.result;
    if (result?.client) clients.push(result.client);
    if (Array.isArray(result?.clients)) clients.push(...result.clients);
  };
  for (const example of seedExamples().examples) collect(example.value);
  for (const name of clientFixtureNames()) collect(readFixture(name));
  return clients;
}

// ---------------------------------------------------------------------------------------------------

describe('specs/freshbooks-rest/openapi.yaml as an OpenAPI 3.1 document', () => {
  const { schema: metaSchema, rewritten } = openApiMetaSchema();
  // `strict: false`: the meta-schema is not written for ajv's strict mode. `validateFormats: false`:
  // in the 2020-12 dialect the meta-schema declares, `format` is an annotation, not an assertion (and
  // this edition types Reference Object `$ref`s as `format: uri`, which a relative `#/components/...`
  // reference would fail if asserted).
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const validateDocument = ajv.compile(metaSchema);
  const check = (doc: unknown): { ok: boolean; errors: string } => {
    const ok = validateDocument(doc) as boolean;
    return { ok, errors: ajv.errorsText(validateDocument.errors, { separator: '\n' }) };
  };

  it('the meta-schema had its four `$dynamicRef: "#meta"` rewritten', () => {
    expect(rewritten).toBe(4);
  });

  it('the prepared meta-schema accepts a minimal valid document with a parameter', () => {
    const minimal = {
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      paths: {},
      components: { parameters: { A: { name: 'a', in: 'path', required: true, schema: { type: 'string' } } } },
    };
    expect(check(minimal)).toEqual({ ok: true, errors: 'No errors' });
  });

  it('parses and conforms to the OpenAPI 3.1 meta-schema', () => {
    const doc = readSpec();
    expect(doc.openapi).toBe('3.1.0');
    const result = check(doc);
    expect(result.errors).toBe('No errors');
    expect(result.ok).toBe(true);
  });

  it('a path item with an unknown method key fails the meta-schema', () => {
    const doc = readSpec();
    const item = doc.paths['/accounting/account/{accountId}/users/clients'];
    item.fetch = clone(item.get);
    expect(check(doc).ok).toBe(false);
  });

  it('openapi 2.0 fails the meta-schema', () => {
    const doc = readSpec();
    doc.openapi = '2.0';
    expect(check(doc).ok).toBe(false);
  });

  it('a component schema that is not a schema fails (the $dynamicRef is resolved)', () => {
    const doc = readSpec();
    doc.components.schemas.Broken = 42;
    expect(check(doc).ok).toBe(false);
  });

  it('a Swagger 2.0 style `in: body` parameter fails the meta-schema', () => {
    const doc = readSpec();
    doc.components.parameters.ApiVersion.in = 'body';
    expect(check(doc).ok).toBe(false);
  });

  it('has the operations the code depends on, each with a summary and a description', () => {
    const doc = readSpec();
    const found: string[] = [];
    for (const [path, item] of Object.entries<Json>(doc.paths)) {
      for (const method of ['get', 'put', 'post', 'delete', 'patch']) {
        const op = item[method];
        if (!op) continue;
        found.push(`${method.toUpperCase()} ${path} ${op.operationId}`);
        expect(typeof op.summary, op.operationId).toBe('string');
        expect(op.description?.length ?? 0, op.operationId).toBeGreaterThan(40);
      }
    }
    expect(found.sort()).toEqual(
      [
        'GET /accounting/account/{accountId}/users/clients listClients',
        'POST /accounting/account/{accountId}/users/clients createClient',
        'GET /accounting/account/{accountId}/users/clients/{clientId} getClient',
        'PUT /accounting/account/{accountId}/users/clients/{clientId} updateClient',
      ].sort(),
    );
  });

  it('uses bearer auth globally and declares the optional Api-Version header', () => {
    const doc = readSpec();
    expect(doc.servers).toEqual([{ url: 'https://api.freshbooks.com' }]);
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.parameters.ApiVersion).toMatchObject({ name: 'Api-Version', in: 'header', required: false });
    for (const item of Object.values<Json>(doc.paths)) {
      expect(item.parameters).toContainEqual({ $ref: '#/components/parameters/ApiVersion' });
    }
  });

  it('listClients takes paging, every README filter and include[]', () => {
    const doc = readSpec();
    const params: Json[] = doc.paths['/accounting/account/{accountId}/users/clients'].get.parameters;
    const names = params.map((p) => p.name);
    expect(names.sort()).toEqual(
      [
        'page',
        'per_page',
        'include[]',
        'search[email]',
        'search[userid]',
        'search[username]',
        'search[vis_state]',
        'search[userids][]',
        'search[fname_like]',
        'search[lname_like]',
        'search[organization_like]',
        'search[address_like]',
        'search[note_like]',
        'search[phone_like]',
        'search[user_like]',
        'search[updated_min]',
        'search[updated_max]',
      ].sort(),
    );
    for (const param of params) expect(param.in, param.name).toBe('query');
    const perPage = params.find((p) => p.name === 'per_page');
    expect(perPage.schema).toMatchObject({ type: 'integer', maximum: 100 });
  });

  it('Client.required is exactly the keys every sample client carries', () => {
    const clients = allSampleClients();
    expect(clients.length).toBe(18); // 8 in the seed, 10 in the fixtures
    const keys = new Set(clients.flatMap((client) => Object.keys(client)));
    const everywhere = [...keys].filter((key) => clients.every((client) => key in client)).sort();
    const required = [...readSpec().components.schemas.Client.required].sort();
    expect(required).toEqual(everywhere);
  });

  it('carries no assumption note: every choice is a graded basis entry, an open schema node or plain prose', () => {
    const text = readSpecText();
    expect(text).not.toMatch(/x-clientele-assumption/);
    expect(text).not.toMatch(/Assumption:/);
  });

  it('leaves open exactly the client keys some example lacks and the types no example shows', () => {
    const client = readSpec().components.schemas.Client;
    const clients = allSampleClients();
    const open = Object.keys(client.properties)
      .filter((key) => typeof client.properties[key]['x-clientele-open'] === 'string')
      .sort();
    // A key some example lacks, or one null wherever it appears: nothing the examples show fixes it.
    const unfixed = Object.keys(client.properties)
      .filter((key) => !clients.every((c) => key in c) || clients.every((c) => c[key] === null || c[key] === undefined))
      .sort();
    expect(open).toEqual(unfixed);
    expect(open).toEqual(
      [
        'allow_email_include_pdf',
        'company_industry',
        'company_size',
        'direct_link_token',
        'exceeds_client_limit',
        'has_retainer',
        'last_activity',
        'last_login',
        'retainer_id',
        'role',
        'statement_token',
        'subdomain',
        'uuid',
      ].sort(),
    );
    // What every example shows stays shown: the ids, vis_state, the timestamps, the envelopes.
    const schemas = readSpec().components.schemas;
    for (const name of ['VisState', 'Timestamp', 'Client', 'ClientEnvelope', 'ClientListEnvelope', 'UpdateResponse', 'ErrorEnvelope'])
      expect(schemas[name]['x-clientele-open'], name).toBeUndefined();
    for (const key of ['id', 'userid', 'vis_state', 'updated', 'signup_date', 'fname', 'email'])
      expect(client.properties[key]['x-clientele-open'], key).toBeUndefined();
  });
});

describe.each([
  ['runtime', async (): Promise<ValidatorSet> => runtimeValidators(REST)],
  ['standalone', (): Promise<ValidatorSet> => standaloneValidators(REST)],
])('%s validators', (_name, load) => {
  let validators: ValidatorSet;
  beforeAll(async () => {
    validators = await load();
  });

  const expectValid = (key: string, data: unknown): void => {
    const result = validators.validate(key, data);
    expect(result.errors, key).toEqual([]);
    expect(result.ok, key).toBe(true);
  };
  const expectInvalid = (key: string, data: unknown): void => {
    const result = validators.validate(key, data);
    expect(result.ok, key).toBe(false);
    expect(result.errors.length, key).toBeGreaterThan(0);
  };

  it('has a validator for every documented request body and response', () => {
    const expected = [
      requestKey('createClient'),
      requestKey('updateClient'),
      ...[200, 400, 401].map((s) => responseKey('listClients', s)),
      ...[200, 201, 400, 401, 422].map((s) => responseKey('createClient', s)),
      ...[200, 401, 404].map((s) => responseKey('getClient', s)),
      ...[200, 400, 401, 404, 422].map((s) => responseKey('updateClient', s)),
    ];
    expect([...validators.keys].sort()).toEqual(expected.sort());
  });

  describe('real payloads from rest-json/', () => {
    it('the fixture table covers every client fixture', () => {
      expect(Object.keys(FIXTURE_KEYS).sort()).toEqual(clientFixtureNames());
    });

    it.each(Object.entries(FIXTURE_KEYS))('%s validates as %s', (name, key) => {
      expectValid(key, readFixture(name));
    });

    it('the 404 fixtures are also valid error bodies for updateClient', () => {
      for (const [name, key] of Object.entries(FIXTURE_KEYS)) {
        if (key === responseKey('getClient', 404)) expectValid(responseKey('updateClient', 404), readFixture(name));
      }
    });

    it('the unauthenticated payloads of other endpoints are valid 401 bodies on every operation', () => {
      const authFixtures = readdirSync(FIXTURE_DIR).filter((name) => name.includes('no_auth'));
      expect(authFixtures.length).toBeGreaterThanOrEqual(4);
      for (const name of authFixtures) {
        for (const operation of ['listClients', 'createClient', 'getClient', 'updateClient']) {
          expectValid(responseKey(operation, 401), readFixture(name));
        }
      }
    });

    it('a created client is also a valid 201 body and a valid update answer', () => {
      const created = readFixture(`${PYTHON}create_client_response.json`);
      expectValid(responseKey('createClient', 201), created);
      expectValid(responseKey('updateClient', 200), created);
    });
  });

  describe("the seed's JSON examples", () => {
    const { examples, skipped } = seedExamples();

    it('finds every example (and skips only the commented list skeleton)', () => {
      // get/create/update/delete/list in the curl part and get/create/update/delete in the Python part,
      // each answering one response; create/update/delete send a body in both parts.
      expect(examples.length).toBe(15);
      expect(examples.filter((e) => e.key.startsWith('request:')).length).toBe(6);
      expect(skipped.length).toBe(1);
      expect(skipped[0].section).toBe('list');
      expect(skipped[0].text).toContain('// same format');
      const deletes = examples.filter((e) => JSON.stringify(e.value) === '{"response":{}}');
      expect(deletes.length).toBe(2);
    });

    it.each(examples.map((e) => [e.name, e.key, e.value] as const))('%s validates as %s', (_example, key, value) => {
      expectValid(key, value);
    });

    it('the delete answer {"response": {}} is a valid update answer', () => {
      expectValid(responseKey('updateClient', 200), { response: {} });
    });

    it('the soft-delete and restore bodies are valid update requests', () => {
      expectValid(requestKey('updateClient'), { client: { vis_state: 1 } });
      expectValid(requestKey('updateClient'), { client: { vis_state: 0 } });
      expectValid(requestKey('updateClient'), { client: { vis_state: 2 } });
    });

    it("the seed's create body, with its extra keys, is a valid create request", () => {
      const create = examples.find((e) => e.key === requestKey('createClient') && e.value.client.contacts);
      expect(create).toBeDefined();
      for (const extra of [
        'contacts',
        'late_reminders',
        'status',
        'source',
        'highlight_string',
        'face',
        'late_fee',
        'last_activity',
        'userid',
      ]) {
        expect(create!.value.client, extra).toHaveProperty(extra);
      }
      expectValid(requestKey('createClient'), create!.value);
    });
  });

  describe('negative cases', () => {
    const getClient = (): Json => readFixture(`${PYTHON}get_client_response.json`);
    const listClients = (): Json => readFixture(`${PYTHON}list_clients_response.json`);

    it('rejects an id given as a string', () => {
      const body = getClient();
      body.response.result.client.id = String(body.response.result.client.id);
      expectInvalid(responseKey('getClient', 200), body);
      expectInvalid(responseKey('updateClient', 200), body);
    });

    it('rejects vis_state 7', () => {
      const body = getClient();
      body.response.result.client.vis_state = 7;
      expectInvalid(responseKey('getClient', 200), body);
      expectInvalid(requestKey('updateClient'), { client: { vis_state: 7 } });
    });

    it('rejects a list envelope without pages', () => {
      const body = listClients();
      delete body.response.result.pages;
      expectInvalid(responseKey('listClients', 200), body);
    });

    it('rejects per_page 150', () => {
      const body = listClients();
      body.response.result.per_page = 150;
      expectInvalid(responseKey('listClients', 200), body);
    });

    it('rejects a client missing a required key', () => {
      const body = getClient();
      delete body.response.result.client.signup_date;
      expectInvalid(responseKey('getClient', 200), body);
    });

    it('rejects a timestamp that is not YYYY-MM-DD HH:MM:SS', () => {
      const body = getClient();
      body.response.result.client.updated = '2020-11-01T13:11:10Z';
      expectInvalid(responseKey('getClient', 200), body);
    });

    it('rejects a non-empty response without result as an update answer', () => {
      expectInvalid(responseKey('updateClient', 200), { response: { ok: true } });
      expectInvalid(responseKey('updateClient', 200), {});
    });

    it('rejects page 0 and negative totals', () => {
      const zeroPage = listClients();
      zeroPage.response.result.page = 0;
      expectInvalid(responseKey('listClients', 200), zeroPage);
      const negative = listClients();
      negative.response.result.total = -1;
      expectInvalid(responseKey('listClients', 200), negative);
    });

    it('rejects request bodies with wrong types or without client', () => {
      expectInvalid(requestKey('createClient'), {});
      expectInvalid(requestKey('createClient'), { client: { fname: 5 } });
      expectInvalid(requestKey('createClient'), { client: { email: 'not an email' } });
      expectInvalid(requestKey('createClient'), { client: { allow_late_fees: 'yes' } });
      expectInvalid(requestKey('updateClient'), { client: { lname: ['x'] } });
    });

    it('rejects bodies that are no known error shape', () => {
      expectInvalid(responseKey('getClient', 404), {});
      expectInvalid(responseKey('getClient', 404), { response: { errors: [{ message: 'no errno' }] } });
      expectInvalid(responseKey('getClient', 404), { code: '5', message: 'code must be an integer' });
      expectInvalid(responseKey('getClient', 401), { error: 'unauthenticated' });
      expectInvalid(responseKey('createClient', 422), { response: { errors: [] } });
    });
  });
});

describe('a response-schema violation takes the grade of the node it breaks', () => {
  let view: SpecView;
  beforeAll(async () => {
    view = await openApiSpecView(REST);
  });
  const answer = { httpStatus: 200, body: '', truncated: false };
  const getClient = (): Json => readFixture(`${PYTHON}get_client_response.json`);
  /** undefined: valid; 'shown': a violation that fails the run; 'open': one that only warns. */
  const grade = (operation: string, body: Json): 'shown' | 'open' | undefined => {
    const result = view.validate(operation, answer, body)!;
    if (result.ok) return undefined;
    return result.open ? 'open' : 'shown';
  };
  const withClient = (change: (client: Json) => void): Json => {
    const body = getClient();
    change(body.response.result.client);
    return body;
  };

  it.each(['getClient', 'createClient', 'updateClient'])('%s: what every example shows fails, what none fixes warns', (operation) => {
    expect(grade(operation, getClient())).toBeUndefined();
    // An integer in every example: a string id, userid or vis_state fails.
    expect(
      grade(
        operation,
        withClient((c) => (c.id = String(c.id))),
      ),
    ).toBe('shown');
    expect(
      grade(
        operation,
        withClient((c) => (c.userid = String(c.userid))),
      ),
    ).toBe('shown');
    expect(
      grade(
        operation,
        withClient((c) => (c.vis_state = '0')),
      ),
    ).toBe('shown');
    // A required key, a boolean, the timestamp shape: shown.
    expect(
      grade(
        operation,
        withClient((c) => delete c.signup_date),
      ),
    ).toBe('shown');
    expect(
      grade(
        operation,
        withClient((c) => (c.allow_late_fees = 'yes')),
      ),
    ).toBe('shown');
    expect(
      grade(
        operation,
        withClient((c) => (c.updated = '2020-11-01T13:11:10Z')),
      ),
    ).toBe('shown');
    // A key some example lacks, or the type of one null in every example: open.
    expect(
      grade(
        operation,
        withClient((c) => (c.uuid = 'not-a-uuid')),
      ),
    ).toBe('open');
    expect(
      grade(
        operation,
        withClient((c) => (c.company_size = 50)),
      ),
    ).toBe('open');
    expect(
      grade(
        operation,
        withClient((c) => (c.retainer_id = 'r1')),
      ),
    ).toBe('open');
    // One shown problem among open ones fails the whole answer.
    expect(
      grade(
        operation,
        withClient((c) => {
          c.company_size = 50;
          c.id = 'x';
        }),
      ),
    ).toBe('shown');
  });

  it('judges the envelopes as shown', () => {
    const list = readFixture(`${PYTHON}list_clients_response.json`);
    delete list.response.result.per_page;
    expect(grade('listClients', list)).toBe('shown');
    expect(grade('updateClient', { response: { ok: true } })).toBe('shown');
    expect(grade('updateClient', { response: {} })).toBeUndefined();
    expect(grade('getClient', { result: getClient().response.result })).toBe('shown');
  });
});
