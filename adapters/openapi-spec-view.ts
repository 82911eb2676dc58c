/** The SpecView of a JSON-over-HTTP API described by an OpenAPI document: answers are keyed by HTTP status. */
import { BasisBook } from '../engine/basis.js';
import { CHECK_GROUPS, pickChecks } from '../engine/checks/index.js';
import type { Decoded, SpecView } from '../engine/checks/types.js';
import { statusMatches } from '../engine/checks/types.js';
import { basisEntries, indexOperations, type ResponseInfo, type SpecSource } from '../generators/spec.js';
import { responseKey, standaloneValidators } from '../generators/validators.js';

export function decodeJson(text: string): Decoded {
  if (text.trim() === '') return { ok: false, error: 'empty body' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

const HTTP_JSON_CHECKS = pickChecks([...CHECK_GROUPS.http, ...CHECK_GROUPS.body]);

export async function openApiSpecView(source: SpecSource): Promise<SpecView> {
  const operations = indexOperations(source);
  const validators = await standaloneValidators(source);
  const responseFor = (operation: string, status: number | undefined): ResponseInfo | undefined => {
    const responses = operations.get(operation)?.responses;
    if (!responses || status === undefined) return undefined;
    // An exact status wins over `4XX`, which wins over `default`.
    return responses.get(String(status)) ?? [...responses.values()].find((r) => r.status !== 'default' && statusMatches(r.status, status)) ?? responses.get('default');
  };
  return {
    basis: new BasisBook(basisEntries(source)),
    checks: HTTP_JSON_CHECKS,
    documentedStatuses: (operation) => [...(operations.get(operation)?.responses.keys() ?? [])],
    mediaTypes: (operation, response) => {
      const mediaType = responseFor(operation, response.httpStatus)?.mediaType;
      return mediaType ? [mediaType.toLowerCase()] : [];
    },
    validate(operation, response, body) {
      const documented = responseFor(operation, response.httpStatus);
      if (!documented?.schema) return undefined;
      return validators.validate(responseKey(operation, documented.status), body);
    },
    decode: (response) => decodeJson(response.body),
    // JSON over HTTP says ok or not with the status alone.
    outcome: () => undefined,
  };
}
