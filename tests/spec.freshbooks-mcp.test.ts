/**
 * The FreshBooks MCP tool definitions (`apis/freshbooks-mcp/tools.json`) against seed 002: every input
 * and output example of the seed validates against the tool's schemas, with ajv for draft 2020-12 (the
 * MCP default dialect) and for draft-07 (what the SDK's client compiles an outputSchema with); a few
 * invalid arguments and answers are refused; the basis table quotes the seed and grounds every rule.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Ajv, type ValidateFunction } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';

type Json = any;

const addFormats = createRequire(import.meta.url)('ajv-formats') as typeof import('ajv-formats').default;

const TOOLS_FILE = new URL('../apis/freshbooks-mcp/tools.json', import.meta.url);
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

describe('the basis table', () => {
  const promises: Json[] = doc['x-clientele-promises'];
  const assumptions: Json[] = doc['x-clientele-assumptions'];
  const recorded = new Set([...promises, ...assumptions].flatMap((entry) => entry.rules as string[]));
  const collapse = (text: string): string => text.replace(/\s+/g, ' ');

  it('gives every entry a text and rules, and every promise its source in seed 002 or shared/README.md', () => {
    for (const entry of [...promises, ...assumptions]) {
      expect(entry.says.length).toBeGreaterThan(10);
      expect(entry.rules.length).toBeGreaterThan(0);
      expect(entry.source.length).toBeGreaterThan(5);
    }
    for (const promise of promises) expect(promise.source).toMatch(/^(seed 002|shared\/README\.md)/);
    expect(doc.errorPlacement['x-clientele-assumption']).toMatch(/isError/);
  });

  it('quotes the seed verbatim in every promise', () => {
    const readme = collapse(readFileSync(SHARED_README, 'utf8'));
    const text = collapse(seed);
    for (const promise of promises) {
      const source = promise.source.startsWith('shared/README.md') ? readme : text;
      // A promise may join several quotes (" / ", " ... ") and end with a note in parentheses.
      const quoted = promise.says.split(/ \((?:example|and|each|the)\b/)[0];
      for (const fragment of quoted.split(/ \/ | \.\.\. /)) {
        const parts = fragment.startsWith('## ') ? fragment.split(', ') : [fragment];
        for (const part of parts) expect(source.includes(collapse(part.trim())), `${promise.source}: ${part}`).toBe(true);
      }
    }
  });

  it('grounds every rule the error tables name, and the rule ids shared with the other APIs', () => {
    for (const tool of doc.tools) for (const error of tool['x-clientele-errors']) expect(recorded, error.rule).toContain(error.rule);
    const expected = [
      'success',
      'envelope',
      'errors/unknown-id',
      'errors/invalid-body',
      'errors/unauthorized',
      'pagination/pages',
      'pagination/total',
      'filtering/only-matches',
      'filtering/all-matches',
      'filtering/case',
      'partial-update/untouched',
      'deletion/kept-as-deleted',
      'deletion/restored',
      'self-description/handshake',
      'self-description/operations',
      'self-description/schema-drift',
      'mcp/invalid-arguments',
      'self-description/unknown-operation',
      'mcp/output-schema',
      'errors/invalid-visstate',
      'errors/per-page-above-max',
      'errors/missing-name',
      'errors/invalid-email',
      'errors/invalid-client-id',
    ];
    for (const rule of expected) expect(recorded, rule).toContain(rule);
  });

  it('records each rule as a promise or as an assumption, never both', () => {
    const promised = new Set(promises.flatMap((entry) => entry.rules as string[]));
    const both = assumptions.flatMap((entry) => entry.rules as string[]).filter((rule) => promised.has(rule));
    expect(both).toEqual([]);
  });
});
