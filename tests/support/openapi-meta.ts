/** The OpenAPI 3.1 meta-schema as the spec tests hand it to ajv. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../generators/spec.js';

type Json = any;

const META_SCHEMA_FILE = join(PROJECT_ROOT, 'node_modules', '@apidevtools', 'openapi-schemas', 'schemas', 'v3.1', 'schema.json');

/**
 * The OpenAPI 3.1 meta-schema, made digestible for ajv.
 *
 * It types every Schema Object as `{"$dynamicRef": "#meta"}`, aimed at `$defs/schema`, the one place that
 * declares `"$dynamicAnchor": "meta"`. ajv only honours a `$dynamicAnchor` at the root of a schema
 * resource; this one is nested, and ajv then resolves the references to the wrong schema (it rejects
 * even `{"name": "a", "in": "path", "required": true, "schema": {"type": "string"}}`). With this
 * document as the entry point, JSON Schema 2020-12 resolves such a `$dynamicRef` to the outermost
 * resource of the dynamic scope that declares the anchor, which is this same document, i.e. to
 * `$defs/schema`: a plain `$ref: "#/$defs/schema"` means exactly the same, and ajv gets it right.
 * (The dynamic part only matters when `schema-base.json` extends this document.)
 */
export function openApiMetaSchema(): { schema: Json; rewritten: number } {
  const original = JSON.parse(readFileSync(META_SCHEMA_FILE, 'utf8'));
  const anchors: string[] = [];
  let rewritten = 0;
  const visit = (node: Json, path: string): Json => {
    if (Array.isArray(node)) return node.map((item, index) => visit(item, `${path}/${index}`));
    if (!node || typeof node !== 'object') return node;
    const out: Json = {};
    for (const [key, value] of Object.entries<Json>(node)) {
      if (key === '$dynamicAnchor') {
        anchors.push(`${path}#${String(value)}`);
      } else if (key === '$dynamicRef') {
        if (value !== '#meta') throw new Error(`unexpected $dynamicRef ${String(value)} at ${path}`);
        out.$ref = '#/$defs/schema';
        rewritten++;
      } else {
        out[key] = visit(value, `${path}/${key}`);
      }
    }
    return out;
  };
  const schema = visit(original, '');
  // The rewrite is only sound while `$defs/schema` is the sole `meta` anchor.
  if (anchors.join() !== '/$defs/schema#meta') throw new Error(`unexpected $dynamicAnchor set: ${anchors.join(', ')}`);
  return { schema, rewritten };
}
