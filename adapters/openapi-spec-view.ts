/** The SpecView of a JSON-over-HTTP API described by an OpenAPI document. */
import type { Decoded, SpecView } from '../engine/checks/types.js';
import { statusMatches } from '../engine/checks/types.js';
import { indexOperations, type OpenApiName, type ResponseInfo } from '../generators/spec.js';
import { responseKey, standaloneValidators } from '../generators/validators.js';

export function decodeJson(text: string): Decoded {
  if (text.trim() === '') return { ok: false, error: 'empty body' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

export async function openApiSpecView(api: OpenApiName): Promise<SpecView> {
  const operations = indexOperations(api);
  const validators = await standaloneValidators(api);
  const responseFor = (operation: string, status: number): ResponseInfo | undefined => {
    const responses = operations.get(operation)?.responses;
    if (!responses) return undefined;
    // An exact status wins over `4XX`, which wins over `default`.
    return responses.get(String(status)) ?? [...responses.values()].find((r) => r.status !== 'default' && statusMatches(r.status, status)) ?? responses.get('default');
  };
  return {
    documentedStatuses: (operation) => [...(operations.get(operation)?.responses.keys() ?? [])],
    mediaTypes: (operation, status) => {
      const mediaType = responseFor(operation, status)?.mediaType;
      return mediaType ? [mediaType.toLowerCase()] : [];
    },
    validate(operation, status, body) {
      const response = responseFor(operation, status);
      if (!response?.schema) return undefined;
      return validators.validate(responseKey(operation, response.status), body);
    },
    decode: (response) => decodeJson(response.body),
    // JSON over HTTP says ok or not with the status alone.
    outcome: () => undefined,
  };
}
