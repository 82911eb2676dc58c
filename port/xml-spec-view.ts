/** The SpecView of an XML-over-HTTP API described by an XML Schema (FreshBooks Classic): the envelope carries the verdict. */
import { BasisBook } from '../engine/basis.js';
import { CHECK_GROUPS, pickChecks } from '../engine/checks/index.js';
import type { Decoded, Outcome, SpecView } from '../engine/checks/types.js';
import { TextMemo } from '../engine/memo.js';
import { loadXsdSpec } from '../generators/xsd.js';
import { decodeXml, type XmlBody, type XmlElement } from '../protocols/xml/codec.js';
import { caseClass, type DocumentedOperation, type DocumentedSurface, type Exercised } from '../engine/coverage.js';
import { contentTypeOf, type Exchange } from '../engine/exchange.js';
import { sharedView } from './view-cache.js';

export function isXmlBody(body: unknown): body is XmlBody {
  return (
    typeof body === 'object' && body !== null && typeof (body as XmlBody).text === 'string' && typeof (body as XmlBody).root === 'object'
  );
}

/** Documents up to this long are decoded once, up to `MEMO_LIMIT` of them (a few MiB at most). */
const MEMO_DOCUMENT = 2048;
const MEMO_LIMIT = 256;

const HTTP_XML_CHECKS = pickChecks([...CHECK_GROUPS.http, ...CHECK_GROUPS.body, ...CHECK_GROUPS.envelope]);

/** `path`: the XSD, relative to the project root. */
export function xmlSpecView(path: string): Promise<SpecView> {
  return sharedView(`xsd ${path}`, () => makeXmlSpecView(path));
}

async function makeXmlSpecView(path: string): Promise<SpecView> {
  const spec = loadXsdSpec(path);
  const hasBody = (operation: string, status: number | undefined): boolean =>
    status !== undefined && (spec.operations.get(operation)?.bodyStatuses.includes(String(status)) ?? false);
  const surface: DocumentedSurface = {
    operations: [...spec.operations.values()].map((operation): DocumentedOperation => ({
      id: operation.name,
      params: spec.elementTree(operation.requestType).map((name) => ({ name, in: 'body' })),
      answers: [
        { key: 'ok', kind: 'outcome' },
        { key: 'fail', kind: 'outcome' },
        ...operation.statuses.map((status) => ({
          key: status,
          kind: 'status' as const,
          // The documents let a fail envelope come with any of these: one of them is all a server needs.
          ...(status !== '200' && operation.bodyStatuses.includes(status) ? { alternativeOf: 'fail' } : {}),
        })),
      ],
      properties: spec.elementTree(operation.responseType),
      requestTypes: [],
      responseTypes: operation.mediaTypes,
    })),
  };
  // Read once per operation: every exchange is read against them.
  const byId = new Map(
    surface.operations.map((operation) => [operation.id, { documented: operation, known: new Set(operation.properties) }]),
  );
  // Requests and answers repeat (a page asked for again, every delete's `<response status="ok"/>`): a
  // short document is decoded once. Decoding is a function of the text, and what it makes is read-only.
  const decoded = new TextMemo<Decoded>(MEMO_LIMIT, MEMO_DOCUMENT);
  const decode = (text: string): Decoded => decoded.get(text, () => decodeXml(text));
  return {
    surface,
    exercised: (exchange, body) => {
      const reading = byId.get(exchange.operation);
      return reading && exercisedXml(reading, exchange, body, decode);
    },
    basis: new BasisBook(spec.basisEntries()),
    checks: HTTP_XML_CHECKS,
    documentedStatuses: (operation) => spec.operations.get(operation)?.statuses ?? [],
    mediaTypes: (operation, response) => (hasBody(operation, response.httpStatus) ? spec.operations.get(operation)!.mediaTypes : []),
    validate(operation, response, body) {
      if (!hasBody(operation, response.httpStatus)) return undefined;
      if (!isXmlBody(body)) return { ok: false, errors: ['the body is not a decoded XML document'] };
      return spec.validateResponse(operation, body.text);
    },
    decode: (response) => decode(response.body),
    outcome(_response, body): Outcome | undefined {
      if (!isXmlBody(body)) return undefined;
      const status = body.root.attributes.status;
      return status === 'ok' || status === 'fail' ? status : undefined;
    },
  };
}

/** The names of the elements under a root, at any depth (the XSD documents them by name). */
function elementNames(root: XmlElement, into = new Set<string>(), depth = 0): Set<string> {
  if (depth > 8) return into;
  for (const child of root.children) {
    if (child.children.length > 0 || child.text !== '') into.add(child.name);
    elementNames(child, into, depth + 1);
  }
  return into;
}

function exercisedXml(
  { documented, known }: { documented: DocumentedOperation; known: ReadonlySet<string> },
  exchange: Exchange,
  body: unknown,
  decode: (text: string) => Decoded,
): Exercised {
  const meant = caseClass(exchange.expect);
  const request = exchange.request.body === undefined ? undefined : decode(exchange.request.body);
  const sent = request?.ok && isXmlBody(request.value) ? elementNames(request.value.root) : new Set<string>();
  const status = exchange.response?.httpStatus;
  const verdict = isXmlBody(body) ? body.root.attributes.status : undefined;
  const answers = [
    ...(status !== undefined && documented.answers.some((answer) => answer.key === String(status)) ? [String(status)] : []),
    ...(verdict === 'ok' || verdict === 'fail' ? [verdict] : []),
  ];
  const succeeded = verdict === 'ok' && status === 200;
  return {
    operation: documented.id,
    params: documented.params.filter((parameter) => sent.has(parameter.name)).map((parameter) => ({ name: parameter.name, class: meant })),
    answers,
    succeeded,
    properties: succeeded && isXmlBody(body) ? [...elementNames(body.root)].filter((name) => known.has(name)) : [],
    ...(exchange.response && contentTypeOf(exchange.response) ? { responseType: contentTypeOf(exchange.response) } : {}),
  };
}
