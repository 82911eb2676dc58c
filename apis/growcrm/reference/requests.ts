/**
 * Reading Grow CRM requests: the route, the body (form-encoded as the docs send it, or JSON), the list
 * query, and the validation of each write, with Laravel's error messages.
 */
import type { FieldErrors } from './envelopes.js';
import type { GrowcrmFaults } from './faults.js';
import { CATEGORIES, TEXT_FIELDS, type ClientRecord, type ClientStore, type NewClient, type Patch } from './store.js';

export const CUSTOM_FIELD = 'client_custom_field_1';
const STATUSES: readonly string[] = ['active', 'suspended'];

export type Action = 'tags' | 'status' | 'owner';
export type Route = { kind: 'collection' } | { kind: 'item'; id: string } | { kind: 'action'; id: string; action: Action };

const ROUTE_PATTERN = /^\/api\/clients(?:\/([^/]+)(?:\/(tags|status|owner))?)?$/;
export const ALLOWED_METHODS: Record<Route['kind'], readonly string[]> = {
  collection: ['GET', 'POST'],
  item: ['GET', 'PATCH', 'DELETE'],
  action: ['PUT'],
};

export function matchRoute(pathname: string): Route | undefined {
  const match = ROUTE_PATTERN.exec(pathname);
  if (!match) return undefined;
  if (match[1] === undefined) return { kind: 'collection' };
  if (match[2] === undefined) return { kind: 'item', id: match[1] };
  return { kind: 'action', id: match[1], action: match[2] as Action };
}

export type Input = Record<string, unknown>;

/**
 * The request's fields. JSON only when the Content-Type says so, as Laravel decides; malformed JSON or a
 * JSON value that is not an object reads as no fields, so validation names what is missing.
 */
export function parseBody(raw: string, contentType: string | undefined): Input {
  if (/[/+]json\b/i.test(contentType ?? '')) {
    try {
      const value: unknown = JSON.parse(raw);
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Input) : {};
    } catch {
      return {};
    }
  }
  return parseForm(raw);
}

/** As PHP reads it: `name[]=` appends, `name[key]=` sets that key, a bracketed name is an array, a repeated name keeps the last. */
function parseForm(raw: string): Input {
  const input: Input = {};
  const arrays = new Map<string, Map<string, string>>();
  for (const [key, value] of new URLSearchParams(raw)) {
    const bracket = /^([^[\]]+)\[([^\]]*)\]/.exec(key);
    if (!bracket) {
      arrays.delete(key);
      input[key] = value;
      continue;
    }
    const name = bracket[1];
    let entries = arrays.get(name);
    if (!entries) arrays.set(name, (entries = new Map()));
    const numeric = [...entries.keys()].filter((k) => /^\d+$/.test(k)).map(Number);
    entries.set(bracket[2] === '' ? String(numeric.length === 0 ? 0 : Math.max(...numeric) + 1) : bracket[2], value);
    input[name] = [...entries.values()];
  }
  return input;
}

/** A whole number as JSON or as decimal text; anything else is not one. */
export function asInteger(value: unknown): number | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^[+-]?\d+$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(number) ? number : undefined;
}

/** A required value that is absent, null, or (as PHP's trim sees it) blank text counts as missing. */
function isMissing(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && /^[ \t\n\r\0\x0B]*$/.test(value));
}

const label = (field: string): string => field.replace(/_/g, ' ');

class Checker {
  readonly errors: FieldErrors = {};
  constructor(
    readonly input: Input,
    readonly faults: GrowcrmFaults = {},
  ) {}

  fail(field: string, message: string): undefined {
    (this.errors[field] ??= []).push(message);
    return undefined;
  }

  get ok(): boolean {
    return Object.keys(this.errors).length === 0;
  }

  required(field: string): string | undefined {
    const value = this.input[field];
    if (isMissing(value)) return this.fail(field, `The ${label(field)} field is required.`);
    if (typeof value !== 'string') return this.fail(field, `The ${label(field)} must be a string.`);
    return value;
  }

  /** A string, or null for an optional one; undefined when the field is not named (or was refused). */
  optionalText(field: string): string | null | undefined {
    const value = this.input[field];
    if (value === undefined || value === null) return value;
    if (typeof value !== 'string') return this.fail(field, `The ${label(field)} must be a string.`);
    if (this.faults.emptyTextRejected && value === '') return this.fail(field, `The ${label(field)} must not be empty.`);
    let stored = this.faults.ampersandTruncates ? value.split('&')[0]! : value;
    if (this.faults.emojiDropped) stored = stored.replace(/[\u{10000}-\u{10FFFF}]/gu, '');
    if (this.faults.combiningMarksDropped) stored = stored.replace(/[\u0300-\u036f]/g, '');
    return stored;
  }

  optionalInteger(field: string): number | null | undefined {
    const value = this.input[field];
    if (value === undefined || value === null) return value;
    return asInteger(value) ?? this.fail(field, `The ${label(field)} must be an integer.`);
  }

  /** Present but null leaves the category as it is (the default on create). */
  category(): number | undefined {
    const id = this.optionalInteger('client_categoryid');
    if (id === null || id === undefined) return undefined;
    return CATEGORIES.has(id) ? id : this.fail('client_categoryid', 'The selected client categoryid is invalid.');
  }

  tags(present: boolean): string[] | undefined {
    const value = this.input.tags;
    if (value === undefined || (value === null && !present)) return present ? this.fail('tags', 'The tags field must be present.') : [];
    if (!Array.isArray(value)) return this.fail('tags', 'The tags must be an array.');
    if (!value.every((tag) => typeof tag === 'string')) return this.fail('tags', 'Each of the tags must be a string.');
    return value as string[];
  }

  /** The optional fields create and update share, into `patch`. */
  shared(patch: Patch, customFieldOptional: boolean): void {
    const category = this.category();
    if (category !== undefined) patch.client_categoryid = category;
    for (const field of TEXT_FIELDS) {
      const value = this.optionalText(field);
      if (value !== undefined) patch[field] = value;
    }
    const due = this.optionalInteger('client_billing_invoice_due_days');
    if (due !== undefined) patch.client_billing_invoice_due_days = due;
    // Not stored: the client object does not show custom fields.
    if (!customFieldOptional) this.required(CUSTOM_FIELD);
  }
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };
const outcome = <T>(check: Checker, value: () => T): Parsed<T> =>
  check.ok ? { ok: true, value: value() } : { ok: false, errors: check.errors };

export function parseCreate(input: Input, faults: GrowcrmFaults, store: ClientStore): Parsed<NewClient> {
  const check = new Checker(input, faults);
  const given = input.first_name;
  const firstName = faults.firstNameOptional && isMissing(given) ? (typeof given === 'string' ? given : '') : check.required('first_name');
  const lastName = check.required('last_name');
  const email = check.required('email');
  if (email !== undefined) {
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) check.fail('email', 'The email must be a valid email address.');
    else if (!faults.duplicateEmailAccepted && store.emailTaken(email)) check.fail('email', 'The email has already been taken.');
  }
  const patch: Patch = {};
  // Optional: blank counts as omitted, so the default applies.
  const company = isMissing(input.client_company_name) ? undefined : check.optionalText('client_company_name');
  if (company) patch.client_company_name = company;
  check.shared(patch, faults.customFieldOptional === true);
  const tags = check.tags(false);
  const sendEmail = input.send_email;
  if (sendEmail !== undefined && sendEmail !== null && sendEmail !== 'yes' && sendEmail !== 'no') {
    check.fail('send_email', 'The selected send email is invalid.');
  }
  return outcome(check, () => {
    const first = firstName ?? '';
    const fallback = faults.companyDefaultFirstName ? first : `${first} ${lastName}`;
    return {
      firstName: first,
      lastName: lastName ?? '',
      email: email ?? '',
      tags: tags ?? [],
      patch: { ...patch, client_company_name: patch.client_company_name ?? fallback },
    };
  });
}

export function parseUpdate(input: Input, faults: GrowcrmFaults): Parsed<Patch> {
  const check = new Checker(input, faults);
  const patch: Patch = {};
  // Under the fault a missing company name is no error, and the name is left as it was.
  const skipCompany = faults.updateWithoutCompanyAccepted && isMissing(input.client_company_name);
  const company = skipCompany ? undefined : check.required('client_company_name');
  if (company !== undefined) patch.client_company_name = company;
  check.shared(patch, faults.customFieldOptional === true);
  return outcome(check, () => patch);
}

export function parseTags(input: Input): Parsed<string[]> {
  const check = new Checker(input);
  const tags = check.tags(true) ?? [];
  return outcome(check, () => tags);
}

export function parseStatus(input: Input, faults: GrowcrmFaults): Parsed<string> {
  const check = new Checker(input, faults);
  const status = check.required('status');
  if (status !== undefined && !faults.statusAnyValue && !STATUSES.includes(status)) check.fail('status', 'The selected status is invalid.');
  return outcome(check, () => status ?? '');
}

/** The owner must be a user of this client; the current owner is one, and choosing it changes nothing. */
export function parseOwner(input: Input, faults: GrowcrmFaults, store: ClientStore, record: ClientRecord): Parsed<number> {
  const check = new Checker(input, faults);
  const value = input.owner;
  const id = isMissing(value) ? check.fail('owner', 'The owner field is required.') : asInteger(value);
  if (id === undefined) {
    if (!isMissing(value)) check.fail('owner', 'The owner must be an integer.');
  } else {
    const user = store.user(id);
    const belongs = user !== undefined && (faults.ownerAnyUser || user.clientId === record.id);
    if (!belongs || (faults.ownerRejectsCurrent && id === record.ownerId)) check.fail('owner', 'The selected owner is invalid.');
  }
  return outcome(check, () => id ?? 0);
}
