/**
 * The JSON bodies of the FreshBooks REST reference. Errors come in the API's two envelopes: the old one
 * (`response.errors`, for bad requests) and the new one (gRPC-style `code` and `details`, for auth and lookups).
 */
import type { ClientRecord } from './store.js';

export type Json = unknown;

export interface OldError {
  errno: number;
  field: string;
  message: string;
  value: string;
}

export function oldErrorBody(errors: readonly OldError[]): Json {
  return {
    response: {
      errors: errors.map((e) => ({ errno: e.errno, field: e.field, message: e.message, object: 'client', value: e.value })),
    },
  };
}

interface NewErrorMeta {
  object: string;
  message: string;
  value: string;
  field: string;
}

function newErrorBody(status: number, code: number, reason: string, metadata: NewErrorMeta): Json {
  return {
    code,
    message: `Request failed with status_code: ${status}`,
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason,
        domain: 'accounting.api.freshbooks.com',
        metadata: { object: metadata.object, message: metadata.message, value: metadata.value, field: metadata.field },
      },
    ],
  };
}

export const UNAUTHORIZED_BODY = newErrorBody(401, 16, '1003', {
  object: '',
  message: 'The server could not verify that you are authorized to access the URL requested.',
  value: '',
  field: '',
});

export const INTERNAL_ERROR_BODY = newErrorBody(500, 13, '1000', { object: '', message: 'Internal server error.', value: '', field: '' });

export function pathNotFoundBody(pathname: string): Json {
  return newErrorBody(404, 5, '1012', {
    object: '',
    message: 'The requested URL was not found on the server.',
    value: pathname,
    field: '',
  });
}

export function accountNotFoundBody(accountId: string): Json {
  return newErrorBody(404, 5, '1012', { object: 'account', message: 'Account not found.', value: accountId, field: 'accountid' });
}

/** Served with 404, or 500 under the unknown-id-500 fault. */
export function clientNotFoundBody(idText: string): Json {
  return newErrorBody(404, 5, '1012', { object: 'client', message: 'Client not found.', value: idText, field: 'userid' });
}

export function methodNotAllowedBody(method: string): Json {
  return oldErrorBody([{ errno: 1001, field: '', message: `Method ${method} is not allowed here.`, value: method }]);
}

/** A body the API would refuse as a bad request, so it gets the old envelope like malformed JSON does. */
export function bodyTooLargeBody(limitBytes: number): Json {
  return oldErrorBody([{ errno: 1001, field: '', message: `Request body is larger than ${limitBytes} bytes.`, value: '' }]);
}

/** How a request value is echoed in the old envelope's `value`. */
export function valueText(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export interface SerializeOptions {
  readonly accountId: string;
  /** The id-as-string fault. */
  readonly idAsString?: boolean;
  /** The list-omits-per-page fault. */
  readonly listOmitsPerPage?: boolean;
  /** The get-id-is-row-number fault: the `id` to answer instead of the client's (`userid` stays right). */
  readonly idOverride?: number;
}

function serializeClient(record: ClientRecord, options: SerializeOptions): Json {
  const f = record.fields;
  // Keys in the alphabetical order the API uses.
  return {
    accounting_systemid: options.accountId,
    allow_email_include_pdf: f.allow_email_include_pdf,
    allow_late_fees: f.allow_late_fees,
    allow_late_notifications: f.allow_late_notifications,
    bus_phone: f.bus_phone,
    company_industry: null,
    company_size: null,
    currency_code: f.currency_code,
    direct_link_token: null,
    email: f.email,
    exceeds_client_limit: 0,
    fax: f.fax,
    fname: f.fname,
    has_retainer: null,
    home_phone: f.home_phone,
    id: options.idOverride ?? (options.idAsString ? String(record.id) : record.id),
    language: f.language,
    last_activity: null,
    last_login: null,
    level: 0,
    lname: f.lname,
    mob_phone: f.mob_phone,
    note: f.note,
    notified: false,
    num_logins: 0,
    organization: f.organization,
    p_city: f.p_city,
    p_code: f.p_code,
    p_country: f.p_country,
    p_province: f.p_province,
    p_street: f.p_street,
    p_street2: f.p_street2,
    pref_email: f.pref_email,
    pref_gmail: f.pref_gmail,
    retainer_id: null,
    role: 'client',
    s_city: f.s_city,
    s_code: f.s_code,
    s_country: f.s_country,
    s_province: f.s_province,
    s_street: f.s_street,
    s_street2: f.s_street2,
    signup_date: record.signupDate,
    statement_token: null,
    subdomain: null,
    updated: record.updated,
    userid: record.id,
    username: f.username,
    uuid: record.uuid,
    vat_name: f.vat_name,
    vat_number: f.vat_number,
    vis_state: f.vis_state,
  };
}

export function clientEnvelope(record: ClientRecord, options: SerializeOptions): Json {
  return { response: { result: { client: serializeClient(record, options) } } };
}

export interface ListResult {
  readonly clients: readonly ClientRecord[];
  readonly page: number;
  readonly pages: number;
  readonly perPage: number;
  readonly total: number;
}

export function listEnvelope(list: ListResult, options: SerializeOptions): Json {
  const clients = list.clients.map((record) => serializeClient(record, options));
  if (options.listOmitsPerPage) {
    return { response: { result: { clients, page: list.page, pages: list.pages, total: list.total } } };
  }
  return { response: { result: { clients, page: list.page, pages: list.pages, per_page: list.perPage, total: list.total } } };
}
