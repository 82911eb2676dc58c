/**
 * Reads the machine-readable OpenAPI specs (one per API, in `apis/<id>/`) and indexes them. The specs are the single source of
 * truth: validators (`validators.ts`) and arbitraries (`arbitraries.ts`) are both derived from here.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { GRADES, type BasisEntry, type Grade } from '../engine/basis.js';
import { ConfigError } from '../engine/failures.js';
import { PROJECT_ROOT } from '../engine/root.js';

export { PROJECT_ROOT };

/** Where an API's spec lives: the API id (it names bundles and generated code) and the file, relative to the project root. */
export interface SpecSource {
  readonly api: string;
  readonly path: string;
}

export type JsonSchema = Record<string, unknown>;

export interface ResponseInfo {
  readonly status: string;
  readonly mediaType?: string;
  readonly schema?: JsonSchema;
  /** The schema as the spec writes it, annotations kept and `$ref`s into the document (see `specRefResolver`). */
  readonly annotated?: JsonSchema;
}

export interface OperationInfo {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly requestSchema?: JsonSchema;
  /** The request body's documented media types. */
  readonly requestTypes: readonly string[];
  /** Path, query and header parameters, references resolved (the path item's and the operation's). */
  readonly parameters: readonly ParameterInfo[];
  /**
   * Statuses the documents allow in place of each other (`x-clientele-alternatives`: a create's 200 or
   * 201): one of a group is all a server needs to answer. The first of each group stands for it.
   */
  readonly alternatives: readonly (readonly string[])[];
  readonly responses: ReadonlyMap<string, ResponseInfo>;
}

export interface ParameterInfo {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly schema?: JsonSchema;
}

interface OpenApiDoc {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, unknown>>;
  readonly components?: { schemas?: Record<string, JsonSchema>; responses?: Record<string, unknown> };
  readonly [key: string]: unknown;
}

const cache = new Map<string, OpenApiDoc>();

export function specPath(source: SpecSource): string {
  return join(PROJECT_ROOT, source.path);
}

/**
 * The document parsed once by `npm run generate`, as JSON: parsing the YAML costs every process that
 * starts a run about a tenth of a second per thread. Used only while it was made from the spec as it is.
 */
export function parsedSpecPath(api: string): string {
  return join(PROJECT_ROOT, 'generated', api, 'spec.json');
}

interface ParsedSpec {
  readonly sha256: string;
  readonly document: unknown;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The YAML parser, loaded when a spec is parsed from its text: a run reads the JSON `npm run generate`
 * wrote, and loading the parser cost every thread that starts a run about 12 ms.
 */
function parseYaml(text: string): unknown {
  const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return parse(text);
}

function parsedOnce(source: SpecSource, text: string): unknown {
  const file = parsedSpecPath(source.api);
  if (existsSync(file)) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as ParsedSpec;
    if (parsed.sha256 === sha256(text)) return parsed.document;
  }
  return parseYaml(text);
}

/** Writes the parsed document for `parsedOnce` (`npm run generate`). */
export function writeParsedSpec(source: SpecSource): string {
  const text = readFileSync(specPath(source), 'utf8');
  const file = parsedSpecPath(source.api);
  writeFileSync(file, JSON.stringify({ sha256: sha256(text), document: parseYaml(text) }));
  return file;
}

function loadOpenApi(source: SpecSource): OpenApiDoc {
  const file = specPath(source);
  let doc = cache.get(file);
  if (!doc) {
    try {
      doc = parsedOnce(source, readFileSync(file, 'utf8')) as OpenApiDoc;
    } catch (error) {
      throw new ConfigError(`spec ${source.path} cannot be read: ${(error as Error).message.split('\n')[0]}`);
    }
    if (!doc || typeof doc !== 'object' || typeof doc.openapi !== 'string' || !doc.paths) {
      throw new ConfigError(`spec ${source.path} is not an OpenAPI document`);
    }
    cache.set(file, doc);
  }
  return doc;
}

/** Where component schemas live once the document is turned into one JSON Schema bundle. */
export function bundleId(api: string): string {
  return `https://clientele.dev/specs/${api}.json`;
}

/** Rewrites `#/components/schemas/X` to point into the bundle, so each schema compiles on its own. */
function rebase(node: unknown, api: string): unknown {
  if (Array.isArray(node)) return node.map((item) => rebase(item, api));
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')) {
      out[key] = `${bundleId(api)}#/$defs/${value.slice('#/components/schemas/'.length)}`;
    } else if (key.startsWith('x-') || key === 'example' || key === 'examples') {
      continue; // annotations for humans; ajv's strict mode would reject them
    } else {
      out[key] = rebase(value, api);
    }
  }
  return out;
}

function deref(doc: OpenApiDoc, node: unknown): Record<string, unknown> {
  let current = node as Record<string, unknown>;
  for (let hops = 0; current && typeof current.$ref === 'string' && hops < 16; hops++) {
    const pointer = (current.$ref as string).replace(/^#\//, '').split('/');
    let target: unknown = doc;
    for (const part of pointer) target = (target as Record<string, unknown>)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (!target) throw new ConfigError(`spec: unresolved reference ${current.$ref as string}`);
    current = target as Record<string, unknown>;
  }
  return current;
}

/** Resolves a `$ref` of the spec's own document (`#/components/schemas/X`), annotations kept; undefined when it cannot. */
export function specRefResolver(source: SpecSource): (ref: string) => JsonSchema | undefined {
  const doc = loadOpenApi(source);
  return (ref) => {
    try {
      return ref.startsWith('#/') ? deref(doc, { $ref: ref }) : undefined;
    } catch {
      return undefined;
    }
  };
}

function jsonContent(content: unknown): { mediaType?: string; schema?: JsonSchema } {
  if (!content || typeof content !== 'object') return {};
  const entries = Object.entries(content as Record<string, { schema?: JsonSchema }>);
  const [mediaType, media] = entries.find(([type]) => type.includes('json')) ?? entries[0] ?? [];
  return { mediaType, schema: media?.schema };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

const indexes = new Map<string, ReadonlyMap<string, OperationInfo>>();

/**
 * The spec's operations, read once per spec (every check's adapter asks for them): shared, so never
 * changed by a reader.
 */
export function indexOperations(source: SpecSource): ReadonlyMap<string, OperationInfo> {
  const key = `${source.api} ${specPath(source)}`;
  let index = indexes.get(key);
  if (!index) {
    index = readOperations(source);
    indexes.set(key, index);
  }
  return index;
}

function readOperations(source: SpecSource): ReadonlyMap<string, OperationInfo> {
  const { api } = source;
  const doc = loadOpenApi(source);
  const operations = new Map<string, OperationInfo>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method] as Record<string, unknown> | undefined;
      if (!op) continue;
      const operationId = op.operationId as string;
      if (!operationId) throw new ConfigError(`spec: ${method.toUpperCase()} ${path} has no operationId`);
      const responses = new Map<string, ResponseInfo>();
      for (const [status, response] of Object.entries((op.responses ?? {}) as Record<string, unknown>)) {
        const { mediaType, schema } = jsonContent(deref(doc, response).content);
        responses.set(status, { status, mediaType, schema: schema && (rebase(schema, api) as JsonSchema), annotated: schema });
      }
      const requestBody = op.requestBody ? deref(doc, op.requestBody) : undefined;
      const body = requestBody ? jsonContent(requestBody.content).schema : undefined;
      const parameters = [...((item.parameters ?? []) as unknown[]), ...((op.parameters ?? []) as unknown[])].map((node) => {
        const parameter = deref(doc, node) as { name: string; in: ParameterInfo['in']; schema?: JsonSchema };
        return { name: parameter.name, in: parameter.in, schema: parameter.schema && (rebase(parameter.schema, api) as JsonSchema) };
      });
      operations.set(operationId, {
        operationId,
        method: method.toUpperCase(),
        path,
        requestSchema: body && (rebase(body, api) as JsonSchema),
        requestTypes: Object.keys((requestBody?.content ?? {}) as object).map((type) => type.toLowerCase()),
        parameters,
        alternatives: ((op['x-clientele-alternatives'] ?? []) as string[][]).map((group) => group.map(String)),
        responses,
      });
    }
  }
  return operations;
}

/** The component schemas as one JSON Schema 2020-12 document. */
const bundles = new Map<string, JsonSchema>();
export function schemaBundle(source: SpecSource): JsonSchema {
  const { api } = source;
  const cached = bundles.get(api);
  if (cached) return cached;
  const doc = loadOpenApi(source);
  const bundle: JsonSchema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: bundleId(api),
    $defs: rebase(doc.components?.schemas ?? {}, api),
  };
  bundles.set(api, bundle);
  return bundle;
}

/** Resolves a bundle-relative `$ref` (as produced by rebase) to its schema, for the arbitrary builders. */
export function resolveBundleRef(source: SpecSource, ref: string): JsonSchema {
  const prefix = `${bundleId(source.api)}#/$defs/`;
  if (!ref.startsWith(prefix)) throw new ConfigError(`spec: cannot resolve ${ref}`);
  const defs = (schemaBundle(source).$defs ?? {}) as Record<string, JsonSchema>;
  const found = defs[ref.slice(prefix.length)];
  if (!found) throw new ConfigError(`spec: unresolved reference ${ref}`);
  return found;
}

// --- the basis table --------------------------------------------------------------------------------

/** The one list of basis entries a spec carries, at its root and beside each operation or tool. */
const BASIS_KEY = 'x-clientele-basis';
/** On a schema node: the spec leaves what the node constrains open, with why; a violation under it only warns. */
export const OPEN_KEY = 'x-clientele-open';
const RULE_ID = /^[a-z0-9-]+(?:\/[a-z0-9-]+)*$/;

/** One line of text, as a quote is compared: runs of white space are one space. */
export function oneLineText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A rule list from a spec (YAML list, or the XSD's space-separated attribute), checked for form. */
function ruleIds(value: unknown, where: string): string[] {
  const rules = typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : value;
  if (!Array.isArray(rules) || rules.length === 0) throw new ConfigError(`${where}: rules must name at least one rule id`);
  for (const rule of rules) {
    if (typeof rule !== 'string' || !RULE_ID.test(rule)) throw new ConfigError(`${where}: ${JSON.stringify(rule)} is not a rule id`);
  }
  return rules as string[];
}

/** The fields of one basis entry as a spec writes them (YAML keys, JSON members or XML attributes and text). */
export interface WrittenEntry {
  readonly grade?: unknown;
  readonly says?: unknown;
  readonly source?: unknown;
  readonly convention?: unknown;
  readonly rules?: unknown;
}

function optionalText(value: unknown, name: string, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || oneLineText(value) === '') throw new ConfigError(`${where}: ${name} must be a non-empty text`);
  return oneLineText(value);
}

/**
 * One basis entry, checked: a known grade; `says` always; a `source` for every binding grade (an open
 * entry stands in the spec itself, at `place`); a `convention` for `meaning`.
 */
export function basisEntry(written: WrittenEntry, where: string, place: string, operation: string | undefined): BasisEntry {
  const { grade } = written;
  if (typeof grade !== 'string' || !(GRADES as readonly string[]).includes(grade))
    throw new ConfigError(`${where}: grade must be one of ${GRADES.join(', ')}`);
  const says = optionalText(written.says, 'says', where);
  if (says === undefined) throw new ConfigError(`${where}: says must be a non-empty text`);
  const source = optionalText(written.source, 'source', where);
  if (grade !== 'open' && source === undefined) throw new ConfigError(`${where}: a ${grade} entry must name its source`);
  const convention = optionalText(written.convention, 'convention', where);
  if (grade === 'meaning' && convention === undefined) throw new ConfigError(`${where}: a meaning entry must name its convention`);
  return {
    grade: grade as Grade,
    says,
    source: source ?? place,
    ...(convention ? { convention } : {}),
    rules: ruleIds(written.rules, where),
    ...(operation === undefined ? {} : { operation }),
  };
}

/**
 * Where an open entry stands when it names no source: the documents are silent, so it cites the
 * operation it concerns, never a file of this repository (a user of the package does not have it).
 */
export function openPlace(operation: string | undefined): string {
  return `left open by the documents (${operation ?? 'the API as a whole'})`;
}

/** The basis entries recorded at one place of a spec (its root, or an operation or tool with this name). */
export function entriesAt(node: Record<string, unknown>, source: SpecSource, operation: string | undefined): BasisEntry[] {
  const place = operation ?? 'document';
  const list = node[BASIS_KEY];
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new ConfigError(`spec ${source.path}: ${BASIS_KEY} of ${place} must be a list`);
  return list.map((item: unknown, index) => {
    const where = `spec ${source.path}: ${BASIS_KEY}[${index}] of ${place}`;
    if (!item || typeof item !== 'object') throw new ConfigError(`${where} must be a mapping with grade, says and rules`);
    return basisEntry(item as WrittenEntry, where, openPlace(operation), operation);
  });
}

/**
 * What each rule rests on, as the spec records it in `x-clientele-basis`, at the document root and on
 * each operation (those entries carry its operationId), in the document's order.
 */
export function basisEntries(source: SpecSource): BasisEntry[] {
  const doc = loadOpenApi(source);
  const entries = entriesAt(doc, source, undefined);
  for (const item of Object.values(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method] as Record<string, unknown> | undefined;
      if (op) entries.push(...entriesAt(op, source, op.operationId as string));
    }
  }
  return entries;
}
