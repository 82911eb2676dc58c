/**
 * Reads an MCP API's spec (`specs/<id>/tools.json`: the documented tools as MCP tool definitions, with
 * their documented error codes and the basis table) and compiles every input and output schema into
 * validators, the same two ways as an OpenAPI spec: in memory, or from the standalone module
 * `npm run generate` writes.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { BasisEntry } from '../engine/basis.js';
import { ConfigError } from '../engine/failures.js';
import { entriesAt, specPath, type JsonSchema, type SpecSource } from './spec.js';
import { writeStandalone } from './compile-validators.js';
import { exportName, loadStandalone, type ValidatorSet } from './validators.js';

const addFormats = createRequire(import.meta.url)('ajv-formats') as typeof import('ajv-formats').default;

/** One documented error of a tool: its JSON-RPC code, the condition the docs give, and the rule it grounds. */
interface ToolError {
  readonly code: number;
  readonly condition: string;
  readonly rule?: string;
  /** Why no call a client makes can bring this error (the spec's `x-clientele-unreached`); absent when one can. */
  readonly 'x-clientele-unreached'?: string;
}

export interface ToolSpec {
  readonly name: string;
  readonly description?: string;
  readonly inputSchema: JsonSchema;
  readonly outputSchema?: JsonSchema;
  readonly errors: readonly ToolError[];
  readonly raw: Record<string, unknown>;
}

export interface McpToolsDoc {
  readonly tools: readonly ToolSpec[];
  readonly root: Record<string, unknown>;
}

const cache = new Map<string, McpToolsDoc>();

export function loadMcpTools(source: SpecSource): McpToolsDoc {
  const file = specPath(source);
  let doc = cache.get(file);
  if (doc) return doc;
  let root: Record<string, unknown>;
  try {
    root = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`spec ${source.path} cannot be read: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!root || !Array.isArray(root.tools)) throw new ConfigError(`spec ${source.path} has no tools list`);
  const tools = (root.tools as Record<string, unknown>[]).map((tool, index) => {
    if (typeof tool.name !== 'string' || !tool.inputSchema || typeof tool.inputSchema !== 'object') {
      throw new ConfigError(`spec ${source.path}: tools[${index}] needs a name and an inputSchema`);
    }
    const errors = (tool['x-clientele-errors'] ?? []) as ToolError[];
    if (!Array.isArray(errors) || errors.some((e) => typeof e?.code !== 'number'))
      throw new ConfigError(`spec ${source.path}: x-clientele-errors of ${tool.name} must list {code, condition}`);
    return {
      name: tool.name,
      description: typeof tool.description === 'string' ? tool.description : undefined,
      inputSchema: tool.inputSchema as JsonSchema,
      outputSchema: tool.outputSchema as JsonSchema | undefined,
      errors,
      raw: tool,
    };
  });
  doc = { tools, root };
  cache.set(file, doc);
  return doc;
}

/** The documented tool, or undefined. */
export function toolOf(source: SpecSource, name: string): ToolSpec | undefined {
  return loadMcpTools(source).tools.find((tool) => tool.name === name);
}

/** The basis table: the document's own entries, then each tool's, in order. */
export function mcpBasisEntries(source: SpecSource): BasisEntry[] {
  const { root, tools } = loadMcpTools(source);
  const entries = entriesAt(root, source, undefined);
  for (const tool of tools) entries.push(...entriesAt(tool.raw, source, tool.name));
  return entries;
}

const inputKey = (tool: string): string => `input:${tool}`;
export const outputKey = (tool: string): string => `output:${tool}`;

/** Drops what is there for people (`x-` annotations, examples): ajv's strict mode refuses unknown keywords. */
function plain(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(plain);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => !key.startsWith('x-') && key !== 'examples')
      .map(([key, value]) => [key, plain(value)]),
  );
}

function schemasOf(source: SpecSource): Map<string, JsonSchema> {
  const schemas = new Map<string, JsonSchema>();
  for (const tool of loadMcpTools(source).tools) {
    schemas.set(inputKey(tool.name), plain(tool.inputSchema) as JsonSchema);
    if (tool.outputSchema) schemas.set(outputKey(tool.name), plain(tool.outputSchema) as JsonSchema);
  }
  return schemas;
}

function compile(source: SpecSource, forStandalone: boolean) {
  const ajv = new Ajv2020({ strict: true, allErrors: true, code: forStandalone ? { source: true, esm: true } : undefined });
  addFormats(ajv);
  const ids: Record<string, string> = {};
  for (const [key, schema] of schemasOf(source)) {
    const { $schema: _dialect, ...rest } = schema;
    ajv.addSchema({ ...rest, $id: `https://clientele.dev/specs/${source.api}/${exportName(key)}.json` }, key);
    ids[exportName(key)] = key;
  }
  return { ajv, ids };
}

/** `npm run generate`: the standalone validators of every tool schema. */
export function generateMcpValidators(source: SpecSource): string {
  let compiled;
  try {
    compiled = compile(source, true);
  } catch (error) {
    throw new ConfigError(`spec ${source.path} does not compile: ${(error as Error).message.split('\n')[0]}`);
  }
  return writeStandalone(source, compiled.ajv, compiled.ids);
}

export function standaloneMcpValidators(source: SpecSource): Promise<ValidatorSet> {
  return loadStandalone(source.api, () => schemasOf(source).keys());
}
