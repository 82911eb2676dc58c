/**
 * The SpecView of an API of MCP tools (`tools.json`): an answer is a JSON-RPC response message; a
 * success is a result without `isError`, whose JSON (structured content, or the JSON in its first text
 * content) validates against the tool's documented output schema; a refusal is a JSON-RPC error or an
 * `isError` result, judged by its code (`expected-error-code`), never by an HTTP status.
 */
import { BasisBook } from '../engine/basis.js';
import { CHECK_GROUPS, pickChecks } from '../engine/checks/index.js';
import type { Outcome, SpecView } from '../engine/checks/types.js';
import type { SpecSource } from '../generators/spec.js';
import { mcpBasisEntries, outputKey, standaloneMcpValidators, toolOf } from '../generators/mcp-tools.js';
import { localRef, openAlong, openOfAll } from '../generators/schema-grades.js';
import { decodeJson } from '../protocols/json/codec.js';
import { caseClass, PropertyTree, paramUse, type DocumentedOperation, type DocumentedSurface, type Exercised } from '../engine/coverage.js';
import type { Exchange } from '../engine/exchange.js';
import { loadMcpTools, type ToolSpec } from '../generators/mcp-tools.js';
import { documentedParameter, schemaPaths } from '../generators/surface.js';
import type { JsonSchema } from '../generators/spec.js';
import { sharedView } from './view-cache.js';

const MCP_CHECKS = pickChecks(['transport', ...CHECK_GROUPS.body, ...CHECK_GROUPS.json, ...CHECK_GROUPS.envelope, ...CHECK_GROUPS.rpc]);

/** A tools/call operation is named after its tool; other methods (`initialize`, `tools/list`) keep theirs. */
export interface ToolResult {
  /** The result's JSON: `structuredContent`, else the first text content parsed as JSON; undefined when neither. */
  readonly payload: unknown;
  readonly isError: boolean;
}

/** What a JSON-RPC response message carries: a result (success or isError) or an error. */
export function resultOf(message: unknown): ToolResult | 'error' | undefined {
  if (!message || typeof message !== 'object') return undefined;
  const record = message as Record<string, unknown>;
  if (record.error !== undefined) return 'error';
  const result = record.result as Record<string, unknown> | undefined;
  if (!result || typeof result !== 'object') return undefined;
  return { payload: payloadOf(result), isError: result.isError === true };
}

function payloadOf(result: Record<string, unknown>): unknown {
  if (result.structuredContent !== undefined) return result.structuredContent;
  const first = Array.isArray(result.content) ? (result.content as Record<string, unknown>[]).find((c) => c?.type === 'text') : undefined;
  if (typeof first?.text !== 'string') return undefined;
  const decoded = decodeJson(first.text);
  return decoded.ok ? decoded.value : undefined;
}

export function mcpSpecView(source: SpecSource): Promise<SpecView> {
  return sharedView(`mcp ${source.api} ${source.path}`, () => makeMcpSpecView(source));
}

async function makeMcpSpecView(source: SpecSource): Promise<SpecView> {
  const validators = await standaloneMcpValidators(source);
  const outcome = (body: unknown): Outcome | undefined => {
    const result = resultOf(body);
    if (result === undefined) return undefined;
    return result === 'error' || result.isError ? 'fail' : 'ok';
  };
  const surface: DocumentedSurface = { operations: loadMcpTools(source).tools.map(toolSurface) };
  // Read once per tool: every exchange is read against them.
  const byId = new Map(
    surface.operations.map((operation) => [
      operation.id,
      { documented: operation, properties: new PropertyTree(operation.properties ?? []) },
    ]),
  );
  return {
    surface,
    exercised: (exchange, body) => {
      const reading = byId.get(exchange.operation);
      return reading && exercisedCall(reading, exchange, body);
    },
    basis: new BasisBook(mcpBasisEntries(source)),
    checks: MCP_CHECKS,
    documentedStatuses: () => [],
    // Every answer is a JSON-RPC message: always decoded (no content-type check runs without HTTP).
    mediaTypes: () => ['application/json'],
    validate(operation, _response, body) {
      const result = resultOf(body);
      if (result === undefined || result === 'error' || result.isError || !validators.has(outputKey(operation))) return undefined;
      if (result.payload === undefined) return { ok: false, errors: ['/ the result has neither structuredContent nor JSON text content'] };
      const checked = validators.validate(outputKey(operation), result.payload);
      const annotated = toolOf(source, operation)?.outputSchema;
      if (checked.ok || !annotated) return checked;
      const place = `left open by the documents (${operation} result)`;
      const open = openOfAll(checked.locations ?? [], (location) => openAlong(annotated, location, localRef(annotated), place));
      return open ? { ...checked, open } : checked;
    },
    decode: (response) => decodeJson(response.body),
    outcome: (_response, body) => outcome(body),
  };
}

/** A tool as coverage counts it: its arguments, a result and each documented error code, its output's properties. */
/** `$ref`s inside one tool's schema; one that leads nowhere reads as an empty schema. */
const refsIn = (schema: JsonSchema) => {
  const resolve = localRef(schema);
  return (ref: string): JsonSchema => resolve(ref) ?? {};
};

function toolSurface(tool: ToolSpec): DocumentedOperation {
  const resolve = refsIn(tool.inputSchema);
  const input = (tool.inputSchema.properties ?? {}) as Record<string, JsonSchema>;
  const codes = new Map<number, string | undefined>();
  for (const error of tool.errors) {
    const why = error['x-clientele-unreached'];
    // A code reachable by one documented condition is reachable.
    codes.set(error.code, codes.has(error.code) ? codes.get(error.code) && why : why);
  }
  return {
    id: tool.name,
    path: 'tools/call',
    params: Object.entries(input).map(([name, schema]) => documentedParameter(name, 'argument', schema, resolve)),
    answers: [
      { key: 'result', kind: 'outcome' },
      ...[...codes].map(([code, why]) => ({ key: `error ${code}`, kind: 'rpc-code' as const, ...(why ? { unreachable: why } : {}) })),
    ],
    properties: tool.outputSchema ? schemaPaths(tool.outputSchema, refsIn(tool.outputSchema)) : [],
    requestTypes: [],
    responseTypes: [],
  };
}

function exercisedCall(
  { documented, properties }: { documented: DocumentedOperation; properties: PropertyTree },
  exchange: Exchange,
  body: unknown,
): Exercised {
  const meant = caseClass(exchange.expect);
  const message = exchange.request.body === undefined ? undefined : decodeJson(exchange.request.body);
  // The request's body is the call's params (`{name, arguments}`), or a whole JSON-RPC message that holds them.
  const sent = message?.ok ? (message.value as { arguments?: unknown; params?: { arguments?: unknown } }) : undefined;
  const args = sent?.arguments ?? sent?.params?.arguments ?? {};
  const params: Exercised['params'][number][] = [];
  for (const parameter of documented.params) {
    if (!args || typeof args !== 'object' || !(parameter.name in args)) continue;
    params.push(paramUse(parameter, (args as Record<string, unknown>)[parameter.name], meant));
  }
  const result = resultOf(body);
  const code = exchange.response?.rpcErrorCode;
  const answers =
    result !== undefined && result !== 'error' && !result.isError
      ? ['result']
      : code !== undefined && documented.answers.some((answer) => answer.key === `error ${code}`)
        ? [`error ${code}`]
        : [];
  const succeeded = answers[0] === 'result';
  const payload = succeeded && typeof result === 'object' ? result.payload : undefined;
  return {
    operation: documented.id,
    params,
    answers,
    succeeded,
    properties: properties.present(payload),
  };
}
