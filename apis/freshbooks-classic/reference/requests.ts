/**
 * Reading FreshBooks Classic requests. Fail codes are our own (the seed lists none); each fail envelope carries one of:
 *   40010  malformed request: bad XML, DOCTYPE/ENTITY, wrong root, no `<client>`, text where elements belong
 *   40011  unknown method
 *   40012  invalid field: unknown or repeated element, child elements where text belongs, bad filter or paging value
 *   40020  missing or non-integer client_id
 *   40404  client not found (also a client the staff user is not assigned to, so existence does not leak)
 */
import { decodeXml, type XmlBody, type XmlElement } from '../../../protocols/xml/codec.js';
import { TIMESTAMP_PATTERN } from '../../../reference-kit/time.js';
import { FOLDERS, type Folder } from './store.js';

export const FailCode = {
  malformed: 40010,
  unknownMethod: 40011,
  invalidField: 40012,
  missingClientId: 40020,
  notFound: 40404,
} as const;
export type FailCode = (typeof FailCode)[keyof typeof FailCode];

/** Thrown while serving a request; answered as the fail envelope with its code. */
export class RequestFailure extends Error {
  constructor(
    readonly code: FailCode,
    message: string,
  ) {
    super(message);
  }
}

/** Thrown under the unknown-id-404 fault: answered with this HTTP status and a plain-text body, no envelope. */
export class PlainFailure extends Error {
  constructor(
    readonly httpStatus: number,
    message: string,
  ) {
    super(message);
  }
}

export function malformed(message: string): RequestFailure {
  return new RequestFailure(FailCode.malformed, message);
}

/**
 * Parses the body into its `<request>` element and method name with the project's XML codec, which
 * refuses any DTD before parsing and anything but well-formed XML.
 */
export function parseRequestDocument(body: string): { method: string; request: XmlElement } {
  const decoded = decodeXml(body);
  if (!decoded.ok) throw malformed(`Malformed request: ${decoded.error}`);
  const request = (decoded.value as XmlBody).root;
  const method = request.attributes.method;
  if (request.name !== 'request' || method === undefined) throw malformed('The root element must be <request method="...">');
  return { method, request };
}

/**
 * The named children of a container, refusing unknown or repeated names and stray text.
 * `ignoreUnknown` is the ignores-unknown-elements fault: unknown children are skipped instead.
 */
export function childrenByName(container: XmlElement, allowed: ReadonlySet<string>, ignoreUnknown = false): Map<string, XmlElement> {
  if (container.text.trim() !== '') throw malformed(`<${container.name}> holds text where elements are expected`);
  const byName = new Map<string, XmlElement>();
  for (const child of container.children) {
    if (!allowed.has(child.name) && ignoreUnknown) continue;
    if (!allowed.has(child.name)) throw new RequestFailure(FailCode.invalidField, `Unknown element <${child.name}> in <${container.name}>`);
    if (byName.has(child.name)) throw new RequestFailure(FailCode.invalidField, `Element <${child.name}> is repeated`);
    byName.set(child.name, child);
  }
  return byName;
}

export function leafText(element: XmlElement): string {
  if (element.children.length > 0) {
    throw new RequestFailure(FailCode.invalidField, `<${element.name}> must hold text, not elements`);
  }
  return element.text;
}

/** Values used as parameters (not stored) tolerate surrounding whitespace. */
function parameterText(element: XmlElement | undefined): string | undefined {
  return element === undefined ? undefined : leafText(element).trim();
}

export function parseClientId(element: XmlElement | undefined): number {
  const text = parameterText(element);
  if (text === undefined) throw new RequestFailure(FailCode.missingClientId, 'client_id is required');
  if (!/^-?\d+$/.test(text)) throw new RequestFailure(FailCode.missingClientId, 'client_id must be an integer');
  return Number(text);
}

/** `anyInteger` is the page-zero-unpaged fault's reading of `page`: 0 and negative integers pass. */
export function parsePositiveInteger(element: XmlElement | undefined, name: string, fallback: number, anyInteger = false): number {
  const text = parameterText(element);
  if (text === undefined) return fallback;
  const value = (anyInteger ? /^-?\d+$/ : /^\d+$/).test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || (value < 1 && !anyInteger)) {
    throw new RequestFailure(FailCode.invalidField, `${name} must be an integer of at least 1`);
  }
  return value;
}

export function parseTimestampFilter(element: XmlElement | undefined, name: string): string | undefined {
  const text = parameterText(element);
  if (text !== undefined && !TIMESTAMP_PATTERN.test(text)) {
    throw new RequestFailure(FailCode.invalidField, `${name} must look like YYYY-MM-DD HH:MM:SS`);
  }
  return text;
}

export function parseFolder(element: XmlElement | undefined): Folder {
  const text = parameterText(element);
  if (text === undefined) return 'active';
  const folder = FOLDERS.find((f) => f === text);
  if (folder === undefined) throw new RequestFailure(FailCode.invalidField, 'folder must be one of active, archived, deleted');
  return folder;
}
