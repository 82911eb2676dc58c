/** The SpecView of an XML-over-HTTP API described by an XML Schema (FreshBooks Classic). */
import type { Outcome, SpecView } from '../engine/checks/types.js';
import { loadXsdSpec, type XsdName } from '../generators/xsd.js';
import { decodeXml, type XmlBody } from '../protocols/xml/codec.js';

function isXmlBody(body: unknown): body is XmlBody {
  return typeof body === 'object' && body !== null && typeof (body as XmlBody).text === 'string' && typeof (body as XmlBody).root === 'object';
}

export async function xmlSpecView(api: XsdName): Promise<SpecView> {
  const spec = loadXsdSpec(api);
  const hasBody = (operation: string, status: number): boolean =>
    spec.operations.get(operation)?.bodyStatuses.includes(String(status)) ?? false;
  return {
    documentedStatuses: (operation) => spec.operations.get(operation)?.statuses ?? [],
    mediaTypes: (operation, status) => (hasBody(operation, status) ? spec.operations.get(operation)!.mediaTypes : []),
    validate(operation, status, body) {
      if (!hasBody(operation, status)) return undefined;
      if (!isXmlBody(body)) return { ok: false, errors: ['the body is not a decoded XML document'] };
      return spec.validateResponse(operation, body.text);
    },
    decode: (response) => decodeXml(response.body),
    outcome(body): Outcome | undefined {
      if (!isXmlBody(body)) return undefined;
      const status = body.root.attributes.status;
      return status === 'ok' || status === 'fail' ? status : undefined;
    },
  };
}
