/** The XML response documents of the FreshBooks Classic reference: `<response status="ok|fail">`. */
import { XMLBuilder } from 'fast-xml-parser';
import type { ClassicFaults } from './faults.js';
import type { FailCode } from './requests.js';
import { CLIENT_FIELDS, type ClientRecord } from './store.js';

const API_NAMESPACE = 'http://www.freshbooks.com/api/';
const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n';

/** A node in fast-xml-parser's preserveOrder shape, for XMLBuilder: one key per node (plus `:@` for attributes). */
export type BuilderNode = Record<string, unknown>;
const TEXT_KEY = '#text';
const ATTRIBUTES_KEY = ':@';

export function element(name: string, content: string | readonly BuilderNode[], attributes?: Record<string, string>): BuilderNode {
  const children = typeof content === 'string' ? (content === '' ? [] : [{ [TEXT_KEY]: content }]) : content;
  return attributes === undefined ? { [name]: children } : { [name]: children, [ATTRIBUTES_KEY]: attributes };
}

const BUILDER_OPTIONS = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  suppressEmptyNode: true,
  format: false,
} as const;
const escapingBuilder = new XMLBuilder({ ...BUILDER_OPTIONS, processEntities: true });
const rawBuilder = new XMLBuilder({ ...BUILDER_OPTIONS, processEntities: false });

export type Outcome = { status: 'ok'; content: BuilderNode[] } | { status: 'fail'; code: FailCode; message: string };

/** What a request is answered with: an envelope, or (under the unknown-id-404 fault) a bare HTTP status with plain text. */
export type Served = Outcome | { status: 'plain'; httpStatus: number; text: string };

export const ok = (content: BuilderNode[] = []): Outcome => ({ status: 'ok', content });

/**
 * A client as client.get and client.list return it: every field but the password, then the derived ones.
 * `withPassword` is the get-returns-password fault, `creditNotDecimal` the credit-not-decimal one.
 */
export function clientElement(record: ClientRecord, options: { withPassword?: boolean; creditNotDecimal?: boolean } = {}): BuilderNode {
  const returned = options.withPassword ? CLIENT_FIELDS : CLIENT_FIELDS.filter((f) => f !== 'password');
  const fields = returned.map((f) => element(f, record.fields[f]));
  return element('client', [
    element('client_id', String(record.id)),
    ...fields,
    element('credit', options.creditNotDecimal ? 'none' : '0.00'),
    element('folder', record.folder),
    element('updated', record.updated),
  ]);
}

export function render(outcome: Outcome, faults: ClassicFaults): string {
  const content =
    outcome.status === 'ok'
      ? outcome.content
      : [
          element('error', outcome.message),
          ...(faults.failWithoutCode ? [] : [element('code', `${faults.failCodeNotDigits ? 'E' : ''}${outcome.code}`)]),
        ];
  const root = element('response', content, { xmlns: API_NAMESPACE, status: outcome.status });
  const builder = faults.unescapedText ? rawBuilder : escapingBuilder;
  return XML_DECLARATION + String(builder.build([root]));
}
