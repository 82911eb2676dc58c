/** The client record of the FreshBooks Classic reference and the in-memory store of the account's clients. */
import { randomBytes } from 'node:crypto';
import { timestampNow } from '../../../reference-kit/time.js';

/** Writable client fields, in the order client.get returns them. */
export const CLIENT_FIELDS = [
  'first_name',
  'last_name',
  'organization',
  'email',
  'username',
  'password',
  'work_phone',
  'home_phone',
  'mobile',
  'fax',
  'language',
  'currency_code',
  'notes',
  'p_street1',
  'p_street2',
  'p_city',
  'p_state',
  'p_country',
  'p_code',
  's_street1',
  's_street2',
  's_city',
  's_state',
  's_country',
  's_code',
  'vat_name',
  'vat_number',
] as const;
type ClientField = (typeof CLIENT_FIELDS)[number];
export type ClientFields = Record<ClientField, string>;

export const FOLDERS = ['active', 'archived', 'deleted'] as const;
export type Folder = (typeof FOLDERS)[number];

export interface ClientRecord {
  readonly id: number;
  fields: ClientFields;
  folder: Folder;
  updated: string;
  readonly assignedToStaff: boolean;
}

/** Who is calling: the admin sees every client, the staff user only those assigned to them. */
export type Caller = 'admin' | 'staff';

export function blankFields(): ClientFields {
  return Object.fromEntries(CLIENT_FIELDS.map((f) => [f, ''])) as ClientFields;
}

export function randomPassword(): string {
  return randomBytes(12).toString('base64url');
}

/** Seeded so the staff scope has something to hide: 1 and 2 are assigned to the staff user, 3 is not. */
const SEED_CLIENTS: readonly { fields: Partial<ClientFields>; assignedToStaff: boolean }[] = [
  {
    assignedToStaff: true,
    fields: {
      first_name: 'Maria',
      last_name: 'Okafor',
      organization: 'Okafor Landscaping',
      email: 'maria@okafor-landscaping.example',
      work_phone: '(555) 201-3344',
      language: 'en',
      currency_code: 'USD',
      p_street1: '48 Elm Street',
      p_city: 'Portland',
      p_state: 'Oregon',
      p_country: 'United States',
      p_code: '97205',
    },
  },
  {
    assignedToStaff: true,
    fields: {
      first_name: 'Tomas',
      last_name: 'Becker',
      organization: 'Becker & Sons Plumbing',
      email: 'tomas@becker-sons.example',
      mobile: '(555) 870-1122',
      language: 'en',
      currency_code: 'CAD',
      notes: 'Invoices by email only',
      p_street1: '12 King Street West',
      p_city: 'Toronto',
      p_state: 'Ontario',
      p_country: 'Canada',
      p_code: 'M5H 1A1',
    },
  },
  {
    assignedToStaff: false,
    fields: {
      first_name: 'Priya',
      last_name: 'Natarajan',
      organization: 'Northwind Analytics',
      email: 'priya@northwind.example',
      work_phone: '(555) 640-9090',
      language: 'en',
      currency_code: 'USD',
      p_city: 'Austin',
      p_state: 'Texas',
      p_country: 'United States',
      p_code: '73301',
      vat_name: 'EIN',
      vat_number: '12-3456789',
    },
  },
];

/** The account's clients, numbered from 1 and starting with the seeded ones. */
export class ClientStore {
  private readonly clients = new Map<number, ClientRecord>();
  private nextId = 1;

  constructor() {
    for (const seed of SEED_CLIENTS) {
      const fields = { ...blankFields(), ...seed.fields };
      fields.username = fields.email;
      fields.password = randomPassword();
      this.add(fields, seed.assignedToStaff);
    }
  }

  /** Stores a new active client and answers its id. */
  add(fields: ClientFields, assignedToStaff: boolean): number {
    const id = this.nextId++;
    this.clients.set(id, { id, fields, folder: 'active', updated: timestampNow(), assignedToStaff });
    return id;
  }

  get(id: number): ClientRecord | undefined {
    return this.clients.get(id);
  }

  delete(id: number): void {
    this.clients.delete(id);
  }

  all(): ClientRecord[] {
    return [...this.clients.values()];
  }
}
