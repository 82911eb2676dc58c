/**
 * What a JSON Schema documents for coverage: the property paths of an answer (`client.billing.city`,
 * `clients[].id`) and a parameter's finite values and edges. Read once per spec, by the spec views.
 */
import type { DocumentedParameter } from '../engine/coverage.js';
import { flattenSchema, type RefResolver } from './arbitraries.js';
import type { JsonSchema } from './spec.js';

/** Deep enough for every documented answer; a recursive schema stops here. */
const MAX_DEPTH = 6;

/** The variants of a schema that may describe a value (`oneOf`/`anyOf` branches, nullable unions), flattened. */
function variants(schema: JsonSchema, resolve: RefResolver): JsonSchema[] {
  const flat = flattenSchema(schema, resolve);
  const branches = [...((flat.oneOf ?? []) as JsonSchema[]), ...((flat.anyOf ?? []) as JsonSchema[])];
  return branches.length > 0 ? branches.flatMap((branch) => variants(branch, resolve)) : [flat];
}

/**
 * Every property path a schema documents. `leaves`: only the paths that hold a value (not an object
 * with properties of its own), for request bodies whose parameters are their leaves.
 */
export function schemaPaths(schema: JsonSchema, resolve: RefResolver, leaves = false): string[] {
  const paths = new Set<string>();
  const walk = (node: JsonSchema, prefix: string, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    for (const variant of variants(node, resolve)) {
      const items = variant.items as JsonSchema | undefined;
      if (items && typeof items === 'object') walk(items, `${prefix}[]`, depth + 1);
      for (const [name, member] of Object.entries((variant.properties ?? {}) as Record<string, JsonSchema>)) {
        const path = prefix ? `${prefix}.${name}` : name;
        const branches = hasProperties(member, resolve, depth);
        if (!leaves || !branches) paths.add(path);
        walk(member, path, depth + 1);
      }
    }
  };
  walk(schema, '', 0);
  return [...paths];
}

/** Whether a value of this schema has properties of its own (an object, or a list of objects). */
function hasProperties(schema: JsonSchema, resolve: RefResolver, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  return variants(schema, resolve).some(
    (variant) =>
      variant.properties !== undefined ||
      (typeof variant.items === 'object' && hasProperties(variant.items as JsonSchema, resolve, depth + 1)),
  );
}

/** The schema node at a property path (`client.fname`), or undefined. */
export function schemaAt(schema: JsonSchema, path: string, resolve: RefResolver): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const part of path.split('.')) {
    const name = part.replace(/\[\]$/, '');
    node = variants(node, resolve)
      .map((variant) => (variant.properties as Record<string, JsonSchema> | undefined)?.[name])
      .find(Boolean);
    if (!node) return undefined;
    if (part.endsWith('[]'))
      node = variants(node, resolve)
        .map((variant) => variant.items as JsonSchema | undefined)
        .find(Boolean);
    if (!node) return undefined;
  }
  return node;
}

/** A parameter as coverage counts it: its finite values (enum, boolean) and its edges, read from its schema. */
export function documentedParameter(
  name: string,
  where: DocumentedParameter['in'],
  schema: JsonSchema | undefined,
  resolve: RefResolver,
): DocumentedParameter {
  const flat = schema ? variants(schema, resolve) : [];
  const values = new Set<string>();
  const bounds: { -readonly [K in keyof NonNullable<DocumentedParameter['bounds']>]?: number } = {};
  for (const variant of flat) {
    if (Array.isArray(variant.enum)) for (const value of variant.enum as unknown[]) if (value !== null) values.add(String(value));
    if (variant.type === 'boolean') ['true', 'false'].forEach((value) => values.add(value));
    for (const key of ['minimum', 'maximum', 'minLength', 'maxLength'] as const)
      if (typeof variant[key] === 'number') bounds[key] = variant[key] as number;
  }
  return {
    name,
    in: where,
    ...(values.size > 0 ? { values: [...values] } : {}),
    ...(Object.keys(bounds).length > 0 ? { bounds } : {}),
  };
}
