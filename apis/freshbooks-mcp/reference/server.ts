/**
 * The FreshBooks MCP reference server: the five client tools of seed 002 on the SDK's low-level Server,
 * advertising tools.json's schemas verbatim (the schema-drift faults alter only what tools/list shows).
 */
import { readFileSync } from 'node:fs';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  InitializeRequestSchema,
  LATEST_PROTOCOL_VERSION,
  ListToolsRequestSchema,
  McpError,
  SUPPORTED_PROTOCOL_VERSIONS,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../engine/root.js';
import type { McpFaults } from './faults.js';
import {
  BOOLEAN_FIELDS,
  DELETED,
  TEXT_FIELDS,
  VIS_STATES,
  clientJson,
  type AccountClients,
  type Accounts,
  type ClientRecord,
  type ListQuery,
  type Patch,
} from './store.js';
import { SPEC } from '../spec.js';

const NOT_AUTHENTICATED = -32001;
const CLIENT_NOT_FOUND = -32005;
const DEFAULT_PAGE = 1;
const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;
const ACCOUNT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

interface PropertySchema {
  type?: string | string[];
  [keyword: string]: unknown;
}
interface ObjectSchema {
  type: 'object';
  properties: Record<string, PropertySchema>;
  required?: string[];
  [keyword: string]: unknown;
}
interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: ObjectSchema;
  readonly outputSchema: ObjectSchema;
}

/** tools.json, the single source of truth, read once from beside this folder. */
const TOOLS: readonly ToolDefinition[] = (JSON.parse(readFileSync(join(PROJECT_ROOT, SPEC.path), 'utf8')) as { tools: ToolDefinition[] })
  .tools;

/** What tools/list answers: tools.json's name, description and schemas, with the schema-drift faults applied. */
function advertisedTools(faults: McpFaults = {}): Tool[] {
  const tools = TOOLS.filter((tool) => !(faults.deleteUnlisted && tool.name === 'client_delete')).map((tool) =>
    structuredClone({ name: tool.name, description: tool.description, inputSchema: tool.inputSchema, outputSchema: tool.outputSchema }),
  );
  for (const tool of tools) {
    const input = tool.inputSchema;
    if (tool.name === 'client_list' && faults.listFNameRenamed) {
      input.properties = Object.fromEntries(Object.entries(input.properties).map(([k, v]) => [k === 'fName' ? 'firstName' : k, v]));
    }
    if (tool.name === 'client_list' && faults.perPageMaxDropped) delete input.properties.perPage!.maximum;
    if (tool.name === 'client_list' && faults.perPageMaxNarrowed) input.properties.perPage!.maximum = 50;
    if (faults.advertisedLoose) loosen(input);
    if (tool.name === 'client_create' && faults.createEmailRequired) input.required = [...(input.required ?? []), 'email'];
    if (faults.clientIdTypedString && input.properties.clientId) input.properties.clientId = { type: 'string', description: 'Client ID' };
    const output = tool.outputSchema as { properties?: Record<string, unknown> } | undefined;
    if (tool.name === 'client_single' && faults.advertisedOutputIdString && output?.properties) output.properties.id = { type: 'string' };
  }
  return tools as Tool[];
}

/** The inputSchema as the Input Schema tables type it: number for integer, and none of the limits, values, formats or anyOf. */
function loosen(input: ObjectSchema): void {
  delete input.anyOf;
  for (const property of Object.values(input.properties)) {
    if (property.type === 'integer') property.type = 'number';
    for (const keyword of ['minimum', 'maximum', 'enum', 'format', 'pattern']) delete property[keyword];
  }
}

type Args = Record<string, unknown>;

function invalid(message: string): McpError {
  return new McpError(ErrorCode.InvalidParams, message);
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isSafeInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    default:
      return false;
  }
}

/** The required arguments are there and every documented one has its documented JSON type (tools.json, never the advertised drift). */
function checkShape(tool: ToolDefinition, args: Args): void {
  for (const key of tool.inputSchema.required ?? []) if (args[key] === undefined) throw invalid(`Missing required argument: ${key}`);
  for (const [key, value] of Object.entries(args)) {
    const type = tool.inputSchema.properties[key]?.type;
    if (value === undefined || type === undefined) continue;
    const types = Array.isArray(type) ? type : [type];
    if (!types.some((t) => hasType(value, t))) throw invalid(`Invalid ${key}: expected ${types.join(' or ')}`);
  }
}

function result(object: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(object) }], structuredContent: object };
}

const SERVER_INFO = { name: 'freshbooks-mcp-reference', version: '1.0.0' };

/** Builds one server (one per connection or session); every server built on `accounts` shares its clients. */
export function buildServer(accounts: Accounts, faults: McpFaults, authenticated: boolean): Server {
  const server = new Server(SERVER_INFO, { capabilities: { tools: { listChanged: false } } });

  function account(args: Args): AccountClients {
    const id = args.accountId as string;
    if (!faults.accountIdUnchecked && !ACCOUNT_ID.test(id)) throw invalid(`Invalid accountId format: ${JSON.stringify(id)}`);
    return accounts.of(id);
  }

  function clientIdOf(args: Args): number {
    const id = args.clientId as number;
    if (id < 1 && !faults.nonPositiveIdNotFound) throw invalid(`Invalid clientId: ${id} is not a positive integer`);
    return id;
  }

  function notFound(id: number): McpError {
    return faults.notFoundInternal
      ? new McpError(ErrorCode.InternalError, 'Internal error')
      : new McpError(CLIENT_NOT_FOUND, `Client not found: ${id}`);
  }

  function existing(clients: AccountClients, id: number): ClientRecord {
    const record = clients.find(id);
    if (!record) throw notFound(id);
    return record;
  }

  /** The writable fields given, after the email check. */
  function patchOf(args: Args): Patch {
    const patch: Record<string, unknown> = {};
    for (const field of [...TEXT_FIELDS, ...BOOLEAN_FIELDS, 'visState'] as const) if (args[field] !== undefined) patch[field] = args[field];
    const email = patch.email;
    if (typeof email === 'string' && email !== '' && !EMAIL.test(email) && !faults.invalidEmailAccepted) {
      throw invalid(`Invalid email format: ${JSON.stringify(email)}`);
    }
    return patch as Patch;
  }

  const json = (record: ClientRecord): Record<string, unknown> => clientJson(record, faults);

  const handlers: Record<string, (args: Args) => CallToolResult> = {
    client_list(args) {
      const clients = account(args);
      const page = (args.page as number | undefined) ?? (faults.pagesZeroBased ? 0 : DEFAULT_PAGE);
      const perPage = (args.perPage as number | undefined) ?? (faults.defaultPerPage20 ? 20 : DEFAULT_PER_PAGE);
      if (page < (faults.pagesZeroBased ? 0 : 1) && !faults.pageZeroServedWhole) throw invalid(`Invalid page: ${page} (pages start at 1)`);
      if (perPage < 1) throw invalid(`Invalid perPage: ${perPage} (at least 1)`);
      if (perPage > MAX_PER_PAGE && !faults.perPageUncapped) throw invalid(`Invalid perPage: ${perPage} (max ${MAX_PER_PAGE})`);
      const visState = args.visState as number | undefined;
      if (visState !== undefined && !VIS_STATES.includes(visState) && !faults.visStateUnchecked) {
        throw invalid(`Invalid visState value: ${visState} (use 0, 1, or 2)`);
      }
      const query: ListQuery = {
        page,
        perPage,
        visState,
        email: args.email as string | undefined,
        organization: args.organization as string | undefined,
        fName: args.fName as string | undefined,
        lName: args.lName as string | undefined,
      };
      const listed = clients.list(query);
      return result({
        clients: listed.clients.map((r) => (faults.listIdsAsStrings ? { ...json(r), id: String(r.id) } : json(r))),
        pagination: { page: listed.page, pages: listed.pages, total: listed.total, perPage: listed.perPage },
      });
    },
    client_single(args) {
      const clients = account(args);
      const record = existing(clients, clientIdOf(args));
      return result(json(faults.singleAnswersNewest ? clients.newest()! : record));
    },
    client_create(args) {
      const clients = account(args);
      const named = (['fName', 'lName', 'organization'] as const).some((k) => typeof args[k] === 'string' && /\S/.test(args[k] as string));
      if (!named && !faults.namelessCreateAccepted)
        throw invalid('Missing name/organization: provide at least one of fName, lName or organization');
      const patch = patchOf(args);
      delete patch.visState; // not an argument of client_create
      if (faults.createDropsBusPhone) delete patch.busPhone;
      return result(json(clients.create(patch)));
    },
    client_update(args) {
      const clients = account(args);
      const id = clientIdOf(args);
      const patch = patchOf(args);
      if (patch.visState !== undefined && !VIS_STATES.includes(patch.visState))
        throw invalid(`Invalid visState value: ${patch.visState} (use 0, 1, or 2)`);
      const record = existing(clients, id);
      // The lookup of active clients only: a restore (visState 0) still goes through.
      if (faults.deletedUpdateNotFound && record.fields.visState === DELETED && patch.visState === undefined) throw notFound(id);
      clients.update(record, patch);
      return result(json(record));
    },
    client_delete(args) {
      const clients = account(args);
      const id = clientIdOf(args);
      const record = existing(clients, id);
      // "Client may already be deleted": deleting a deleted client is not found (an assumption, see tools.json).
      if (record.fields.visState === DELETED) throw notFound(id);
      clients.delete(record);
      return result({ success: true, clientId: id });
    },
  };

  if (faults.handshakeWithoutTools) {
    // The SDK's own initialize, less the capabilities: the tool handlers stay registered and answer.
    server.setRequestHandler(InitializeRequestSchema, async (request) => {
      const asked = request.params.protocolVersion;
      return {
        protocolVersion: SUPPORTED_PROTOCOL_VERSIONS.includes(asked) ? asked : LATEST_PROTOCOL_VERSION,
        capabilities: {},
        serverInfo: SERVER_INFO,
      };
    });
  }
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: advertisedTools(faults) }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const { name } = request.params;
    const args: Args = request.params.arguments ?? {};
    if (!authenticated && !faults.servesWithoutAuth)
      throw new McpError(NOT_AUTHENTICATED, 'Not authenticated: call auth_get_url to authenticate');
    const tool = TOOLS.find((candidate) => candidate.name === name);
    const handler = Object.hasOwn(handlers, name) ? handlers[name] : undefined;
    if (!tool || !handler) {
      if (faults.unknownToolSucceeds) return { content: [] };
      if (faults.unknownToolInvalidRequest) throw new McpError(ErrorCode.InvalidRequest, `Unknown tool: ${name}`);
      throw invalid(`Unknown tool: ${name}`);
    }
    if (faults.wrongTypesInternalError && name === 'client_create') {
      // Text normalised before the type check: a number, boolean, object or array where text belongs crashes it (`value.trim is not a function`).
      const crashes = Object.entries(args).some(
        ([key, value]) => tool.inputSchema.properties[key]?.type === 'string' && value !== undefined && typeof value !== 'string',
      );
      if (crashes) throw new McpError(ErrorCode.InternalError, 'Internal error');
    }
    if (faults.wrongTypesToolError && name === 'client_create') {
      // As the SDK's McpServer answers a thrown error: an isError result whose text carries no code.
      try {
        checkShape(tool, args);
      } catch {
        return { isError: true, content: [{ type: 'text', text: 'Invalid arguments for tool client_create' }] };
      }
    }
    checkShape(tool, args);
    return handler(args);
  });
  return server;
}
