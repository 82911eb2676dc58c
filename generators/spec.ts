/**
 * Reads the machine-readable specs in `specs/` and indexes them. The specs are the single source of
 * truth: validators (`validators.ts`) and arbitraries (`arbitraries.ts`) are both derived from here.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ConfigError } from '../engine/failures.js';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The JSON-over-HTTP APIs described by OpenAPI documents. */
export const OPENAPI_SPECS = {
  freshbooks: 'specs/freshbooks/openapi.yaml',
} as const;
export type OpenApiName = keyof typeof OPENAPI_SPECS;

export type JsonSchema = Record<string, unknown>;

export interface ResponseInfo {
  readonly status: string;
  readonly mediaType?: string;
  readonly schema?: JsonSchema;
}

export interface OperationInfo {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly requestSchema?: JsonSchema;
  readonly responses: ReadonlyMap<string, ResponseInfo>;
}

export interface OpenApiDoc {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, unknown>>;
  readonly components?: { schemas?: Record<string, JsonSchema>; responses?: Record<string, unknown> };
  readonly [key: string]: unknown;
}

const cache = new Map<string, OpenApiDoc>();

export function specPath(api: OpenApiName): string {
  return join(PROJECT_ROOT, OPENAPI_SPECS[api]);
}

export function loadOpenApi(api: OpenApiName): OpenApiDoc {
  const file = specPath(api);
  let doc = cache.get(file);
  if (!doc) {
    try {
      doc = parse(readFileSync(file, 'utf8')) as OpenApiDoc;
    } catch (error) {
      throw new ConfigError(`spec ${OPENAPI_SPECS[api]} cannot be read: ${(error as Error).message.split('\n')[0]}`);
    }
    if (!doc || typeof doc !== 'object' || typeof doc.openapi !== 'string' || !doc.paths) {
      throw new ConfigError(`spec ${OPENAPI_SPECS[api]} is not an OpenAPI document`);
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

function jsonContent(content: unknown): { mediaType?: string; schema?: JsonSchema } {
  if (!content || typeof content !== 'object') return {};
  const entries = Object.entries(content as Record<string, { schema?: JsonSchema }>);
  const [mediaType, media] = entries.find(([type]) => type.includes('json')) ?? entries[0] ?? [];
  return { mediaType, schema: media?.schema };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

export function indexOperations(api: OpenApiName): ReadonlyMap<string, OperationInfo> {
  const doc = loadOpenApi(api);
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
        responses.set(status, { status, mediaType, schema: schema && (rebase(schema, api) as JsonSchema) });
      }
      const body = op.requestBody ? jsonContent(deref(doc, op.requestBody).content).schema : undefined;
      operations.set(operationId, {
        operationId,
        method: method.toUpperCase(),
        path,
        requestSchema: body && (rebase(body, api) as JsonSchema),
        responses,
      });
    }
  }
  return operations;
}

/** The component schemas as one JSON Schema 2020-12 document. */
const bundles = new Map<string, JsonSchema>();
export function schemaBundle(api: OpenApiName): JsonSchema {
  const cached = bundles.get(api);
  if (cached) return cached;
  const doc = loadOpenApi(api);
  const bundle: JsonSchema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: bundleId(api),
    $defs: rebase(doc.components?.schemas ?? {}, api),
  };
  bundles.set(api, bundle);
  return bundle;
}

/** Resolves a bundle-relative `$ref` (as produced by rebase) to its schema, for the arbitrary builders. */
export function resolveBundleRef(api: OpenApiName, ref: string): JsonSchema {
  const prefix = `${bundleId(api)}#/$defs/`;
  if (!ref.startsWith(prefix)) throw new ConfigError(`spec: cannot resolve ${ref}`);
  const defs = (schemaBundle(api).$defs ?? {}) as Record<string, JsonSchema>;
  const found = defs[ref.slice(prefix.length)];
  if (!found) throw new ConfigError(`spec: unresolved reference ${ref}`);
  return found;
}
