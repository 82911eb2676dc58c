/** The JSON bodies of the Grow CRM reference: the `{data, meta?, message}` envelope and the `{message, errors?}` errors. */
import { CATEGORIES, type ClientRecord, type ClientStore } from './store.js';

export type Json = unknown;
export type FieldErrors = Record<string, string[]>;

export const MESSAGES = {
  list: 'Clients retrieved successfully.',
  get: 'Client retrieved successfully.',
  create: 'Client created successfully.',
  update: 'Client updated successfully.',
  delete: 'Client deleted successfully.',
  tags: 'Client tags updated successfully.',
  status: 'Client status updated successfully.',
  owner: 'Client account owner updated successfully.',
} as const;

/** The authentication page's body, word for word. */
export const UNAUTHORIZED_MESSAGE = 'Unauthorized. A valid API key is required.';
const VALIDATION_MESSAGE = 'The given data was invalid.';
export const CLIENT_NOT_FOUND = 'Client not found.';
export const ROUTE_NOT_FOUND = 'Not found.';
export const SERVER_ERROR_BODY: Json = { message: 'Server Error' };

export function messageBody(message: string): Json {
  return { message };
}

export function validationBody(errors: FieldErrors, withoutErrors = false): Json {
  return withoutErrors ? { message: VALIDATION_MESSAGE } : { message: VALIDATION_MESSAGE, errors };
}

export function serializeClient(record: ClientRecord, store: ClientStore): Json {
  const owner = store.user(record.ownerId);
  const t = record.text;
  // Keys in the order of the docs' client object.
  return {
    id: record.id,
    company_name: record.companyName,
    description: t.client_description,
    status: record.status,
    phone: t.client_phone,
    website: t.client_website,
    vat: t.client_vat,
    category: { id: record.categoryId, name: CATEGORIES.get(record.categoryId) ?? '' },
    // A faulty owner change can point at a user whose client was since deleted: the name is then unknown.
    owner: { id: record.ownerId, name: owner ? `${owner.firstName} ${owner.lastName}` : '' },
    billing: {
      street: t.client_billing_street,
      city: t.client_billing_city,
      state: t.client_billing_state,
      zip: t.client_billing_zip,
      country: t.client_billing_country,
      invoice_due_days: record.invoiceDueDays,
    },
    // No request field writes the shipping address, so it stays empty.
    shipping: { street: null, city: null, state: null, zip: null, country: null },
    dates: { created: record.created.text, updated: record.updated.text },
    tags: [...record.tags],
  };
}

export function dataBody(data: Json, message: string): Json {
  return { data, message };
}

export interface ListMeta {
  readonly current_page: number;
  readonly per_page: number;
  readonly total: number;
  readonly last_page: number;
}

export function listBody(data: Json[], meta: ListMeta): Json {
  return { data, meta, message: MESSAGES.list };
}
