/**
 * The Grow CRM client as the model sees it: which fields the docs give a client, where each travels in a
 * create or update body and where it comes back in the client object (flattened: `billing.street`).
 */
import type { ClientFields, FieldSpec, FieldValue } from '../../model/fields.js';

interface WireField {
  readonly spec: FieldSpec;
  /** The create/update body key; absent for fields only an action or the server sets. */
  readonly request?: string;
  /** The flattened client-object keys that show it. */
  readonly answer: readonly string[];
}

const text = (name: string, request: string, answer: string): WireField => ({ spec: { name, kind: 'text' }, request, answer: [answer] });

/** The primary user's names and email: required on create, sent only then, never answered back. */
const primaryUser = (name: string, request: string, extra: Partial<FieldSpec> = {}): WireField => ({
  spec: { name, kind: 'text', writeOnly: true, createOnly: true, requiredOn: ['create'], ...extra },
  request,
  answer: [],
});

/** Company name first: the field `someFields` fills and the scope rides on. */
const WIRE: readonly WireField[] = [
  { spec: { name: 'companyName', kind: 'text', requiredOn: ['update'] }, request: 'client_company_name', answer: ['company_name'] },
  text('description', 'client_description', 'description'),
  text('phone', 'client_phone', 'phone'),
  text('website', 'client_website', 'website'),
  text('vat', 'client_vat', 'vat'),
  text('billingStreet', 'client_billing_street', 'billing.street'),
  text('billingCity', 'client_billing_city', 'billing.city'),
  text('billingState', 'client_billing_state', 'billing.state'),
  text('billingZip', 'client_billing_zip', 'billing.zip'),
  text('billingCountry', 'client_billing_country', 'billing.country'),
  primaryUser('firstName', 'first_name'),
  primaryUser('lastName', 'last_name'),
  // "Must be unique among client/team users."
  primaryUser('email', 'email', { unique: true }),
  // Tags: "Tag titles to attach on create"; then "The tags array is the full set — it replaces existing tags".
  { spec: { name: 'tags', kind: 'set', viaAction: true, onCreate: true }, request: 'tags', answer: ['tags'] },
  { spec: { name: 'status', kind: 'enum', values: ['active', 'suspended'], viaAction: true }, answer: ['status'] },
  // "The owner must be the id of a user that already belongs to this client".
  { spec: { name: 'owner', kind: 'ref', viaAction: true, belongsToClient: true }, answer: ['owner.id', 'owner.name'] },
  // "client_categoryid: Existing category id. Defaults to the system default category."
  { spec: { name: 'category', kind: 'ref' }, answer: ['category.id', 'category.name'] },
];

export const CLIENT_FIELDS: readonly FieldSpec[] = WIRE.map((field) => field.spec);

export const REQUEST_KEY: Readonly<Record<string, string>> = Object.fromEntries(
  WIRE.filter((f) => f.request).map((f) => [f.spec.name, f.request!]),
);

export const SNAPSHOT_KEYS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(WIRE.map((f) => [f.spec.name, f.answer]));

/** The model's name for a body key a refusal names (`first_name` → `firstName`); other keys (custom fields) as they are. */
export function modelNameOf(key: string): string {
  return WIRE.find((field) => field.request === key)?.spec.name ?? key;
}

/** The client object with nested objects flattened to dotted keys (`billing.street`, `owner.id`). */
export function flatten(value: Readonly<Record<string, unknown>>, prefix = ''): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  flattenInto(flat, value, prefix);
  return flat;
}

function flattenInto(flat: Record<string, unknown>, value: Readonly<Record<string, unknown>>, prefix: string): void {
  for (const key of Object.keys(value)) {
    const inner = value[key];
    if (inner && typeof inner === 'object' && !Array.isArray(inner))
      flattenInto(flat, inner as Record<string, unknown>, `${prefix}${key}.`);
    else flat[`${prefix}${key}`] = inner;
  }
}

/** The model's fields as a flattened client object shows them; `unscoped` takes the scope off the company name. */
export function fieldsOf(flat: Readonly<Record<string, unknown>>, unscoped: (text: string) => string): ClientFields {
  const fields: Record<string, FieldValue> = {};
  for (const { spec, answer } of WIRE) {
    const value = flat[answer[0] ?? ''];
    if (spec.kind === 'set') {
      if (Array.isArray(value)) fields[spec.name] = value.filter((item): item is string => typeof item === 'string');
    } else if (spec.kind === 'ref') {
      if (typeof value === 'number' || typeof value === 'string') fields[spec.name] = String(value);
    } else if (typeof value === 'string') fields[spec.name] = spec.name === 'companyName' ? unscoped(value) : value;
    else if (value === null) fields[spec.name] = null;
  }
  return fields;
}
