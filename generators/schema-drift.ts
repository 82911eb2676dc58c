/**
 * Schema drift: a tool's input schema as a server advertises it against the documented one, parameter
 * by parameter, judged only on what the documents' Input Schema tables state. A contradiction of a
 * table (a documented parameter gone or renamed, a new required parameter, a parameter the table makes
 * optional advertised as required, a type that leaves out the table's, a stated limit, default or value
 * set advertised with another value) is drift that fails. What a table states but the advertised schema
 * merely leaves out (a limit, a default, a value set, a requirement, a type) contradicts nothing: a
 * server may enforce it in code, where the documented-errors check judges it by calling the tool; such a
 * row is `open`, at most a warning. An extra optional parameter is no drift: the documented calls still
 * work.
 *
 * Which keywords of a documented parameter the table states: every keyword of its schema node but those
 * the spec lists under `x-clientele-elsewhere` (keyword to the place it comes from: an Errors table, the
 * Notes, or a choice of the spec), which drift never compares. `type` is compared with `integer` read as
 * `number`: the tables type ids, page, perPage and visState `number`, so a server may advertise either.
 */
import type { JsonSchema } from './spec.js';

/** On a documented input parameter: the keywords its Input Schema table does not state, each with where it comes from. */
export const ELSEWHERE_KEY = 'x-clientele-elsewhere';

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
    | 'type widened'
    | 'type lost'
    | 'limit lost'
    | 'limit differs'
    | 'default lost'
    | 'default differs'
    | 'enum lost'
    | 'enum differs';
  readonly documented: string;
  readonly advertised: string;
  /**
   * True when the advertised schema contradicts what the table states (a failure); false when it only
   * leaves out something the table states, which a server may enforce in code (open: a warning at most).
   */
  readonly contradicts: boolean;
}

const LIMITS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern', 'format'] as const;

type Props = Record<string, JsonSchema>;

/** The JSON types a schema allows, `integer` read as `number` (the tables say `number` for ids and pages). */
function typeSet(schema: JsonSchema | undefined): Set<string> {
  const raw = schema?.type;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return new Set(list.map((t) => (t === 'integer' ? 'number' : String(t))));
}

function typesOf(schema: JsonSchema | undefined): string {
  return [...typeSet(schema)].sort().join('|') || 'any';
}

const show = (value: unknown): string => (value === undefined ? '(none)' : JSON.stringify(value));

/** The keywords of a documented parameter its table states: the node less what `x-clientele-elsewhere` lists. */
export function tableStated(parameter: JsonSchema): JsonSchema {
  const elsewhere = parameter[ELSEWHERE_KEY];
  const beyond = elsewhere && typeof elsewhere === 'object' && !Array.isArray(elsewhere) ? Object.keys(elsewhere) : [];
  // The type stays: an `integer` from elsewhere narrows the table's `number`, and the two compare alike.
  return Object.fromEntries(Object.entries(parameter).filter(([key]) => key === 'type' || !beyond.includes(key)));
}

const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const sortedSet = (values: readonly unknown[]): string => JSON.stringify(values.map((v) => JSON.stringify(v)).sort());

export function inputDrift(operation: string, documented: JsonSchema, advertised: JsonSchema): DriftRow[] {
  const rows: DriftRow[] = [];
  const row = (parameter: string, kind: DriftRow['kind'], doc: string, adv: string, contradicts: boolean) =>
    rows.push({ operation, parameter, kind, documented: doc, advertised: adv, contradicts });
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
      row(name, 'renamed', name, twin, true);
      added.splice(added.indexOf(twin), 1);
    } else row(name, 'parameter missing', `${typesOf(docProps[name])}${docRequired.has(name) ? ', required' : ''}`, '(absent)', true);
  }
  for (const name of added.filter((n) => advRequired.has(n)))
    row(name, 'parameter added', '(absent)', `${typesOf(advProps[name])}, required`, true);
  for (const name of Object.keys(docProps).filter((n) => n in advProps)) {
    const doc = tableStated(docProps[name]!);
    const adv = advProps[name]!;
    if (docRequired.has(name) !== advRequired.has(name)) {
      // Newly required contradicts the table; a required parameter advertised optional may be enforced in code.
      const required = (yes: boolean) => (yes ? 'required' : 'optional');
      row(name, 'required differs', required(docRequired.has(name)), required(advRequired.has(name)), advRequired.has(name));
    }
    const docTypes = typeSet(doc);
    const advTypes = typeSet(adv);
    if (docTypes.size > 0 && advTypes.size === 0) row(name, 'type lost', typesOf(doc), '(none)', false);
    else if (docTypes.size > 0 && [...docTypes].some((t) => !advTypes.has(t))) row(name, 'type differs', typesOf(doc), typesOf(adv), true);
    else if (docTypes.size > 0 && advTypes.size > docTypes.size) row(name, 'type widened', typesOf(doc), typesOf(adv), false);
    for (const limit of LIMITS) {
      if (doc[limit] === undefined || sameValue(doc[limit], adv[limit])) continue;
      if (adv[limit] === undefined) row(name, 'limit lost', `${limit} ${show(doc[limit])}`, '(none)', false);
      else row(name, 'limit differs', `${limit} ${show(doc[limit])}`, `${limit} ${show(adv[limit])}`, true);
    }
    if (doc.default !== undefined && !sameValue(doc.default, adv.default)) {
      if (adv.default === undefined) row(name, 'default lost', `default ${show(doc.default)}`, '(none)', false);
      else row(name, 'default differs', `default ${show(doc.default)}`, `default ${show(adv.default)}`, true);
    }
    if (Array.isArray(doc.enum)) {
      if (adv.enum === undefined) row(name, 'enum lost', show(doc.enum), '(none)', false);
      else if (!Array.isArray(adv.enum) || sortedSet(doc.enum) !== sortedSet(adv.enum))
        row(name, 'enum differs', show(doc.enum), show(adv.enum), true);
    }
  }
  return rows;
}

/** The rows as a Markdown table, the way a report shows them. */
export function driftTable(rows: readonly DriftRow[]): string {
  if (rows.length === 0) return 'no difference';
  const lines = rows.map((row) => `| ${row.operation} | ${row.parameter} | ${row.kind} | ${row.documented} | ${row.advertised} |`);
  return ['| operation | parameter | difference | documented | advertised |', '|---|---|---|---|---|', ...lines].join('\n');
}
