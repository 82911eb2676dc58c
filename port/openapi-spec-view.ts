/** The SpecView of a JSON-over-HTTP API described by an OpenAPI document: answers are keyed by HTTP status. */
import { BasisBook } from '../engine/basis.js';
import { CHECK_GROUPS, pickChecks } from '../engine/checks/index.js';
import type { SpecView } from '../engine/checks/types.js';
import { statusMatches } from '../engine/checks/types.js';
import { flattenSchema } from '../generators/arbitraries.js';
import {
  basisEntries,
  indexOperations,
  resolveBundleRef,
  specRefResolver,
  type JsonSchema,
  type ResponseInfo,
  type SpecSource,
} from '../generators/spec.js';
import { openAlong, openOfAll } from '../generators/schema-grades.js';
import { responseKey, standaloneValidators } from '../generators/validators.js';
import { decodeJson } from '../protocols/json/codec.js';

/** The bounded JSON codec (depth, values, string length; duplicate keys noted): nothing downstream recurses over an unbounded body. */
export { decodeJson };

const HTTP_JSON_CHECKS = pickChecks([...CHECK_GROUPS.http, ...CHECK_GROUPS.body, ...CHECK_GROUPS.json]);

export async function openApiSpecView(source: SpecSource): Promise<SpecView> {
  const operations = indexOperations(source);
  const validators = await standaloneValidators(source);
  const responseFor = (operation: string, status: number | undefined): ResponseInfo | undefined => {
    const responses = operations.get(operation)?.responses;
    if (!responses || status === undefined) return undefined;
    // An exact status wins over `4XX`, which wins over `default`.
    return (
      responses.get(String(status)) ??
      [...responses.values()].find((r) => r.status !== 'default' && statusMatches(r.status, status)) ??
      responses.get('default')
    );
  };
  const resolve = (ref: string): JsonSchema => resolveBundleRef(source, ref);
  const resolveAnnotated = specRefResolver(source);
  /** A `const` message in the answer's schema is the text the docs quote for it; read once per documented answer. */
  const messages = new Map<ResponseInfo, string | undefined>();
  const messageOf = (documented: ResponseInfo | undefined): string | undefined => {
    if (!documented?.schema) return undefined;
    if (!messages.has(documented)) {
      const message = (flattenSchema(documented.schema, resolve).properties as Record<string, JsonSchema> | undefined)?.message;
      const constant = message && flattenSchema(message, resolve).const;
      messages.set(documented, typeof constant === 'string' ? constant : undefined);
    }
    return messages.get(documented);
  };
  return {
    basis: new BasisBook(basisEntries(source)),
    documentedMessage: (operation, response) => messageOf(responseFor(operation, response.httpStatus)),
    checks: HTTP_JSON_CHECKS,
    documentedStatuses: (operation) => [...(operations.get(operation)?.responses.keys() ?? [])],
    mediaTypes: (operation, response) => {
      const mediaType = responseFor(operation, response.httpStatus)?.mediaType;
      return mediaType ? [mediaType.toLowerCase()] : [];
    },
    validate(operation, response, body) {
      const documented = responseFor(operation, response.httpStatus);
      if (!documented?.schema) return undefined;
      const result = validators.validate(responseKey(operation, documented.status), body);
      if (result.ok || !documented.annotated) return result;
      const annotated = documented.annotated;
      const place = `left open by the documents (${operation} ${documented.status})`;
      const open = openOfAll(result.locations ?? [], (location) => openAlong(annotated, location, resolveAnnotated, place));
      return open ? { ...result, open } : result;
    },
    decode: (response) => decodeJson(response.body),
    // JSON over HTTP says ok or not with the status alone.
    outcome: () => undefined,
  };
}
