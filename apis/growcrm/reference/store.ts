/** The client and user records of the Grow CRM reference, the in-memory store, and the list query over it. */
import type { GrowcrmFaults } from './faults.js';

/** The categories the embedded CRM is configured with; 1 is the system default. */
export const CATEGORIES: ReadonlyMap<number, string> = new Map([
  [1, 'Default'],
  [2, 'Standard'],
  [3, 'Wholesale'],
]);
const DEFAULT_CATEGORY_ID = 1;

/** The optional fields create and update share, by their request name. */
export const TEXT_FIELDS = [
  'client_description',
  'client_phone',
  'client_website',
  'client_vat',
  'client_billing_street',
  'client_billing_city',
  'client_billing_state',
  'client_billing_zip',
  'client_billing_country',
] as const;
type TextField = (typeof TEXT_FIELDS)[number];

/** What a create or update writes; a key that is absent is not named by the request. */
export type Patch = Partial<Record<TextField, string | null>> & {
  client_company_name?: string;
  client_categoryid?: number;
  client_billing_invoice_due_days?: number | null;
};

export interface UserRecord {
  readonly id: number;
  readonly clientId: number;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
}

export interface ClientRecord {
  readonly id: number;
  companyName: string;
  categoryId: number;
  text: Record<TextField, string | null>;
  invoiceDueDays: number | null;
  status: string;
  ownerId: number;
  tags: string[];
  /** The tags as created; only the update-restores-created-tags fault reads this stale copy. */
  readonly createdTags: readonly string[];
  created: Stamp;
  updated: Stamp;
  /** Set only by the delete faults; the reference removes a deleted client outright. */
  deleted: boolean;
}

/** A write time: `micros` orders, `text` is what the API shows. */
export interface Stamp {
  readonly micros: number;
  readonly text: string;
}

export interface NewClient {
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly patch: Patch;
  readonly tags: readonly string[];
}

export type SortKey = 'client_company_name' | 'client_status' | 'client_created' | 'client_updated';

export interface ListQuery {
  readonly status?: string;
  /** Compared as text, so a non-integer matches no category. */
  readonly categoryId?: string;
  readonly search?: string;
  readonly sort?: SortKey;
  readonly order?: 'asc' | 'desc';
}

/** Tag titles as a set: a repeated title is kept once, in first-seen order. */
function tagSet(tags: readonly string[]): string[] {
  return [...new Set(tags)];
}

const byName = (a: ClientRecord, b: ClientRecord): number => {
  const [x, y] = [a.companyName.toLowerCase(), b.companyName.toLowerCase()];
  return x < y ? -1 : x > y ? 1 : 0;
};
const byStatus = (a: ClientRecord, b: ClientRecord): number => (a.status < b.status ? -1 : a.status > b.status ? 1 : 0);
const byCreated = (a: ClientRecord, b: ClientRecord): number => a.created.micros - b.created.micros;
const byUpdated = (a: ClientRecord, b: ClientRecord): number => a.updated.micros - b.updated.micros;
const byId = (a: ClientRecord, b: ClientRecord): number => a.id - b.id;

export class ClientStore {
  private readonly clients = new Map<number, ClientRecord>();
  private readonly users = new Map<number, UserRecord>();
  private nextClientId = 1;
  private nextUserId = 1001;
  private lastMicros = 0;

  constructor(private readonly faults: GrowcrmFaults) {}

  /** Strictly increasing across writes, so every write is ordered even within one millisecond. */
  private stamp(): Stamp {
    const micros = Math.max(Date.now() * 1000, this.lastMicros + 1);
    this.lastMicros = micros;
    const iso = new Date(Math.floor(micros / 1000)).toISOString().slice(0, 19);
    return { micros, text: `${iso}.${String(micros % 1_000_000).padStart(6, '0')}Z` };
  }

  create(input: NewClient): ClientRecord {
    const id = this.allocateId();
    const user: UserRecord = {
      id: this.nextUserId++,
      clientId: id,
      firstName: input.firstName,
      lastName: input.lastName,
      email: input.email,
    };
    this.users.set(user.id, user);
    const text = Object.fromEntries(TEXT_FIELDS.map((field) => [field, input.patch[field] ?? null])) as Record<TextField, string | null>;
    const tags = this.faults.tagsOnCreateDropped ? [] : tagSet(input.tags);
    const now = this.stamp();
    const record: ClientRecord = {
      id,
      companyName: input.patch.client_company_name ?? '',
      categoryId: input.patch.client_categoryid ?? DEFAULT_CATEGORY_ID,
      text,
      invoiceDueDays: input.patch.client_billing_invoice_due_days ?? null,
      status: 'active',
      ownerId: user.id,
      tags,
      createdTags: [...tags],
      created: now,
      updated: now,
      deleted: false,
    };
    this.clients.set(id, record);
    return record;
  }

  /** Changes exactly the named fields (PATCH); the update faults widen that. */
  update(record: ClientRecord, patch: Patch): void {
    const { faults } = this;
    if (patch.client_company_name !== undefined) record.companyName = patch.client_company_name;
    if (patch.client_categoryid !== undefined) record.categoryId = patch.client_categoryid;
    else if (faults.updateClearsUnnamed) record.categoryId = DEFAULT_CATEGORY_ID;
    for (const field of TEXT_FIELDS) {
      if (field in patch) record.text[field] = patch[field] ?? null;
      else if (faults.updateClearsUnnamed) record.text[field] = null;
    }
    if ('client_billing_invoice_due_days' in patch) record.invoiceDueDays = patch.client_billing_invoice_due_days ?? null;
    else if (faults.updateClearsUnnamed) record.invoiceDueDays = null;
    if (faults.updateResetsStatus) record.status = 'active';
    if (faults.updateRestoresCreatedTags) record.tags = [...record.createdTags];
    this.touch(record);
    if (faults.updateRewritesCreated) record.created = record.updated;
  }

  setTags(record: ClientRecord, tags: readonly string[]): void {
    const { faults } = this;
    if (faults.tagsAppended) record.tags = tagSet([...record.tags, ...tags]);
    else if (!(faults.tagsEmptyIgnored && tags.length === 0)) record.tags = tagSet(tags);
    if (faults.tagsActionReactivates) record.status = 'active';
    this.touch(record);
  }

  setStatus(record: ClientRecord, status: string): void {
    // Under the fault "suspended" goes through a toggle, which flips a client already suspended back to active.
    const toggled = this.faults.statusSuspendToggles && status === 'suspended' && record.status === 'suspended';
    record.status = toggled ? 'active' : status;
    if (this.faults.statusActionClearsFields) for (const field of TEXT_FIELDS) record.text[field] = null;
    this.touch(record);
  }

  setOwner(record: ClientRecord, ownerId: number): void {
    // Under the fault the route's client id is stored where the validated user id was meant.
    record.ownerId = this.faults.ownerStoresClientId ? record.id : ownerId;
    this.touch(record);
  }

  /** Deleting a client deletes its users, which frees their emails; the delete faults keep both. */
  delete(record: ClientRecord): void {
    if (this.faults.deleteSoft || this.faults.deletedStillListed) {
      record.deleted = true;
      return;
    }
    this.clients.delete(record.id);
    for (const user of this.users.values()) if (user.clientId === record.id) this.users.delete(user.id);
  }

  /** The client whose id is `idText` (plain decimal digits), as get, update, actions and delete see it. */
  find(idText: string): ClientRecord | undefined {
    if (!/^\d+$/.test(idText)) return undefined;
    const record = this.clients.get(Number(idText));
    if (record?.deleted && this.faults.deletedStillListed) return undefined;
    return record;
  }

  user(id: number): UserRecord | undefined {
    return this.users.get(id);
  }

  emailTaken(email: string): boolean {
    const wanted = email.toLowerCase();
    return [...this.users.values()].some((user) => user.email.toLowerCase() === wanted);
  }

  /** The clients a list shows, filtered and sorted; paging is the caller's. */
  list(query: ListQuery): ClientRecord[] {
    const { faults } = this;
    const needle = query.search?.toLowerCase();
    const matched = [...this.clients.values()].filter(
      (c) =>
        (!c.deleted || faults.deletedStillListed) &&
        (query.status === undefined || faults.statusFilterIgnored || c.status === query.status) &&
        (query.categoryId === undefined || faults.categoryFilterIgnored || String(c.categoryId) === query.categoryId) &&
        (needle === undefined ||
          searchMatches(c.companyName.toLowerCase(), needle, faults.searchWordStartOnly === true) ||
          (faults.searchMatchesDescription === true && (c.text.client_description ?? '').toLowerCase().includes(needle))),
    );
    const compare = this.comparator(query.sort);
    const descending = query.order === 'desc' || faults.orderIgnored;
    // Ties go by id ascending whichever the direction; the id is never tied.
    return matched.sort((a, b) => (descending ? -compare(a, b) : compare(a, b)) || byId(a, b));
  }

  private comparator(sort: SortKey | undefined): (a: ClientRecord, b: ClientRecord) => number {
    const { faults } = this;
    switch (sort) {
      case 'client_company_name':
        return faults.sortCompanyNameById ? byId : byName;
      case 'client_status':
        return faults.sortStatusById ? byId : byStatus;
      case 'client_created':
        return faults.sortCreatedByName ? byName : byCreated;
      case 'client_updated':
        return faults.sortUpdatedByCreated ? byCreated : byUpdated;
      default:
        return byId;
    }
  }

  private touch(record: ClientRecord): void {
    record.updated = this.stamp();
  }

  private allocateId(): number {
    if (this.faults.idsReused) return Math.max(0, ...this.clients.keys()) + 1;
    return this.nextClientId++;
  }
}

/** Substring match, or under the search-word-start-only fault a match at the start of a space-separated word. */
function searchMatches(name: string, needle: string, wordStartOnly: boolean): boolean {
  if (!wordStartOnly) return name.includes(needle);
  return name.startsWith(needle) || name.includes(` ${needle}`);
}
