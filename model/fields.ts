/**
 * The abstract client resource that every property suite speaks: fields named by the model, declared
 * per API with what the API's documents say of each. Adapters map them to the wire; the suites never
 * see a URL, a JSON key or an XML element.
 */

/**
 * `text`: a string; `set`: an unordered set of strings (tags); `enum`: one of `values` (a status); `ref`:
 * the id of something else (a category, a user), which the suites never invent, only learn from answers.
 */
type FieldKind = 'text' | 'set' | 'enum' | 'ref';

export interface FieldSpec {
  /** The model's name for it, e.g. `firstName`, `companyName`, `tags`. */
  readonly name: string;
  readonly kind: FieldKind;
  /** Sent on create but never answered back on the client (Grow CRM's primary user's names and email). */
  readonly writeOnly?: boolean;
  /** Where the documents require it. */
  readonly requiredOn?: readonly ('create' | 'update')[];
  /** The documents say no two clients may share a value. */
  readonly unique?: boolean;
  /** For `enum`: the documented values. */
  readonly values?: readonly string[];
  /** Changed only through an action (tags, status, owner), never by a plain update. */
  readonly viaAction?: boolean;
  /** An action field a create may set too (Grow CRM's tags). */
  readonly onCreate?: boolean;
  /** Sent on create only: an update does not carry it (Grow CRM's primary user's names and email). */
  readonly createOnly?: boolean;
  /** A `ref` the action accepts only when it belongs to the same client (Grow CRM's owner: a user of the client). */
  readonly belongsToClient?: boolean;
}

/** `null` only where the spec lets a field be null (an update that clears it). */
export type FieldValue = string | readonly string[] | null;
export type ClientFields = Readonly<Record<string, FieldValue>>;

/** Fields a plain create carries: text fields not managed by an action. */
export function editableFields(fields: readonly FieldSpec[]): FieldSpec[] {
  return fields.filter((field) => field.kind === 'text' && !field.viaAction);
}

/** Fields a plain update carries: the editable ones but those only a create sends. */
export function updatableFields(fields: readonly FieldSpec[]): FieldSpec[] {
  return editableFields(fields).filter((field) => !field.createOnly);
}

/** The fields an action sets, each through a request of its own. */
export function actionFields(fields: readonly FieldSpec[]): FieldSpec[] {
  return fields.filter((field) => field.viaAction);
}

export function requiredOn(fields: readonly FieldSpec[], operation: 'create' | 'update'): FieldSpec[] {
  return fields.filter((field) => field.requiredOn?.includes(operation));
}

/**
 * How two stored values are compared. `normalized` is what every document implies (the text a client
 * reads is the text it wrote): Unicode NFC, no leading or trailing white space, a cleared value (null
 * or empty) either way. `verbatim` is byte for byte, which no document promises: an assumption.
 */
export type Comparison = 'normalized' | 'verbatim';

function normalizeText(value: string | null | undefined): string | undefined {
  return value === null ? '' : value?.normalize('NFC').trim();
}

/** Whether two values are the same: text by equality, sets regardless of order and repeats. */
export function sameValue(a: FieldValue | undefined, b: FieldValue | undefined, comparison: Comparison = 'verbatim'): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return false;
    const left = [...new Set(a)].sort();
    const right = [...new Set(b)].sort();
    return left.length === right.length && left.every((value, i) => sameValue(value, right[i], comparison));
  }
  if (comparison === 'verbatim') return a === b;
  return normalizeText(a as string | null | undefined) === normalizeText(b as string | null | undefined);
}

/** The fields of `expected` whose values `actual` does not have; write-only fields are never answered, so never compared. */
export function fieldsDiffer(
  expected: ClientFields,
  actual: ClientFields,
  specs: readonly FieldSpec[] = [],
  comparison: Comparison = 'normalized',
): string[] {
  const writeOnly = new Set(specs.filter((s) => s.writeOnly).map((s) => s.name));
  return Object.keys(expected).filter((field) => !writeOnly.has(field) && !sameValue(expected[field], actual[field], comparison));
}
