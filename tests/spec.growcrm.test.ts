/**
 * The Grow CRM OpenAPI document (`specs/growcrm/openapi.yaml`) against the OpenAPI 3.1 meta-schema, the
 * docs it is written from (`shared/reference/crm-docs/`: every JSON example validates, every field a
 * curl or PHP example sends is a documented property, every body table row is typed alike) and the rules
 * the suite cites (each recorded with its grade, stated ones quoted verbatim from the public document and
 * section they name, schema nodes the examples do not fix marked open).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { openApiMetaSchema } from './support/openapi-meta.js';
import { parse } from 'yaml';
import { openApiSpecView } from '../port/openapi-spec-view.js';
import { BasisBook, type BasisEntry, type Grade } from '../engine/basis.js';
import type { SpecView } from '../engine/checks/types.js';
import { PROJECT_ROOT, basisEntries, bundleId, indexOperations, oneLineText, specPath, type SpecSource } from '../generators/spec.js';
import { createAjv, runtimeValidators } from '../generators/compile-validators.js';
import { generatedValidatorsPath, requestKey, responseKey, standaloneValidators, type ValidatorSet } from '../generators/validators.js';

type Json = any;

const GROW: SpecSource = { api: 'growcrm', path: 'specs/growcrm/openapi.yaml' };
const SHARED = join(PROJECT_ROOT, '..', 'shared');
const SEED_FILE = join(SHARED, 'seeds', '003_3f9d0640e598856c.txt');
const DOCS_DIR = join(SHARED, 'reference', 'crm-docs');

const readSpec = (): Json => parse(readFileSync(specPath(GROW), 'utf8'));
/** A docs page by its upstream name (`clients.md`), stored with its repository as prefix. */
const docFile = (name: string): string => join(DOCS_DIR, `nextloopdevs_growcrm-modules-docs-api__${name}`);
const DOC_PAGES = ['clients.md', 'getting-started.md', 'authentication.md'] as const;

const OPERATIONS: Record<string, string> = {
  listClients: 'GET /clients',
  getClient: 'GET /clients/{id}',
  createClient: 'POST /clients',
  updateClient: 'PATCH /clients/{id}',
  deleteClient: 'DELETE /clients/{id}',
  setClientTags: 'PUT /clients/{id}/tags',
  setClientStatus: 'PUT /clients/{id}/status',
  setClientOwner: 'PUT /clients/{id}/owner',
};
const SUCCESS: Record<string, number> = {
  listClients: 200,
  getClient: 200,
  createClient: 201,
  updateClient: 200,
  deleteClient: 200,
  setClientTags: 200,
  setClientStatus: 200,
  setClientOwner: 200,
};
const WITH_ID = Object.keys(OPERATIONS).filter((op) => OPERATIONS[op]!.includes('{id}'));
const WITH_422 = ['listClients', 'createClient', 'updateClient', 'setClientTags', 'setClientStatus', 'setClientOwner'];
const WITH_BODY = ['createClient', 'updateClient', 'setClientTags', 'setClientStatus', 'setClientOwner'];

// --- the docs' pages, cut into sections and fenced blocks -------------------------------------------

interface Fence {
  readonly page: string;
  readonly lang: string;
  /** The `## ` heading the block stands under (the endpoint on clients.md). */
  readonly section: string;
  readonly line: number;
  readonly text: string;
}

function fences(page: string): Fence[] {
  const lines = readFileSync(docFile(page), 'utf8').split('\n');
  const found: Fence[] = [];
  let section = '';
  let open: { lang: string; line: number; body: string[] } | undefined;
  lines.forEach((line, index) => {
    if (open) {
      if (line.startsWith('```')) {
        found.push({ page, lang: open.lang, section, line: open.line, text: open.body.join('\n') });
        open = undefined;
      } else {
        open.body.push(line);
      }
      return;
    }
    const fence = /^```(\S*)/.exec(line);
    if (fence) open = { lang: fence[1]!, line: index + 1, body: [] };
    else if (line.startsWith('## ')) section = line.slice(3).trim();
  });
  if (open) throw new Error(`${page}: unterminated fence at line ${open.line}`);
  return found;
}

/** The text of a section: a markdown heading that starts with `title` down to the next heading of its level or above. */
function markdownSection(page: string, title: string): string | undefined {
  const lines = readFileSync(docFile(page), 'utf8').split('\n');
  let inFence = false;
  let start: { index: number; level: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('```')) inFence = !inFence;
    const heading = inFence ? null : /^(#+)\s+(.*)$/.exec(line);
    if (!heading || i === 0) continue; // line 0 is the `# SOURCE` note added on top of the page
    const level = heading[1]!.length;
    if (start && level <= start.level) return lines.slice(start.index, i).join('\n');
    if (!start && heading[2]!.trim().startsWith(title)) start = { index: i, level };
  }
  return start ? lines.slice(start.index).join('\n') : undefined;
}

/** The seed is the clients page flattened to text: these lines are its sections. */
const SEED_SECTIONS = [
  'Clients',
  'The client object',
  'List / search clients',
  'Get a client',
  'Create a client',
  'Update a client',
  'Delete a client',
  'Set tags',
  'Change status',
  'Change account owner',
  'Errors',
];

function seedSection(title: string): string | undefined {
  const lines = readFileSync(SEED_FILE, 'utf8')
    .split('\n')
    .map((line) => line.trim());
  const start = lines.indexOf(title);
  if (start < 0) return undefined;
  const end = lines.findIndex((line, index) => index > start && SEED_SECTIONS.includes(line));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/** The public documents a source may name, each with the text of a section (or of the whole page). */
const DOCUMENTS: Record<string, (section: string | undefined) => (string | undefined)[]> = {
  // The seed is the clients page flattened to text: a quote may stand in either.
  'Grow CRM API, Clients': (section) =>
    section ? [seedSection(section), markdownSection('clients.md', section)] : [pageText('clients.md')],
  'Grow CRM API, Getting started': (section) => [section ? markdownSection('getting-started.md', section) : pageText('getting-started.md')],
  'Grow CRM API, Authentication': (section) => [section ? markdownSection('authentication.md', section) : pageText('authentication.md')],
  'Grow CRM API development guide': (section) => [
    section ? markdownSection('api-development-guide.md', section) : pageText('api-development-guide.md'),
  ],
};

/** A page without the `# SOURCE` line added on top of it. */
function pageText(page: string): string {
  return readFileSync(docFile(page), 'utf8').split('\n').slice(1).join('\n');
}

/** One part of a source (`<document>: <section> (<note>)`, parts joined by `; `): the document's title and its section, if named. */
function sourcePart(part: string): { document: string; section?: string } | undefined {
  const titles = Object.keys(DOCUMENTS).join('|');
  const match = new RegExp(`^(${titles})(?:: ([^(]+?))?(?: \\(|$)`).exec(part.trim());
  if (!match) return undefined;
  return { document: match[1]!, ...(match[2] ? { section: match[2] } : {}) };
}

/** The parts of a source, split at `; ` outside parentheses. */
function sourceParts(source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    if (source[i] === '(') depth++;
    else if (source[i] === ')') depth--;
    else if (depth === 0 && source.startsWith('; ', i)) {
      parts.push(source.slice(start, i));
      start = i + 2;
    }
  }
  return [...parts, source.slice(start)];
}

/** Whether a document has the section a source names: one section, or each of a comma-separated list of them. */
function hasSection(document: string, section: string | undefined): boolean {
  const found = (one: string | undefined) => DOCUMENTS[document]!(one).some(Boolean);
  return found(section) || (section !== undefined && section.split(', ').every(found));
}

// --- the spec --------------------------------------------------------------------------------------

/** The component schema name a `$ref` (or a response's `$ref`) ends in. */
const refName = (node: Json): string => String(node.$ref).split('/').pop()!;

function operationsOf(doc: Json): Map<string, { method: string; path: string; op: Json; item: Json }> {
  const found = new Map<string, { method: string; path: string; op: Json; item: Json }>();
  for (const [path, item] of Object.entries<Json>(doc.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch']) {
      if (item[method]) found.set(item[method].operationId, { method: method.toUpperCase(), path, op: item[method], item });
    }
  }
  return found;
}

/** The request body (followed through components/requestBodies) of an operation. */
function requestBodyOf(doc: Json, operationId: string): Json {
  const body = operationsOf(doc).get(operationId)!.op.requestBody;
  return body.$ref ? doc.components.requestBodies[refName(body)] : body;
}

function requestSchemaName(doc: Json, operationId: string, mediaType = 'application/json'): string {
  return refName(requestBodyOf(doc, operationId).content[mediaType].schema);
}

function successSchemaName(doc: Json, operationId: string): string {
  const response = operationsOf(doc).get(operationId)!.op.responses[String(SUCCESS[operationId])];
  return refName(response.content['application/json'].schema);
}

/** The operation a method and a concrete URL path (`/clients/12/tags`) reach. */
function operationFor(method: string, urlPath: string): string | undefined {
  return Object.keys(OPERATIONS).find((op) => {
    const [m, template] = OPERATIONS[op]!.split(' ');
    return m === method && new RegExp(`^${template!.replace('{id}', '\\d+')}$`).test(urlPath);
  });
}

// ---------------------------------------------------------------------------------------------------

describe('specs/growcrm/openapi.yaml as an OpenAPI 3.1 document', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const validateDocument = ajv.compile(openApiMetaSchema().schema);
  const check = (doc: unknown): string => (validateDocument(doc) ? 'ok' : ajv.errorsText(validateDocument.errors, { separator: '\n' }));

  it('conforms to the OpenAPI 3.1 meta-schema', () => {
    const doc = readSpec();
    expect(doc.openapi).toBe('3.1.0');
    expect(check(doc)).toBe('ok');
  });

  it('fails the meta-schema when broken (the rewritten references are followed)', () => {
    const broken = readSpec();
    broken.components.schemas.Broken = 42;
    expect(check(broken)).not.toBe('ok');
    const badParameter = readSpec();
    badParameter.components.parameters.ClientId.in = 'body';
    expect(check(badParameter)).not.toBe('ok');
  });

  it('has exactly the eight operations, each with a summary and a description', () => {
    const found = Object.fromEntries([...operationsOf(readSpec())].map(([id, { method, path }]) => [id, `${method} ${path}`]));
    expect(found).toEqual(OPERATIONS);
    for (const { op } of operationsOf(readSpec()).values()) {
      expect(op.summary, op.operationId).toMatch(/\S/);
      expect(op.description?.length ?? 0, op.operationId).toBeGreaterThan(40);
    }
    expect([...indexOperations(GROW).keys()].sort()).toEqual(Object.keys(OPERATIONS).sort());
  });

  it('serves at https://your-domain/api with a bearer key on every operation', () => {
    const doc = readSpec();
    expect(doc.servers).toEqual([{ url: 'https://your-domain/api' }]);
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const { op } of operationsOf(doc).values()) expect(op.security, op.operationId).toBeUndefined();
  });

  it('documents the success, 401, 404 and 422 answers of each operation, and any other 4xx as the error envelope', () => {
    const doc = readSpec();
    expect(doc.components.responses.OtherError.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ErrorEnvelope' });
    for (const [id, { op }] of operationsOf(doc)) {
      const expected = [
        String(SUCCESS[id]),
        '401',
        ...(WITH_ID.includes(id) ? ['404'] : []),
        ...(WITH_422.includes(id) ? ['422'] : []),
        '4XX',
      ];
      expect(Object.keys(op.responses).sort(), id).toEqual(expected.sort());
    }
  });

  it('takes each body form-encoded and as JSON, the same schema, and the generators read the JSON one', () => {
    const doc = readSpec();
    const operations = indexOperations(GROW);
    for (const id of WITH_BODY) {
      const content = requestBodyOf(doc, id).content;
      expect(Object.keys(content).sort(), id).toEqual(['application/json', 'application/x-www-form-urlencoded']);
      expect(content['application/x-www-form-urlencoded'].schema, id).toEqual(content['application/json'].schema);
      expect(operations.get(id)!.requestSchema, id).toEqual({ $ref: `${bundleId('growcrm')}#/$defs/${requestSchemaName(doc, id)}` });
    }
    for (const id of ['listClients', 'getClient', 'deleteClient']) expect(operations.get(id)!.requestSchema, id).toBeUndefined();
  });

  it('gives an update the optional create fields from client_categoryid to client_billing_invoice_due_days, typed alike', () => {
    const { CreateClientRequest: create, UpdateClientRequest: update } = readSpec().components.schemas;
    const typeOnly = (schema: Json): Json => ({ ...schema, description: undefined });
    const createNames = Object.keys(create.properties);
    const shared = createNames.slice(createNames.indexOf('client_categoryid'), createNames.indexOf('client_billing_invoice_due_days') + 1);
    expect(Object.keys(update.properties)).toEqual(['client_company_name', ...shared]);
    for (const name of shared) expect(typeOnly(update.properties[name]), name).toEqual(typeOnly(create.properties[name]));
    expect(create.required).toEqual(['first_name', 'last_name', 'email']);
    expect(update.required).toEqual(['client_company_name']);
    // Custom fields travel by their own names.
    expect(create.additionalProperties).toBe(true);
    expect(update.additionalProperties).toBe(true);
  });

  it('uses only the graded vocabulary: no assumption note is left, and the choices the docs leave open are still written down', () => {
    const text = readFileSync(specPath(GROW), 'utf8');
    expect(text).not.toMatch(/x-clientele-assumption/);
    expect(text).not.toMatch(/Assumption:/);
    expect(text).not.toMatch(/x-clientele-(promises|assumptions):/);
    for (const topic of [
      'collation',
      'order of ties',
      'last_page: 1',
      'ignores letter case',
      'application/json',
      'capped to 100',
      'page below 1',
      'wrong JSON type',
    ]) {
      expect(oneLineText(text), topic).toContain(topic);
    }
  });

  it('marks open exactly the response nodes no example fixes', () => {
    const { Client, ValidationError } = readSpec().components.schemas;
    const open: string[] = [];
    const walk = (node: Json, path: string): void => {
      if (!node || typeof node !== 'object') return;
      if (typeof node['x-clientele-open'] === 'string') open.push(path);
      for (const [key, child] of Object.entries<Json>(node)) if (key !== 'x-clientele-open') walk(child, `${path}.${key}`);
    };
    walk(readSpec().components, 'components');
    expect(open.sort()).toEqual(
      [
        'components.schemas.Client.properties.billing.properties.invoice_due_days',
        'components.schemas.Client.properties.shipping',
        'components.schemas.ValidationError.properties.message',
      ].sort(),
    );
    // What every example shows stays shown: the id's type, the status values, the envelope's keys.
    expect(Client.properties.id['x-clientele-open']).toBeUndefined();
    expect(Client['x-clientele-open']).toBeUndefined();
    expect(ValidationError.properties.errors['x-clientele-open']).toBeUndefined();
  });
});

describe('the docs pages against the spec', () => {
  const doc = readSpec();

  it('every body-parameter and query-parameter table row is a property (or parameter) of the same type and requiredness', () => {
    const TABLES: Record<string, { kind: 'body'; op: string } | { kind: 'query' }> = {
      'List / search clients': { kind: 'query' },
      'Create a client': { kind: 'body', op: 'createClient' },
      'Update a client': { kind: 'body', op: 'updateClient' },
      'Set tags': { kind: 'body', op: 'setClientTags' },
      'Change status': { kind: 'body', op: 'setClientStatus' },
      'Change account owner': { kind: 'body', op: 'setClientOwner' },
    };
    const typeOf = (schema: Json): string => {
      const resolved = schema.$ref ? doc.components.schemas[refName(schema)] : schema;
      return resolved.type === 'array' ? `array of ${resolved.items.type}s` : resolved.type;
    };
    let rows = 0;
    for (const [section, table] of Object.entries(TABLES)) {
      const text = markdownSection('clients.md', section)!;
      for (const row of text.matchAll(/^\| `(\w+)` \| ([^|]+?) \|(?: (yes|no) \|)?/gm)) {
        const [, name, type, required] = row;
        rows++;
        if (table.kind === 'query') {
          const parameter = operationsOf(doc)
            .get('listClients')!
            .op.parameters.find((p: Json) => p.name === name);
          expect(parameter, name).toBeDefined();
          expect(parameter.in).toBe('query');
          expect(typeOf(parameter.schema), name).toBe(type);
          continue;
        }
        const schema = doc.components.schemas[requestSchemaName(doc, table.op)];
        expect(schema.properties[name!], `${table.op} ${name}`).toBeDefined();
        expect(typeOf(schema.properties[name!]), `${table.op} ${name}`).toBe(type);
        expect((schema.required ?? []).includes(name), `${table.op} ${name} required`).toBe(required === 'yes');
      }
    }
    expect(rows).toBe(7 + 17 + 12 + 1 + 1 + 1);
  });

  it('every field of the client object table is a Client property', () => {
    const text = markdownSection('clients.md', 'The client object')!;
    const fields = [...text.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
    expect(fields.length).toBe(13);
    expect(Object.keys(doc.components.schemas.Client.properties).sort()).toEqual([...fields].sort());
  });

  it('every field a curl example sends (-d name=value) is a property of its body, or a query parameter of the list', () => {
    const curls = fences('clients.md').filter((f) => f.lang === 'bash');
    const reached = new Set<string>();
    for (const curl of curls) {
      const command = curl.text.replace(/\\\n/g, ' ');
      const method = /-X\s+([A-Z]+)/.exec(command)?.[1] ?? 'GET';
      const urlPath = /https:\/\/your-domain\/api(\/\S*)/.exec(command)![1]!;
      const op = operationFor(method, urlPath);
      expect(op, `clients.md line ${curl.line}: ${method} ${urlPath}`).toBeDefined();
      reached.add(op!);
      const fields = [...command.matchAll(/-d\s+"?([A-Za-z0-9_]+)(?:\[\])?=/g)].map((m) => m[1]!);
      if (/\s-G\s/.test(command)) {
        const names = operationsOf(doc)
          .get(op!)!
          .op.parameters.map((p: Json) => p.name);
        for (const field of fields) expect(names, `${op} query ${field}`).toContain(field);
      } else if (fields.length > 0) {
        for (const mediaType of ['application/json', 'application/x-www-form-urlencoded']) {
          const schema = doc.components.schemas[requestSchemaName(doc, op!, mediaType)];
          for (const field of fields) expect(Object.keys(schema.properties), `${op} ${mediaType} ${field}`).toContain(field);
        }
      }
      if (WITH_BODY.includes(op!)) expect(fields.length, `${op} sends its body`).toBeGreaterThan(0);
    }
    // One curl example per operation.
    expect(curls.length).toBe(8);
    expect([...reached].sort()).toEqual(Object.keys(OPERATIONS).sort());
  });

  it("every key a PHP example's http_build_query sends is a property of its body, or a query parameter of the list", () => {
    let checked = 0;
    for (const php of fences('clients.md').filter((f) => f.lang === 'php')) {
      const built = /http_build_query\(\[([\s\S]*?)\]\)/.exec(php.text);
      if (!built) continue;
      const method =
        /CURLOPT_CUSTOMREQUEST\s*=>\s*'([A-Z]+)'/.exec(php.text)?.[1] ?? (/CURLOPT_POST\s*=>\s*true/.test(php.text) ? 'POST' : 'GET');
      const urlPath = /your-domain\/api(\/[^'"?]*)/.exec(php.text)![1]!;
      const op = operationFor(method, urlPath)!;
      expect(op, `clients.md line ${php.line}`).toBeDefined();
      const keys = [...built[1]!.matchAll(/'(\w+)'\s*=>/g)].map((m) => m[1]!);
      const names =
        method === 'GET'
          ? operationsOf(doc)
              .get(op)!
              .op.parameters.map((p: Json) => p.name)
          : Object.keys(doc.components.schemas[requestSchemaName(doc, op)].properties);
      for (const key of keys) expect(names, `${op} ${key}`).toContain(key);
      checked += keys.length;
    }
    expect(checked).toBe(2 + 5 + 2 + 1 + 1 + 1);
  });

  it('each success message is the one the docs quote for the operation', () => {
    const jsonMessages = Object.fromEntries(
      fences('clients.md')
        .filter((f) => f.lang === 'json' && f.text.includes('"message"'))
        .map((f) => [f.section, JSON.parse(f.text).message]),
    );
    const SECTIONS: Record<string, string> = {
      listClients: 'List / search clients',
      getClient: 'Get a client',
      createClient: 'Create a client',
      updateClient: 'Update a client',
      deleteClient: 'Delete a client',
      setClientTags: 'Set tags',
      setClientStatus: 'Change status',
      setClientOwner: 'Change account owner',
    };
    for (const [op, section] of Object.entries(SECTIONS)) {
      const sentence = /Returns the client \(`200`\) with `message` "([^"]+)"/.exec(markdownSection('clients.md', section)!)?.[1];
      const documented = jsonMessages[section] ?? sentence;
      expect(documented, op).toBeDefined();
      expect(doc.components.schemas[successSchemaName(doc, op)].properties.message, op).toEqual({ const: documented });
    }
    const unauthorized = JSON.parse(fences('authentication.md').find((f) => f.lang === 'json')!.text).message;
    expect(doc.components.schemas.UnauthorizedError.properties.message).toEqual({ const: unauthorized });
    // The 422 message is the example's wording, judged only as open (a message is "a human-readable summary").
    expect(doc.components.schemas.ValidationError.properties.message.enum).toEqual([jsonMessages.Errors]);
    expect(doc.components.schemas.ValidationError.properties.message['x-clientele-open']).toMatch(/human-readable summary/);
  });
});

// --- the docs' JSON examples -----------------------------------------------------------------------

type Target = { readonly schema: string } | { readonly operation: string; readonly status: number | '4XX' };

/** Where each ```json block of the docs belongs, by page and `## ` section. */
const JSON_EXAMPLES: Record<string, readonly Target[]> = {
  'clients.md § The client object': [{ schema: 'Client' }],
  'clients.md § List / search clients': [{ operation: 'listClients', status: 200 }, { schema: 'SuccessEnvelope' }],
  'clients.md § Create a client': [{ operation: 'createClient', status: 201 }, { schema: 'SuccessEnvelope' }],
  'clients.md § Update a client': [{ operation: 'updateClient', status: 200 }, { schema: 'SuccessEnvelope' }],
  'clients.md § Delete a client': [{ operation: 'deleteClient', status: 200 }, { schema: 'SuccessEnvelope' }],
  'clients.md § Errors': [...WITH_422.map((operation) => ({ operation, status: 422 })), { schema: 'ErrorEnvelope' }],
  'authentication.md § Errors': [...Object.keys(OPERATIONS).map((operation) => ({ operation, status: 401 })), { schema: 'ErrorEnvelope' }],
  'getting-started.md § Response envelope': [{ schema: 'SuccessEnvelope' }],
  'getting-started.md § Errors': [
    ...Object.keys(OPERATIONS).map((operation) => ({ operation, status: '4XX' as const })),
    { schema: 'ErrorEnvelope' },
  ],
};

function jsonExamples(): { name: string; targets: readonly Target[]; value: Json }[] {
  return DOC_PAGES.flatMap((page) =>
    fences(page)
      .filter((f) => f.lang === 'json')
      .map((f) => ({ name: `${page} § ${f.section}`, line: f.line, value: JSON.parse(f.text) as Json }))
      .map(({ name, value }) => ({ name, targets: JSON_EXAMPLES[name] ?? [], value })),
  );
}

const DOCS_CLIENT = (): Json => jsonExamples().find((e) => e.name === 'clients.md § The client object')!.value;

const LOADERS: [string, () => Promise<ValidatorSet>][] = [['runtime', async () => runtimeValidators(GROW)]];
// The standalone module exists once the registry lists growcrm and `npm run generate` has run.
if (existsSync(generatedValidatorsPath('growcrm'))) LOADERS.push(['standalone', () => standaloneValidators(GROW)]);

describe.each(LOADERS)('%s validators', (_name, load) => {
  let validators: ValidatorSet;
  const ajv = createAjv(GROW, false);
  const componentValidator = (name: string) => ajv.compile({ $ref: `${bundleId('growcrm')}#/$defs/${name}` });
  const validateTarget = (target: Target, value: unknown): readonly string[] => {
    if ('operation' in target) return validators.validate(responseKey(target.operation, target.status), value).errors;
    const validate = componentValidator(target.schema);
    return validate(value) ? [] : ajv.errorsText(validate.errors).split(', ');
  };
  beforeAll(async () => {
    validators = await load();
  });

  const expectValid = (key: string, data: unknown): void => {
    const result = validators.validate(key, data);
    expect(result.errors, key).toEqual([]);
    expect(result.ok, key).toBe(true);
  };
  const expectInvalid = (key: string, data: unknown): void => {
    expect(validators.validate(key, data).ok, `${key} ${JSON.stringify(data)}`).toBe(false);
  };

  it('has a validator for every request body and documented response', () => {
    const expected = [
      ...WITH_BODY.map((op) => requestKey(op)),
      ...Object.keys(OPERATIONS).flatMap((op) =>
        [SUCCESS[op]!, 401, ...(WITH_ID.includes(op) ? [404] : []), ...(WITH_422.includes(op) ? [422] : []), '4XX'].map((s) =>
          responseKey(op, s),
        ),
      ),
    ];
    expect([...validators.keys].sort()).toEqual(expected.sort());
  });

  describe("the docs' JSON examples", () => {
    const examples = jsonExamples();

    it('finds every ```json block of the three pages, and maps each', () => {
      expect(examples.map((e) => e.name).sort()).toEqual(Object.keys(JSON_EXAMPLES).sort());
      expect(examples.length).toBe(9);
    });

    it.each(examples.map((e) => [e.name, e] as const))(
      '%s validates against every schema it is an example of',
      (_example, { targets, value }) => {
        for (const target of targets) expect(validateTarget(target, value), JSON.stringify(target)).toEqual([]);
      },
    );

    it("the docs' full client is a valid answer of every operation that returns a client, with its message", () => {
      for (const op of ['getClient', 'createClient', 'updateClient', 'setClientTags', 'setClientStatus', 'setClientOwner']) {
        const message = readSpec().components.schemas[successSchemaName(readSpec(), op)].properties.message.const;
        expectValid(responseKey(op, SUCCESS[op]!), { data: DOCS_CLIENT(), message });
      }
      expectValid(responseKey('listClients', 200), {
        data: [DOCS_CLIENT(), { id: 13, company_name: 'Beta' }],
        meta: { current_page: 1, per_page: 25, total: 2, last_page: 1 },
        message: 'Clients retrieved successfully.',
      });
    });

    it('the empty list the contract assumes (last_page 1) is valid', () => {
      expectValid(responseKey('listClients', 200), {
        data: [],
        meta: { current_page: 1, per_page: 20, total: 0, last_page: 1 },
        message: 'Clients retrieved successfully.',
      });
    });
  });

  describe('request bodies', () => {
    it("the docs' example bodies (as JSON) and the contract's are valid", () => {
      expectValid(requestKey('createClient'), {
        first_name: 'Jane',
        last_name: 'Doe',
        email: 'jane@acme.example',
        client_company_name: 'Acme Inc',
        client_categoryid: 2,
      });
      expectValid(requestKey('createClient'), {
        first_name: 'Jane',
        last_name: 'Doe',
        email: 'j@x.test',
        tags: ['a'],
        send_email: 'yes',
        client_custom_field_1: 'x',
      });
      expectValid(requestKey('updateClient'), {
        client_company_name: 'Acme Incorporated',
        client_categoryid: 2,
        client_custom_field_1: 'x',
      });
      expectValid(requestKey('setClientTags'), { tags: ['priority', 'retainer'] });
      expectValid(requestKey('setClientTags'), { tags: [] });
      expectValid(requestKey('setClientStatus'), { status: 'suspended' });
      expectValid(requestKey('setClientOwner'), { owner: 34 });
    });

    it('refuses a missing required field, an empty name, a bad email, an unknown enum value and wrong types', () => {
      const base = { first_name: 'Jane', last_name: 'Doe', email: 'jane@acme.example' };
      for (const field of ['first_name', 'last_name', 'email'] as const) {
        const { [field]: _left, ...without } = base;
        expectInvalid(requestKey('createClient'), without);
      }
      expectInvalid(requestKey('createClient'), { ...base, first_name: '' });
      expectInvalid(requestKey('createClient'), { ...base, email: 'not an email' });
      expectInvalid(requestKey('createClient'), { ...base, send_email: 'maybe' });
      expectInvalid(requestKey('createClient'), { ...base, client_categoryid: '2' });
      expectInvalid(requestKey('createClient'), { ...base, tags: [1] });
      expectInvalid(requestKey('updateClient'), { client_categoryid: 2 });
      expectInvalid(requestKey('updateClient'), { client_company_name: '' });
      expectInvalid(requestKey('updateClient'), { client_company_name: 'x', client_phone: 5 });
      expectInvalid(requestKey('setClientTags'), {});
      expectInvalid(requestKey('setClientTags'), { tags: 'priority' });
      expectInvalid(requestKey('setClientStatus'), { status: 'archived' });
      expectInvalid(requestKey('setClientOwner'), { owner: '34' });
    });
  });

  describe('answers the spec refuses', () => {
    const client = (): Json => DOCS_CLIENT();

    it('a client without id or company_name, with a string id, or with a status outside active|suspended', () => {
      const { id: _id, ...noId } = client();
      expectInvalid(responseKey('getClient', 200), { data: noId, message: 'Client retrieved successfully.' });
      const { company_name: _name, ...noName } = client();
      expectInvalid(responseKey('getClient', 200), { data: noName, message: 'Client retrieved successfully.' });
      expectInvalid(responseKey('getClient', 200), { data: { ...client(), id: '12' }, message: 'Client retrieved successfully.' });
      expectInvalid(responseKey('getClient', 200), {
        data: { ...client(), status: 'archived' },
        message: 'Client retrieved successfully.',
      });
      expectInvalid(responseKey('getClient', 200), {
        data: { ...client(), tags: [{ title: 'x' }] },
        message: 'Client retrieved successfully.',
      });
    });

    it("another operation's message", () => {
      expectInvalid(responseKey('getClient', 200), { data: client(), message: 'Client updated successfully.' });
      expectInvalid(responseKey('setClientStatus', 200), { data: client(), message: 'Client tags updated successfully.' });
      expectInvalid(responseKey('createClient', 201), { data: client() });
    });

    it('a list without a counter, or with a page size above 100', () => {
      const list = {
        data: [],
        meta: { current_page: 1, per_page: 25, total: 0, last_page: 1 },
        message: 'Clients retrieved successfully.',
      };
      for (const key of Object.keys(list.meta)) {
        const meta: Json = { ...list.meta };
        delete meta[key];
        expectInvalid(responseKey('listClients', 200), { ...list, meta });
      }
      expectInvalid(responseKey('listClients', 200), { ...list, meta: { ...list.meta, per_page: 150 } });
      expectInvalid(responseKey('listClients', 200), { ...list, data: {} });
    });

    it('error bodies of the wrong shape', () => {
      expectInvalid(responseKey('getClient', 401), { message: 'Unauthenticated.' });
      expectInvalid(responseKey('getClient', 404), {});
      expectInvalid(responseKey('createClient', 422), { message: 'The given data was invalid.' });
      expectInvalid(responseKey('createClient', 422), { message: 'The given data was invalid.', errors: { email: 'taken' } });
      expectInvalid(responseKey('createClient', 422), { message: 'The given data was invalid.', errors: {} });
      expectValid(responseKey('deleteClient', 404), { message: 'Client not found.' });
    });
  });
});

// --- the rules ---------------------------------------------------------------------------------------

/** The rules the Grow CRM suite cites, each with the grade the documents give it. */
const GRADED: Record<Grade, string> = {
  stated: `well-formed-body envelope errors/unauthorized errors/unknown-id errors/required-field errors/unique errors/custom-field
    contract/create-echo contract/create-stored contract/create-default contract/get-id contract/empty-list pagination/per-page-cap
    filtering/only-matches filtering/all-matches ordering/sorted ordering/default-order partial-update/applied
    partial-update/untouched partial-update/repeated actions/set-replaces actions/set-clears actions/set-on-create
    actions/enum-applied actions/own-ref-kept actions/foreign-ref-refused deletion/gone deletion/active-list success
    documented-message`,
  shown: `transport response-schema`,
  meaning: `content-type not-a-server-error contract/list-size contract/empty-list-pages pagination/per-page pagination/page-size
    pagination/total pagination/pages pagination/no-repeats pagination/each-once pagination/past-the-end
    pagination/out-of-range-page filtering/total prerequisite/scope partial-update/refused-unchanged actions/untouched
    actions/enum-refused stateful/fresh-id stateful/get-fields stateful/list`,
  open: `status-documented duplicate-keys credential-echo errors/invalid-body contract/create-verbatim filtering/case
    errors/list-refused-status actions/enum-refused-status actions/foreign-ref-refused-status deletion/id-not-reused
    stateful/deleted-id`,
};
const RULES: Record<string, Grade> = Object.fromEntries(
  (Object.entries(GRADED) as [Grade, string][]).flatMap(([grade, rules]) =>
    rules
      .split(/\s+/)
      .filter(Boolean)
      .map((rule) => [rule, grade]),
  ),
);
/** Rules of the other APIs' suites this API has no facet for, recorded (open) as not applicable or not asserted. */
const NOT_APPLICABLE = `access/list-scope access/unchanged access/subset access/readable prerequisite/restricted-user
  errors/not-permitted pagination/default-per-page pagination/default-page-size pagination/order filtering/ids
  deletion/kept-as-deleted deletion/fields-intact deletion/deleted-list deletion/restored deletion/restored-unchanged
  deletion/restored-listed stateful/get-visibility stateful/restore-fields stateful/deleted-read stateful/deleted-update
  stateful/deleted-list`.split(/\s+/);

const isExample = (entry: BasisEntry): boolean => /\(example\b/.test(entry.source);

describe('the basis table', () => {
  const entries = basisEntries(GROW);
  const book = new BasisBook(entries);

  it('records every rule the suite cites, with the grade the documents give it', () => {
    expect(Object.keys(RULES).filter((rule) => !book.has(rule))).toEqual([]);
    const grades = Object.fromEntries(Object.keys(RULES).map((rule) => [rule, book.of(rule).grade]));
    expect(grades).toEqual(RULES);
    // No rule is recorded both binding and open (the binding entry would silently outrank the open one).
    const binding = new Set(entries.filter((e) => e.grade !== 'open').flatMap((e) => e.rules));
    expect(
      entries
        .filter((e) => e.grade === 'open')
        .flatMap((e) => e.rules)
        .filter((rule) => binding.has(rule)),
    ).toEqual([]);
  });

  it('rests no pagination, filtering, partial-update, deletion, ordering or action semantics on open', () => {
    const semantics = /^(pagination|filtering|partial-update|deletion|ordering|actions)\//;
    const open = Object.entries(RULES).filter(([rule, grade]) => grade === 'open' && semantics.test(rule));
    // Open there: only the letter case of the search, which 4xx refuses an action, and whether ids come back.
    expect(open.map(([rule]) => rule).sort()).toEqual(
      ['actions/enum-refused-status', 'actions/foreign-ref-refused-status', 'deletion/id-not-reused', 'filtering/case'].sort(),
    );
  });

  it('splits each refusal whose status the docs do not give into the refusal (binding) and its status (open)', () => {
    for (const rule of ['actions/enum-refused', 'actions/foreign-ref-refused']) {
      expect(book.of(rule).grade, rule).not.toBe('open');
      expect(book.of(`${rule}-status`).grade, `${rule}-status`).toBe('open');
    }
    expect(book.of('errors/list-refused-status').grade).toBe('open');
    // A missing required field and a missing custom field: 422 is what the docs say.
    expect(book.of('errors/required-field').grade).toBe('stated');
    expect(book.of('errors/custom-field').says).toBe('Missing required custom fields return a 422.');
  });

  it('names only those rules and the ones recorded as not applicable', () => {
    const known = new Set([...Object.keys(RULES), ...NOT_APPLICABLE]);
    expect(entries.flatMap((e) => e.rules).filter((rule) => !known.has(rule))).toEqual([]);
    for (const rule of NOT_APPLICABLE) {
      expect(book.of(rule).grade, rule).toBe('open');
      expect(book.of(rule).says, rule).toMatch(/^Not (applicable|asserted)/);
    }
  });

  it('gives every operation its success basis, and keeps open entries at their place in the spec', () => {
    for (const op of Object.keys(OPERATIONS)) {
      expect(
        entries.some((e) => e.operation === op && e.grade !== 'open' && e.rules.includes('success')),
        op,
      ).toBe(true);
    }
    for (const entry of entries.filter((e) => e.grade === 'open'))
      expect(entry.source).toBe(`left open by the documents (${entry.operation ?? 'the API as a whole'})`);
    expect(entries.filter((e) => e.operation !== undefined).every((e) => e.operation! in OPERATIONS)).toBe(true);
  });

  it('names a public document and its sections for every binding entry, never a path of this repository or a seed number', () => {
    expect(readdirSync(DOCS_DIR).length).toBe(4);
    for (const entry of book.promises()) {
      expect(entry.source, entry.says).not.toMatch(/seed|\.md\b|shared\/|apis\//);
      for (const part of sourceParts(entry.source)) {
        const named = sourcePart(part);
        expect(named, `${entry.source}: "${part}" names no known document`).toBeDefined();
        // "every endpoint": the transport entry speaks of the whole clients page.
        if (named!.section !== 'every endpoint') expect(hasSection(named!.document, named!.section), `${part}: no such section`).toBe(true);
      }
    }
  });

  it('quotes each stated entry verbatim, from the section it names', () => {
    const quotes = book.promises().filter((entry) => entry.grade === 'stated');
    expect(quotes.length).toBeGreaterThan(25);
    for (const entry of quotes) {
      const parts = sourceParts(entry.source);
      expect(parts, entry.source).toHaveLength(1);
      const { document, section } = sourcePart(parts[0]!)!;
      const texts = DOCUMENTS[document]!(section).filter((text): text is string => text !== undefined);
      expect(texts.length, `${entry.source}: no section "${section}"`).toBeGreaterThan(0);
      expect(
        texts.some((text) => oneLineText(text).includes(entry.says)),
        `"${entry.says}" (${entry.source})`,
      ).toBe(true);
    }
  });

  it('says what the examples show in a shown entry, and names the convention of a meaning entry', () => {
    const shown = entries.filter((e) => e.grade === 'shown');
    expect(shown.length).toBeGreaterThanOrEqual(6);
    for (const entry of shown) expect(isExample(entry), entry.source).toBe(true);
    const meaning = entries.filter((e) => e.grade === 'meaning');
    expect(meaning.length).toBeGreaterThanOrEqual(8);
    for (const entry of meaning) expect(entry.convention, entry.says).toMatch(/\S/);
    // The paging counters mean what the paginator the guide names defines.
    for (const rule of [
      'pagination/total',
      'pagination/pages',
      'contract/empty-list-pages',
      'pagination/each-once',
      'pagination/out-of-range-page',
    ])
      expect(book.of(rule).convention, rule).toMatch(/Laravel's length-aware paginator/);
  });

  it('puts the rules of one operation on it', () => {
    const on = (rule: string): string | undefined => entries.find((e) => e.rules.includes(rule))?.operation;
    expect(on('partial-update/untouched')).toBe('updateClient');
    expect(on('partial-update/refused-unchanged')).toBe('updateClient');
    expect(on('deletion/gone')).toBe('deleteClient');
    expect(on('contract/create-default')).toBe('createClient');
    expect(on('pagination/per-page-cap')).toBe('listClients');
    expect(on('errors/list-refused-status')).toBe('listClients');
    expect(on('actions/set-replaces')).toBe('setClientTags');
    expect(on('actions/enum-refused')).toBe('setClientStatus');
    expect(on('actions/enum-refused-status')).toBe('setClientStatus');
    expect(on('actions/foreign-ref-refused')).toBe('setClientOwner');
    expect(on('actions/foreign-ref-refused-status')).toBe('setClientOwner');
    expect(on('errors/unauthorized')).toBeUndefined();
    expect(on('actions/untouched')).toBeUndefined();
    expect(book.of('partial-update/untouched').says).toBe('The primary user / account owner is not changed here');
    expect(entries.filter((e) => e.rules.includes('partial-update/untouched')).map((e) => e.says)).toContain(
      "partial update of a resource's own fields",
    );
  });
});

describe('the response schema, judged node by node', () => {
  let view: SpecView;
  beforeAll(async () => {
    view = await openApiSpecView(GROW);
  });
  const judge = (operation: string, status: number, body: unknown) =>
    view.validate(operation, { httpStatus: status, headers: {}, body: JSON.stringify(body), truncated: false }, body);
  const client = (): Json => JSON.parse(fences('clients.md').find((f) => f.lang === 'json' && f.section === 'The client object')!.text);

  it("passes the docs' client, and the independent server's choices: invoice_due_days as a text or a number, every address key null", () => {
    expect(judge('getClient', 200, { data: client(), message: 'Client retrieved successfully.' })?.ok).toBe(true);
    const nulls = { ...client(), billing: { ...client().billing, street: null, invoice_due_days: null } };
    expect(judge('getClient', 200, { data: nulls, message: 'Client retrieved successfully.' })?.ok).toBe(true);
    const number = { ...client(), billing: { ...client().billing, invoice_due_days: 7 } };
    expect(judge('getClient', 200, { data: number, message: 'Client retrieved successfully.' })?.ok).toBe(true);
  });

  it("takes any other 4xx with the error envelope (a 400, the guide's 409), and judges its envelope", () => {
    expect(
      judge('setClientStatus', 400, { message: 'The given data was invalid.', errors: { status: ['The selected status is invalid.'] } })
        ?.ok,
    ).toBe(true);
    expect(judge('setClientOwner', 409, { message: 'The owner does not belong to this client.' })?.ok).toBe(true);
    const bare = judge('setClientOwner', 409, { error: 'conflict' });
    expect(bare?.ok).toBe(false);
    expect(bare?.open).toBeUndefined();
  });

  it('only warns where a node is open: a shipping address given as null, an odd invoice_due_days, another 422 wording', () => {
    for (const data of [
      { ...client(), shipping: null },
      { ...client(), billing: { ...client().billing, invoice_due_days: true } },
    ]) {
      const result = judge('getClient', 200, { data, message: 'Client retrieved successfully.' });
      expect(result?.ok).toBe(false);
      expect(result?.open, JSON.stringify(data)).toBeDefined();
    }
    const worded = judge('createClient', 422, {
      message: 'The first name field is required.',
      errors: { first_name: ['The first name field is required.'] },
    });
    expect(worded?.ok).toBe(false);
    expect(worded?.open?.why).toMatch(/human-readable summary/);
  });

  it('fails what every example shows: a text id, an unknown status, a 404 or 422 without its keys, a meta without a counter', () => {
    const cases: [string, number, unknown][] = [
      ['getClient', 200, { data: { ...client(), id: '12' }, message: 'Client retrieved successfully.' }],
      ['getClient', 200, { data: { ...client(), status: 'archived' }, message: 'Client retrieved successfully.' }],
      [
        'getClient',
        200,
        { data: { ...client(), dates: { created: '2026-06-15T09:30:00.000000Z' } }, message: 'Client retrieved successfully.' },
      ],
      ['getClient', 404, { error: 'Not found' }],
      ['createClient', 422, { message: 'The given data was invalid.' }],
      ['listClients', 200, { data: [], meta: { current_page: 1, per_page: 25, total: 0 }, message: 'Clients retrieved successfully.' }],
      // A validation failure with another wording and no errors: one shown node broken is enough to fail.
      ['createClient', 422, { message: 'Invalid.', errors: {} }],
    ];
    for (const [operation, status, body] of cases) {
      const result = judge(operation, status, body);
      expect(result?.ok, JSON.stringify(body)).toBe(false);
      expect(result?.open, JSON.stringify(body)).toBeUndefined();
    }
  });
});
