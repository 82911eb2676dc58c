/**
 * The FreshBooks MCP tool definitions (`specs/freshbooks-mcp/tools.json`) against seed 002: every input
 * and output example of the seed validates against the tool's schemas, with ajv for draft 2020-12 (the
 * MCP default dialect) and for draft-07 (what the SDK's client compiles an outputSchema with); a few
 * invalid arguments and answers are refused; the input parameters match the seed's Input Schema tables,
 * with every keyword the tables do not state recorded as coming from elsewhere; schema drift fails only
 * a contradiction of a table; the graded basis quotes the seed and grounds every rule.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Ajv, type ValidateFunction } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { GRADES } from '../engine/basis.js';
import { ELSEWHERE_KEY, inputDrift, tableStated } from '../generators/schema-drift.js';

type Json = any;

const addFormats = createRequire(import.meta.url)('ajv-formats') as typeof import('ajv-formats').default;

const TOOLS_FILE = new URL('../specs/freshbooks-mcp/tools.json', import.meta.url);
const SEED_FILE = new URL('../../shared/seeds/002_217eb456113bbb91.txt', import.meta.url);
const SHARED_README = new URL('../../shared/README.md', import.meta.url);
const TOOL_NAMES = ['client_list', 'client_single', 'client_create', 'client_update', 'client_delete'];

const doc: Json = JSON.parse(readFileSync(TOOLS_FILE, 'utf8'));
const seed = readFileSync(SEED_FILE, 'utf8');
const toolOf = (name: string): Json => doc.tools.find((tool: Json) => tool.name === name);

interface SeedExample {
  readonly tool: string;
  readonly kind: 'input' | 'output';
  readonly line: number;
  readonly value: Json;
}

/** The JSON block after each `### Input Example` / `### Output Example`, under its `## tool` heading. */
function seedExamples(text: string): SeedExample[] {
  const lines = text.split('\n');
  const examples: SeedExample[] = [];
  let tool = '';
  let kind: 'input' | 'output' | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heading = /^## (client_\w+)$/.exec(line);
    if (heading) tool = heading[1]!;
    if (line === '### Input Example') kind = 'input';
    if (line === '### Output Example') kind = 'output';
    if (line === '```json' && kind) {
      const end = lines.indexOf('```', i + 1);
      examples.push({ tool, kind, line: i + 1, value: JSON.parse(lines.slice(i + 1, end).join('\n')) });
      kind = undefined;
      i = end;
    }
  }
  return examples;
}

/** Every `x-...` keyword the schemas use, so strict ajv accepts them as annotations and nothing else unknown. */
function annotationKeywords(node: Json, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((item) => annotationKeywords(item, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('x-')) found.add(key);
      annotationKeywords(value, found);
    }
  }
  return found;
}

type Validators = Map<string, ValidateFunction>;

function compileAll(ajv: Ajv | Ajv2020): Validators {
  const schemas = doc.tools.flatMap((tool: Json) => [tool.inputSchema, tool.outputSchema]);
  for (const keyword of annotationKeywords(schemas)) ajv.addKeyword(keyword);
  addFormats(ajv);
  const validators: Validators = new Map();
  for (const tool of doc.tools) {
    validators.set(`input:${tool.name}`, ajv.compile(tool.inputSchema));
    validators.set(`output:${tool.name}`, ajv.compile(tool.outputSchema));
  }
  return validators;
}

const DIALECTS: Record<string, () => Validators> = {
  'draft 2020-12': () => compileAll(new Ajv2020({ strict: true, allErrors: true })),
  'draft-07 (the SDK client)': () => compileAll(new Ajv({ strict: true, allErrors: true })),
};

describe('tools.json', () => {
  it('defines the five documented tools, each with object input and output schemas and no $schema', () => {
    expect(doc.tools.map((tool: Json) => tool.name)).toEqual(TOOL_NAMES);
    for (const tool of doc.tools) {
      expect(tool.description.length).toBeGreaterThan(10);
      for (const schema of [tool.inputSchema, tool.outputSchema]) {
        expect(schema.type).toBe('object');
        expect(schema.$schema).toBeUndefined();
      }
      // The seed forbids no extra argument, so no input schema is closed.
      expect(tool.inputSchema.additionalProperties).toBeUndefined();
      expect(tool.inputSchema.required).toContain('accountId');
    }
  });

  it('records the documented defaults and limits of client_list in the schema', () => {
    const list = toolOf('client_list');
    const { page, perPage, visState } = list.inputSchema.properties;
    expect(list['x-clientele-defaults']).toEqual({ page: page.default, perPage: perPage.default });
    expect([page.default, page.minimum, perPage.default, perPage.minimum, perPage.maximum]).toEqual([1, 1, 30, 1, 100]);
    expect(visState.enum).toEqual([0, 1, 2]);
  });

  it('lists every documented error code of each tool, each with a rule', () => {
    const codes = Object.fromEntries(
      doc.tools.map((tool: Json) => [tool.name, [...new Set(tool['x-clientele-errors'].map((e: Json) => e.code))].sort()]),
    );
    expect(codes).toEqual({
      client_list: [-32602, -32004, -32002, -32001].sort(),
      client_single: [-32602, -32005, -32001].sort(),
      client_create: [-32602, -32013, -32001].sort(),
      client_update: [-32602, -32005, -32001].sort(),
      client_delete: [-32602, -32005, -32001].sort(),
    });
    for (const tool of doc.tools) for (const error of tool['x-clientele-errors']) expect(typeof error.rule).toBe('string');
  });
});

describe('the seed examples', () => {
  const examples = seedExamples(seed);

  it('finds an input example for every tool and an output example for all but client_update', () => {
    expect(examples.filter((e) => e.kind === 'input').map((e) => e.tool)).toEqual(TOOL_NAMES);
    expect(examples.filter((e) => e.kind === 'output').map((e) => e.tool)).toEqual([
      'client_list',
      'client_single',
      'client_create',
      'client_delete',
    ]);
  });

  for (const [dialect, build] of Object.entries(DIALECTS)) {
    describe(dialect, () => {
      let validators: Validators;
      beforeAll(() => {
        validators = build();
      });

      it.each(examples.map((e) => [`${e.tool} ${e.kind} (seed line ${e.line})`, e] as const))('%s validates', (_name, example) => {
        const validate = validators.get(`${example.kind}:${example.tool}`)!;
        expect(validate(example.value), JSON.stringify(validate.errors)).toBe(true);
      });

      it('refuses invalid arguments', () => {
        const input = (tool: string, args: Json): boolean => validators.get(`input:${tool}`)!({ accountId: 'ABC123', ...args }) as boolean;
        expect(input('client_list', {})).toBe(true);
        expect(input('client_list', { perPage: 100, page: 1, visState: 2 })).toBe(true);
        expect(input('client_list', { perPage: 101 })).toBe(false);
        expect(input('client_list', { perPage: 0 })).toBe(false);
        expect(input('client_list', { page: 0 })).toBe(false);
        expect(input('client_list', { visState: 3 })).toBe(false);
        expect(input('client_list', { perPage: '25' })).toBe(false);
        expect(validators.get('input:client_list')!({ page: 1 })).toBe(false);
        expect(input('client_create', { email: 'jane@example.com' })).toBe(false);
        expect(input('client_create', { fName: '  ', lName: '' })).toBe(false);
        expect(input('client_create', { organization: 'Acme' })).toBe(true);
        expect(input('client_create', { lName: 'Doe', allowLateFees: 'yes' })).toBe(false);
        expect(input('client_single', { clientId: 0 })).toBe(false);
        expect(input('client_single', { clientId: '12345' })).toBe(false);
        expect(input('client_single', {})).toBe(false);
        expect(input('client_update', { clientId: 1, visState: 5 })).toBe(false);
        expect(input('client_update', { clientId: 1, visState: 0 })).toBe(true);
        expect(input('client_delete', { clientId: 1.5 })).toBe(false);
      });

      it('refuses answers of the wrong shape', () => {
        const [listExample] = examples.filter((e) => e.tool === 'client_list' && e.kind === 'output');
        const client = listExample!.value.clients[0];
        const output = (tool: string, value: Json): boolean => validators.get(`output:${tool}`)!(value) as boolean;
        expect(output('client_single', { ...client, id: '12345' })).toBe(false);
        expect(output('client_single', { ...client, visState: 3 })).toBe(false);
        expect(output('client_single', { ...client, busPhone: null })).toBe(false);
        expect(output('client_single', { ...client, homePhone: null, note: null })).toBe(true);
        const { visState: _dropped, ...withoutVisState } = client;
        expect(output('client_single', withoutVisState)).toBe(false);
        expect(output('client_list', { clients: [client] })).toBe(false);
        expect(output('client_list', { clients: [], pagination: { page: 1, pages: 0, total: 0, perPage: 30 } })).toBe(true);
        expect(output('client_delete', { success: true })).toBe(false);
      });
    });
  }
});

/** One row of a seed Input Schema table: `| name | type | Yes/No | [default |] description |`. */
interface TableRow {
  readonly type: string;
  readonly required: boolean;
  readonly default?: string;
  readonly description: string;
}

/** Each tool's Input Schema table, parsed from the seed. */
function inputTables(text: string): Map<string, Map<string, TableRow>> {
  const tables = new Map<string, Map<string, TableRow>>();
  let tool = '';
  let inTable = false;
  let hasDefault = false;
  for (const line of text.split('\n')) {
    const heading = /^## (client_\w+)$/.exec(line);
    if (heading) tool = heading[1]!;
    if (line.startsWith('### ')) inTable = line === '### Input Schema';
    if (!inTable || !line.startsWith('|')) continue;
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    if (cells[0] === 'Parameter') {
      hasDefault = cells.includes('Default');
      continue;
    }
    if (/^-+$/.test(cells[0]!)) continue;
    const [name, type, required, ...rest] = cells;
    const row: TableRow = hasDefault
      ? { type: type!, required: required === 'Yes', default: rest[0], description: rest[1]! }
      : { type: type!, required: required === 'Yes', description: rest[0]! };
    if (!tables.has(tool)) tables.set(tool, new Map());
    tables.get(tool)!.set(name!, row);
  }
  return tables;
}

/** The constraint keywords a description of an Input Schema row states, as the spec writes them. */
function statedByDescription(description: string): Record<string, unknown> {
  const stated: Record<string, unknown> = {};
  if (description.includes('(max 100)')) stated.maximum = 100;
  if (description.includes('(1-indexed)')) stated.minimum = 1;
  if (description.includes('(0=active, 1=deleted, 2=archived)')) stated.enum = [0, 1, 2];
  return stated;
}

const CONSTRAINTS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern', 'format', 'enum'];

describe('the input schemas against the Input Schema tables', () => {
  const tables = inputTables(seed);

  it('parses a table for every tool', () => {
    expect([...tables.keys()]).toEqual(TOOL_NAMES);
  });

  for (const name of TOOL_NAMES) {
    it(`${name}: the same parameters, types, requirements and defaults; every other keyword recorded as from elsewhere`, () => {
      const table = tables.get(name)!;
      const schema = toolOf(name).inputSchema;
      expect(Object.keys(schema.properties)).toEqual([...table.keys()]);
      expect([...schema.required].sort()).toEqual(
        [...table]
          .filter(([, row]) => row.required)
          .map(([param]) => param)
          .sort(),
      );
      for (const [param, row] of table) {
        const node = schema.properties[param];
        const elsewhere: Record<string, string> = node[ELSEWHERE_KEY] ?? {};
        for (const [keyword, why] of Object.entries(elsewhere)) {
          expect(node[keyword], `${name}.${param}: ${keyword} is recorded as from elsewhere but absent`).toBeDefined();
          expect(why.length, `${name}.${param}.${keyword}`).toBeGreaterThan(20);
        }
        // The table types ids, page, perPage and visState number: integer only with where it comes from.
        if (node.type === 'integer') {
          expect(row.type).toBe('number');
          expect(elsewhere.type, `${name}.${param}: integer needs its source`).toMatch(/integer/);
        } else expect(node.type, `${name}.${param}`).toBe(row.type);
        expect(node.description).toBe(row.description);
        if (row.default !== undefined && row.default !== '-') expect(node.default).toBe(Number(row.default));
        else expect(node.default).toBeUndefined();
        const byDescription = statedByDescription(row.description);
        for (const keyword of CONSTRAINTS) {
          if (node[keyword] === undefined) continue;
          if (keyword in elsewhere) expect(byDescription[keyword], `${name}.${param}.${keyword} is stated by the table`).toBeUndefined();
          else
            expect(node[keyword], `${name}.${param}.${keyword} is neither in the table nor from elsewhere`).toEqual(byDescription[keyword]);
        }
        for (const [keyword, value] of Object.entries(byDescription)) expect(node[keyword], `${name}.${param}.${keyword}`).toEqual(value);
      }
    });
  }

  it('records the Errors-table limits as from elsewhere: a positive integer clientId, an email format, perPage at least 1', () => {
    for (const name of ['client_single', 'client_update', 'client_delete']) {
      const { clientId } = toolOf(name).inputSchema.properties;
      expect(Object.keys(clientId[ELSEWHERE_KEY])).toEqual(['type', 'minimum']);
      expect(clientId[ELSEWHERE_KEY].minimum).toContain('Check ID is a positive integer');
      expect(tableStated(clientId).minimum).toBeUndefined();
    }
    for (const name of ['client_create', 'client_update'])
      expect(toolOf(name).inputSchema.properties.email[ELSEWHERE_KEY].format).toContain('Invalid email format');
    const { page, perPage } = toolOf('client_list').inputSchema.properties;
    expect(tableStated(perPage)).toMatchObject({ maximum: 100, default: 30 });
    expect(tableStated(perPage).minimum).toBeUndefined();
    expect(tableStated(page)).toMatchObject({ minimum: 1, default: 1 });
  });
});

describe('schema drift', () => {
  const clone = (value: Json): Json => JSON.parse(JSON.stringify(value));
  /** An advertised inputSchema as the tables type it, no more: number for integer, no limits, values, formats or anyOf. */
  const asTheTablesSay = (schema: Json): Json => {
    const out = clone(schema);
    delete out.anyOf;
    for (const node of Object.values(out.properties) as Json[]) {
      for (const key of Object.keys(node)) if (key.startsWith('x-')) delete node[key];
      if (node.type === 'integer') node.type = 'number';
      for (const keyword of ['minimum', 'maximum', 'enum', 'format']) delete node[keyword];
    }
    return out;
  };
  const drift = (name: string, advertised: Json) => inputDrift(name, toolOf(name).inputSchema, advertised);

  it('finds nothing in what the spec advertises itself', () => {
    for (const name of TOOL_NAMES) expect(drift(name, toolOf(name).inputSchema)).toEqual([]);
  });

  it('fails nothing a server that advertises exactly the tables (number, no limits) shows, and leaves the stated limits open', () => {
    const rows = TOOL_NAMES.flatMap((name) => drift(name, asTheTablesSay(toolOf(name).inputSchema)));
    expect(rows.filter((row) => row.contradicts)).toEqual([]);
    expect(rows.map((row) => `${row.operation}.${row.parameter}: ${row.kind}`).sort()).toEqual(
      [
        'client_list.page: limit lost',
        'client_list.perPage: limit lost',
        'client_list.visState: enum lost',
        'client_update.visState: enum lost',
      ].sort(),
    );
  });

  it('fails a contradiction: another type, a narrower or other limit or value set, a new requirement, a missing or renamed parameter', () => {
    const contradictions = (name: string, change: (schema: Json) => void): string[] => {
      const advertised = clone(toolOf(name).inputSchema);
      change(advertised);
      return drift(name, advertised)
        .filter((row) => row.contradicts)
        .map((row) => `${row.parameter}: ${row.kind}`);
    };
    expect(contradictions('client_single', (s) => (s.properties.clientId.type = 'string'))).toEqual(['clientId: type differs']);
    expect(contradictions('client_list', (s) => (s.properties.perPage.maximum = 50))).toEqual(['perPage: limit differs']);
    expect(contradictions('client_list', (s) => (s.properties.perPage.default = 20))).toEqual(['perPage: default differs']);
    expect(contradictions('client_list', (s) => (s.properties.visState.enum = [0, 1]))).toEqual(['visState: enum differs']);
    expect(contradictions('client_create', (s) => s.required.push('email'))).toEqual(['email: required differs']);
    expect(
      contradictions('client_list', (s) => {
        s.properties.firstName = s.properties.fName;
        delete s.properties.fName;
      }),
    ).toEqual(['fName: renamed']);
    expect(contradictions('client_delete', (s) => delete s.properties.clientId)).toEqual(['clientId: parameter missing']);
  });

  it('leaves open what only loosens: a requirement dropped, null allowed besides the type, a type left out', () => {
    const rows = (name: string, change: (schema: Json) => void) => {
      const advertised = clone(toolOf(name).inputSchema);
      change(advertised);
      return drift(name, advertised).map((row) => `${row.parameter}: ${row.kind}${row.contradicts ? ' (contradicts)' : ''}`);
    };
    expect(rows('client_single', (s) => (s.required = ['accountId']))).toEqual(['clientId: required differs']);
    expect(rows('client_update', (s) => (s.properties.email.type = ['string', 'null']))).toEqual(['email: type widened']);
    expect(rows('client_update', (s) => delete s.properties.note.type)).toEqual(['note: type lost']);
    // Keywords from elsewhere are not compared: a clientId minimum of 0 or an email without format is no drift.
    expect(rows('client_single', (s) => (s.properties.clientId.minimum = 0))).toEqual([]);
    expect(rows('client_update', (s) => delete s.properties.email.format)).toEqual([]);
  });
});

describe('the basis table', () => {
  const located: { entry: Json; at: string }[] = [
    ...doc['x-clientele-basis'].map((entry: Json) => ({ entry, at: 'document' })),
    ...doc.tools.flatMap((tool: Json) => (tool['x-clientele-basis'] ?? []).map((entry: Json) => ({ entry, at: tool.name }))),
  ];
  const entries: Json[] = located.map(({ entry }) => entry);
  const binding = entries.filter((entry) => entry.grade !== 'open');
  const recorded = new Set(entries.flatMap((entry) => entry.rules as string[]));
  const collapse = (text: string): string => text.replace(/\s+/g, ' ');
  /** The strongest grade recorded for a rule (a binding entry outranks an open one, as the BasisBook reads it). */
  const gradeOf = (rule: string): string | undefined =>
    GRADES.find((grade) => entries.some((entry) => entry.grade === grade && entry.rules.includes(rule)));

  it('leaves no assumption vocabulary anywhere in tools.json', () => {
    const text = readFileSync(TOOLS_FILE, 'utf8');
    expect(text).not.toMatch(/x-clientele-assumption|x-clientele-promises|x-clientele-note/);
    expect(text).not.toMatch(/\bAssumption\b/);
  });

  it('gives every entry a grade, a text and rules; every binding entry a public source; every meaning its convention', () => {
    expect(entries.length).toBeGreaterThan(30);
    for (const entry of entries) {
      expect(GRADES).toContain(entry.grade);
      expect(entry.says.length).toBeGreaterThan(10);
      expect(entry.rules.length).toBeGreaterThan(0);
    }
    for (const entry of binding) {
      expect(entry.source, entry.says).toMatch(/^FreshBooks MCP server\b/);
      expect(entry.source, entry.says).not.toMatch(/seed|\.txt|\.json|shared\//i);
    }
    for (const entry of entries.filter((e) => e.grade === 'meaning')) expect(entry.convention.length, entry.says).toBeGreaterThan(10);
  });

  it('quotes the seed (or the shared README, for the protocol) verbatim in every stated entry', () => {
    const text = collapse(seed);
    for (const entry of entries.filter((e) => e.grade === 'stated')) {
      for (const fragment of entry.says.split(' ... '))
        expect(text.includes(collapse(fragment.trim())), `${entry.source}: ${fragment}`).toBe(true);
    }
    const readme = collapse(readFileSync(SHARED_README, 'utf8'));
    expect(readme).toContain(
      "A FreshBooks MCP server's client tools (`client_list`, `client_single`, `client_create`, `client_update`, `client_delete`) | MCP (JSON-RPC 2.0)",
    );
  });

  it('grounds every rule the error tables name, and the rule ids shared with the other APIs', () => {
    for (const tool of doc.tools) for (const error of tool['x-clientele-errors']) expect(recorded, error.rule).toContain(error.rule);
    for (const tool of doc.tools)
      for (const error of tool['x-clientele-errors']) expect(seed, error.condition).toContain(`| ${error.code} | ${error.condition} |`);
  });

  it('grades the documented semantics binding and only the implementer choices open', () => {
    const expected: Record<string, string> = {
      success: 'stated',
      envelope: 'stated',
      'response-schema': 'shown',
      'contract/create-echo': 'shown',
      'contract/create-verbatim': 'open',
      'contract/empty-list-pages': 'open',
      'errors/unknown-id': 'stated',
      'errors/unauthorized': 'stated',
      'errors/invalid-client-id': 'stated',
      'errors/invalid-visstate': 'stated',
      'errors/per-page-above-max': 'stated',
      'errors/missing-name': 'stated',
      'errors/invalid-email': 'stated',
      'errors/invalid-account-id': 'open',
      'errors/invalid-body': 'open',
      'mcp/internal-error': 'meaning',
      'mcp/refusal-code': 'open',
      'pagination/default-page': 'stated',
      'pagination/default-per-page': 'stated',
      'pagination/per-page': 'meaning',
      'pagination/page-size': 'meaning',
      'pagination/total': 'meaning',
      'pagination/pages': 'meaning',
      'pagination/no-repeats': 'meaning',
      'pagination/each-once': 'meaning',
      'pagination/past-the-end': 'meaning',
      'pagination/out-of-range-page': 'meaning',
      'pagination/per-page-cap': 'stated',
      'filtering/only-matches': 'stated',
      'filtering/all-matches': 'stated',
      'filtering/total': 'meaning',
      'filtering/combined': 'meaning',
      'filtering/case': 'open',
      'filtering/unfiltered-states': 'open',
      'partial-update/applied': 'stated',
      'partial-update/untouched': 'stated',
      'partial-update/repeated': 'stated',
      'deletion/kept-as-deleted': 'stated',
      'deletion/fields-intact': 'stated',
      'deletion/deleted-list': 'stated',
      'deletion/active-list': 'stated',
      'deletion/restored': 'stated',
      'deletion/restored-unchanged': 'stated',
      'deletion/restored-listed': 'stated',
      'deletion/delete-twice': 'open',
      'stateful/fresh-id': 'stated',
      'stateful/get-fields': 'stated',
      'stateful/get-visibility': 'stated',
      'stateful/list': 'stated',
      'stateful/restore-fields': 'stated',
      // A soft delete keeps the client: read, updated and listed by id like any other.
      'stateful/deleted-id': 'stated',
      'stateful/deleted-read': 'stated',
      'stateful/deleted-update': 'stated',
      'stateful/deleted-list': 'stated',
      'prerequisite/scope': 'stated',
      'self-description/handshake': 'meaning',
      'self-description/operations': 'stated',
      'self-description/schema-drift': 'stated',
      'self-description/schema-limits': 'open',
      'self-description/unknown-operation': 'meaning',
      'self-description/unknown-operation-code': 'open',
      'self-description/own-output-schema': 'meaning',
      transport: 'meaning',
      'well-formed-body': 'meaning',
      'duplicate-keys': 'open',
    };
    expect(Object.fromEntries(Object.keys(expected).map((rule) => [rule, gradeOf(rule)]))).toEqual(expected);
  });

  it('rests no pagination, filtering, partial-update, deletion or state semantics on open', () => {
    const choices = new Set([
      'filtering/case',
      'filtering/unfiltered-states',
      'pagination/order',
      'contract/empty-list-pages',
      'deletion/delete-twice',
    ]);
    const open = entries
      .filter((entry) => entry.grade === 'open')
      .flatMap((entry) => entry.rules as string[])
      .filter((rule) => /^(pagination|filtering|partial-update|deletion|stateful)\//.test(rule));
    expect(open.filter((rule) => !choices.has(rule))).toEqual([]);
  });

  it('records each rule with one grade', () => {
    const grades = new Map<string, Set<string>>();
    for (const entry of entries) for (const rule of entry.rules) grades.set(rule, (grades.get(rule) ?? new Set()).add(entry.grade));
    expect([...grades].filter(([, set]) => set.size > 1).map(([rule]) => rule)).toEqual([]);
  });
});

describe('the output schemas', () => {
  const examples = seedExamples(seed).filter((e) => e.kind === 'output');
  const clientExamples = [
    ...examples.filter((e) => e.tool === 'client_list').flatMap((e) => e.value.clients),
    ...examples.filter((e) => e.tool === 'client_single' || e.tool === 'client_create').map((e) => e.value),
  ];

  it('require exactly the keys every client example has (shown), and mark nothing open', () => {
    const everywhere = Object.keys(clientExamples[0]).filter((key) => clientExamples.every((client: Json) => key in client));
    const clientSchemas = [
      toolOf('client_list').outputSchema.properties.clients.items,
      ...['client_single', 'client_create', 'client_update'].map((name) => toolOf(name).outputSchema),
    ];
    for (const schema of clientSchemas) expect([...schema.required].sort()).toEqual([...everywhere].sort());
    expect(JSON.stringify(doc.tools.map((tool: Json) => tool.outputSchema))).not.toContain('x-clientele-open');
  });
});
