import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { MUTANTS, startTarget } from '../apis/freshbooks-classic/reference/index.js';
import type { RunningTarget } from '../reference-kit/types.js';

const TOKEN = 'classic-admin-token-8d1e';
const STAFF_TOKEN = 'classic-staff-token-51aa';
// Classic has no account id: the endpoint names the account.
const CREDENTIALS = { token: TOKEN, staffToken: STAFF_TOKEN, accountId: '' };
const BODY_LIMIT = 1024 * 1024;
const NAMESPACE = 'http://www.freshbooks.com/api/';
const DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';
const SEEDED_IDS = [1, 2, 3];
const STAFF_SEEDED_IDS = [1, 2];

const RETURNED_FIELDS = [
  'first_name',
  'last_name',
  'organization',
  'email',
  'username',
  'work_phone',
  'home_phone',
  'mobile',
  'fax',
  'language',
  'currency_code',
  'notes',
  'p_street1',
  'p_street2',
  'p_city',
  'p_state',
  'p_country',
  'p_code',
  's_street1',
  's_street2',
  's_city',
  's_state',
  's_country',
  's_code',
  'vat_name',
  'vat_number',
];
const CLIENT_CHILDREN = ['client_id', ...RETURNED_FIELDS, 'credit', 'folder', 'updated'];

const responseParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
});
const orderedParser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, parseTagValue: false });

const basic = (user: string, password = 'X'): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `<name>value</name>` for each entry, values escaped. */
function elements(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([name, value]) => `<${name}>${escapeXml(String(value))}</${name}>`)
    .join('');
}

function requestXml(method: string, inner: string): string {
  return `${DECLARATION}\n<request method="${method}">${inner}</request>`;
}

interface Reply {
  status: number;
  contentType: string | null;
  headers: Headers;
  text: string;
  /** The parsed `<response>`, when the body is well-formed XML. */
  response: any;
}

interface PostOptions {
  /** Full Authorization header; null sends none. Defaults to the admin token. */
  auth?: string | null;
  method?: string;
  url?: string;
}

type ClientList = { page: number; perPage: number; pages: number; total: number; clients: any[]; ids: number[] };

class ClassicApi {
  constructor(
    readonly url: string,
    readonly auth: string = basic(TOKEN),
  ) {}

  as(auth: string): ClassicApi {
    return new ClassicApi(this.url, auth);
  }

  async post(body: string | ReadableStream<Uint8Array>, options: PostOptions = {}): Promise<Reply> {
    const auth = options.auth === undefined ? this.auth : options.auth;
    const headers: Record<string, string> = { 'Content-Type': 'application/xml' };
    if (auth !== null) headers.Authorization = auth;
    const method = options.method ?? 'POST';
    // A stream body may still be sending when the answer comes; Node's RequestInit type lacks `duplex`.
    const init: RequestInit & { duplex: 'half' } = { method, headers, body: method === 'GET' ? undefined : body, duplex: 'half' };
    const res = await fetch(options.url ?? this.url, init);
    const text = await res.text();
    const response = XMLValidator.validate(text) === true ? responseParser.parse(text).response : undefined;
    return { status: res.status, contentType: res.headers.get('content-type'), headers: res.headers, text, response };
  }

  call(method: string, inner = ''): Promise<Reply> {
    return this.post(requestXml(method, inner));
  }

  async create(fields: Record<string, string>): Promise<number> {
    const reply = await this.call('client.create', `<client>${elements(fields)}</client>`);
    expectOk(reply);
    return Number(reply.response.client_id);
  }

  update(id: number, fields: Record<string, string>): Promise<Reply> {
    return this.call('client.update', `<client>${elements({ client_id: id, ...fields })}</client>`);
  }

  get(id: number | string): Promise<Reply> {
    return this.call('client.get', elements({ client_id: id }));
  }

  /** The client of a successful client.get. */
  async client(id: number): Promise<any> {
    const reply = await this.get(id);
    expectOk(reply);
    return reply.response.client;
  }

  delete(id: number): Promise<Reply> {
    return this.call('client.delete', elements({ client_id: id }));
  }

  async list(filters: Record<string, string | number> = {}): Promise<ClientList> {
    const reply = await this.call('client.list', elements(filters));
    expectOk(reply);
    const node = reply.response.clients;
    const raw = node.client;
    const clients: any[] = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    return {
      page: Number(node['@_page']),
      perPage: Number(node['@_per_page']),
      pages: Number(node['@_pages']),
      total: Number(node['@_total']),
      clients,
      ids: clients.map((c) => Number(c.client_id)),
    };
  }
}

function expectOk(reply: Reply): void {
  expect(reply.status, reply.text).toBe(200);
  expect(reply.response?.['@_status'], reply.text).toBe('ok');
}

function expectFail(reply: Reply, code: number): void {
  expect(reply.status, reply.text).toBe(200);
  expect(reply.response?.['@_status'], reply.text).toBe('fail');
  expect(reply.response.error, reply.text).toEqual(expect.any(String));
  expect(reply.response.error.length).toBeGreaterThan(0);
  expect(reply.response.code, reply.text).toBe(String(code));
}

/** Names of the child elements of the first `<client>` in a response text, in document order. */
function clientChildNames(text: string): string[] {
  const [root] = orderedParser.parse(text).filter((node: object) => 'response' in node);
  const client = root.response.find((node: object) => 'client' in node);
  return client.client.map((node: object) => Object.keys(node)[0]);
}

/** Runs against a fresh target: the reference, or the mutant with this id. */
async function withTarget<T>(run: (admin: ClassicApi, staff: ClassicApi) => Promise<T>, mutantId?: string): Promise<T> {
  const target = await startTarget(CREDENTIALS, mutantId);
  try {
    const admin = new ClassicApi(target.url);
    return await run(admin, admin.as(basic(STAFF_TOKEN)));
  } finally {
    await target.close();
  }
}

/** A request body that never ends: only a server that stops reading at its cap can answer it. */
function endlessBody(): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  return new ReadableStream({ pull: (controller) => controller.enqueue(chunk) });
}

async function createMany(api: ClassicApi, count: number, prefix: string): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) ids.push(await api.create({ first_name: `${prefix}${i}`, email: `${prefix}${i}@example.com` }));
  return ids;
}

const descending = (ids: number[]): number[] => [...ids].sort((a, b) => b - a);

describe('FreshBooks Classic XML reference target', () => {
  let target: RunningTarget;
  let api: ClassicApi;

  beforeAll(async () => {
    target = await startTarget(CREDENTIALS);
    api = new ClassicApi(target.url);
  });
  afterAll(async () => {
    await target?.close();
  });

  describe('HTTP surface and auth', () => {
    it('serves POST /api/2.1/xml-in on 127.0.0.1', () => {
      expect(new URL(target.url)).toMatchObject({ hostname: '127.0.0.1', pathname: '/api/2.1/xml-in' });
    });

    it('answers 401 with a Basic challenge without or with wrong credentials', async () => {
      const body = requestXml('client.list', '');
      const wrong = [null, basic('wrong'), basic('X', TOKEN), `Bearer ${TOKEN}`, basic(TOKEN.slice(0, -1)), 'Basic !!!'];
      for (const auth of wrong) {
        const reply = await api.post(body, { auth });
        expect(reply.status, String(auth)).toBe(401);
        expect(reply.headers.get('www-authenticate')).toBe('Basic realm="FreshBooks"');
        expect(reply.contentType).toBe('text/plain; charset=utf-8');
        expect(reply.text).toBe('Authentication failed');
      }
    });

    it('accepts the token as user name with any password, and the staff token', async () => {
      for (const auth of [basic(TOKEN), basic(TOKEN, 'anything'), basic(TOKEN, ''), basic(STAFF_TOKEN)]) {
        const reply = await api.post(requestXml('client.list', ''), { auth });
        expectOk(reply);
      }
    });

    it('refuses a staff token when the target has no staff user', async () => {
      const lone = await startTarget({ token: TOKEN, accountId: '' });
      try {
        const loneApi = new ClassicApi(lone.url);
        expect((await loneApi.post(requestXml('client.list', ''), { auth: basic(STAFF_TOKEN) })).status).toBe(401);
        expect((await loneApi.list()).ids).toEqual(descending(SEEDED_IDS));
      } finally {
        await lone.close();
      }
    });

    it('answers 404 elsewhere, 405 for other methods and 413 for bodies over 1 MiB, in plain text', async () => {
      const origin = new URL(target.url).origin;
      const elsewhere = await api.post(requestXml('client.list', ''), { url: `${origin}/api/2.1/xml-out` });
      expect(elsewhere.status).toBe(404);
      expect(elsewhere.contentType).toBe('text/plain; charset=utf-8');

      const viaGet = await api.post('', { method: 'GET' });
      expect(viaGet.status).toBe(405);
      expect(viaGet.headers.get('allow')).toBe('POST');
      expect(viaGet.contentType).toBe('text/plain; charset=utf-8');

      const padding = ' '.repeat(1024 * 1024);
      const tooLarge = await api.post(`${requestXml('client.list', '')}${padding}`);
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.contentType).toBe('text/plain; charset=utf-8');
    });

    it('serves a body of exactly 1 MiB', async () => {
      const call = requestXml('client.list', '');
      const reply = await api.post(call.padEnd(BODY_LIMIT, ' '));
      expectOk(reply);
    });

    it('answers 413 to a body one byte over 1 MiB and closes the connection, changing nothing', async () => {
      const before = await api.list({ per_page: 100 });
      const create = requestXml('client.create', '<client><first_name>Big</first_name></client>');
      const reply = await api.post(create.padEnd(BODY_LIMIT + 1, ' '));
      expect(reply.status).toBe(413);
      expect(reply.text).toBe('Request body too large');
      expect(reply.headers.get('connection')).toBe('close');
      expect((await api.list({ per_page: 100 })).total).toBe(before.total);
    });

    it('answers 413 to an endless body without reading it to the end', { timeout: 10_000 }, async () => {
      const reply = await api.post(endlessBody());
      expect(reply.status).toBe(413);
      expect(reply.headers.get('connection')).toBe('close');
    });

    it('answers every API call with 200 and a namespaced XML response document', async () => {
      for (const reply of [await api.call('client.list'), await api.get(424242), await api.post('not xml')]) {
        expect(reply.status).toBe(200);
        expect(reply.contentType).toBe('application/xml; charset=utf-8');
        expect(reply.text.startsWith(DECLARATION)).toBe(true);
        expect(reply.response['@_xmlns']).toBe(NAMESPACE);
        expect(['ok', 'fail']).toContain(reply.response['@_status']);
      }
    });
  });

  describe('create, get, update, delete', () => {
    it('creates a client, returns its id, and gets every field back verbatim without the password', async () => {
      const fields = Object.fromEntries(RETURNED_FIELDS.map((f) => [f, `  ${f} & <value> "q" 'a'  `]));
      const id = await api.create({ ...fields, password: 'seCret!7' });
      expect(id).toBeGreaterThan(3);

      const reply = await api.get(id);
      expectOk(reply);
      expect(clientChildNames(reply.text)).toEqual(CLIENT_CHILDREN);
      const client = reply.response.client;
      expect(client).toEqual({
        client_id: String(id),
        ...fields,
        credit: '0.00',
        folder: 'active',
        updated: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
      });
      expect(reply.text).not.toContain('seCret!7');
      expect(reply.text).not.toContain('<password');
    });

    it('stores missing fields as empty and defaults username to the email', async () => {
      const id = await api.create({ first_name: 'Jane', email: 'janedoe@freshbooks.com' });
      const client = await api.client(id);
      expect(client.username).toBe('janedoe@freshbooks.com');
      for (const field of RETURNED_FIELDS.filter((f) => !['first_name', 'email', 'username'].includes(f))) {
        expect(client[field], field).toBe('');
      }
      expect((await api.client(await api.create({ email: 'e@x.com', username: '' }))).username).toBe('e@x.com');
      expect((await api.client(await api.create({ email: 'e@x.com', username: 'janedoe' }))).username).toBe('janedoe');
    });

    it('numbers clients consecutively', async () => {
      const first = await api.create({ first_name: 'a' });
      const second = await api.create({ first_name: 'b' });
      expect(second).toBe(first + 1);
    });

    it('updates only the elements present and answers an empty ok response', async () => {
      const id = await api.create({ first_name: 'Jane', last_name: 'Doe', p_city: 'New York', notes: 'keep' });
      const before = await api.client(id);
      const reply = await api.update(id, { first_name: 'Janet', notes: '' });
      expectOk(reply);
      expect(reply.text).toBe(`${DECLARATION}\n<response xmlns="${NAMESPACE}" status="ok"/>`);
      const after = await api.client(id);
      expect(after).toEqual({ ...before, first_name: 'Janet', notes: '', updated: after.updated });
      expect(after.updated >= before.updated).toBe(true);
    });

    it('fails updates, gets and deletes of unknown ids with 40404', async () => {
      expectFail(await api.update(424242, { first_name: 'x' }), 40404);
      expectFail(await api.get(424242), 40404);
      expectFail(await api.delete(424242), 40404);
    });

    it('deletes softly: still readable in the deleted folder, out of the active one, deleting again is ok', async () => {
      const id = await api.create({ first_name: 'Gone', email: 'gone@example.com' });
      expectOk(await api.delete(id));
      expect(await api.client(id)).toMatchObject({ first_name: 'Gone', folder: 'deleted' });
      expect((await api.list({ email: 'gone@example.com' })).ids).toEqual([]);
      expect((await api.list({ email: 'gone@example.com', folder: 'deleted' })).ids).toEqual([id]);
      expectOk(await api.delete(id));
      expect((await api.client(id)).folder).toBe('deleted');
    });
  });

  describe('client.list', () => {
    it('lists the seeded clients by descending client_id with full client elements', () =>
      withTarget(async (admin) => {
        const list = await admin.list();
        expect(list).toMatchObject({ page: 1, perPage: 25, pages: 1, total: 3, ids: [3, 2, 1] });
        for (const client of list.clients) {
          expect(Object.keys(client)).toEqual(CLIENT_CHILDREN);
          expect(client.folder).toBe('active');
        }
      }));

    it('defaults per_page to 25, pages with ceil, and answers past-the-end pages empty', () =>
      withTarget(async (admin) => {
        await createMany(admin, 27, 'p');
        const first = await admin.list();
        expect(first).toMatchObject({ page: 1, perPage: 25, pages: 2, total: 30 });
        expect(first.ids).toEqual(descending(Array.from({ length: 30 }, (_, i) => i + 1)).slice(0, 25));
        const second = await admin.list({ page: 2 });
        expect(second.ids).toEqual([5, 4, 3, 2, 1]);
        const byFour = await admin.list({ per_page: 4, page: 8 });
        expect(byFour).toMatchObject({ page: 8, perPage: 4, pages: 8, total: 30, ids: [2, 1] });
        expect(await admin.list({ page: 3 })).toMatchObject({ page: 3, pages: 2, total: 30, ids: [] });
      }));

    it('caps per_page at 100', () =>
      withTarget(async (admin) => {
        await createMany(admin, 98, 'c');
        const list = await admin.list({ per_page: 150 });
        expect(list).toMatchObject({ perPage: 100, pages: 2, total: 101 });
        expect(list.ids).toHaveLength(100);
        expect(list.ids[0]).toBe(101);
      }));

    it('reports pages 0 for an empty result', async () => {
      expect(await api.list({ folder: 'archived' })).toMatchObject({ page: 1, pages: 0, total: 0, ids: [] });
    });

    it('filters by exact email and username, notes substring, case-insensitively', () =>
      withTarget(async (admin) => {
        const a = await admin.create({ email: 'Alice@Example.com', username: 'AliceW', notes: 'Prefers FAX over calls' });
        const b = await admin.create({ email: 'malice@example.com', notes: 'Phone-only' });
        expect((await admin.list({ email: 'alice@example.COM' })).ids).toEqual([a]);
        expect((await admin.list({ email: 'example.com' })).ids).toEqual([]);
        expect((await admin.list({ username: 'alicew' })).ids).toEqual([a]);
        expect((await admin.list({ username: 'MALICE@example.com' })).ids).toEqual([b]);
        expect((await admin.list({ notes: 'fax' })).ids).toEqual([a]);
        expect((await admin.list({ notes: 'PHONE-ON' })).ids).toEqual([b]);
        expect((await admin.list({ notes: 'fax', email: 'malice@example.com' })).ids).toEqual([]);
      }));

    it('filters by updated_from and updated_to inclusively', () =>
      withTarget(async (admin) => {
        const id = await admin.create({ first_name: 'Stamp' });
        const stamp = (await admin.client(id)).updated as string;
        const window = await admin.list({ updated_from: stamp, updated_to: stamp });
        expect(window.ids).toContain(id);
        for (const client of window.clients) expect(client.updated).toBe(stamp);
        expect((await admin.list({ updated_from: '9999-01-01 00:00:00' })).ids).toEqual([]);
        expect((await admin.list({ updated_to: '2000-01-01 00:00:00' })).ids).toEqual([]);
      }));

    it('fails with 40012 on a bad folder, page, per_page or date', async () => {
      const bad: Record<string, string>[] = [
        { folder: 'trash' },
        { page: '0' },
        { page: 'abc' },
        { page: '1.5' },
        { per_page: '0' },
        { per_page: '-3' },
        { per_page: '' },
        { updated_from: '2009-01-01' },
      ];
      for (const filters of bad) {
        expectFail(await api.call('client.list', elements(filters)), 40012);
      }
    });
  });

  describe('staff scope', () => {
    it('shows the staff user only assigned clients, in every folder, with the same paging', () =>
      withTarget(async (admin, staff) => {
        expect(await staff.list()).toMatchObject({ total: 2, pages: 1, ids: descending(STAFF_SEEDED_IDS) });
        const own = await staff.create({ first_name: 'Mine' });
        const adminOwned = await admin.create({ first_name: 'Theirs' });
        expect((await staff.list()).ids).toEqual([own, 2, 1]);
        expect(await staff.list({ per_page: 2, page: 2 })).toMatchObject({ pages: 2, total: 3, ids: [1] });
        expect((await admin.list()).ids).toEqual([adminOwned, own, 3, 2, 1]);

        expectOk(await staff.delete(own));
        expect((await staff.list({ folder: 'deleted' })).ids).toEqual([own]);
        expectOk(await admin.delete(adminOwned));
        expect((await staff.list({ folder: 'deleted' })).ids).toEqual([own]);
      }));

    it('answers 40404 to the staff user for an unassigned client and changes nothing', () =>
      withTarget(async (admin, staff) => {
        const before = await admin.client(3);
        expectFail(await staff.get(3), 40404);
        expectFail(await staff.update(3, { first_name: 'Hijacked' }), 40404);
        expectFail(await staff.delete(3), 40404);
        expect(await admin.client(3)).toEqual(before);

        expectOk(await staff.update(2, { notes: 'staff note' }));
        expect((await admin.client(2)).notes).toBe('staff note');
      }));
  });

  describe('fail envelope', () => {
    it('carries <error> and a <code> for every kind of bad request', async () => {
      const cases: [string, string, number][] = [
        ['malformed XML', '<request method="client.get"><client_id>1</client_id>', 40010],
        ['not XML', 'hello', 40010],
        ['two roots', `${requestXml('client.get', '<client_id>1</client_id>')}<request method="client.get"/>`, 40010],
        ['wrong root', '<call method="client.get"><client_id>1</client_id></call>', 40010],
        ['no method attribute', '<request><client_id>1</client_id></request>', 40010],
        ['undeclared entity', requestXml('client.get', '<client_id>&one;</client_id>'), 40010],
        ['create without client', requestXml('client.create', ''), 40010],
        ['unknown method', requestXml('client.frobnicate', ''), 40011],
        ['unknown field', requestXml('client.create', '<client><nickname>J</nickname></client>'), 40012],
        ['element where text belongs', requestXml('client.create', '<client><first_name><b>J</b></first_name></client>'), 40012],
        ['repeated field', requestXml('client.create', '<client><email>a@x</email><email>b@x</email></client>'), 40012],
        ['missing client_id', requestXml('client.get', ''), 40020],
        ['non-integer client_id', requestXml('client.get', '<client_id>abc</client_id>'), 40020],
        ['update without client_id', requestXml('client.update', '<client><first_name>J</first_name></client>'), 40020],
        ['unknown id', requestXml('client.get', '<client_id>424242</client_id>'), 40404],
      ];
      for (const [label, body, code] of cases) {
        const reply = await api.post(body);
        expect(reply.response, label).toBeDefined();
        expect(Object.keys(reply.response), label).toEqual(['error', 'code', '@_xmlns', '@_status']);
        expectFail(reply, code);
      }
    });

    it('refuses a DOCTYPE body without expanding its entities', async () => {
      const body = `${DECLARATION}<!DOCTYPE request [<!ENTITY secret "EXPANDED-ENTITY">]>
        <request method="client.create"><client><first_name>&secret;</first_name></client></request>`;
      const before = await api.list({ per_page: 100 });
      const reply = await api.post(body);
      expectFail(reply, 40010);
      expect(reply.text).not.toContain('EXPANDED-ENTITY');
      expect((await api.list({ per_page: 100 })).total).toBe(before.total);
    });

    it('decodes predefined entities, character references and CDATA in requests', async () => {
      const id = await api.create({});
      const raw = requestXml(
        'client.update',
        `<client><client_id>${id}</client_id><notes>a &amp; b &#60;&#x3E; <![CDATA[<c&d>]]></notes></client>`,
      );
      expectOk(await api.post(raw));
      expect((await api.client(id)).notes).toBe('a & b <> <c&d>');
    });
  });
});

/** `ok`, or `fail <code>`: how an API call came out. */
function outcome(reply: Reply): string {
  const status = reply.response?.['@_status'];
  return status === 'fail' ? `fail ${reply.response.code}` : String(status);
}

/**
 * One probe per mutant: what it observes on a fresh target holding only the three seeded clients (1 and
 * 2 assigned to staff), what the reference shows and what the mutant must show instead. A mutant counts
 * as observed only when it shows exactly its own fault; another difference or a thrown error fails the test.
 */
interface Probe {
  observe(admin: ClassicApi, staff: ClassicApi): Promise<unknown>;
  reference: unknown;
  mutant: unknown;
}

const PROBES: Record<string, Probe> = {
  'update-blanks-unreferenced': {
    async observe(admin) {
      const id = await admin.create({ first_name: 'Jane', last_name: 'Doe', p_city: 'Oslo' });
      await admin.update(id, { first_name: 'Janet' });
      const { first_name, last_name, p_city } = await admin.client(id);
      return { first_name, last_name, p_city };
    },
    reference: { first_name: 'Janet', last_name: 'Doe', p_city: 'Oslo' },
    mutant: { first_name: 'Janet', last_name: '', p_city: '' },
  },
  'list-ascending': {
    observe: async (admin) => (await admin.list()).ids,
    reference: [3, 2, 1],
    mutant: [1, 2, 3],
  },
  'default-per-page-10': {
    async observe(admin) {
      await createMany(admin, 10, 'd');
      const { perPage, total, ids } = await admin.list();
      return { perPage, total, listed: ids.length };
    },
    reference: { perPage: 25, total: 13, listed: 13 },
    mutant: { perPage: 10, total: 13, listed: 10 },
  },
  'pages-floor': {
    observe: async (admin) => (await admin.list({ per_page: 2 })).pages,
    reference: 2,
    mutant: 1,
  },
  'total-is-page-size': {
    observe: async (admin) => (await admin.list({ per_page: 2 })).total,
    reference: 3,
    mutant: 2,
  },
  'empty-list-one-page': {
    async observe(admin) {
      const pick = ({ pages, total }: ClientList) => ({ pages, total });
      return { empty: pick(await admin.list({ email: 'nobody@example.com' })), full: pick(await admin.list()) };
    },
    reference: { empty: { pages: 0, total: 0 }, full: { pages: 1, total: 3 } },
    mutant: { empty: { pages: 1, total: 0 }, full: { pages: 1, total: 3 } },
  },
  'staff-sees-all': {
    async observe(_admin, staff) {
      const reply = await staff.get(3);
      return { outcome: outcome(reply), clientId: reply.response.client?.client_id ?? null };
    },
    reference: { outcome: 'fail 40404', clientId: null },
    mutant: { outcome: 'ok', clientId: '3' },
  },
  'staff-edits-unassigned': {
    async observe(admin, staff) {
      const reply = await staff.update(3, { notes: 'x' });
      return { outcome: outcome(reply), notes: (await admin.client(3)).notes };
    },
    reference: { outcome: 'fail 40404', notes: '' },
    mutant: { outcome: 'ok', notes: 'x' },
  },
  'username-not-email': {
    async observe(admin) {
      const id = await admin.create({ first_name: 'Jane', email: 'jane@example.com' });
      return (await admin.client(id)).username;
    },
    reference: 'jane@example.com',
    mutant: 'Jane',
  },
  'get-unknown-ok': {
    observe: async (admin) => outcome(await admin.get(424242)),
    reference: 'fail 40404',
    mutant: 'ok',
  },
  'get-returns-password': {
    async observe(admin) {
      const id = await admin.create({ first_name: 'Jane', password: 'seCret!7' });
      const got = await admin.get(id);
      const listed = (await admin.list()).clients.find((c) => Number(c.client_id) === id);
      const password = got.response.client.password ?? null;
      return { children: clientChildNames(got.text), password, listed: 'password' in listed };
    },
    reference: { children: CLIENT_CHILDREN, password: null, listed: false },
    mutant: {
      children: [...CLIENT_CHILDREN.slice(0, 6), 'password', ...CLIENT_CHILDREN.slice(6)],
      password: 'seCret!7',
      listed: false,
    },
  },
  'update-answers-client': {
    observe: async (admin) => (await admin.update(1, { notes: 'x' })).text,
    reference: `${DECLARATION}\n<response xmlns="${NAMESPACE}" status="ok"/>`,
    mutant: `${DECLARATION}\n<response xmlns="${NAMESPACE}" status="ok"><client_id>1</client_id></response>`,
  },
  'fail-without-code': {
    async observe(admin) {
      const { response } = await admin.get(424242);
      return { status: response['@_status'], hasError: typeof response.error === 'string', code: response.code ?? null };
    },
    reference: { status: 'fail', hasError: true, code: '40404' },
    mutant: { status: 'fail', hasError: true, code: null },
  },
  'unescaped-text': {
    async observe(admin) {
      const id = await admin.create({ organization: 'Smith & <Jones>' });
      const reply = await admin.get(id);
      return {
        wellFormed: XMLValidator.validate(reply.text) === true,
        raw: reply.text.includes('<organization>Smith & <Jones></organization>'),
      };
    },
    reference: { wellFormed: true, raw: false },
    mutant: { wellFormed: false, raw: true },
  },
  'html-content-type': {
    observe: async (admin) => (await admin.call('client.list')).contentType,
    reference: 'application/xml; charset=utf-8',
    mutant: 'text/html; charset=utf-8',
  },
  'email-filter-partial': {
    observe: async (admin) => (await admin.list({ email: 'example' })).ids,
    reference: [],
    mutant: [3, 2, 1],
  },
  'delete-is-hard': {
    async observe(admin) {
      await admin.delete(1);
      const reply = await admin.get(1);
      return { outcome: outcome(reply), folder: reply.response.client?.folder ?? null };
    },
    reference: { outcome: 'ok', folder: 'deleted' },
    mutant: { outcome: 'fail 40404', folder: null },
  },
  'deleted-stay-active': {
    async observe(admin) {
      await admin.delete(1);
      return (await admin.list()).ids;
    },
    reference: [3, 2],
    mutant: [3, 2, 1],
  },
  'no-auth': {
    observe: async (admin) => (await admin.post(requestXml('client.list', ''), { auth: null })).status,
    reference: 401,
    mutant: 200,
  },
  'per-page-uncapped': {
    observe: async (admin) => (await admin.list({ per_page: 150 })).perPage,
    reference: 100,
    mutant: 150,
  },
  'create-drops-postal-code': {
    async observe(admin) {
      const id = await admin.create({ p_code: '553132' });
      return (await admin.client(id)).p_code;
    },
    reference: '553132',
    mutant: '',
  },
  'any-user-accepted': {
    observe: async (admin) => (await admin.post(requestXml('client.list', ''), { auth: basic('not-the-token') })).status,
    reference: 401,
    mutant: 200,
  },
  'staff-get-denied': {
    observe: async (_admin, staff) => outcome(await staff.get(1)),
    reference: 'ok',
    mutant: 'fail 40404',
  },
  // Reached only by the boundary phase's edge cases.
  'drops-non-ascii': {
    async observe(admin) {
      const id = await admin.create({ first_name: 'Zoë 日本 😀', last_name: 'Cafe\u0301 Noe\u0308l', p_city: 'Oslo' });
      await admin.update(id, { organization: 'Ångström & Co' });
      const { first_name, last_name, organization, p_city } = await admin.client(id);
      return { first_name, last_name, organization, p_city };
    },
    reference: { first_name: 'Zoë 日本 😀', last_name: 'Cafe\u0301 Noe\u0308l', organization: 'Ångström & Co', p_city: 'Oslo' },
    mutant: { first_name: 'Zo  ', last_name: 'Cafe Noel', organization: 'ngstrm & Co', p_city: 'Oslo' },
  },
  'update-ignores-empty': {
    async observe(admin) {
      const id = await admin.create({ first_name: 'Jane', last_name: 'Doe', p_city: 'Oslo' });
      await admin.update(id, { first_name: 'Janet', p_city: '', last_name: ' ' });
      const { first_name, last_name, p_city } = await admin.client(id);
      return { first_name, last_name, p_city };
    },
    reference: { first_name: 'Janet', last_name: ' ', p_city: '' },
    mutant: { first_name: 'Janet', last_name: ' ', p_city: 'Oslo' },
  },
  'email-filter-prefix': {
    async observe(admin) {
      for (const email of ['q@example.test', 'qq@example.test', 'q@example.testing', 'Q@EXAMPLE.TEST']) await admin.create({ email });
      return (await admin.list({ email: 'q@example.test' })).ids;
    },
    reference: [7, 4],
    mutant: [7, 6, 4],
  },
  'per-page-99-is-default': {
    async observe(admin) {
      await createMany(admin, 23, 'n');
      const at = async (perPage: number) => {
        const { perPage: answered, pages, ids } = await admin.list({ per_page: perPage });
        return { perPage: answered, pages, listed: ids.length };
      };
      return { 98: await at(98), 99: await at(99) };
    },
    reference: { 98: { perPage: 98, pages: 1, listed: 26 }, 99: { perPage: 99, pages: 1, listed: 26 } },
    mutant: { 98: { perPage: 98, pages: 1, listed: 26 }, 99: { perPage: 25, pages: 2, listed: 25 } },
  },
  'page-zero-unpaged': {
    async observe(admin) {
      const at = async (page: number) => {
        const reply = await admin.call('client.list', elements({ page, per_page: 2 }));
        const node = reply.response.clients;
        if (node === undefined) return outcome(reply);
        const listed = node.client === undefined ? [] : [node.client].flat();
        return { page: node['@_page'], perPage: node['@_per_page'], ids: listed.map((c: any) => Number(c.client_id)) };
      };
      return { 0: await at(0), '-1': await at(-1), 1: await at(1) };
    },
    reference: { 0: 'fail 40012', '-1': 'fail 40012', 1: { page: '1', perPage: '2', ids: [3, 2] } },
    mutant: {
      0: { page: '1', perPage: '2', ids: [3, 2, 1] },
      '-1': { page: '1', perPage: '2', ids: [3, 2, 1] },
      1: { page: '1', perPage: '2', ids: [3, 2] },
    },
  },
  'total-capped-at-100': {
    async observe(admin) {
      await createMany(admin, 97, 't');
      const before = await admin.list({ per_page: 2 });
      await admin.create({ first_name: 'last' });
      const after = await admin.list({ per_page: 2 });
      return { 100: { total: before.total, pages: before.pages }, 101: { total: after.total, pages: after.pages } };
    },
    reference: { 100: { total: 100, pages: 50 }, 101: { total: 101, pages: 51 } },
    mutant: { 100: { total: 100, pages: 50 }, 101: { total: 100, pages: 51 } },
  },
  // Breaks only an open rule: the documents do not say whether an unknown element is refused.
  'ignores-unknown-elements': {
    async observe(admin) {
      const unknown = await admin.call('client.create', '<client><first_name>Jane</first_name><x_color>blue</x_color></client>');
      const markup = await admin.call('client.create', '<client><first_name><b>Jane</b></first_name></client>');
      return { unknown: outcome(unknown), markup: outcome(markup), listed: (await admin.list()).ids };
    },
    reference: { unknown: 'fail 40012', markup: 'fail 40012', listed: [3, 2, 1] },
    mutant: { unknown: 'ok', markup: 'fail 40012', listed: [4, 3, 2, 1] },
  },
  // A plain-text 404 is not the documented fail envelope (its status alone would be open).
  'unknown-id-404': {
    async observe(admin, staff) {
      const shape = (reply: Reply): string =>
        reply.response === undefined ? `${reply.status} ${reply.contentType} ${reply.text}` : `${reply.status} ${outcome(reply)}`;
      return {
        get: shape(await admin.get(424242)),
        update: shape(await admin.update(424242, { notes: 'x' })),
        delete: shape(await admin.delete(424242)),
        staffGetsUnknown: shape(await staff.get(424242)),
        staffGetsUnassigned: shape(await staff.get(3)),
      };
    },
    reference: {
      get: '200 fail 40404',
      update: '200 fail 40404',
      delete: '200 fail 40404',
      staffGetsUnknown: '200 fail 40404',
      staffGetsUnassigned: '200 fail 40404',
    },
    mutant: {
      get: '404 text/plain; charset=utf-8 Client 424242 not found',
      update: '404 text/plain; charset=utf-8 Client 424242 not found',
      delete: '404 text/plain; charset=utf-8 Client 424242 not found',
      staffGetsUnknown: '404 text/plain; charset=utf-8 Client 424242 not found',
      staffGetsUnassigned: '200 fail 40404',
    },
  },
  // Break only an open rule: the HTTP status of a fail envelope, the form of its code.
  'fail-envelope-4xx': {
    async observe(admin, staff) {
      const shape = (reply: Reply): string => `${reply.status} ${outcome(reply)}`;
      return {
        get: shape(await admin.get(424242)),
        staffGetsUnassigned: shape(await staff.get(3)),
        pageZero: shape(await admin.call('client.list', '<page>0</page>')),
        created: shape(await admin.call('client.create', '<client><first_name>Jane</first_name></client>')),
      };
    },
    reference: { get: '200 fail 40404', staffGetsUnassigned: '200 fail 40404', pageZero: '200 fail 40012', created: '200 ok' },
    mutant: { get: '404 fail 40404', staffGetsUnassigned: '404 fail 40404', pageZero: '400 fail 40012', created: '200 ok' },
  },
  'fail-code-not-digits': {
    observe: async (admin) => outcome(await admin.get(424242)),
    reference: 'fail 40404',
    mutant: 'fail E40404',
  },
  'credit-not-decimal': {
    async observe(admin) {
      const listed = (await admin.list()).clients.map((client) => client.credit);
      return { got: (await admin.client(1)).credit, listed };
    },
    reference: { got: '0.00', listed: ['0.00', '0.00', '0.00'] },
    mutant: { got: 'none', listed: ['none', 'none', 'none'] },
  },
  'active-total-counts-deleted': {
    async observe(admin) {
      await admin.delete(1);
      const active = await admin.list({ folder: 'active' });
      return { listed: active.ids.length, total: active.total };
    },
    reference: { listed: 2, total: 2 },
    mutant: { listed: 2, total: 3 },
  },
  'delete-unknown-ok': {
    observe: async (admin) => outcome(await admin.delete(424242)),
    reference: 'fail 40404',
    mutant: 'ok',
  },
  'staff-update-writes-before-refusal': {
    async observe(admin, staff) {
      const reply = await staff.update(3, { notes: 'x' });
      return { outcome: outcome(reply), notes: (await admin.client(3)).notes };
    },
    reference: { outcome: 'fail 40404', notes: '' },
    mutant: { outcome: 'fail 40404', notes: 'x' },
  },
  'staff-get-by-position': {
    async observe(_admin, staff) {
      const read = async (id: number) => (await staff.client(id)).client_id;
      return { listed: (await staff.list()).ids, read: [await read(1), await read(2)], unassigned: outcome(await staff.get(3)) };
    },
    reference: { listed: [2, 1], read: ['1', '2'], unassigned: 'fail 40404' },
    mutant: { listed: [2, 1], read: ['2', '1'], unassigned: 'fail 40404' },
  },
  'admin-list-hides-assigned': {
    async observe(admin, staff) {
      return { admin: (await admin.list()).ids, staff: (await staff.list()).ids, got: (await admin.client(1)).client_id };
    },
    reference: { admin: [3, 2, 1], staff: [2, 1], got: '1' },
    mutant: { admin: [3], staff: [2, 1], got: '1' },
  },
};

describe('FreshBooks Classic XML mutants', () => {
  it('catalogue: at least 14 unique kebab-case ids, one fault each, a probe for every id and no stray probes', () => {
    const catalogueIds = MUTANTS.map((m) => m.id);
    expect(catalogueIds.length).toBeGreaterThanOrEqual(14);
    expect(new Set(catalogueIds).size).toBe(catalogueIds.length);
    for (const mutant of MUTANTS) {
      expect(mutant.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(mutant.description.length).toBeGreaterThan(0);
      expect(
        Object.values(mutant.faults).filter((v) => v === true),
        mutant.id,
      ).toHaveLength(1);
    }
    expect(Object.keys(PROBES).sort()).toEqual([...catalogueIds].sort());
  });

  it('marks only the mutant that breaks every response as global', () => {
    expect(MUTANTS.filter((m) => m.global).map((m) => m.id)).toEqual(['html-content-type']);
  });

  it('marks the mutants only the boundary phase reaches, one per edge class, and those that break only an open rule', () => {
    expect(MUTANTS.filter((m) => m.boundaryOnly).map((m) => m.id)).toEqual([
      'drops-non-ascii',
      'update-ignores-empty',
      'email-filter-prefix',
      'per-page-99-is-default',
      'page-zero-unpaged',
      'total-capped-at-100',
    ]);
    // Which rules are open is the spec's call (tests/basis.test.ts); `clientele mutants` checks each verdict matches.
    expect(
      MUTANTS.filter((m) => m.open)
        .map((m) => m.id)
        .sort(),
    ).toEqual([
      'admin-list-hides-assigned',
      'delete-is-hard',
      'fail-code-not-digits',
      'fail-envelope-4xx',
      'ignores-unknown-elements',
      'per-page-99-is-default',
      'per-page-uncapped',
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
