import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { GROWCRM_CUSTOM_FIELD as CF, MUTANTS, startTarget } from '../apis/growcrm/reference/index.js';
import type { RunningTarget } from '../reference-kit/types.js';

const TOKEN = 'growcrm-reference-key-7a1e';
const UNAUTHORIZED = { message: 'Unauthorized. A valid API key is required.' };
const NOT_FOUND = { message: 'Client not found.' };
const INVALID = 'The given data was invalid.';
const STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

interface Reply {
  status: number;
  contentType: string | null;
  json: any;
}

type Fields = Record<string, unknown>;

interface RequestOptions {
  /** Sent as JSON. */
  json?: unknown;
  /** Sent form-encoded, as the docs do. */
  form?: string;
  /** Full Authorization header; null sends none. Defaults to the right key. */
  auth?: string | null;
}

let emails = 0;
/** Create fields that pass validation, with a fresh email each time. */
const person = (extra: Fields = {}): Fields => ({
  first_name: 'Jane',
  last_name: 'Doe',
  email: `user${++emails}@example.test`,
  [CF]: 'cf',
  ...extra,
});

class Api {
  constructor(readonly base: string) {}

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = {};
    const auth = options.auth === undefined ? `Bearer ${TOKEN}` : options.auth;
    if (auth !== null) headers.Authorization = auth;
    let body: string | undefined;
    if (options.json !== undefined) [body, headers['Content-Type']] = [JSON.stringify(options.json), 'application/json'];
    if (options.form !== undefined) [body, headers['Content-Type']] = [options.form, 'application/x-www-form-urlencoded'];
    const res = await fetch(this.base + path, { method, headers, body });
    const text = await res.text();
    return { status: res.status, contentType: res.headers.get('content-type'), json: text === '' ? undefined : JSON.parse(text) };
  }

  /** The created client; expects 201. */
  async create(fields: Fields = {}): Promise<any> {
    const reply = await this.request('POST', '/clients', { json: person(fields) });
    expect(reply.status, JSON.stringify(reply.json)).toBe(201);
    return reply.json.data;
  }

  get = (id: number | string) => this.request('GET', `/clients/${id}`);
  update = (id: number, fields: Fields) => this.request('PATCH', `/clients/${id}`, { json: fields });
  remove = (id: number) => this.request('DELETE', `/clients/${id}`);
  action = (id: number, name: string, body: Fields) => this.request('PUT', `/clients/${id}/${name}`, { json: body });

  /** The list body; expects 200. */
  async list(query: Record<string, string | number> = {}): Promise<any> {
    const params = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
    const reply = await this.request('GET', `/clients?${params}`);
    expect(reply.status).toBe(200);
    return reply.json;
  }

  ids = async (query: Record<string, string | number> = {}): Promise<number[]> =>
    (await this.list(query)).data.map((c: { id: number }) => c.id);
}

/** Runs against a fresh target: the reference, or the mutant with this id. */
async function withTarget<T>(run: (api: Api) => Promise<T>, mutantId?: string): Promise<T> {
  const target = await startTarget({ token: TOKEN }, mutantId);
  try {
    return await run(new Api(target.url));
  } finally {
    await target.close();
  }
}

describe('Grow CRM reference target', () => {
  let target: RunningTarget;
  let api: Api;
  beforeAll(async () => {
    target = await startTarget({ token: TOKEN });
    api = new Api(target.url);
  });
  afterAll(() => target?.close());

  it('serves at http://127.0.0.1:<port>/api and refuses an unknown mutant', async () => {
    expect(target.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
    await expect(startTarget({ token: TOKEN }, 'no-such-mutant')).rejects.toThrow(/no-such-mutant/);
  });

  it('answers 401 with the exact body to a missing or wrong key, on every operation, before routing', async () => {
    const calls: [string, string][] = [
      ['GET', '/clients'],
      ['POST', '/clients'],
      ['GET', '/clients/1'],
      ['PATCH', '/clients/1'],
      ['DELETE', '/clients/1'],
      ['PUT', '/clients/1/tags'],
      ['PUT', '/clients/1/status'],
      ['PUT', '/clients/1/owner'],
      ['GET', '/nowhere'],
    ];
    for (const auth of [null, 'Bearer wrong', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, TOKEN]) {
      for (const [method, path] of calls) {
        const reply = await api.request(method, path, { auth });
        expect([reply.status, reply.json], `${auth} ${method} ${path}`).toEqual([401, UNAUTHORIZED]);
        expect(reply.contentType).toBe('application/json');
      }
    }
  });

  it('creates from a form body with 201 and the full client shape, and gets it back', async () => {
    const form = new URLSearchParams({
      first_name: 'Ann',
      last_name: 'Lee',
      email: 'ann@acme.example',
      client_company_name: 'Acme Inc',
      client_categoryid: '2',
      client_description: 'Key account.',
      client_phone: '+1 555 0100',
      client_website: 'https://acme.example',
      client_vat: 'GB1',
      client_billing_street: '1 Market St',
      client_billing_city: 'SF',
      client_billing_state: 'CA',
      client_billing_zip: '94105',
      client_billing_country: 'US',
      client_billing_invoice_due_days: '7',
      send_email: 'no',
      [CF]: 'v',
    });
    const reply = await api.request('POST', '/clients', { form: `${form}&tags[]=priority&tags[]=retainer` });
    expect(reply.status).toBe(201);
    expect(reply.json.message).toBe('Client created successfully.');
    const client = reply.json.data;
    expect(client).toEqual({
      id: client.id,
      company_name: 'Acme Inc',
      description: 'Key account.',
      status: 'active',
      phone: '+1 555 0100',
      website: 'https://acme.example',
      vat: 'GB1',
      category: { id: 2, name: 'Standard' },
      owner: { id: client.owner.id, name: 'Ann Lee' },
      billing: { street: '1 Market St', city: 'SF', state: 'CA', zip: '94105', country: 'US', invoice_due_days: 7 },
      shipping: { street: null, city: null, state: null, zip: null, country: null },
      dates: { created: client.dates.created, updated: client.dates.created },
      tags: ['priority', 'retainer'],
    });
    expect(Number.isInteger(client.id) && client.owner.id >= 1001).toBe(true);
    expect(client.dates.created).toMatch(STAMP);
    expect((await api.get(client.id)).json).toEqual({ data: client, message: 'Client retrieved successfully.' });
  });

  it('defaults the company name, category and optional fields; reads tags[0]= and JSON bodies', async () => {
    const plain = await api.create({ first_name: 'Bo', last_name: 'Ek' });
    expect(plain).toMatchObject({ company_name: 'Bo Ek', category: { id: 1, name: 'Default' }, description: null, tags: [] });
    expect(plain.billing).toEqual({ street: null, city: null, state: null, zip: null, country: null, invoice_due_days: null });
    const form = `${new URLSearchParams(person() as Record<string, string>)}&tags[0]=a&tags[1]=b&client_categoryid=3`;
    const indexed = await api.request('POST', '/clients', { form });
    expect(indexed.json.data).toMatchObject({ tags: ['a', 'b'], category: { name: 'Wholesale' } });
    const verbatim = await api.create({ client_company_name: '  Spaced  ', client_phone: '', tags: ['x', 'x'] });
    expect(verbatim).toMatchObject({ company_name: '  Spaced  ', phone: '', tags: ['x'] });
  });

  it('answers 422 naming each invalid field', async () => {
    const cases: [Fields, string[]][] = [
      [{ first_name: undefined }, ['first_name']],
      [{ first_name: ' ' }, ['first_name']],
      [{ last_name: '' }, ['last_name']],
      [{ email: undefined, [CF]: undefined }, ['email', CF]],
      [{ email: 'not-an-email' }, ['email']],
      [{ [CF]: '' }, [CF]],
      [{ client_categoryid: 9 }, ['client_categoryid']],
      [{ client_categoryid: 'x' }, ['client_categoryid']],
      [{ client_phone: 5 }, ['client_phone']],
      [{ client_billing_invoice_due_days: '7d' }, ['client_billing_invoice_due_days']],
      [{ tags: 'a' }, ['tags']],
      [{ tags: [1] }, ['tags']],
      [{ send_email: 'maybe' }, ['send_email']],
      [{ first_name: 3 }, ['first_name']],
    ];
    const before = (await api.list()).meta.total;
    for (const [fields, named] of cases) {
      const reply = await api.request('POST', '/clients', { json: person(fields) });
      expect(reply.status, JSON.stringify(fields)).toBe(422);
      expect(reply.json.message).toBe(INVALID);
      expect(Object.keys(reply.json.errors).sort(), JSON.stringify(fields)).toEqual([...named].sort());
    }
    const missing = await api.request('POST', '/clients', { form: 'last_name=x&email=a%40b.c&client_custom_field_1=v' });
    expect(missing.json).toEqual({ message: INVALID, errors: { first_name: ['The first name field is required.'] } });
    expect((await api.list()).meta.total).toBe(before);
  });

  it('refuses a duplicate email (any letter case) until its client is deleted', async () => {
    const first = await api.create({ email: 'dup@example.test' });
    const again = await api.request('POST', '/clients', { json: person({ email: 'DUP@example.test' }) });
    expect(again.status).toBe(422);
    expect(again.json.errors).toEqual({ email: ['The email has already been taken.'] });
    await api.remove(first.id);
    await api.create({ email: 'dup@example.test' });
  });

  it('updates exactly the named fields, leaves tags, status and owner, and bumps dates.updated', async () => {
    const c = await api.create({
      client_phone: '1',
      client_vat: 'V',
      client_categoryid: 2,
      client_billing_invoice_due_days: 7,
      tags: ['t'],
    });
    await api.action(c.id, 'status', { status: 'suspended' });
    const reply = await api.update(c.id, { client_company_name: 'Renamed', client_phone: null, first_name: 'Zed', tags: [], [CF]: 'v' });
    expect(reply.status).toBe(200);
    expect(reply.json.message).toBe('Client updated successfully.');
    const after = reply.json.data;
    expect(after).toEqual({
      ...c,
      company_name: 'Renamed',
      phone: null,
      status: 'suspended',
      dates: { ...c.dates, updated: after.dates.updated },
    });
    expect(after.dates.updated > c.dates.updated).toBe(true);
    const form = await api.request('PATCH', `/clients/${c.id}`, { form: `client_company_name=Form+Co&client_vat=&${CF}=v` });
    expect(form.json.data).toMatchObject({ company_name: 'Form Co', vat: '', phone: null, category: { id: 2 } });
    for (const [fields, named] of [
      [{ [CF]: 'v' }, 'client_company_name'],
      [{ client_company_name: 'X' }, CF],
    ] as const) {
      const refused = await api.update(c.id, fields);
      expect([refused.status, Object.keys(refused.json.errors)]).toEqual([422, [named]]);
    }
  });

  it('replaces and clears tags, validates status and owner, bumping dates.updated on each action', async () => {
    const c = await api.create({ tags: ['a', 'b'] });
    const other = await api.create();
    const put = (name: string, body: Fields) => api.action(c.id, name, body);
    expect((await put('tags', { tags: ['c'] })).json).toMatchObject({
      data: { tags: ['c'] },
      message: 'Client tags updated successfully.',
    });
    expect((await api.request('PUT', `/clients/${c.id}/tags`, { form: 'tags[]=d&tags[]=e' })).json.data.tags).toEqual(['d', 'e']);
    const cleared = await put('tags', { tags: [] });
    expect(cleared.json.data.tags).toEqual([]);
    expect(cleared.json.data.dates.updated > c.dates.updated).toBe(true);
    for (const body of [{}, { tags: 'x' }]) expect(Object.keys((await put('tags', body)).json.errors)).toEqual(['tags']);
    const suspended = (await put('status', { status: 'suspended' })).json;
    expect(suspended).toMatchObject({ data: { status: 'suspended' }, message: 'Client status updated successfully.' });
    for (const status of ['archived', 'Active', '', undefined]) {
      const refused = await put('status', { status });
      expect([refused.status, Object.keys(refused.json.errors)], String(status)).toEqual([422, ['status']]);
    }
    const same = await put('owner', { owner: c.owner.id });
    expect([same.status, same.json.data.owner, same.json.message]).toEqual([200, c.owner, 'Client account owner updated successfully.']);
    for (const owner of [other.owner.id, 999999, 'x', undefined]) {
      const refused = await put('owner', { owner });
      expect([refused.status, Object.keys(refused.json.errors)], String(owner)).toEqual([422, ['owner']]);
    }
    expect((await api.get(c.id)).json.data).toMatchObject({ owner: c.owner, status: 'suspended', tags: [] });
  });

  it('deletes for good: 404 everywhere after, before validation, and ids are never reused', () =>
    withTarget(async (fresh) => {
      await fresh.create();
      const newest = await fresh.create();
      expect((await fresh.remove(newest.id)).json).toEqual({ data: { id: 2 }, message: 'Client deleted successfully.' });
      const replies = [
        await fresh.get(2),
        await fresh.update(2, {}),
        await fresh.remove(2),
        await fresh.action(2, 'tags', {}),
        await fresh.action(2, 'status', {}),
        await fresh.action(2, 'owner', {}),
        await fresh.get('abc'),
      ];
      for (const reply of replies) expect([reply.status, reply.json]).toEqual([404, NOT_FOUND]);
      expect(await fresh.ids()).toEqual([1]);
      expect((await fresh.create()).id).toBe(3);
      expect((await fresh.request('GET', '/nowhere')).status).toBe(404);
      expect((await fresh.request('PUT', '/clients/1')).status).toBe(405);
    }));

  it('pages with meta, caps limit at 100, and treats bad paging values leniently', () =>
    withTarget(async (fresh) => {
      expect(await fresh.list()).toEqual({
        data: [],
        meta: { current_page: 1, per_page: 20, total: 0, last_page: 1 },
        message: 'Clients retrieved successfully.',
      });
      for (let i = 0; i < 25; i++) await fresh.create();
      expect((await fresh.list()).meta).toEqual({ current_page: 1, per_page: 20, total: 25, last_page: 2 });
      expect(await fresh.ids({ page: 2 })).toEqual([5, 4, 3, 2, 1]);
      expect(await fresh.list({ page: 3 })).toMatchObject({ data: [], meta: { current_page: 3, last_page: 2 } });
      expect((await fresh.list({ limit: 150 })).meta).toMatchObject({ per_page: 100, last_page: 1 });
      for (const limit of ['0', 'abc', '1.5']) expect((await fresh.list({ limit })).meta.per_page).toBe(20);
      expect((await fresh.list({ page: 0, limit: 10 })).meta).toEqual({ current_page: 1, per_page: 10, total: 25, last_page: 3 });
    }));

  it('sorts, orders, searches and filters', () =>
    withTarget(async (fresh) => {
      for (const [name, category] of [
        ['beta', 1],
        ['Alpha', 2],
        ['gamma', 2],
        ['alpha', 3],
      ] as const) {
        await fresh.create({ client_company_name: name, client_categoryid: category });
      }
      await fresh.action(3, 'status', { status: 'suspended' });
      await fresh.update(1, { client_company_name: 'beta', [CF]: 'v' });
      const ids = fresh.ids;
      expect(await ids()).toEqual([4, 3, 2, 1]);
      expect(await ids({ order: 'asc' })).toEqual([1, 2, 3, 4]);
      expect(await ids({ sort: 'client_company_name' })).toEqual([3, 1, 2, 4]);
      expect(await ids({ sort: 'client_company_name', order: 'asc' })).toEqual([2, 4, 1, 3]);
      expect(await ids({ sort: 'client_status', order: 'asc' })).toEqual([1, 2, 4, 3]);
      expect(await ids({ sort: 'client_created' })).toEqual([4, 3, 2, 1]);
      expect(await ids({ sort: 'client_updated' })).toEqual([1, 3, 4, 2]);
      expect(await ids({ search: 'ALP' })).toEqual([4, 2]);
      expect(await ids({ search: 'mm' })).toEqual([3]);
      expect(await ids({ search: '' })).toEqual([4, 3, 2, 1]);
      expect(await ids({ status: 'suspended' })).toEqual([3]);
      expect(await ids({ status: 'active', category_id: 2 })).toEqual([2]);
      for (const category_id of [9, 'x']) expect((await fresh.list({ category_id })).meta.total).toBe(0);
    }));
});

/**
 * One probe per mutant, on a fresh target (client ids from 1, user ids from 1001): what it observes, what
 * the reference shows and what the mutant must show instead, exactly; another difference fails the test.
 */
interface Probe {
  observe(api: Api): Promise<unknown>;
  reference: unknown;
  mutant: unknown;
}

const statusAndBody = async (reply: Promise<Reply>) => ((r) => ({ status: r.status, body: r.json }))(await reply);
const tagsOf = async (api: Api, id: number): Promise<string[]> => (await api.get(id)).json.data.tags;
/** Clients named `names`, in that order (ids 1, 2, ...). */
const named = async (api: Api, ...names: string[]) => {
  for (const name of names) await api.create({ client_company_name: name });
};
const invalidFirstName = { message: INVALID, errors: { first_name: ['The first name field is required.'] } };

const PROBES: Record<string, Probe> = {
  'create-answers-200': {
    observe: async (api) => (await api.request('POST', '/clients', { json: person() })).status,
    reference: 201,
    mutant: 200,
  },
  'get-message-wrong': {
    observe: async (api) => (await api.get((await api.create()).id)).json.message,
    reference: 'Client retrieved successfully.',
    mutant: 'Client found.',
  },
  'unauthorized-403': {
    observe: (api) => statusAndBody(api.request('GET', '/clients', { auth: null })),
    reference: { status: 401, body: UNAUTHORIZED },
    mutant: { status: 403, body: UNAUTHORIZED },
  },
  'unauthorized-message-wrong': {
    observe: (api) => statusAndBody(api.request('GET', '/clients', { auth: 'Bearer wrong' })),
    reference: { status: 401, body: UNAUTHORIZED },
    mutant: { status: 401, body: { message: 'Unauthenticated.' } },
  },
  'unknown-id-200-null': {
    observe: (api) => statusAndBody(api.get(42)),
    reference: { status: 404, body: NOT_FOUND },
    mutant: { status: 200, body: { data: null, message: 'Client retrieved successfully.' } },
  },
  'not-found-without-message': {
    observe: async (api) => [(await api.get(42)).json, (await api.remove(42)).json, (await api.request('GET', '/x')).json],
    reference: [NOT_FOUND, NOT_FOUND, { message: 'Not found.' }],
    mutant: Array(3).fill({ error: 'Not found' }),
  },
  'validation-400': {
    observe: (api) => statusAndBody(api.request('POST', '/clients', { json: person({ first_name: '' }) })),
    reference: { status: 422, body: invalidFirstName },
    mutant: { status: 400, body: invalidFirstName },
  },
  'validation-without-errors': {
    observe: async (api) => (await api.request('POST', '/clients', { json: person({ first_name: '' }) })).json,
    reference: invalidFirstName,
    mutant: { message: INVALID },
  },
  'first-name-optional': {
    async observe(api) {
      const reply = await api.request('POST', '/clients', { json: person({ first_name: undefined }) });
      return { status: reply.status, owner: reply.json.data?.owner.name ?? null };
    },
    reference: { status: 422, owner: null },
    mutant: { status: 201, owner: ' Doe' },
  },
  'duplicate-email-accepted': {
    async observe(api) {
      await api.create({ email: 'same@example.test' });
      return (await api.request('POST', '/clients', { json: person({ email: 'same@example.test' }) })).status;
    },
    reference: 422,
    mutant: 201,
  },
  'company-default-first-name': {
    observe: async (api) => (await api.create({ first_name: 'Jane', last_name: 'Doe' })).company_name,
    reference: 'Jane Doe',
    mutant: 'Jane',
  },
  'custom-field-optional': {
    async observe(api) {
      const created = await api.request('POST', '/clients', { json: person({ [CF]: undefined }) });
      const id = (await api.create()).id;
      return [created.status, (await api.update(id, { client_company_name: 'X' })).status];
    },
    reference: [422, 422],
    mutant: [201, 200],
  },
  'limit-uncapped': {
    observe: async (api) => (await api.list({ limit: 150 })).meta.per_page,
    reference: 100,
    mutant: 150,
  },
  'last-page-floor': {
    async observe(api) {
      await named(api, 'a', 'b', 'c');
      return (await api.list({ limit: 2 })).meta.last_page;
    },
    reference: 2,
    mutant: 1,
  },
  'page-boundary-repeat': {
    async observe(api) {
      await named(api, 'a', 'b', 'c');
      return api.ids({ limit: 2, page: 2 });
    },
    reference: [1],
    mutant: [2, 1],
  },
  'status-filter-ignored': {
    async observe(api) {
      await named(api, 'a', 'b');
      await api.action(1, 'status', { status: 'suspended' });
      return api.ids({ status: 'active' });
    },
    reference: [2],
    mutant: [2, 1],
  },
  'category-filter-ignored': {
    async observe(api) {
      await api.create();
      await api.create({ client_categoryid: 2 });
      return api.ids({ category_id: 2 });
    },
    reference: [2],
    mutant: [2, 1],
  },
  'search-word-start-only': {
    async observe(api) {
      await named(api, 'Acme Widgets', 'Megacorp');
      return { middle: await api.ids({ search: 'CME' }), wordStart: await api.ids({ search: 'widg' }) };
    },
    reference: { middle: [1], wordStart: [1] },
    mutant: { middle: [], wordStart: [1] },
  },
  'order-ignored': {
    async observe(api) {
      await named(api, 'b', 'a', 'c');
      return api.ids({ sort: 'client_company_name', order: 'asc' });
    },
    reference: [2, 1, 3],
    mutant: [3, 1, 2],
  },
  'default-order-asc': {
    async observe(api) {
      await named(api, 'b', 'a', 'c');
      return api.ids({ sort: 'client_company_name' });
    },
    reference: [3, 1, 2],
    mutant: [2, 1, 3],
  },
  'sort-company-name-by-id': {
    async observe(api) {
      await named(api, 'b', 'A', 'c');
      return api.ids({ sort: 'client_company_name', order: 'asc' });
    },
    reference: [2, 1, 3],
    mutant: [1, 2, 3],
  },
  'sort-status-by-id': {
    async observe(api) {
      await named(api, 'a', 'b', 'c');
      await api.action(1, 'status', { status: 'suspended' });
      return api.ids({ sort: 'client_status', order: 'asc' });
    },
    reference: [2, 3, 1],
    mutant: [1, 2, 3],
  },
  'sort-created-by-name': {
    async observe(api) {
      await named(api, 'b', 'a', 'c');
      return api.ids({ sort: 'client_created', order: 'asc' });
    },
    reference: [1, 2, 3],
    mutant: [2, 1, 3],
  },
  'sort-updated-by-created': {
    async observe(api) {
      await named(api, 'a', 'b', 'c');
      await api.update(1, { client_company_name: 'a', [CF]: 'v' });
      return api.ids({ sort: 'client_updated', order: 'asc' });
    },
    reference: [2, 3, 1],
    mutant: [1, 2, 3],
  },
  'update-clears-unnamed': {
    async observe(api) {
      const c = await api.create({ client_phone: '1', client_categoryid: 2, client_billing_invoice_due_days: 7 });
      const { phone, category, billing } = (await api.update(c.id, { client_company_name: 'X', [CF]: 'v' })).json.data;
      return { phone, category: category.id, due: billing.invoice_due_days };
    },
    reference: { phone: '1', category: 2, due: 7 },
    mutant: { phone: null, category: 1, due: null },
  },
  'update-resets-status': {
    async observe(api) {
      const c = await api.create();
      await api.action(c.id, 'status', { status: 'suspended' });
      return (await api.update(c.id, { client_company_name: 'X', [CF]: 'v' })).json.data.status;
    },
    reference: 'suspended',
    mutant: 'active',
  },
  'update-without-company-accepted': {
    async observe(api) {
      const c = await api.create({ client_phone: '1' });
      const reply = await api.update(c.id, { client_phone: '2', [CF]: 'v' });
      return { status: reply.status, phone: (await api.get(c.id)).json.data.phone };
    },
    reference: { status: 422, phone: '1' },
    mutant: { status: 200, phone: '2' },
  },
  'update-refused-yet-saved': {
    async observe(api) {
      const c = await api.create({ client_company_name: 'Acme', client_phone: '1' });
      const reply = await api.update(c.id, { client_phone: '2', [CF]: 'v' });
      const { company_name, phone } = (await api.get(c.id)).json.data;
      return { status: reply.status, company_name, phone };
    },
    reference: { status: 422, company_name: 'Acme', phone: '1' },
    mutant: { status: 422, company_name: 'Acme', phone: '2' },
  },
  'update-restores-created-tags': {
    async observe(api) {
      const c = await api.create({ tags: ['old'] });
      await api.action(c.id, 'tags', { tags: ['new'] });
      return (await api.update(c.id, { client_company_name: 'X', [CF]: 'v' })).json.data.tags;
    },
    reference: ['new'],
    mutant: ['old'],
  },
  'tags-appended': {
    async observe(api) {
      const c = await api.create({ tags: ['a'] });
      const replaced = (await api.action(c.id, 'tags', { tags: ['b'] })).json.data.tags;
      return { replaced, cleared: (await api.action(c.id, 'tags', { tags: [] })).json.data.tags };
    },
    reference: { replaced: ['b'], cleared: [] },
    mutant: { replaced: ['a', 'b'], cleared: ['a', 'b'] },
  },
  'tags-empty-ignored': {
    async observe(api) {
      const c = await api.create({ tags: ['a'] });
      const replaced = (await api.action(c.id, 'tags', { tags: ['b'] })).json.data.tags;
      return { replaced, cleared: (await api.action(c.id, 'tags', { tags: [] })).json.data.tags };
    },
    reference: { replaced: ['b'], cleared: [] },
    mutant: { replaced: ['b'], cleared: ['b'] },
  },
  'tags-on-create-dropped': {
    observe: async (api) => tagsOf(api, (await api.create({ tags: ['a', 'b'] })).id),
    reference: ['a', 'b'],
    mutant: [],
  },
  'status-any-value': {
    async observe(api) {
      const c = await api.create();
      const reply = await api.action(c.id, 'status', { status: 'archived' });
      return { status: reply.status, stored: (await api.get(c.id)).json.data.status };
    },
    reference: { status: 422, stored: 'active' },
    mutant: { status: 200, stored: 'archived' },
  },
  'status-suspend-toggles': {
    async observe(api) {
      const c = await api.create();
      await api.action(c.id, 'status', { status: 'suspended' });
      const reply = await api.action(c.id, 'status', { status: 'suspended' });
      return { status: reply.status, stored: (await api.get(c.id)).json.data.status };
    },
    reference: { status: 200, stored: 'suspended' },
    mutant: { status: 200, stored: 'active' },
  },
  'status-refused-400': {
    async observe(api) {
      const c = await api.create();
      const reply = await api.action(c.id, 'status', { status: 'archived' });
      return { status: reply.status, body: reply.json, stored: (await api.get(c.id)).json.data.status };
    },
    reference: { status: 422, body: { message: INVALID, errors: { status: ['The selected status is invalid.'] } }, stored: 'active' },
    mutant: { status: 400, body: { message: INVALID, errors: { status: ['The selected status is invalid.'] } }, stored: 'active' },
  },
  'status-refused-yet-stored': {
    async observe(api) {
      const c = await api.create();
      const reply = await api.action(c.id, 'status', { status: 'archived' });
      return { status: reply.status, stored: (await api.get(c.id)).json.data.status };
    },
    reference: { status: 422, stored: 'active' },
    mutant: { status: 422, stored: 'archived' },
  },
  'status-action-clears-fields': {
    async observe(api) {
      const c = await api.create({ client_phone: '1', client_billing_city: 'Harare' });
      const { phone, billing } = (await api.action(c.id, 'status', { status: 'suspended' })).json.data;
      return { phone, city: billing.city };
    },
    reference: { phone: '1', city: 'Harare' },
    mutant: { phone: null, city: null },
  },
  'owner-route-missing': {
    async observe(api) {
      const c = await api.create({ first_name: 'Ann', last_name: 'One' });
      return (await api.action(c.id, 'owner', { owner: 1001 })).status;
    },
    reference: 200,
    mutant: 404,
  },
  'actions-without-key': {
    async observe(api) {
      const c = await api.create();
      return (await api.request('PUT', `/clients/${c.id}/status`, { form: 'status=suspended', auth: null })).status;
    },
    reference: 401,
    mutant: 200,
  },
  'owner-any-user': {
    async observe(api) {
      const c = await api.create({ first_name: 'Ann', last_name: 'One' });
      await api.create({ first_name: 'Bob', last_name: 'Two' });
      const reply = await api.action(c.id, 'owner', { owner: 1002 });
      return { status: reply.status, owner: (await api.get(c.id)).json.data.owner };
    },
    reference: { status: 422, owner: { id: 1001, name: 'Ann One' } },
    mutant: { status: 200, owner: { id: 1002, name: 'Bob Two' } },
  },
  'owner-stores-client-id': {
    async observe(api) {
      await api.create();
      const c = await api.create({ first_name: 'Ann', last_name: 'One' });
      const reply = await api.action(c.id, 'owner', { owner: 1002 });
      return { status: reply.status, owner: (await api.get(c.id)).json.data.owner.id };
    },
    reference: { status: 200, owner: 1002 },
    mutant: { status: 200, owner: 2 },
  },
  'owner-rejects-current': {
    observe: async (api) => (await api.action((await api.create()).id, 'owner', { owner: 1001 })).status,
    reference: 200,
    mutant: 422,
  },
  'delete-soft': {
    async observe(api) {
      const c = await api.create();
      await api.remove(c.id);
      const statuses = [
        (await api.get(c.id)).status,
        (await api.action(c.id, 'tags', { tags: [] })).status,
        (await api.remove(c.id)).status,
      ];
      return { statuses, total: (await api.list()).meta.total };
    },
    reference: { statuses: [404, 404, 404], total: 0 },
    mutant: { statuses: [200, 200, 200], total: 0 },
  },
  'deleted-still-listed': {
    async observe(api) {
      const c = await api.create();
      await api.remove(c.id);
      return { get: (await api.get(c.id)).status, listed: await api.ids(), total: (await api.list()).meta.total };
    },
    reference: { get: 404, listed: [], total: 0 },
    mutant: { get: 404, listed: [1], total: 1 },
  },
  'ids-reused': {
    async observe(api) {
      await api.create();
      await api.remove((await api.create()).id);
      return (await api.create()).id;
    },
    reference: 3,
    mutant: 2,
  },
  'list-without-meta': {
    observe: async (api) => 'meta' in (await api.list()),
    reference: true,
    mutant: false,
  },
  'small-limit-ignored': {
    async observe(api) {
      for (let i = 0; i < 4; i++) await api.create();
      return (await api.list({ limit: 2 })).data.length;
    },
    reference: 2,
    mutant: 4,
  },
  'empty-list-last-page-0': {
    observe: async (api) => (await api.list()).meta.last_page,
    reference: 1,
    mutant: 0,
  },
  'page-zero-unlimited': {
    async observe(api) {
      for (let i = 0; i < 3; i++) await api.create();
      return (await api.list({ page: 0, limit: 2 })).data.length;
    },
    reference: 2,
    mutant: 3,
  },
  'limit-100-rejected': {
    observe: async (api) => (await api.request('GET', '/clients?limit=100')).status,
    reference: 200,
    mutant: 422,
  },
  'max-page-size-99': {
    observe: async (api) => (await api.list({ limit: 100 })).meta.per_page,
    reference: 100,
    mutant: 99,
  },
  'empty-text-rejected': {
    observe: async (api) => (await api.request('POST', '/clients', { json: person({ client_phone: '' }) })).status,
    reference: 201,
    mutant: 422,
  },
  'ampersand-truncates': {
    observe: async (api) => (await api.create({ client_description: 'a&b' })).description,
    reference: 'a&b',
    mutant: 'a',
  },
  'combining-marks-dropped': {
    observe: async (api) => (await api.create({ client_description: 'Cafe\u0301' })).description,
    reference: 'Cafe\u0301',
    mutant: 'Cafe',
  },
  'emoji-dropped': {
    observe: async (api) => (await api.create({ client_description: 'Zoë 😀' })).description,
    reference: 'Zoë 😀',
    mutant: 'Zoë ',
  },
  'search-matches-description': {
    async observe(api) {
      await api.create({ client_company_name: 'Acme', client_description: 'plain' });
      await api.create({ client_company_name: 'Other', client_description: 'about acme' });
      return (await api.list({ search: 'acme' })).meta.total;
    },
    reference: 1,
    mutant: 2,
  },
  'tags-action-reactivates': {
    async observe(api) {
      const c = await api.create({ tags: ['a'] });
      await api.action(c.id, 'status', { status: 'suspended' });
      return (await api.action(c.id, 'tags', { tags: ['b'] })).json.data.status;
    },
    reference: 'suspended',
    mutant: 'active',
  },
  'update-rewrites-created': {
    async observe(api) {
      const c = await api.create({ client_company_name: 'Acme' });
      const before = (await api.get(c.id)).json.data.dates.created;
      await api.update(c.id, { client_company_name: 'Acme 2', [CF]: 'v' });
      return (await api.get(c.id)).json.data.dates.created === before;
    },
    reference: true,
    mutant: false,
  },
};

describe('Grow CRM mutants', () => {
  it('catalogue: unique kebab-case ids, one fault each, one-line descriptions, a probe for every id and no stray probes', () => {
    const ids = MUTANTS.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const mutant of MUTANTS) {
      expect(mutant.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(mutant.description, mutant.id).toMatch(/^[^\n]{10,160}$/);
      expect(
        Object.values(mutant.faults).filter((v) => v === true),
        mutant.id,
      ).toHaveLength(1);
      expect(mutant.global, mutant.id).toBeFalsy();
    }
    expect(Object.keys(PROBES).sort()).toEqual([...ids].sort());
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
