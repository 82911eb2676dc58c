/** The clients of the FreshBooks MCP reference: one in-memory store per accountId, with the list's filters and paging. */
import { paginate } from '../../../reference-kit/paging.js';
import type { McpFaults } from './faults.js';
import { WriteClock, isoSecondOf } from '../../../reference-kit/time.js';

/** The writable text fields, in the seed's order; `null` only where the Client Object table says Nullable. */
export const TEXT_FIELDS = [
  'fName',
  'lName',
  'organization',
  'email',
  'busPhone',
  'homePhone',
  'mobPhone',
  'fax',
  'note',
  'pStreet',
  'pStreet2',
  'pCity',
  'pProvince',
  'pCode',
  'pCountry',
  'sStreet',
  'sStreet2',
  'sCity',
  'sProvince',
  'sCode',
  'sCountry',
  'currencyCode',
  'language',
  'vatNumber',
  'vatName',
] as const;
export const BOOLEAN_FIELDS = ['allowLateFees', 'allowLateNotifications'] as const;
const NULLABLE: ReadonlySet<string> = new Set([
  'fName',
  'lName',
  'organization',
  'email',
  'homePhone',
  'note',
  'language',
  'vatNumber',
  'vatName',
]);
export const VIS_STATES: readonly number[] = [0, 1, 2];
export const DELETED = 1;

type TextField = (typeof TEXT_FIELDS)[number];
type BooleanField = (typeof BOOLEAN_FIELDS)[number];
type Writable = Record<TextField, string | null> & Record<BooleanField, boolean> & { visState: number };
export type Patch = Partial<Writable>;

export interface ClientRecord {
  readonly id: number;
  signupDate: string;
  updated: string;
  fields: Writable;
}

/** What client_list asks for, its defaults already applied. */
export interface ListQuery {
  readonly page: number;
  readonly perPage: number;
  readonly email?: string;
  readonly organization?: string;
  readonly fName?: string;
  readonly lName?: string;
  readonly visState?: number;
}

export interface ListPage {
  readonly clients: readonly ClientRecord[];
  readonly page: number;
  readonly pages: number;
  readonly total: number;
  readonly perPage: number;
}

const FIRST_ID = 10001;

/** A new client's fields: nullable text absent is null, other text "", with the currency, language and flags of the seed's example. */
function fieldsFromPatch(patch: Patch): Writable {
  const fields = {} as Writable;
  for (const field of TEXT_FIELDS) fields[field] = NULLABLE.has(field) ? null : '';
  fields.currencyCode = 'USD';
  fields.language = 'en';
  fields.allowLateFees = true;
  fields.allowLateNotifications = true;
  fields.visState = 0;
  return { ...fields, ...patch };
}

/** The clients of one account. */
export class AccountClients {
  private readonly clients = new Map<number, ClientRecord>();
  private nextId = FIRST_ID;
  /** Timestamps to the second, as the seed's examples write them (`2024-01-15T10:00:00Z`), each write later than the last. */
  private readonly clock = new WriteClock();

  constructor(private readonly faults: McpFaults) {}

  create(patch: Patch): ClientRecord {
    const now = isoSecondOf(this.clock.next());
    const record: ClientRecord = { id: this.nextId++, signupDate: now, updated: now, fields: fieldsFromPatch({ ...patch, visState: 0 }) };
    this.clients.set(record.id, record);
    return record;
  }

  find(id: number): ClientRecord | undefined {
    return this.clients.get(id);
  }

  /** The last client created (ids only grow, and a Map keeps insertion order). */
  newest(): ClientRecord | undefined {
    return [...this.clients.values()].at(-1);
  }

  /** Applies `patch`: only the fields it names change; visState 1 deletes (softly), 0 restores. */
  update(record: ClientRecord, patch: Patch): void {
    const { faults } = this;
    const restoring = record.fields.visState === DELETED && patch.visState === 0;
    const next: Writable = faults.updateWipesUnreferenced
      ? { ...fieldsFromPatch(patch), visState: patch.visState ?? record.fields.visState }
      : { ...record.fields, ...patch };
    if (restoring && faults.restoreIgnored) next.visState = DELETED;
    record.fields = next;
    record.updated = isoSecondOf(this.clock.next());
    if (faults.updateRewritesSignupDate) record.signupDate = record.updated;
    if (faults.hardDelete && next.visState === DELETED) this.clients.delete(record.id);
  }

  /** Soft delete: the client stays, with visState 1. */
  delete(record: ClientRecord): void {
    this.update(record, { visState: DELETED });
  }

  list(query: ListQuery): ListPage {
    const { faults } = this;
    const all = [...this.clients.values()].sort((a, b) => a.id - b.id);
    const filters = buildFilters(query, faults);
    const matched = all.filter((r) => filters.every((f) => f(r)));
    const counted = faults.totalCountsAllStates
      ? all.filter((r) => buildFilters({ ...query, visState: undefined }, faults).every((f) => f(r)))
      : matched;
    // Under pages-zero-based, page N is served as the (N+1)th page.
    const served = paginate(matched, faults.pagesZeroBased ? query.page + 1 : query.page, query.perPage, {
      perPageUncapped: faults.perPageUncapped,
      laterPagesStartEarly: faults.pageBoundaryRepeat,
    });
    // Under page-zero-served-whole, page 0 or below holds every match.
    const items = faults.pageZeroServedWhole && query.page < 1 ? matched : served.items;
    const pages = faults.emptyListOnePage ? Math.max(1, served.pages) : served.pages;
    return { clients: items, page: query.page, pages, total: counted.length, perPage: served.perPage };
  }
}

type Filter = (record: ClientRecord) => boolean;

/** One predicate per filter given; they combine with AND. */
function buildFilters(query: ListQuery, faults: McpFaults): Filter[] {
  const filters: Filter[] = [];
  const partial = (field: TextField, needle: string | undefined, caseSensitive = false, exact = false): void => {
    if (needle === undefined) return;
    const wanted = caseSensitive ? needle : needle.toLowerCase();
    filters.push((r) => {
      const value = r.fields[field];
      if (value === null) return false;
      const have = caseSensitive ? value : value.toLowerCase();
      return exact ? have === wanted : have.includes(wanted);
    });
  };
  partial('email', query.email, false, !faults.emailFilterPartial);
  partial('organization', query.organization, false, faults.organizationFilterExact === true);
  if (!faults.fNameFilterIgnored && faults.fNameFilterMatchesLName && query.fName !== undefined) {
    const needle = query.fName.toLowerCase();
    filters.push((r) => [r.fields.fName, r.fields.lName].some((value) => value !== null && value.toLowerCase().includes(needle)));
  } else if (!faults.fNameFilterIgnored) partial('fName', query.fName);
  partial('lName', query.lName, faults.lNameFilterCaseSensitive === true);
  const { visState } = query;
  if (visState !== undefined && !faults.visStateFilterIgnored) filters.push((r) => r.fields.visState === visState);
  return filters;
}

/** Every account's clients; any well-formed accountId names an account, created on first use. */
export class Accounts {
  private readonly byId = new Map<string, AccountClients>();

  constructor(private readonly faults: McpFaults) {}

  of(accountId: string): AccountClients {
    let account = this.byId.get(accountId);
    if (!account) {
      account = new AccountClients(this.faults);
      this.byId.set(accountId, account);
    }
    return account;
  }
}

/** The Client object as the tools answer it, every documented field present, in the seed's order. */
export function clientJson(record: ClientRecord, faults: McpFaults): Record<string, unknown> {
  const { fields } = record;
  const json: Record<string, unknown> = { id: faults.idAsString ? String(record.id) : record.id };
  for (const field of TEXT_FIELDS) json[field] = fields[field];
  json.visState = fields.visState;
  json.signupDate = record.signupDate;
  json.updated = record.updated;
  json.allowLateFees = fields.allowLateFees;
  json.allowLateNotifications = fields.allowLateNotifications;
  json.hasRetainer = false;
  json.retainerId = null;
  return json;
}
