/** The client record of the FreshBooks REST reference and the in-memory store of one account's clients. */
import { randomUUID } from 'node:crypto';
import { WriteClock, timestampOf } from '../../../reference-kit/time.js';
import type { FreshbooksFaults } from './faults.js';

export const TEXT_FIELDS = [
  'fname',
  'lname',
  'email',
  'organization',
  'note',
  'bus_phone',
  'home_phone',
  'mob_phone',
  'fax',
  'p_street',
  'p_street2',
  'p_city',
  'p_province',
  'p_country',
  'p_code',
  's_street',
  's_street2',
  's_city',
  's_province',
  's_country',
  's_code',
  'vat_name',
  'vat_number',
  'currency_code',
  'language',
  'username',
] as const;
export const BOOLEAN_FIELDS = [
  'allow_email_include_pdf',
  'allow_late_fees',
  'allow_late_notifications',
  'pref_email',
  'pref_gmail',
] as const;
export const VIS_STATES: readonly number[] = [0, 1, 2];

export type TextField = (typeof TEXT_FIELDS)[number];
type BooleanField = (typeof BOOLEAN_FIELDS)[number];
type Writable = Record<TextField, string | null> & Record<BooleanField, boolean> & { vis_state: number };
export type Patch = Partial<Writable>;

export interface ClientRecord {
  readonly id: number;
  readonly uuid: string;
  signupDate: string;
  updated: string;
  fields: Writable;
  /** Snapshot taken at creation; only the restore-reverts-updates fault reads it. */
  readonly atCreation: Writable;
  /** Set by a delete and never cleared: only the restore-keeps-deleted-mark fault sets and reads it. */
  deletedMark?: boolean;
}

const FIRST_ID = 100001;

/** Create defaults; `username` is derived from the names and id when not given. */
function fieldsFromPatch(patch: Patch, id: number): Writable {
  const fields: Writable = {
    fname: '',
    lname: '',
    email: '',
    organization: '',
    note: null,
    bus_phone: '',
    home_phone: null,
    mob_phone: '',
    fax: '',
    p_street: '',
    p_street2: '',
    p_city: '',
    p_province: '',
    p_country: '',
    p_code: '',
    s_street: '',
    s_street2: '',
    s_city: '',
    s_province: '',
    s_country: '',
    s_code: '',
    vat_name: null,
    vat_number: null,
    currency_code: 'USD',
    language: 'en',
    username: '',
    allow_email_include_pdf: false,
    allow_late_fees: true,
    allow_late_notifications: true,
    pref_email: true,
    pref_gmail: false,
    vis_state: 0,
    ...patch,
  };
  if (patch.username === undefined) fields.username = defaultUsername(fields.fname, fields.lname, id);
  return fields;
}

function defaultUsername(fname: string | null, lname: string | null, id: number): string {
  const base = `${fname ?? ''}${lname ?? ''}`.toLowerCase().replace(/[^a-z0-9]/g, '');
  return base === '' ? `client${id}` : `${base}${id}`;
}

/** The patch as the store keeps it: the reference keeps text as sent; the text faults reshape it. */
function storedPatch(patch: Patch, faults: FreshbooksFaults): Patch {
  if (!faults.plusBecomesSpace && !faults.trimsStoredText) return patch;
  const stored: Patch = { ...patch };
  for (const field of TEXT_FIELDS) {
    const value = stored[field];
    if (typeof value !== 'string') continue;
    stored[field] = faults.plusBecomesSpace ? value.replace(/\+/g, ' ') : value.trim();
  }
  return stored;
}

export class ClientStore {
  private readonly clients = new Map<number, ClientRecord>();
  private nextId = FIRST_ID;
  private readonly clock = new WriteClock();

  constructor(private readonly faults: FreshbooksFaults) {}

  create(patch: Patch): ClientRecord {
    const id = this.allocateId();
    const now = timestampOf(this.clock.next());
    const inserted: Patch = { ...storedPatch(patch, this.faults) };
    // The create-skips-mob-phone fault: the insert leaves mob_phone out, so it takes its default.
    if (this.faults.createSkipsMobPhone) delete inserted.mob_phone;
    const fields = fieldsFromPatch(inserted, id);
    const record: ClientRecord = { id, uuid: randomUUID(), signupDate: now, updated: now, fields, atCreation: { ...fields } };
    this.clients.set(id, record); // under idFromActiveCount this may overwrite
    return record;
  }

  /** Applies `patch`; vis_state 1 deletes (softly), vis_state 0 on a deleted client restores it. */
  update(record: ClientRecord, patch: Patch): void {
    const { faults } = this;
    const applied: Patch = storedPatch({ ...patch }, faults);
    if (faults.updateIgnoresLname) delete applied.lname;
    if (faults.updateIgnoresNull) for (const field of TEXT_FIELDS) if (applied[field] === null) delete applied[field];
    const restoring = record.fields.vis_state === 1 && patch.vis_state === 0;

    const base = restoring && faults.restoreRevertsUpdates ? record.atCreation : record.fields;
    const next = faults.updateWipesUnreferenced ? fieldsFromPatch(applied, record.id) : { ...base, ...applied };
    if (restoring && faults.restoreImpossible) next.vis_state = 1;

    record.fields = next;
    record.updated = timestampOf(this.clock.next());
    if (faults.updateRewritesSignupDate) record.signupDate = record.updated;
    if (faults.restoreKeepsDeletedMark && next.vis_state === 1) record.deletedMark = true;
    if (faults.hardDelete && next.vis_state === 1) this.clients.delete(record.id);
  }

  /** The client whose id is `idText`, which must be plain decimal digits. */
  find(idText: string): ClientRecord | undefined {
    const id = /^\d+$/.test(idText) ? Number(idText) : undefined;
    return id === undefined ? undefined : this.clients.get(id);
  }

  /** Every client, deleted ones too, by ascending id. */
  all(): ClientRecord[] {
    return [...this.clients.values()].sort((a, b) => a.id - b.id);
  }

  private allocateId(): number {
    if (this.faults.idFromActiveCount) {
      const active = [...this.clients.values()].filter((c) => c.fields.vis_state !== 1).length;
      return FIRST_ID + active;
    }
    return this.nextId++;
  }
}
