/**
 * The embedded FreshBooks MCP reference (apis/freshbooks-mcp/target), driven with the SDK's own client
 * over Streamable HTTP (and once over stdio): every documented error code, paging, filters, the
 * soft-delete/restore cycle, and a few mutants that must differ from the reference where they should.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUTANTS, startTarget, type McpTargetOptions } from '../apis/freshbooks-mcp/reference/index.js';

type Json = any;

const TOKEN = 'mcp-reference-token-7d1e';
const ACCOUNT = 'ABC123';
const CREDENTIALS = { token: TOKEN, accountId: ACCOUNT };
/** Every request is bounded: no single call may take longer than this. */
const CALL_TIMEOUT_MS = 10_000;
const TOOLS = JSON.parse(readFileSync(new URL('../specs/freshbooks-mcp/tools.json', import.meta.url), 'utf8')).tools as Json[];
const STDIO_ENTRY = fileURLToPath(new URL('../apis/freshbooks-mcp/reference/stdio.ts', import.meta.url));

type Running = Awaited<ReturnType<typeof startTarget>>;

/** A connected SDK client; `listTools` first, so the client checks every answer against its outputSchema. */
async function connect(endpoint: string, token: string | null = TOKEN): Promise<Client> {
  const headers: Record<string, string> = token === null ? {} : { Authorization: `Bearer ${token}` };
  const client = new Client({ name: 'clientele-test', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(endpoint), { requestInit: { headers } }), { timeout: CALL_TIMEOUT_MS });
  await client.listTools(undefined, { timeout: CALL_TIMEOUT_MS });
  return client;
}

/** The tool's structured answer; fails on any error. */
async function call(client: Client, name: string, args: Json): Promise<Json> {
  const result = await client.callTool({ name, arguments: args }, undefined, { timeout: CALL_TIMEOUT_MS });
  expect(result.isError, JSON.stringify(result)).toBeFalsy();
  // Both forms carry the same object.
  expect(JSON.parse((result.content as Json)[0].text)).toEqual(result.structuredContent);
  return result.structuredContent;
}

/** The JSON-RPC error code the call answers; fails when it answers a result. */
async function codeOf(client: Client, name: string, args: Json): Promise<number> {
  let result: unknown;
  try {
    result = await client.callTool({ name, arguments: args }, undefined, { timeout: CALL_TIMEOUT_MS });
  } catch (error) {
    if (error instanceof McpError) return error.code;
    throw error;
  }
  throw new Error(`${name} ${JSON.stringify(args)} answered a result: ${JSON.stringify(result).slice(0, 200)}`);
}

/** Starts a target, connects a client, runs `body`, and always closes both. */
async function withTarget<T>(
  mutantId: string | undefined,
  body: (client: Client, target: Running) => Promise<T>,
  options?: McpTargetOptions,
): Promise<T> {
  const target = await startTarget(CREDENTIALS, mutantId, options);
  let client: Client | undefined;
  try {
    client = await connect(target.endpoint);
    return await body(client, target);
  } finally {
    await client?.close();
    await target.close();
  }
}

const create = (client: Client, fields: Json, accountId = ACCOUNT): Promise<Json> =>
  call(client, 'client_create', { accountId, ...fields });

describe('the FreshBooks MCP reference over Streamable HTTP', () => {
  let target: Running;
  let client: Client;

  beforeAll(async () => {
    target = await startTarget(CREDENTIALS);
    client = await connect(target.endpoint);
  });
  afterAll(async () => {
    await client?.close();
    await target?.close();
  });

  it('listens on 127.0.0.1 and advertises exactly the tools and schemas of tools.json', async () => {
    expect(target.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(target.endpoint).toBe(`${target.url}/mcp`);
    const { tools } = await client.listTools(undefined, { timeout: CALL_TIMEOUT_MS });
    expect(tools).toEqual(
      TOOLS.map(({ name, description, inputSchema, outputSchema }) => ({ name, description, inputSchema, outputSchema })),
    );
    expect(client.getServerCapabilities()?.tools).toBeDefined();
  });

  it('answers 401 to a request without the Bearer token', async () => {
    const reply = await fetch(target.endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    expect(reply.status).toBe(401);
    await expect(connect(target.endpoint, 'wrong-token')).rejects.toThrow();
  });

  it('creates a client with every documented field and reads it back', async () => {
    const created = await create(client, {
      fName: 'Jane',
      lName: 'Smith',
      organization: 'Smith Consulting',
      email: 'jane@smithconsulting.com',
      busPhone: '+1-555-0200',
      allowLateFees: false,
    });
    expect(created).toMatchObject({
      fName: 'Jane',
      lName: 'Smith',
      organization: 'Smith Consulting',
      email: 'jane@smithconsulting.com',
      busPhone: '+1-555-0200',
      allowLateFees: false,
      visState: 0,
    });
    expect(Number.isInteger(created.id)).toBe(true);
    expect(created.signupDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(Object.keys(created)).toEqual(Object.keys(TOOLS[0].outputSchema.properties.clients.items.properties));
    expect(created).toMatchObject({ homePhone: null, fax: '', note: null, retainerId: null });
    expect(await call(client, 'client_single', { accountId: ACCOUNT, clientId: created.id })).toEqual(created);
    // Another account holds other clients.
    expect(await codeOf(client, 'client_single', { accountId: 'OTHER1', clientId: created.id })).toBe(-32005);
  });

  it('pages with the documented defaults (page 1, perPage 30) and pages = ceil(total / perPage)', async () => {
    const accountId = 'paging';
    const empty = await call(client, 'client_list', { accountId });
    expect(empty).toEqual({ clients: [], pagination: { page: 1, pages: 0, total: 0, perPage: 30 } });
    const ids: number[] = [];
    for (let i = 0; i < 35; i++) ids.push((await create(client, { lName: `Pager ${i}` }, accountId)).id);
    const first = await call(client, 'client_list', { accountId });
    expect(first.pagination).toEqual({ page: 1, pages: 2, total: 35, perPage: 30 });
    expect(first.clients.map((c: Json) => c.id)).toEqual(ids.slice(0, 30));
    const second = await call(client, 'client_list', { accountId, page: 2 });
    expect(second.clients.map((c: Json) => c.id)).toEqual(ids.slice(30));
    const walked: number[] = [];
    for (let page = 1; page <= 4; page++)
      walked.push(...(await call(client, 'client_list', { accountId, page, perPage: 10 })).clients.map((c: Json) => c.id));
    expect(walked).toEqual(ids);
    expect((await call(client, 'client_list', { accountId, page: 5, perPage: 10 })).clients).toEqual([]);
    expect((await call(client, 'client_list', { accountId, perPage: 100 })).clients).toHaveLength(35);
  });

  it('filters by exact email, partial names and organization, and visState, all together', async () => {
    const accountId = 'filters';
    const john = await create(client, { fName: 'John', lName: 'Doe', organization: 'Acme Corp', email: 'john@acmecorp.com' }, accountId);
    const joan = await create(client, { fName: 'Joan', lName: 'Dover', organization: 'Acme Labs', email: 'joan@acmelabs.com' }, accountId);
    const bob = await create(client, { fName: 'Bob', organization: 'Widgets Inc', email: 'bob@widgets.com' }, accountId);
    await call(client, 'client_update', { accountId, clientId: bob.id, visState: 2 });
    const ids = async (filters: Json): Promise<number[]> =>
      (await call(client, 'client_list', { accountId, ...filters })).clients.map((c: Json) => c.id);
    expect(await ids({ email: 'JOHN@acmecorp.com' })).toEqual([john.id]);
    expect(await ids({ email: 'john@acme' })).toEqual([]);
    expect(await ids({ organization: 'acme' })).toEqual([john.id, joan.id]);
    expect(await ids({ fName: 'jo' })).toEqual([john.id, joan.id]);
    expect(await ids({ lName: 'OVE' })).toEqual([joan.id]);
    expect(await ids({ visState: 2 })).toEqual([bob.id]);
    expect(await ids({ visState: 0, organization: 'acme', lName: 'doe' })).toEqual([john.id]);
    const filtered = await call(client, 'client_list', { accountId, visState: 0 });
    expect(filtered.pagination.total).toBe(2);
  });

  it('answers every documented error code of the tools', async () => {
    const { id } = await create(client, { organization: 'Errors Ltd' });
    const cases: [string, Json, number][] = [
      ['client_list', { perPage: 101 }, -32602],
      ['client_list', { visState: 3 }, -32602],
      ['client_list', { accountId: 'bad id!' }, -32602],
      ['client_list', { accountId: '' }, -32602],
      ['client_list', { page: 0 }, -32602],
      ['client_list', { perPage: '25' }, -32602],
      ['client_single', { clientId: 0 }, -32602],
      ['client_single', { clientId: -1 }, -32602],
      ['client_single', { clientId: '12345' }, -32602],
      ['client_single', {}, -32602],
      ['client_single', { clientId: 999_999 }, -32005],
      ['client_create', { email: 'nobody@example.com' }, -32602],
      ['client_create', { fName: ' ', lName: '' }, -32602],
      ['client_create', { fName: 'Eve', email: 'not-an-email' }, -32602],
      ['client_create', { fName: 'Eve', allowLateFees: 'yes' }, -32602],
      ['client_update', { clientId: id, email: 'still not an email' }, -32602],
      ['client_update', { clientId: id, visState: 7 }, -32602],
      ['client_update', { clientId: 0, note: 'x' }, -32602],
      ['client_update', { clientId: 999_999, note: 'x' }, -32005],
      ['client_delete', { clientId: -5 }, -32602],
      ['client_delete', { clientId: 999_999 }, -32005],
    ];
    for (const [tool, args, code] of cases)
      expect(await codeOf(client, tool, { accountId: ACCOUNT, ...args }), `${tool} ${JSON.stringify(args)}`).toBe(code);
    expect([-32601, -32602]).toContain(await codeOf(client, 'client_merge', { accountId: ACCOUNT }));
    // None of the refused calls changed the client.
    expect(await call(client, 'client_single', { accountId: ACCOUNT, clientId: id })).toMatchObject({
      organization: 'Errors Ltd',
      email: null,
      visState: 0,
    });
  });

  it('updates only the fields given', async () => {
    const created = await create(client, {
      fName: 'John',
      lName: 'Doe',
      email: 'john@acmecorp.com',
      note: 'Preferred client',
      pCity: 'New York',
    });
    const updated = await call(client, 'client_update', {
      accountId: ACCOUNT,
      clientId: created.id,
      email: 'john.doe@acmecorp.com',
      mobPhone: '+1-555-0150',
      note: 'VIP client - priority support',
    });
    expect({ ...updated, updated: created.updated }).toEqual({
      ...created,
      email: 'john.doe@acmecorp.com',
      mobPhone: '+1-555-0150',
      note: 'VIP client - priority support',
    });
    expect(await call(client, 'client_single', { accountId: ACCOUNT, clientId: created.id })).toEqual(updated);
  });

  it('soft-deletes, keeps the client readable and listed as deleted, and restores it with visState 0', async () => {
    const accountId = 'cycle';
    const created = await create(client, { fName: 'Dora', organization: 'Deleted & Co', pCity: 'Oslo' }, accountId);
    const listed = async (visState: number): Promise<number[]> =>
      (await call(client, 'client_list', { accountId, visState })).clients.map((c: Json) => c.id);
    expect(await call(client, 'client_delete', { accountId, clientId: created.id })).toEqual({ success: true, clientId: created.id });
    const deleted = await call(client, 'client_single', { accountId, clientId: created.id });
    expect({ ...deleted, updated: created.updated }).toEqual({ ...created, visState: 1 });
    expect(await listed(1)).toEqual([created.id]);
    expect(await listed(0)).toEqual([]);
    expect(await codeOf(client, 'client_delete', { accountId, clientId: created.id })).toBe(-32005);
    const restored = await call(client, 'client_update', { accountId, clientId: created.id, visState: 0 });
    expect({ ...restored, updated: created.updated }).toEqual(created);
    expect(await listed(0)).toEqual([created.id]);
    expect(await listed(1)).toEqual([]);
  });

  it('answers -32001 to every tool call when started without FreshBooks credentials', async () => {
    await withTarget(
      undefined,
      async (unauthenticated) => {
        expect((await unauthenticated.listTools(undefined, { timeout: CALL_TIMEOUT_MS })).tools).toHaveLength(5);
        for (const tool of TOOLS)
          expect(await codeOf(unauthenticated, tool.name, { accountId: ACCOUNT, clientId: 1, fName: 'A' })).toBe(-32001);
      },
      { authenticated: false },
    );
  });

  it('needs no Bearer token when the token is empty', async () => {
    const open = await startTarget({ token: '', accountId: ACCOUNT });
    let anonymous: Client | undefined;
    try {
      anonymous = await connect(open.endpoint, null);
      expect((await create(anonymous, { fName: 'Open' })).visState).toBe(0);
    } finally {
      await anonymous?.close();
      await open.close();
    }
  });
});

describe('the FreshBooks MCP reference over stdio', () => {
  it('serves the same tools on stdin/stdout', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: ['--import', 'tsx', STDIO_ENTRY], stderr: 'pipe' });
    const client = new Client({ name: 'clientele-test', version: '0.0.0' });
    try {
      await client.connect(transport, { timeout: 30_000 });
      const { tools } = await client.listTools(undefined, { timeout: CALL_TIMEOUT_MS });
      expect(tools.map((tool) => tool.name)).toEqual(TOOLS.map((tool) => tool.name));
      const created = await create(client, { organization: 'Stdio Inc' });
      expect(await call(client, 'client_single', { accountId: ACCOUNT, clientId: created.id })).toEqual(created);
      expect(await codeOf(client, 'client_single', { accountId: ACCOUNT, clientId: 0 })).toBe(-32602);
    } finally {
      await client.close();
    }
  }, 60_000);
});

describe('the FreshBooks MCP mutants', () => {
  it('form a catalogue of one-fault variants with unique ids', () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(18);
    expect(new Set(MUTANTS.map((m) => m.id)).size).toBe(MUTANTS.length);
    for (const mutant of MUTANTS) {
      expect(mutant.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(mutant.description).not.toMatch(/\n/);
      expect(Object.values(mutant.faults).filter((on) => on === true)).toHaveLength(1);
    }
    return expect(startTarget(CREDENTIALS, 'no-such-mutant')).rejects.toThrow(/unknown mutant/);
  });

  /** What a call answers, without timestamps: the same probe must see something else on a mutant than on the reference. */
  async function outcome(client: Client, name: string, args: Json): Promise<Json> {
    try {
      const result = await client.callTool({ name, arguments: { accountId: ACCOUNT, ...args } }, undefined, { timeout: CALL_TIMEOUT_MS });
      // A result without structured content (none of the reference's) is compared whole.
      return JSON.parse(
        JSON.stringify(result.structuredContent ?? result, (key, value) => (key === 'updated' || key === 'signupDate' ? undefined : value)),
      );
    } catch (error) {
      if (error instanceof McpError) return { code: error.code };
      throw error;
    }
  }
  const advertised = async (client: Client, tool: string): Promise<Json> =>
    (await client.listTools(undefined, { timeout: CALL_TIMEOUT_MS })).tools.find((t) => t.name === tool) ?? null;
  const createSome = async (client: Client, fields: Json[]): Promise<number[]> => {
    const ids: number[] = [];
    for (const f of fields) ids.push((await create(client, f)).id);
    return ids;
  };
  type Probe = (client: Client) => Promise<Json>;
  const PROBES: Record<string, Probe> = {
    'not-found-internal-error': (c) => outcome(c, 'client_single', { clientId: 424242 }),
    'per-page-uncapped': (c) => outcome(c, 'client_list', { perPage: 150 }),
    'vis-state-unchecked': (c) => outcome(c, 'client_list', { visState: 3 }),
    'nameless-create-accepted': (c) => outcome(c, 'client_create', { email: 'nobody@example.com' }),
    'invalid-email-accepted': (c) => outcome(c, 'client_create', { fName: 'Eve', email: 'not-an-email' }),
    'non-positive-id-not-found': (c) => outcome(c, 'client_single', { clientId: 0 }),
    'account-id-unchecked': (c) => outcome(c, 'client_list', { accountId: 'bad id!' }),
    'serves-without-auth': (c) => outcome(c, 'client_list', {}),
    'unknown-tool-succeeds': (c) => outcome(c, 'client_merge', {}),
    'unknown-tool-invalid-request': (c) => outcome(c, 'client_merge', {}),
    'wrong-types-internal-error': (c) => outcome(c, 'client_create', { fName: 123 }),
    'wrong-types-tool-error': (c) => outcome(c, 'client_create', { fName: 123 }),
    'default-per-page-20': async (c) => {
      await createSome(
        c,
        Array.from({ length: 21 }, (_, i) => ({ lName: `D${i}` })),
      );
      return (await outcome(c, 'client_list', {})).pagination;
    },
    'pages-zero-based': async (c) => {
      await createSome(c, [{ fName: 'Only' }]);
      return outcome(c, 'client_list', { page: 1 });
    },
    'empty-list-one-page': async (c) => (await outcome(c, 'client_list', {})).pagination,
    'page-zero-served-whole': async (c) => {
      await createSome(c, [{ fName: 'A' }, { fName: 'B' }, { fName: 'C' }]);
      return outcome(c, 'client_list', { page: 0, perPage: 2 });
    },
    'email-filter-partial': async (c) => {
      await createSome(c, [{ fName: 'John', email: 'john@acmecorp.com' }]);
      return outcome(c, 'client_list', { email: 'acmecorp' });
    },
    'organization-filter-exact': async (c) => {
      await createSome(c, [{ organization: 'Acme Corp' }]);
      return outcome(c, 'client_list', { organization: 'acme' });
    },
    'fname-filter-ignored': async (c) => {
      await createSome(c, [{ fName: 'John' }, { fName: 'Bob' }]);
      return outcome(c, 'client_list', { fName: 'jo' });
    },
    'lname-filter-case-sensitive': async (c) => {
      await createSome(c, [{ lName: 'Doe' }]);
      return outcome(c, 'client_list', { lName: 'doe' });
    },
    'vis-state-filter-ignored': async (c) => {
      const [, gone] = await createSome(c, [{ fName: 'Stay' }, { fName: 'Go' }]);
      await outcome(c, 'client_delete', { clientId: gone });
      return outcome(c, 'client_list', { visState: 0 });
    },
    'update-wipes-unreferenced': async (c) => {
      const [id] = await createSome(c, [{ fName: 'Wipe', pCity: 'Oslo' }]);
      return outcome(c, 'client_update', { clientId: id, note: 'changed' });
    },
    'hard-delete': async (c) => {
      const [id] = await createSome(c, [{ fName: 'Gone' }]);
      await outcome(c, 'client_delete', { clientId: id });
      return outcome(c, 'client_single', { clientId: id });
    },
    'restore-ignored': async (c) => {
      const [id] = await createSome(c, [{ fName: 'Back' }]);
      await outcome(c, 'client_delete', { clientId: id });
      return outcome(c, 'client_update', { clientId: id, visState: 0 });
    },
    'total-counts-all-states': async (c) => {
      const [, gone] = await createSome(c, [{ fName: 'Stay' }, { fName: 'Go' }]);
      await outcome(c, 'client_delete', { clientId: gone });
      return (await outcome(c, 'client_list', { visState: 0 })).pagination;
    },
    'page-boundary-repeat': async (c) => {
      await createSome(c, [{ fName: 'A' }, { fName: 'B' }, { fName: 'C' }]);
      return outcome(c, 'client_list', { page: 2, perPage: 2 });
    },
    'single-answers-newest': async (c) => {
      const [older] = await createSome(c, [{ fName: 'Old' }, { fName: 'New' }]);
      return outcome(c, 'client_single', { clientId: older });
    },
    'create-drops-bus-phone': (c) => outcome(c, 'client_create', { fName: 'Bus', busPhone: '+1-555-0200' }),
    'handshake-without-tools': async (c) => c.getServerCapabilities() ?? null,
    'delete-tool-unlisted': (c) => advertised(c, 'client_delete'),
    'list-fname-renamed': (c) => advertised(c, 'client_list'),
    'per-page-max-dropped': (c) => advertised(c, 'client_list'),
    'per-page-max-narrowed': (c) => advertised(c, 'client_list'),
    'advertised-schemas-loose': (c) => advertised(c, 'client_single'),
    'create-email-required': (c) => advertised(c, 'client_create'),
    'client-id-typed-string': (c) => advertised(c, 'client_single'),
    'advertised-output-id-string': (c) => advertised(c, 'client_single'),
    'id-as-string': (c) => outcome(c, 'client_create', { fName: 'Stringy' }),
    'list-ids-as-strings': async (c) => {
      await createSome(c, [{ fName: 'Listed' }]);
      return outcome(c, 'client_list', {});
    },
    'fname-filter-matches-lname': async (c) => {
      await createSome(c, [
        { fName: 'Ann', lName: 'Smith' },
        { fName: 'Bob', lName: 'Annas' },
      ]);
      return outcome(c, 'client_list', { fName: 'ann' });
    },
    'update-rewrites-signup-date': async (c) => {
      const [id] = await createSome(c, [{ fName: 'Dated' }]);
      const signup = async () =>
        ((await c.callTool({ name: 'client_single', arguments: { accountId: ACCOUNT, clientId: id } })).structuredContent as Json)
          .signupDate;
      const before = await signup();
      // The server's clock keeps whole seconds: the update must come in a later one to show.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await outcome(c, 'client_update', { clientId: id, fName: 'Dated again' });
      return { unchanged: (await signup()) === before };
    },
    'deleted-update-not-found': async (c) => {
      const [id] = await createSome(c, [{ fName: 'Gone' }]);
      await outcome(c, 'client_delete', { clientId: id });
      return outcome(c, 'client_update', { clientId: id, fName: 'Still kept' });
    },
  };

  it('each differ from the reference on a probe of their fault', async () => {
    expect(Object.keys(PROBES).sort()).toEqual(MUTANTS.map((m) => m.id).sort());
    for (const mutant of MUTANTS) {
      const options = mutant.id === 'serves-without-auth' ? { authenticated: false } : undefined;
      const probe = PROBES[mutant.id]!;
      const expected = await withTarget(undefined, probe, options);
      // The probe is deterministic on the reference, so a difference is the fault's.
      expect(await withTarget(undefined, probe, options), mutant.id).toEqual(expected);
      const actual = await withTarget(mutant.id, probe, options);
      expect(actual, mutant.id).not.toEqual(expected);
    }
  });

  it('hard-delete: a deleted client can no longer be read', async () => {
    await withTarget('hard-delete', async (client) => {
      const { id } = await create(client, { fName: 'Gone' });
      await call(client, 'client_delete', { accountId: ACCOUNT, clientId: id });
      expect(await codeOf(client, 'client_single', { accountId: ACCOUNT, clientId: id })).toBe(-32005);
    });
  });

  it('per-page-uncapped: perPage 150 is served', async () => {
    await withTarget('per-page-uncapped', async (client) => {
      expect((await call(client, 'client_list', { accountId: ACCOUNT, perPage: 150 })).pagination.perPage).toBe(150);
    });
  });

  it('email-filter-partial: a part of an email matches', async () => {
    await withTarget('email-filter-partial', async (client) => {
      const { id } = await create(client, { fName: 'John', email: 'john@acmecorp.com' });
      expect((await call(client, 'client_list', { accountId: ACCOUNT, email: 'acmecorp' })).clients.map((c: Json) => c.id)).toEqual([id]);
    });
  });

  it('list-fname-renamed: tools/list drifts from tools.json', async () => {
    await withTarget('list-fname-renamed', async (client) => {
      const { tools } = await client.listTools(undefined, { timeout: CALL_TIMEOUT_MS });
      const properties = Object.keys(tools.find((tool) => tool.name === 'client_list')!.inputSchema.properties ?? {});
      expect(properties).toContain('firstName');
      expect(properties).not.toContain('fName');
    });
  });

  it('id-as-string: the answer breaks the advertised outputSchema', async () => {
    await withTarget('id-as-string', async (client) => {
      // The SDK client validates structuredContent against the outputSchema it listed.
      expect(await codeOf(client, 'client_create', { accountId: ACCOUNT, fName: 'Stringy' })).toBe(-32602);
    });
  });

  it('serves-without-auth: a server without credentials still answers data', async () => {
    await withTarget(
      'serves-without-auth',
      async (client) => {
        expect((await create(client, { fName: 'Leaky' })).fName).toBe('Leaky');
      },
      { authenticated: false },
    );
  });
});
