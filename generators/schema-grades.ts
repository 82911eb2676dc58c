/**
 * Grades a JSON Schema violation by the node it breaks: a node the spec marks `x-clientele-open` (what
 * it constrains is the implementer's choice: keys no example has, a timestamp's shape, a length limit)
 * makes a violation under it a warning; every other node is what the examples show, and fails. The walk
 * follows the value's path through the spec's own schema (annotations kept), across `$ref` and the
 * composition keywords, and keeps the nearest open node on the way.
 */
import type { OpenNode, SchemaLocation } from '../engine/checks/types.js';
import { OPEN_KEY, type JsonSchema } from './spec.js';

/** Resolves a `$ref` of the spec the schema comes from; undefined when it cannot. */
export type RefResolver = (ref: string) => JsonSchema | undefined;

const MAX_HOPS = 32;
const COMPOSITIONS = ['allOf', 'anyOf', 'oneOf'] as const;

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A node and every node it stands for: its `$ref` targets and its composition branches, each resolved. */
function expand(node: JsonSchema, resolve: RefResolver, out: JsonSchema[] = [], depth = 0): JsonSchema[] {
  if (depth > MAX_HOPS || out.includes(node)) return out;
  out.push(node);
  if (typeof node.$ref === 'string') {
    const target = resolve(node.$ref);
    if (target) expand(target, resolve, out, depth + 1);
  }
  for (const key of COMPOSITIONS) {
    const branches = node[key];
    if (Array.isArray(branches)) for (const branch of branches) if (isSchema(branch)) expand(branch, resolve, out, depth + 1);
  }
  return out;
}

function children(node: JsonSchema, segment: string): JsonSchema[] {
  const found: JsonSchema[] = [];
  const properties = node.properties;
  if (isSchema(properties) && isSchema(properties[segment])) found.push(properties[segment]);
  else if (isSchema(node.additionalProperties)) found.push(node.additionalProperties);
  if (/^\d+$/.test(segment)) {
    if (Array.isArray(node.prefixItems) && isSchema(node.prefixItems[Number(segment)])) found.push(node.prefixItems[Number(segment)]);
    else if (isSchema(node.items)) found.push(node.items);
  }
  return found;
}

function segmentsOf(location: SchemaLocation): string[] {
  const path = (location.instancePath ?? '')
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  return location.missingProperty === undefined ? path : [...path, location.missingProperty];
}

/** The nearest open node on the value's path (the value's own node included), or undefined. */
export function openAlong(root: JsonSchema, location: SchemaLocation, resolve: RefResolver, place: string): OpenNode | undefined {
  let nodes = expand(root, resolve);
  let nearest: OpenNode | undefined;
  const seen: string[] = [];
  const note = (level: readonly JsonSchema[]) => {
    const marked = level.find((node) => typeof node[OPEN_KEY] === 'string');
    if (marked) nearest = { why: marked[OPEN_KEY] as string, node: `${place}, at ${seen.length ? seen.join('.') : 'the body'}` };
  };
  note(nodes);
  for (const segment of segmentsOf(location)) {
    nodes = nodes.flatMap((node) => children(node, segment)).flatMap((node) => expand(node, resolve));
    if (nodes.length === 0) break;
    seen.push(segment);
    note(nodes);
  }
  return nearest;
}

/** Open only when every problem lies under an open node: one problem on a shown node makes the whole answer fail. */
export function openOfAll(
  locations: readonly SchemaLocation[],
  find: (location: SchemaLocation) => OpenNode | undefined,
): OpenNode | undefined {
  if (locations.length === 0) return undefined;
  let first: OpenNode | undefined;
  for (const location of locations) {
    const open = find(location);
    if (!open) return undefined;
    first ??= open;
  }
  return first;
}

/** Resolves `#/...` pointers inside one self-contained schema (an MCP tool's output schema). */
export function localRef(root: JsonSchema): RefResolver {
  return (ref) => {
    if (!ref.startsWith('#')) return undefined;
    let node: unknown = root;
    for (const part of ref.slice(1).split('/').filter(Boolean)) {
      if (!isSchema(node)) return undefined;
      node = node[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    return isSchema(node) ? node : undefined;
  };
}
