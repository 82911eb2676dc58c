/** The SpecView of an XML-over-HTTP API described by an XML Schema (FreshBooks Classic): the envelope carries the verdict. */
import { BasisBook } from '../engine/basis.js';
import { CHECK_GROUPS, pickChecks } from '../engine/checks/index.js';
import type { Outcome, SpecView } from '../engine/checks/types.js';
import { loadXsdSpec } from '../generators/xsd.js';
import { decodeXml, type XmlBody } from '../protocols/xml/codec.js';

export function isXmlBody(body: unknown): body is XmlBody {
  return (
    typeof body === 'object' && body !== null && typeof (body as XmlBody).text === 'string' && typeof (body as XmlBody).root === 'object'
  );
}

const HTTP_XML_CHECKS = pickChecks([...CHECK_GROUPS.http, ...CHECK_GROUPS.body, ...CHECK_GROUPS.envelope]);

/** `path`: the XSD, relative to the project root. */
export async function xmlSpecView(path: string): Promise<SpecView> {
  const spec = loadXsdSpec(path);
  const hasBody = (operation: string, status: number | undefined): boolean =>
    status !== undefined && (spec.operations.get(operation)?.bodyStatuses.includes(String(status)) ?? false);
  return {
    basis: new BasisBook(spec.basisEntries()),
    checks: HTTP_XML_CHECKS,
    documentedStatuses: (operation) => spec.operations.get(operation)?.statuses ?? [],
    mediaTypes: (operation, response) => (hasBody(operation, response.httpStatus) ? spec.operations.get(operation)!.mediaTypes : []),
    validate(operation, response, body) {
      if (!hasBody(operation, response.httpStatus)) return undefined;
      if (!isXmlBody(body)) return { ok: false, errors: ['the body is not a decoded XML document'] };
      return spec.validateResponse(operation, body.text);
    },
    decode: (response) => decodeXml(response.body),
    outcome(_response, body): Outcome | undefined {
      if (!isXmlBody(body)) return undefined;
      const status = body.root.attributes.status;
      return status === 'ok' || status === 'fail' ? status : undefined;
    },
  };
}
