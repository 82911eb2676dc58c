/**
 * Schema drift: a tool's input schema as a server advertises it against the documented one, parameter
 * by parameter. Reported: a documented parameter gone (or renamed: one gone and one new of the same
 * type), a new required parameter, a parameter required on one side only, another type, a lost or
 * changed limit, another enum. An extra optional parameter is no drift: the documented calls still work.
 */
import type { JsonSchema } from './spec.js';

/** One way the operations a server advertises differ from the documented ones (MCP `tools/list` against the spec). */
export interface DriftRow {
  readonly operation: string;
  /** The parameter, or `-` for the operation itself. */
  readonly parameter: string;
  readonly kind:
    | 'operation missing'
    | 'parameter missing'
    | 'parameter added'
    | 'renamed'
    | 'required differs'
    | 'type differs'
    | 'limit lost'
    | 'limit differs'
    | 'enum differs';
  readonly documented: string;
  readonly advertised: string;
}

const LIMITS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern', 'format'] as const;

type Props = Record<string, JsonSchema>;

/** The JSON types a schema allows; `integer` counts as `number`, since the seed's tables say `number` for ids and pages. */
function typesOf(schema: JsonSchema | undefined): string {
  const raw = schema?.type;
  const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((t) => (t === 'integer' ? 'number' : String(t)));
  return [...new Set(list)].sort().join('|') || 'any';
}

const show = (value: unknown): string => (value === undefined ? '(none)' : JSON.stringify(value));

export function inputDrift(operation: string, documented: JsonSchema, advertised: JsonSchema): DriftRow[] {
  const rows: DriftRow[] = [];
  const docProps = (documented.properties ?? {}) as Props;
  const advProps = (advertised.properties ?? {}) as Props;
  const docRequired = new Set((documented.required ?? []) as string[]);
  const advRequired = new Set((advertised.required ?? []) as string[]);
  const gone = Object.keys(docProps).filter((name) => !(name in advProps));
  const added = Object.keys(advProps).filter((name) => !(name in docProps));
  for (const name of gone) {
    const twin = added.find(
      (other) => typesOf(advProps[other]) === typesOf(docProps[name]) && advRequired.has(other) === docRequired.has(name),
    );
    if (twin !== undefined && gone.length === 1 && added.length === 1) {
      rows.push({ operation, parameter: name, kind: 'renamed', documented: name, advertised: twin });
      added.splice(added.indexOf(twin), 1);
    } else
      rows.push({
        operation,
        parameter: name,
        kind: 'parameter missing',
        documented: `${typesOf(docProps[name])}${docRequired.has(name) ? ', required' : ''}`,
        advertised: '(absent)',
      });
  }
  for (const name of added.filter((n) => advRequired.has(n)))
    rows.push({
      operation,
      parameter: name,
      kind: 'parameter added',
      documented: '(absent)',
      advertised: `${typesOf(advProps[name])}, required`,
    });
  for (const name of Object.keys(docProps).filter((n) => n in advProps)) {
    const doc = docProps[name]!;
    const adv = advProps[name]!;
    if (docRequired.has(name) !== advRequired.has(name))
      rows.push({
        operation,
        parameter: name,
        kind: 'required differs',
        documented: docRequired.has(name) ? 'required' : 'optional',
        advertised: advRequired.has(name) ? 'required' : 'optional',
      });
    if (typesOf(doc) !== typesOf(adv) && typesOf(adv) !== 'any')
      rows.push({ operation, parameter: name, kind: 'type differs', documented: typesOf(doc), advertised: typesOf(adv) });
    for (const limit of LIMITS) {
      if (doc[limit] === undefined || JSON.stringify(doc[limit]) === JSON.stringify(adv[limit])) continue;
      rows.push({
        operation,
        parameter: name,
        kind: adv[limit] === undefined ? 'limit lost' : 'limit differs',
        documented: `${limit} ${show(doc[limit])}`,
        advertised: adv[limit] === undefined ? '(none)' : `${limit} ${show(adv[limit])}`,
      });
    }
    if (
      Array.isArray(doc.enum) &&
      JSON.stringify([...doc.enum].sort()) !== JSON.stringify(Array.isArray(adv.enum) ? [...adv.enum].sort() : adv.enum)
    ) {
      rows.push({ operation, parameter: name, kind: 'enum differs', documented: show(doc.enum), advertised: show(adv.enum) });
    }
  }
  return rows;
}
