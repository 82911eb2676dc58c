/**
 * The report's JSON Schema as published: `report.schema.json` with what is derived filled in (the
 * family names, from `FAMILIES`), so no list of families is written twice. `npm run generate` writes
 * it to `generated/schemas/report.schema.json`.
 */
import { FAMILIES } from '../engine/families.js';
import { FACET_KINDS } from '../engine/coverage.js';
import template from './report.schema.json' with { type: 'json' };

type SchemaNode = Record<string, unknown>;

export function reportSchema(): SchemaNode {
  const schema = structuredClone(template) as SchemaNode & { $defs: Record<string, SchemaNode> };
  const family = schema.$defs.family!;
  delete family.$comment;
  family.enum = [...FAMILIES];
  const facets = schema.$defs.coverage!.properties as Record<string, { items: { properties: Record<string, SchemaNode> } }>;
  const kind = facets.facets!.items.properties.kind!;
  delete kind.$comment;
  kind.enum = [...FACET_KINDS];
  return schema;
}
