/** The SpecView of a JSON-over-HTTP API described by an OpenAPI document: answers are keyed by HTTP status. */
import { BasisBook } from '../engine/basis.js';
import { CHECK_GROUPS, pickChecks } from '../engine/checks/index.js';
import type { SpecView } from '../engine/checks/types.js';
import { statusMatches } from '../engine/checks/types.js';
import { flattenSchema, type RefResolver } from '../generators/arbitraries.js';
import {
  basisEntries,
  indexOperations,
  resolveBundleRef,
  specRefResolver,
  type JsonSchema,
  type OperationInfo,
  type ResponseInfo,
  type SpecSource,
} from '../generators/spec.js';
import { openAlong, openOfAll } from '../generators/schema-grades.js';
import { responseKey, standaloneValidators } from '../generators/validators.js';
import { decodeJson } from '../protocols/json/codec.js';
import { contentTypeOf, type Exchange } from '../engine/exchange.js';
import {
  caseClass,
  PropertyTree,
  paramUse,
  type DocumentedAnswer,
  type DocumentedOperation,
  type DocumentedParameter,
  type DocumentedSurface,
  type Exercised,
} from '../engine/coverage.js';
import { documentedParameter, schemaAt, schemaPaths } from '../generators/surface.js';
import { sharedView } from './view-cache.js';

/** The bounded JSON codec (depth, values, string length; duplicate keys noted): nothing downstream recurses over an unbounded body. */
export { decodeJson };

const HTTP_JSON_CHECKS = pickChecks([...CHECK_GROUPS.http, ...CHECK_GROUPS.body, ...CHECK_GROUPS.json]);

export function openApiSpecView(source: SpecSource): Promise<SpecView> {
  return sharedView(`openapi ${source.api} ${source.path}`, () => makeOpenApiSpecView(source));
}

async function makeOpenApiSpecView(source: SpecSource): Promise<SpecView> {
  const operations = indexOperations(source);
  const validators = await standaloneValidators(source);
  // Every exchange asks for its documented answer several times: found once per operation and status.
  const answers = new Map<string, ResponseInfo | undefined>();
  const responseFor = (operation: string, status: number | undefined): ResponseInfo | undefined => {
    if (status === undefined) return undefined;
    const key = `${status} ${operation}`;
    if (answers.has(key)) return answers.get(key);
    const responses = operations.get(operation)?.responses;
    // An exact status wins over `4XX`, which wins over `default`.
    const found =
      responses &&
      (responses.get(String(status)) ??
        [...responses.values()].find((r) => r.status !== 'default' && statusMatches(r.status, status)) ??
        responses.get('default'));
    answers.set(key, found);
    return found;
  };
  const mediaTypes = new Map<ResponseInfo, readonly string[]>();
  const statuses = new Map([...operations].map(([id, operation]) => [id, [...operation.responses.keys()]]));
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
  const surface = openApiSurface(operations, resolve);
  // Made once per operation: every exchange is read against them.
  const readings = new Map(surface.operations.map((documented) => [documented.id, operationReading(documented)]));
  return {
    surface,
    exercised: (exchange, body) => {
      const reading = readings.get(exchange.operation);
      return reading && exercisedOver(reading, exchange, body, (status) => responseFor(exchange.operation, status)?.status);
    },
    basis: new BasisBook(basisEntries(source)),
    documentedMessage: (operation, response) => messageOf(responseFor(operation, response.httpStatus)),
    checks: HTTP_JSON_CHECKS,
    documentedStatuses: (operation) => statuses.get(operation) ?? [],
    mediaTypes: (operation, response) => {
      const documented = responseFor(operation, response.httpStatus);
      if (!documented?.mediaType) return [];
      let types = mediaTypes.get(documented);
      if (!types) mediaTypes.set(documented, (types = [documented.mediaType.toLowerCase()]));
      return types;
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

/** Why a documented status cannot be counted on: no request a client sends is meant to bring it. */
export function unreachableStatus(status: string): string | undefined {
  if (status === 'default') return 'the catch-all answer: it comes only when the server answers a status the documents do not list';
  if (/^[1-5]XX$/i.test(status))
    return `a range for statuses the documents do not list one by one: reached only when the server answers one of them`;
  if (status.startsWith('5')) return 'a server fault: no well-formed request is meant to bring it';
  if (status === '429') return 'rate limiting: bringing it about would mean flooding the target';
  return undefined;
}

function openApiSurface(operations: ReadonlyMap<string, OperationInfo>, resolve: RefResolver): DocumentedSurface {
  return {
    operations: [...operations.values()].map((operation): DocumentedOperation => {
      const params: DocumentedParameter[] = operation.parameters
        .filter((parameter) => parameter.in === 'path' || parameter.in === 'query')
        .map((parameter) => documentedParameter(parameter.name, parameter.in as 'path' | 'query', parameter.schema, resolve));
      const request = operation.requestSchema;
      if (request)
        for (const path of schemaPaths(request, resolve, true))
          params.push(documentedParameter(path, 'body', schemaAt(request, path, resolve), resolve));
      const answers: DocumentedAnswer[] = [...operation.responses.keys()].map((status) => {
        const unreachable = unreachableStatus(status);
        const group = operation.alternatives.find((statuses) => statuses.includes(status));
        const alternativeOf = group && group[0] !== status ? group[0] : undefined;
        return { key: status, kind: 'status', ...(unreachable ? { unreachable } : {}), ...(alternativeOf ? { alternativeOf } : {}) };
      });
      const successes = [...operation.responses.values()].filter((response) => response.status.startsWith('2'));
      return {
        id: operation.operationId,
        method: operation.method,
        path: operation.path,
        params,
        answers,
        properties: [...new Set(successes.flatMap((response) => (response.schema ? schemaPaths(response.schema, resolve) : [])))],
        requestTypes: operation.requestTypes,
        responseTypes: [...new Set(successes.flatMap((response) => (response.mediaType ? [response.mediaType.toLowerCase()] : [])))],
      };
    }),
  };
}

/** An operation as each of its exchanges is read: its documented surface, its properties and parameters by name. */
interface OperationReading {
  readonly documented: DocumentedOperation;
  readonly properties: PropertyTree;
  readonly query: ReadonlyMap<string, DocumentedParameter>;
  readonly body: ReadonlyMap<string, DocumentedParameter>;
  /** The path template's segment count, and its documented parameters by segment. */
  readonly segments: number;
  readonly pathParams: readonly { readonly index: number; readonly parameter: DocumentedParameter }[];
}

function operationReading(documented: DocumentedOperation): OperationReading {
  const byName = (where: DocumentedParameter['in']) =>
    new Map(documented.params.filter((parameter) => parameter.in === where).map((parameter) => [parameter.name, parameter]));
  const path = byName('path');
  const template = (documented.path ?? '').split('/');
  return {
    documented,
    properties: new PropertyTree(documented.properties ?? []),
    query: byName('query'),
    body: byName('body'),
    segments: template.length,
    pathParams: template.flatMap((part, index) => {
      const parameter = path.get(/^\{(.+)\}$/.exec(part)?.[1] ?? '');
      return parameter ? [{ index, parameter }] : [];
    }),
  };
}

/** The name and value pairs of a form body (`a=1&tags[]=x`), decoded as a server decodes them; a broken escape is left as written. */
function formPairs(text: string): [string, string][] {
  const decode = (part: string) => {
    const spaced = part.includes('+') ? part.replace(/\+/g, ' ') : part;
    if (!spaced.includes('%')) return spaced;
    try {
      return decodeURIComponent(spaced);
    } catch {
      return spaced;
    }
  };
  const pairs: [string, string][] = [];
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    pairs.push(at < 0 ? [decode(pair), ''] : [decode(pair.slice(0, at)), decode(pair.slice(at + 1))]);
  }
  return pairs;
}

/** What one HTTP exchange exercised: the parameters its URL and body carried, the status it matched, the properties it showed. */
function exercisedOver(
  reading: OperationReading,
  exchange: Exchange,
  body: unknown,
  matched: (status: number) => string | undefined,
): Exercised {
  const { documented, properties } = reading;
  const meant = caseClass(exchange.expect);
  const params: Exercised['params'][number][] = [];
  const sent = (parameter: DocumentedParameter | undefined, value: unknown) => {
    if (parameter) params.push(paramUse(parameter, value, meant));
  };
  let url: URL | undefined;
  try {
    url = new URL(exchange.request.url ?? '');
  } catch {
    url = undefined;
  }
  if (url) {
    // The query decodes as a form does (URLSearchParams), without building one.
    if (url.search.length > 1) for (const [name, value] of formPairs(url.search.slice(1))) sent(reading.query.get(name), value);
    const actual = url.pathname.split('/').slice(-reading.segments);
    for (const { index, parameter } of reading.pathParams) {
      const segment = actual[index];
      if (segment !== undefined) sent(parameter, decodeURIComponent(segment));
    }
  }
  const requestType = contentTypeOf(exchange.request);
  const text = exchange.request.body;
  if (text !== undefined && requestType === 'application/x-www-form-urlencoded') {
    // A form names a list's items `key[]`: the parameter is the list.
    for (const [name, value] of formPairs(text)) sent(reading.body.get(name.endsWith('[]') ? name.slice(0, -2) : name), value);
  } else if (text !== undefined) {
    const requestBody = decodeJson(text);
    if (requestBody.ok) walkLeaves(requestBody.value, '', (path, value) => sent(reading.body.get(path), value));
  }
  const status = exchange.response?.httpStatus;
  const key = status === undefined ? undefined : matched(status);
  const succeeded = status !== undefined && status >= 200 && status < 300 && key !== undefined;
  const responseType = exchange.response && contentTypeOf(exchange.response);
  return {
    operation: documented.id,
    params,
    answers: key ? [key] : [],
    succeeded,
    properties: succeeded ? properties.present(body) : [],
    ...(requestType ? { requestType } : {}),
    ...(responseType ? { responseType } : {}),
  };
}

/** Calls `visit` with every leaf of a request body (a value that is not an object), arrays as `[]`. */
export function walkLeaves(value: unknown, prefix: string, visit: (path: string, value: unknown) => void, depth = 0): void {
  if (depth > 8) return;
  if (Array.isArray(value)) {
    // A list of plain values is one parameter (`tags`); a list of objects has leaves of its own.
    if (value.every((item) => item === null || typeof item !== 'object')) {
      if (prefix) visit(prefix, value);
    } else for (const item of value.slice(0, 50)) walkLeaves(item, `${prefix}[]`, visit, depth + 1);
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, member] of Object.entries(value as Record<string, unknown>))
      walkLeaves(member, prefix ? `${prefix}.${key}` : key, visit, depth + 1);
    return;
  }
  if (prefix) visit(prefix, value);
}
