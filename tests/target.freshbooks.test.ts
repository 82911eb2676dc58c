import { readFileSync } from 'node:fs';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { MUTANTS, startTarget } from '../apis/freshbooks-rest/reference/index.js';
import type { RunningTarget } from '../reference-kit/types.js';

const TOKEN = 'reference-token-3f9c';
const ACCOUNT = 'LJArJ4';
const CREDENTIALS = { token: TOKEN, accountId: ACCOUNT };
const CLIENTS_PATH = `/accounting/account/${ACCOUNT}/users/clients`;
const BODY_LIMIT = 1024 * 1024;
const FIXTURES = new URL('../../shared/reference/rest-json/', import.meta.url);

/** Fixture JSON without its added `# SOURCE` header line. */
function readFixture(name: string): unknown {
  const text = readFileSync(new URL(name, FIXTURES), 'utf8');
  return JSON.parse(text.slice(text.indexOf('\n') + 1));
}

const SEED_CLIENT_KEYS = [
  'accounting_systemid',
  'allow_email_include_pdf',
  'allow_late_fees',
  'allow_late_notifications',
  'bus_phone',
  'company_industry',
  'company_size',
  'currency_code',
  'direct_link_token',
  'email',
  'exceeds_client_limit',
  'fax',
  'fname',
  'has_retainer',
  'home_phone',
  'id',
  'language',
  'last_activity',
  'last_login',
  'level',
  'lname',
  'mob_phone',
  'note',
  'notified',
  'num_logins',
  'organization',
  'p_city',
  'p_code',
  'p_country',
  'p_province',
  'p_street',
  'p_street2',
  'pref_email',
  'pref_gmail',
  'retainer_id',
  'role',
  's_city',
  's_code',
  's_country',
  's_province',
  's_street',
  's_street2',
  'signup_date',
  'statement_token',
  'subdomain',
  'updated',
  'userid',
  'username',
  'uuid',
  'vat_name',
  'vat_number',
  'vis_state',
];

interface Reply {
  status: number;
  contentType: string | null;
  connection: string | null;
  text: string;
  json: any;
}

interface RequestOptions {
  body?: unknown;
  rawBody?: string | ReadableStream<Uint8Array>;
  /** Full Authorization header; null sends none. Defaults to the right token. */
  auth?: string | null;
}

class Api {
  constructor(readonly base: string) {}

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = {};
    const auth = options.auth === undefined ? `Bearer ${TOKEN}` : options.auth;
    if (auth !== null) headers.Authorization = auth;
    let body: string | ReadableStream<Uint8Array> | undefined = options.rawBody;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    // A stream body may still be sending when the answer comes; Node's RequestInit type lacks `duplex`.
    const init: RequestInit & { duplex: 'half' } = { method, headers, body, duplex: 'half' };
    const res = await fetch(this.base + path, init);
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, contentType: res.headers.get('content-type'), connection: res.headers.get('connection'), text, json };
  }

  async create(client: Record<string, unknown>): Promise<any> {
    const reply = await this.request('POST', CLIENTS_PATH, { body: { client } });
    expect(reply.status).toBe(200);
    return reply.json.response.result.client;
  }

  get(id: number | string): Promise<Reply> {
    return this.request('GET', `${CLIENTS_PATH}/${id}`);
  }

  update(id: number | string, client: Record<string, unknown>): Promise<Reply> {
    return this.request('PUT', `${CLIENTS_PATH}/${id}`, { body: { client } });
  }

  /** The list `result`; expects 200. */
  async list(query: [string, string][] = []): Promise<any> {
    const reply = await this.request('GET', `${CLIENTS_PATH}?${new URLSearchParams(query)}`);
    expect(reply.status).toBe(200);
    return reply.json.response.result;
  }
}

/** Runs against a fresh target: the reference, or the mutant with this id. */
async function withTarget<T>(run: (api: Api) => Promise<T>, mutantId?: string): Promise<T> {
  const target = await startTarget(CREDENTIALS, mutantId);
  try {
    return await run(new Api(target.url));
  } finally {
    await target.close();
  }
}

const ids = (result: any): number[] => result.clients.map((c: { id: number }) => c.id);

/** A request body that never ends: only a server that stops reading at its cap can answer it. */
function endlessBody(): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  return new ReadableStream({ pull: (controller) => controller.enqueue(chunk) });
}

/** A create/update body of exactly `bytes` bytes, padded in the client's note. */
function clientBodyOfSize(bytes: number): string {
  const frame = JSON.stringify({ client: { fname: 'big', note: '' } });
  return JSON.stringify({ client: { fname: 'big', note: 'x'.repeat(bytes - frame.length) } });
}

describe('FreshBooks REST reference target', () => {
  let target: RunningTarget;
  let api: Api;

  beforeAll(async () => {
    target = await startTarget(CREDENTIALS);
    api = new Api(target.url);
  });
  afterAll(async () => {
    await target?.close();
  });

  describe('auth and routing', () => {
    const noAuth = readFixture('amcintosh_freshbooks-java-sdk__lib_src_test_resources_fixtures_get_client_response__no_auth.json');

    it('answers 401 with the fixture body without a token', async () => {
      const reply = await api.request('GET', CLIENTS_PATH, { auth: null });
      expect(reply.status).toBe(401);
      expect(reply.json).toEqual(noAuth);
    });

    it('answers 401 with a wrong token, a non-Bearer scheme, or a token prefix', async () => {
      for (const auth of ['Bearer wrong', `Basic ${TOKEN}`, `Bearer ${TOKEN.slice(0, -1)}`, `bearer ${TOKEN}`]) {
        const reply = await api.request('GET', CLIENTS_PATH, { auth });
        expect(reply.status, auth).toBe(401);
        expect(reply.json).toEqual(noAuth);
      }
    });

    it('checks auth before routing', async () => {
      const reply = await api.request('GET', '/nowhere', { auth: null });
      expect(reply.status).toBe(401);
    });

    it('answers 404 with the new envelope for another account, unknown paths and unknown ids', async () => {
      const other = await api.request('GET', '/accounting/account/OTHER/users/clients');
      expect(other.status).toBe(404);
      expect(other.json).toMatchObject({ code: 5, details: [{ metadata: { value: 'OTHER' } }] });

      const unknown = await api.request('GET', '/accounting/account/x/users');
      expect(unknown.status).toBe(404);
      expect(unknown.json.code).toBe(5);

      const notFound = readFixture(
        'amcintosh_freshbooks-java-sdk__lib_src_test_resources_fixtures_get_client_response__not_found_new.json',
      );
      const missing = await api.get(12345);
      expect(missing.status).toBe(404);
      expect(missing.json).toEqual(notFound);

      const nonNumeric = await api.get('abc');
      expect(nonNumeric.status).toBe(404);
      expect(nonNumeric.json.details[0].metadata.value).toBe('abc');

      const missingUpdate = await api.update(999999, { fname: 'x' });
      expect(missingUpdate.status).toBe(404);
      expect(missingUpdate.json.details[0].metadata).toMatchObject({ object: 'client', value: '999999' });
    });

    it('answers 405 with the old envelope for other methods on known paths', async () => {
      const del = await api.request('DELETE', `${CLIENTS_PATH}/100001`);
      expect(del.status).toBe(405);
      expect(del.json.response.errors[0]).toMatchObject({ object: 'client' });
      const put = await api.request('PUT', CLIENTS_PATH, { body: { client: {} } });
      expect(put.status).toBe(405);
    });

    it('labels every response application/json; charset=utf-8', async () => {
      for (const reply of [
        await api.request('GET', CLIENTS_PATH),
        await api.request('GET', CLIENTS_PATH, { auth: null }),
        await api.get('nope'),
        await api.request('POST', CLIENTS_PATH, { rawBody: '{' }),
      ]) {
        expect(reply.contentType).toBe('application/json; charset=utf-8');
      }
    });
  });

  describe('create, get, update, delete, restore', () => {
    it('creates a client with every seed key, derived fields and defaults', async () => {
      const reply = await api.request('POST', CLIENTS_PATH, {
        body: {
          client: {
            fname: 'first1',
            lname: 'last1',
            email: 'email1@freshbooks.com',
            organization: 'company1',
            vat_name: null,
            vat_number: '',
            note: null,
            home_phone: null,
            p_street2: null,
            p_city: 'Toronto',
            status: null,
            userid: null,
            late_reminders: [],
            contacts: [{ fname: 'x' }],
          },
        },
      });
      expect(reply.status).toBe(200);
      const client = reply.json.response.result.client;
      expect(Object.keys(client).sort()).toEqual(SEED_CLIENT_KEYS);
      expect(client).toMatchObject({
        id: 100001,
        userid: 100001,
        accounting_systemid: ACCOUNT,
        username: 'first1last1100001',
        fname: 'first1',
        lname: 'last1',
        vat_name: null,
        vat_number: '',
        note: null,
        home_phone: null,
        p_street2: null,
        p_city: 'Toronto',
        bus_phone: '',
        mob_phone: '',
        fax: '',
        s_city: '',
        currency_code: 'USD',
        language: 'en',
        allow_email_include_pdf: false,
        allow_late_fees: true,
        allow_late_notifications: true,
        pref_email: true,
        pref_gmail: false,
        vis_state: 0,
        role: 'client',
        level: 0,
      });
      expect(client.signup_date).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      expect(client.updated).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      expect(client.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

      const got = await api.get(client.id);
      expect(got.status).toBe(200);
      expect(got.json).toEqual({ response: { result: { client } } });
    });

    it('derives client<id> as username without names and keeps a given username', async () => {
      const anonymous = await api.create({ email: 'john.doe@abcorp.com' });
      expect(anonymous.username).toBe(`client${anonymous.id}`);
      expect(anonymous).toMatchObject({ fname: '', lname: '', organization: '', vat_number: null });
      const named = await api.create({ fname: 'Ann-Marie', lname: "O'Neil", username: 'custom' });
      expect(named.username).toBe('custom');
    });

    it('updates only the fields named in the body', async () => {
      const created = await api.create({ fname: 'first1', lname: 'last1', email: 'e@x.com', note: 'keep' });
      const reply = await api.update(created.id, { fname: 'Nicolas', bus_phone: null, pref_gmail: true, face: 'ignored' });
      expect(reply.status).toBe(200);
      const updated = reply.json.response.result.client;
      expect(updated).toEqual({
        ...created,
        fname: 'Nicolas',
        bus_phone: null,
        pref_gmail: true,
        updated: updated.updated,
      });
      expect(updated.updated >= created.updated).toBe(true);
      expect((await api.get(created.id)).json.response.result.client).toEqual(updated);
    });

    it('deletes with {"response":{}} and keeps the client readable with vis_state 1, then restores it', async () => {
      const created = await api.create({ fname: 'gone', lname: 'soon' });
      const deleted = await api.update(created.id, { vis_state: 1, note: 'bye' });
      expect(deleted.status).toBe(200);
      expect(deleted.json).toEqual({ response: {} });

      const got = (await api.get(created.id)).json.response.result.client;
      expect(got).toMatchObject({ vis_state: 1, note: 'bye', fname: 'gone' });

      const restored = await api.update(created.id, { vis_state: 0 });
      expect(restored.status).toBe(200);
      expect(restored.json.response.result.client).toMatchObject({ vis_state: 0, note: 'bye', fname: 'gone' });

      const archived = await api.update(created.id, { vis_state: 2 });
      expect(archived.json.response.result.client.vis_state).toBe(2);
    });
  });

  describe('request validation', () => {
    it('answers 400 with the old envelope on malformed JSON', async () => {
      const existing = await api.create({ fname: 'json' });
      for (const method of ['POST', 'PUT']) {
        const path = method === 'POST' ? CLIENTS_PATH : `${CLIENTS_PATH}/${existing.id}`;
        const reply = await api.request(method, path, { rawBody: '{"client": {' });
        expect(reply.status, method).toBe(400);
        expect(reply.json.response.errors[0]).toMatchObject({ errno: 1001, object: 'client' });
      }
    });

    it('answers 422 when the body is not an object with a client object', async () => {
      for (const body of [[], 'x', {}, { client: 'x' }, { client: [] }, { client: null }]) {
        const reply = await api.request('POST', CLIENTS_PATH, { body });
        expect(reply.status, JSON.stringify(body)).toBe(422);
        expect(reply.json.response.errors[0].errno).toBe(1001);
      }
    });

    it('answers 422 with errno 2001 on wrongly typed fields', async () => {
      const cases: [string, unknown][] = [
        ['fname', 42],
        ['email', true],
        ['note', { a: 1 }],
        ['organization', ['x']],
        ['allow_late_fees', 'yes'],
        ['pref_email', null],
        ['vis_state', 3],
        ['vis_state', '1'],
      ];
      for (const [field, value] of cases) {
        const reply = await api.request('POST', CLIENTS_PATH, { body: { client: { [field]: value } } });
        expect(reply.status, field).toBe(422);
        expect(reply.json.response.errors[0]).toEqual({
          errno: 2001,
          field,
          message: expect.any(String),
          object: 'client',
          value: typeof value === 'string' ? value : JSON.stringify(value),
        });
      }
      const created = await api.create({ fname: 'typed' });
      const reply = await api.update(created.id, { lname: 7 });
      expect(reply.status).toBe(422);
      expect((await api.get(created.id)).json.response.result.client.lname).toBe('');
    });
  });

  describe('request body cap', () => {
    it('accepts a body of exactly 1 MiB', async () => {
      const reply = await api.request('POST', CLIENTS_PATH, { rawBody: clientBodyOfSize(BODY_LIMIT) });
      expect(reply.status).toBe(200);
      expect(reply.json.response.result.client.fname).toBe('big');
    });

    it('answers 413 with the old envelope to a body over 1 MiB, on create and update, and closes the connection', async () => {
      const existing = await api.create({ fname: 'capped' });
      const before = await api.get(existing.id);
      const totalBefore = (await api.list()).total;
      for (const [method, path] of [
        ['POST', CLIENTS_PATH],
        ['PUT', `${CLIENTS_PATH}/${existing.id}`],
      ]) {
        const reply = await api.request(method, path, { rawBody: clientBodyOfSize(BODY_LIMIT + 1) });
        expect(reply.status, method).toBe(413);
        expect(reply.contentType).toBe('application/json; charset=utf-8');
        expect(reply.connection).toBe('close');
        expect(reply.json).toEqual({
          response: { errors: [{ errno: 1001, field: '', message: expect.any(String), object: 'client', value: '' }] },
        });
      }
      expect((await api.get(existing.id)).json).toEqual(before.json);
      expect((await api.list()).total).toBe(totalBefore);
    });

    it('answers 413 to an endless body without reading it to the end', { timeout: 10_000 }, async () => {
      const reply = await api.request('POST', CLIENTS_PATH, { rawBody: endlessBody() });
      expect(reply.status).toBe(413);
      expect(reply.connection).toBe('close');
    });
  });

  describe('list filters', () => {
    it('combines every filter with AND, likes case-insensitive substring, email exact', () =>
      withTarget(async (fresh) => {
        const alice = await fresh.create({
          fname: 'Alice',
          lname: 'Smith',
          email: 'alice@example.com',
          organization: 'Acme Corp',
          note: 'Likes Cats',
          p_city: 'Toronto',
          bus_phone: '416-555-0101',
        });
        const bob = await fresh.create({
          fname: 'Bob',
          lname: 'Jones',
          email: 'BOB@example.com',
          organization: 'Globex',
          p_street: '12 Main St',
          mob_phone: '+31 683',
        });
        const carol = await fresh.create({
          fname: 'Carol',
          lname: 'Alison',
          email: 'carol@sample.org',
          organization: 'acme labs',
          note: 'no cats',
          fax: '999',
        });
        const dan = await fresh.create({ fname: 'Dan', email: 'dan@x.io', vis_state: 2 });
        await fresh.update(carol.id, { vis_state: 1 });
        const [a, b, c, d] = [alice.id, bob.id, carol.id, dan.id];

        const expectIds = async (query: [string, string][], expected: number[]): Promise<void> => {
          const result = await fresh.list(query);
          expect(ids(result), JSON.stringify(query)).toEqual(expected);
          expect(result.total, JSON.stringify(query)).toBe(expected.length);
        };

        await expectIds([], [a, b, c, d]);
        await expectIds([['search[fname_like]', 'ALI']], [a]);
        await expectIds([['search[fname_like]', 'lic']], [a]);
        await expectIds([['search[lname_like]', 'ali']], [c]);
        await expectIds([['search[organization_like]', 'ACME']], [a, c]);
        await expectIds([['search[note_like]', 'CATS']], [a, c]);
        await expectIds([['search[note_like]', '']], [a, c]);
        await expectIds([['search[address_like]', 'main']], [b]);
        await expectIds([['search[address_like]', 'TORONTO']], [a]);
        await expectIds([['search[phone_like]', '555']], [a]);
        await expectIds([['search[phone_like]', '683']], [b]);
        await expectIds([['search[phone_like]', '999']], [c]);
        await expectIds([['search[user_like]', 'JONES']], [b]);
        await expectIds([['search[user_like]', 'sample']], [c]);
        await expectIds([['search[user_like]', 'alicesmith']], [a]);
        await expectIds([['search[email]', 'bob@EXAMPLE.com']], [b]);
        await expectIds([['search[email]', 'example.com']], []);
        await expectIds([['search[userid]', String(b)]], [b]);
        await expectIds([['search[username]', bob.username]], [b]);
        await expectIds([['search[vis_state]', '0']], [a, b]);
        await expectIds([['search[vis_state]', '1']], [c]);
        await expectIds([['search[vis_state]', '2']], [d]);
        await expectIds(
          [
            ['search[userids][]', String(a)],
            ['search[userids][]', String(c)],
          ],
          [a, c],
        );
        await expectIds(
          [
            ['search[organization_like]', 'acme'],
            ['search[vis_state]', '0'],
          ],
          [a],
        );
        await expectIds([['search[updated_min]', '9999']], []);
        await expectIds([['search[updated_max]', '0000']], []);

        const stamp = bob.updated as string;
        const window = await fresh.list([
          ['search[updated_min]', stamp],
          ['search[updated_max]', stamp],
        ]);
        expect(ids(window)).toContain(b);
        for (const client of window.clients) expect(client.updated).toBe(stamp);
      }));
  });

  describe('pagination', () => {
    it('reports an empty list with pages 0', () =>
      withTarget(async (fresh) => {
        expect(await fresh.list()).toEqual({ clients: [], page: 1, pages: 0, per_page: 15, total: 0 });
      }));

    it('pages in ascending id order with pages = ceil(total / per_page)', () =>
      withTarget(async (fresh) => {
        for (let i = 0; i < 7; i++) await fresh.create({ fname: `p${i}` });
        const page = (n: number) =>
          fresh.list([
            ['page', String(n)],
            ['per_page', '3'],
          ]);
        const [p1, p2, p3, p4] = [await page(1), await page(2), await page(3), await page(4)];
        expect(ids(p1)).toEqual([100001, 100002, 100003]);
        expect(ids(p2)).toEqual([100004, 100005, 100006]);
        expect(ids(p3)).toEqual([100007]);
        expect(p4).toEqual({ clients: [], page: 4, pages: 3, per_page: 3, total: 7 });
        for (const result of [p1, p2, p3]) expect(result).toMatchObject({ pages: 3, per_page: 3, total: 7 });
        expect(await fresh.list()).toMatchObject({ page: 1, per_page: 15, pages: 1, total: 7 });
      }));

    it('caps per_page at 100', () =>
      withTarget(async (fresh) => {
        for (let i = 0; i < 101; i++) await fresh.create({ fname: `c${i}` });
        const result = await fresh.list([['per_page', '150']]);
        expect(result).toMatchObject({ per_page: 100, pages: 2, total: 101 });
        expect(result.clients).toHaveLength(100);
      }));

    it('answers 400 on a non-integer or non-positive page or per_page', async () => {
      for (const [name, value] of [
        ['page', '0'],
        ['page', 'abc'],
        ['page', '1.5'],
        ['per_page', '-1'],
        ['per_page', ''],
      ]) {
        const reply = await api.request('GET', `${CLIENTS_PATH}?${name}=${value}`);
        expect(reply.status, `${name}=${value}`).toBe(400);
        expect(reply.json.response.errors[0]).toMatchObject({ field: name, value });
      }
    });
  });
});

/**
 * One probe per mutant: what it observes on a fresh target (ids start at 100001), what the reference
 * shows and what the mutant must show instead. A mutant counts as observed only when it shows exactly
 * its own fault; another difference or a thrown error fails the test.
 */
interface Probe {
  observe(api: Api): Promise<unknown>;
  reference: unknown;
  mutant: unknown;
}

const PROBES: Record<string, Probe> = {
  'update-wipes-unreferenced': {
    async observe(api) {
      const c = await api.create({ fname: 'a', lname: 'b', p_city: 'Oslo' });
      const { fname, lname, p_city } = (await api.update(c.id, { fname: 'z' })).json.response.result.client;
      return { fname, lname, p_city };
    },
    reference: { fname: 'z', lname: 'b', p_city: 'Oslo' },
    mutant: { fname: 'z', lname: '', p_city: '' },
  },
  'update-ignores-lname': {
    async observe(api) {
      const c = await api.create({ fname: 'a', lname: 'b' });
      await api.update(c.id, { lname: 'new' });
      return (await api.get(c.id)).json.response.result.client.lname;
    },
    reference: 'new',
    mutant: 'b',
  },
  'hard-delete': {
    async observe(api) {
      const c = await api.create({ fname: 'a' });
      await api.update(c.id, { vis_state: 1 });
      const got = await api.get(c.id);
      return { status: got.status, visState: got.json.response?.result?.client?.vis_state ?? null };
    },
    reference: { status: 200, visState: 1 },
    mutant: { status: 404, visState: null },
  },
  'deleted-listed-as-active': {
    async observe(api) {
      const a = await api.create({ fname: 'a' });
      await api.create({ fname: 'b' });
      await api.update(a.id, { vis_state: 1 });
      return ids(await api.list([['search[vis_state]', '0']]));
    },
    reference: [100002],
    mutant: [100001, 100002],
  },
  'restore-impossible': {
    async observe(api) {
      const c = await api.create({ fname: 'a' });
      await api.update(c.id, { vis_state: 1 });
      await api.update(c.id, { vis_state: 0 });
      return (await api.get(c.id)).json.response.result.client.vis_state;
    },
    reference: 0,
    mutant: 1,
  },
  'restore-reverts-updates': {
    async observe(api) {
      const c = await api.create({ fname: 'before' });
      await api.update(c.id, { fname: 'after' });
      await api.update(c.id, { vis_state: 1 });
      return (await api.update(c.id, { vis_state: 0 })).json.response.result.client.fname;
    },
    reference: 'after',
    mutant: 'before',
  },
  'page-boundary-repeat': {
    async observe(api) {
      for (let i = 0; i < 3; i++) await api.create({ fname: `p${i}` });
      return ids(
        await api.list([
          ['page', '2'],
          ['per_page', '2'],
        ]),
      );
    },
    reference: [100003],
    mutant: [100002, 100003],
  },
  'pages-floor': {
    async observe(api) {
      for (let i = 0; i < 3; i++) await api.create({ fname: `p${i}` });
      return (await api.list([['per_page', '2']])).pages;
    },
    reference: 2,
    mutant: 1,
  },
  'total-ignores-filters': {
    async observe(api) {
      await api.create({ fname: 'a', email: 'a@x.com' });
      await api.create({ fname: 'b', email: 'b@x.com' });
      return (await api.list([['search[email]', 'a@x.com']])).total;
    },
    reference: 1,
    mutant: 2,
  },
  'per-page-uncapped': {
    observe: async (api) => (await api.list([['per_page', '150']])).per_page,
    reference: 100,
    mutant: 150,
  },
  'like-case-sensitive': {
    async observe(api) {
      await api.create({ fname: 'Alice' });
      return (await api.list([['search[fname_like]', 'alice']])).total;
    },
    reference: 1,
    mutant: 0,
  },
  'like-prefix-only': {
    async observe(api) {
      await api.create({ fname: 'Alice' });
      return (await api.list([['search[fname_like]', 'lic']])).total;
    },
    reference: 1,
    mutant: 0,
  },
  'email-partial-match': {
    async observe(api) {
      await api.create({ email: 'a@x.com' });
      await api.create({ email: 'aa@x.com' });
      return ids(await api.list([['search[email]', 'a@x.com']]));
    },
    reference: [100001],
    mutant: [100001, 100002],
  },
  'ids-filter-first-only': {
    async observe(api) {
      for (let i = 0; i < 3; i++) await api.create({ fname: `u${i}` });
      const several = await api.list([
        ['search[userids][]', '100001'],
        ['search[userids][]', '100003'],
      ]);
      const one = await api.list([['search[userids][]', '100003']]);
      return { several: ids(several), one: ids(one) };
    },
    reference: { several: [100001, 100003], one: [100003] },
    mutant: { several: [100001], one: [100003] },
  },
  'list-omits-per-page': {
    observe: async (api) => Object.keys(await api.list()),
    reference: ['clients', 'page', 'pages', 'per_page', 'total'],
    mutant: ['clients', 'page', 'pages', 'total'],
  },
  'id-as-string': {
    observe: async (api) => (await api.create({ fname: 'a' })).id,
    reference: 100001,
    mutant: '100001',
  },
  // Global too: every answer carrying a client names its id twice.
  'bad-page-422': {
    async observe(api) {
      const status = async (query: string) => (await api.request('GET', `${CLIENTS_PATH}?${query}`)).status;
      return { zero: await status('page=0'), negative: await status('page=-1'), perPage: await status('per_page=0') };
    },
    reference: { zero: 400, negative: 400, perPage: 400 },
    mutant: { zero: 422, negative: 422, perPage: 400 },
  },
  'unknown-id-update-422': {
    async observe(api) {
      const read = await api.get(987654);
      const update = await api.update(987654, { fname: 'x' });
      return { read: read.status, update: update.status };
    },
    reference: { read: 404, update: 404 },
    mutant: { read: 404, update: 422 },
  },
  'duplicate-id-key': {
    async observe(api) {
      // The `id` members as written, in order, and whether the text is otherwise what JSON.stringify writes
      // of its parse (so the only change is a second `"id"` member right after the first, with the same value).
      const members = (text: string) => ({
        ids: (text.match(/[{,]"id":[^,}]*/g) ?? []).map((member) => member.slice(1)),
        otherwiseCanonical: JSON.stringify(JSON.parse(text)) === text.replace(/("id":([^,}]*)),"id":\2(?=[,}])/g, '$1'),
      });
      const created = await api.request('POST', CLIENTS_PATH, { body: { client: { fname: 'a' } } });
      const { id } = created.json.response.result.client;
      await api.create({ fname: 'b' });
      return {
        create: members(created.text),
        get: members((await api.get(id)).text),
        update: members((await api.update(id, { lname: 'z' })).text),
        list: members((await api.request('GET', CLIENTS_PATH)).text),
        delete: members((await api.update(id, { vis_state: 1 })).text),
        notFound: members((await api.get(424242)).text),
        unauthorized: members((await api.request('GET', CLIENTS_PATH, { auth: null })).text),
      };
    },
    reference: {
      create: { ids: ['"id":100001'], otherwiseCanonical: true },
      get: { ids: ['"id":100001'], otherwiseCanonical: true },
      update: { ids: ['"id":100001'], otherwiseCanonical: true },
      list: { ids: ['"id":100001', '"id":100002'], otherwiseCanonical: true },
      delete: { ids: [], otherwiseCanonical: true },
      notFound: { ids: [], otherwiseCanonical: true },
      unauthorized: { ids: [], otherwiseCanonical: true },
    },
    mutant: {
      create: { ids: ['"id":100001', '"id":100001'], otherwiseCanonical: true },
      get: { ids: ['"id":100001', '"id":100001'], otherwiseCanonical: true },
      update: { ids: ['"id":100001', '"id":100001'], otherwiseCanonical: true },
      list: { ids: ['"id":100001', '"id":100001', '"id":100002', '"id":100002'], otherwiseCanonical: true },
      delete: { ids: [], otherwiseCanonical: true },
      notFound: { ids: [], otherwiseCanonical: true },
      unauthorized: { ids: [], otherwiseCanonical: true },
    },
  },
  'unknown-id-500': {
    observe: async (api) => (await api.get(424242)).status,
    reference: 404,
    mutant: 500,
  },
  'no-token-accepted': {
    observe: async (api) => (await api.request('GET', CLIENTS_PATH, { auth: null })).status,
    reference: 401,
    mutant: 200,
  },
  'wrong-token-accepted': {
    observe: async (api) => (await api.request('GET', CLIENTS_PATH, { auth: 'Bearer not-the-token' })).status,
    reference: 401,
    mutant: 200,
  },
  'id-from-active-count': {
    async observe(api) {
      const first = await api.create({ fname: 'first' });
      await api.create({ fname: 'second' });
      await api.update(first.id, { vis_state: 1 });
      const third = await api.create({ fname: 'third' });
      return { thirdId: third.id, at100002: (await api.get(100002)).json.response.result.client.fname };
    },
    reference: { thirdId: 100003, at100002: 'second' },
    // One active client left, so the new one gets 100002 and replaces "second".
    mutant: { thirdId: 100002, at100002: 'third' },
  },
  'accepts-wrong-types': {
    async observe(api) {
      const reply = await api.request('POST', CLIENTS_PATH, { body: { client: { fname: 42 } } });
      return { status: reply.status, fname: reply.json.response.result?.client.fname ?? null };
    },
    reference: { status: 422, fname: null },
    mutant: { status: 200, fname: '42' },
  },
  'html-content-type': {
    observe: async (api) => (await api.request('GET', CLIENTS_PATH)).contentType,
    reference: 'application/json; charset=utf-8',
    mutant: 'text/html; charset=utf-8',
  },
  'truncated-json': {
    async observe(api) {
      const client = await api.create({ fname: 'a' });
      // A client unchanged since its creation reads back as the create answer's envelope.
      const whole = JSON.stringify({ response: { result: { client } } });
      const { text } = await api.get(client.id);
      if (text === whole) return 'whole';
      return text === whole.slice(0, Math.floor(whole.length / 2)) ? 'first half' : text;
    },
    reference: 'whole',
    mutant: 'first half',
  },
  // Reached only by the boundary phase's edge cases.
  'plus-becomes-space': {
    async observe(api) {
      const c = await api.create({ fname: 'a+b', email: 'first+tag@example.test' });
      await api.update(c.id, { lname: 'c++' });
      const { fname, lname, email } = (await api.get(c.id)).json.response.result.client;
      return { fname, lname, email };
    },
    reference: { fname: 'a+b', lname: 'c++', email: 'first+tag@example.test' },
    mutant: { fname: 'a b', lname: 'c  ', email: 'first tag@example.test' },
  },
  'update-ignores-null': {
    async observe(api) {
      const c = await api.create({ fname: 'a', p_city: 'Oslo', vat_name: 'VAT' });
      await api.update(c.id, { fname: 'z', p_city: null, vat_name: '' });
      const { fname, p_city, vat_name } = (await api.get(c.id)).json.response.result.client;
      return { fname, p_city, vat_name };
    },
    reference: { fname: 'z', p_city: null, vat_name: '' },
    mutant: { fname: 'z', p_city: 'Oslo', vat_name: '' },
  },
  'like-ignores-spaced-needles': {
    async observe(api) {
      for (const fname of ['Alpha Beta', 'alphabet', 'Gamma']) await api.create({ fname });
      const matches = async (needle: string) => ids(await api.list([['search[fname_like]', needle]]));
      return { middle: await matches('ha B'), leading: await matches(' Beta'), plain: await matches('Alp') };
    },
    reference: { middle: [100001], leading: [100001], plain: [100001, 100002] },
    mutant: { middle: [], leading: [], plain: [100001, 100002] },
  },
  'per-page-99-is-default': {
    async observe(api) {
      for (let i = 0; i < 16; i++) await api.create({ fname: `p${i}` });
      const at = async (perPage: string) => {
        const result = await api.list([['per_page', perPage]]);
        return { per_page: result.per_page, pages: result.pages, listed: result.clients.length };
      };
      return { 98: await at('98'), 99: await at('99') };
    },
    reference: { 98: { per_page: 98, pages: 1, listed: 16 }, 99: { per_page: 99, pages: 1, listed: 16 } },
    mutant: { 98: { per_page: 98, pages: 1, listed: 16 }, 99: { per_page: 15, pages: 2, listed: 15 } },
  },
  'default-per-page-20': {
    async observe(api) {
      for (let i = 0; i < 21; i++) await api.create({ fname: `d${i}` });
      const { per_page, pages, clients } = await api.list([]);
      return { per_page, pages, listed: clients.length };
    },
    reference: { per_page: 15, pages: 2, listed: 15 },
    mutant: { per_page: 20, pages: 2, listed: 20 },
  },
  'page-zero-unpaged': {
    async observe(api) {
      for (let i = 0; i < 3; i++) await api.create({ fname: `p${i}` });
      const at = async (page: string) => {
        const reply = await api.request('GET', `${CLIENTS_PATH}?page=${page}&per_page=2`);
        const result = reply.json.response.result;
        return result === undefined
          ? { status: reply.status }
          : { status: reply.status, page: result.page, per_page: result.per_page, ids: ids(result) };
      };
      return { 0: await at('0'), '-1': await at('-1'), 1: await at('1') };
    },
    reference: { 0: { status: 400 }, '-1': { status: 400 }, 1: { status: 200, page: 1, per_page: 2, ids: [100001, 100002] } },
    mutant: {
      0: { status: 200, page: 1, per_page: 2, ids: [100001, 100002, 100003] },
      '-1': { status: 200, page: 1, per_page: 2, ids: [100001, 100002, 100003] },
      1: { status: 200, page: 1, per_page: 2, ids: [100001, 100002] },
    },
  },
  'total-capped-at-100': {
    async observe(api) {
      const totals: Record<number, unknown> = {};
      for (let i = 1; i <= 101; i++) {
        await api.create({ fname: `t${i}` });
        if (i === 100 || i === 101) {
          const { total, pages } = await api.list([['per_page', '2']]);
          totals[i] = { total, pages };
        }
      }
      return totals;
    },
    reference: { 100: { total: 100, pages: 50 }, 101: { total: 101, pages: 51 } },
    mutant: { 100: { total: 100, pages: 50 }, 101: { total: 100, pages: 51 } },
  },
  // Breaks only an open rule (text comes back verbatim), and only the boundary phase reaches it.
  'trims-stored-text': {
    async observe(api) {
      const c = await api.create({ fname: '  padded  ', organization: 'two  inner spaces' });
      await api.update(c.id, { lname: '\tx y\n' });
      const { fname, lname, organization } = (await api.get(c.id)).json.response.result.client;
      return { fname, lname, organization };
    },
    reference: { fname: '  padded  ', lname: '\tx y\n', organization: 'two  inner spaces' },
    mutant: { fname: 'padded', lname: 'x y', organization: 'two  inner spaces' },
  },
  'organization-like-matches-city': {
    async observe(api) {
      await api.create({ organization: 'Acme', p_city: 'Oslo' });
      await api.create({ organization: 'Other', p_city: 'Acme Falls' });
      return (await api.list([['search[organization_like]', 'acme']])).total;
    },
    reference: 1,
    mutant: 2,
  },
  'active-total-counts-deleted': {
    async observe(api) {
      const a = await api.create({ fname: 'a' });
      await api.create({ fname: 'b' });
      await api.update(a.id, { vis_state: 1 });
      const active = await api.list([['search[vis_state]', '0']]);
      return { listed: ids(active).length, total: active.total };
    },
    reference: { listed: 1, total: 1 },
    mutant: { listed: 1, total: 2 },
  },
  'update-rewrites-signup-date': {
    async observe(api) {
      const c = await api.create({ fname: 'a' });
      const before = (await api.get(c.id)).json.response.result.client.signup_date;
      // The server's clock keeps whole seconds: the update must come in a later one to show.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await api.update(c.id, { fname: 'b' });
      return (await api.get(c.id)).json.response.result.client.signup_date === before;
    },
    reference: true,
    mutant: false,
  },
  'restore-keeps-deleted-mark': {
    async observe(api) {
      const a = await api.create({ fname: 'a' });
      await api.create({ fname: 'b' });
      await api.update(a.id, { vis_state: 1 });
      await api.update(a.id, { vis_state: 0 });
      return {
        visState: (await api.get(a.id)).json.response.result.client.vis_state,
        active: ids(await api.list([['search[vis_state]', '0']])),
        deleted: ids(await api.list([['search[vis_state]', '1']])),
      };
    },
    reference: { visState: 0, active: [100001, 100002], deleted: [] },
    mutant: { visState: 0, active: [100002], deleted: [] },
  },
  'missing-per-page-unlimited': {
    async observe(api) {
      for (let i = 0; i < 16; i++) await api.create({ fname: `d${i}` });
      const at = async (query: [string, string][]) => {
        const { per_page, pages, clients } = await api.list(query);
        return { per_page, pages, listed: clients.length };
      };
      return { unsized: await at([]), sized: await at([['per_page', '15']]) };
    },
    reference: { unsized: { per_page: 15, pages: 2, listed: 15 }, sized: { per_page: 15, pages: 2, listed: 15 } },
    mutant: { unsized: { per_page: 15, pages: 2, listed: 16 }, sized: { per_page: 15, pages: 2, listed: 15 } },
  },
  'get-id-is-row-number': {
    async observe(api) {
      await api.create({ fname: 'a' });
      const created = await api.create({ fname: 'b' });
      const { id, userid, fname } = (await api.get(created.id)).json.response.result.client;
      return { created: created.id, id, userid, fname };
    },
    reference: { created: 100002, id: 100002, userid: 100002, fname: 'b' },
    mutant: { created: 100002, id: 2, userid: 100002, fname: 'b' },
  },
  'create-skips-mob-phone': {
    async observe(api) {
      const c = await api.create({ fname: 'a', mob_phone: '555-0100', bus_phone: '555-0199' });
      const read = (await api.get(c.id)).json.response.result.client;
      await api.update(c.id, { mob_phone: '555-0111' });
      const updated = (await api.get(c.id)).json.response.result.client.mob_phone;
      return { echoed: c.mob_phone, stored: read.mob_phone, bus_phone: read.bus_phone, updated };
    },
    reference: { echoed: '555-0100', stored: '555-0100', bus_phone: '555-0199', updated: '555-0111' },
    mutant: { echoed: '555-0100', stored: '', bus_phone: '555-0199', updated: '555-0111' },
  },
};

describe('FreshBooks REST mutants', () => {
  it('catalogue: unique kebab-case ids, one fault each, a probe for every id and no stray probes', () => {
    const catalogueIds = MUTANTS.map((m) => m.id);
    expect(new Set(catalogueIds).size).toBe(catalogueIds.length);
    for (const mutant of MUTANTS) {
      expect(mutant.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(mutant.description.length).toBeGreaterThan(0);
      expect(
        Object.values(mutant.faults).filter((v) => v === true),
        mutant.id,
      ).toHaveLength(1);
      expect(PROBES[mutant.id], `no probe for mutant ${mutant.id}`).toBeDefined();
    }
    expect(Object.keys(PROBES).sort()).toEqual([...catalogueIds].sort());
  });

  it('marks as global only the mutants that break every response, or every response carrying a client', () => {
    expect(MUTANTS.filter((m) => m.global).map((m) => m.id)).toEqual(['id-as-string', 'html-content-type', 'duplicate-id-key']);
  });

  it('marks the mutants only the boundary phase reaches, one per edge class, and those that break only an open rule', () => {
    expect(MUTANTS.filter((m) => m.boundaryOnly).map((m) => m.id)).toEqual([
      'plus-becomes-space',
      'update-ignores-null',
      'like-ignores-spaced-needles',
      'per-page-99-is-default',
      'page-zero-unpaged',
      'total-capped-at-100',
      'trims-stored-text',
      'bad-page-422',
    ]);
    // Open: they break only a rule the documents leave to the implementer (wrong types refused or coerced,
    // RFC 8259's SHOULD on unique keys, letter case, text kept verbatim, which 4xx refuses). Every other mutant breaks a
    // stated, shown or meaning rule (tests/basis.test.ts, REST_GRADES) and must fail the run; `clientele
    // mutants` checks each verdict matches its kind.
    expect(
      MUTANTS.filter((m) => m.open)
        .map((m) => m.id)
        .sort(),
    ).toEqual([
      'accepts-wrong-types',
      'bad-page-422',
      'duplicate-id-key',
      'like-case-sensitive',
      'trims-stored-text',
      'unknown-id-update-422',
    ]);
    for (const mutant of MUTANTS) expect(mutant.description, mutant.id).toMatch(/^[^\n]{10,160}$/);
  });

  it('refuses to start an unknown mutant', async () => {
    await expect(startTarget(CREDENTIALS, 'no-such-mutant')).rejects.toThrow(/no-such-mutant/);
  });

  for (const mutant of MUTANTS) {
    it(`${mutant.id} is observable`, async () => {
      const probe = PROBES[mutant.id];
      expect(probe, `no probe for mutant ${mutant.id}`).toBeDefined();
      expect(probe.mutant, 'a probe must tell the mutant from the reference').not.toEqual(probe.reference);
      expect(await withTarget(probe.observe), 'reference').toEqual(probe.reference);
      expect(await withTarget(probe.observe, mutant.id), mutant.id).toEqual(probe.mutant);
    });
  }
});
