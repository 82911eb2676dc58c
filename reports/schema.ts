/**
 * The report's JSON Schema as published: `report.schema.json` with what is derived filled in (the
 * family names, from `FAMILIES`), so no list of families is written twice. `npm run generate` writes
 * it to `generated/schemas/report.schema.json`.
 */
import { FAMILIES } from '../engine/families.js';
import template from './report.schema.json' with { type: 'json' };

type SchemaNode = Record<string, unknown>;

export function reportSchema(): SchemaNode {
  const schema = structuredClone(template) as SchemaNode & { $defs: Record<string, SchemaNode> };
  const family = schema.$defs.family!;
  delete family.$comment;
  family.enum = [...FAMILIES];
  return schema;
}
