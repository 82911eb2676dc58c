/**
 * Coverage, piece by piece: what each spec view reads an exchange as having exercised, how criteria add
 * up to a level, what `--min-coverage` counts, and how shards' coverage merges.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PropertyTree } from '../engine/coverage.js';
import { findApi } from '../apis/registry.js';
import type { Exchange } from '../engine/exchange.js';
import { belowMinimum, mergeCoverage, summarize, unexercised } from '../reports/coverage.js';
import type { CheckResult, FacetCoverage, OperationCoverage } from '../reports/model.js';

const view = (api: string) => findApi(api).specView();

function exchange(
  operation: string,
  request: Exchange['request'],
  status: number | undefined,
  body = '{}',
  expect?: Exchange['expect'],
): Exchange {
  return {
    operation,
    request,
    ...(expect ? { expect } : {}),
    response: {
      ...(status === undefined ? {} : { httpStatus: status }),
      headers: { 'content-type': 'application/json' },
      body,
      truncated: false,
    },
    elapsedMs: 1,
  };
}

describe('what an exchange exercised', () => {
  it('OpenAPI: query, path and form parameters with their classes, the status matched, the properties present and not null', async () => {
    const spec = await view('growcrm');
    const list = spec.exercised!(
      exchange('listClients', { method: 'GET', url: 'http://h/api/clients?page=1&limit=100&status=active&sort=client_status' }, 200),
      { data: [{ id: 1, company_name: 'A', description: null }], meta: { total: 1 } },
    )!;
    expect(list.params).toEqual([
      { name: 'page', class: 'boundary' },
      { name: 'limit', class: 'boundary' },
      { name: 'status', class: 'valid', value: 'active' },
      { name: 'sort', class: 'valid', value: 'client_status' },
    ]);
    expect(list.answers).toEqual(['200']);
    expect(list.succeeded).toBe(true);
    expect(list.properties).toEqual(expect.arrayContaining(['data', 'data[].id', 'data[].company_name']));
    expect(list.properties).not.toContain('data[].description');

    const tags = spec.exercised!(
      exchange(
        'setClientTags',
        {
          method: 'PUT',
          url: 'http://h/api/clients/7/tags',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: 'tags%5B%5D=a&tags%5B%5D=b',
        },
        418,
        '{}',
        { httpStatuses: [422], why: 'refused', rule: 'errors/validation' },
      ),
      {},
    )!;
    expect(tags.params).toEqual([
      { name: 'id', class: 'invalid' },
      { name: 'tags', class: 'invalid' },
      { name: 'tags', class: 'invalid' },
    ]);
    // An undocumented client error falls in the documented 4XX range; no success, no properties.
    expect(tags.answers).toEqual(['4XX']);
    expect(tags.succeeded).toBe(false);
    expect(tags.properties).toEqual([]);
  });

  it('MCP: the call’s arguments, a result or a documented error code', async () => {
    const spec = await view('freshbooks-mcp');
    const call = (body: unknown, rpcErrorCode?: number) =>
      spec.exercised!(
        {
          operation: 'client_list',
          request: { method: 'tools/call', body: JSON.stringify({ name: 'client_list', arguments: { accountId: 'a', visState: 1 } }) },
          response: { body: '{}', truncated: false, ...(rpcErrorCode === undefined ? {} : { rpcErrorCode }) },
          elapsedMs: 1,
        },
        body,
      )!;
    const ok = call({ result: { structuredContent: { clients: [{ id: 3 }] } } });
    expect(ok.params).toEqual([
      { name: 'accountId', class: 'valid' },
      { name: 'visState', class: 'valid', value: '1' },
    ]);
    expect(ok.answers).toEqual(['result']);
    expect(ok.properties).toContain('clients[].id');
    expect(call({ error: { code: -32602 } }, -32602).answers).toEqual(['error -32602']);
    expect(call({ error: { code: -32099 } }, -32099).answers).toEqual([]);
  });

  it('Classic XML: the request’s elements, the status and the envelope’s verdict', async () => {
    const spec = await view('freshbooks-classic');
    const documented = spec.surface!.operations.find((operation) => operation.id === 'client.get')!;
    expect(documented.params.map((param) => param.name)).toContain('client_id');
    const body = '<?xml version="1.0" encoding="utf-8"?><response status="fail"><error>Client not found.</error></response>';
    const seen = spec.exercised!(
      {
        operation: 'client.get',
        request: { method: 'POST', url: 'http://h/api', body: '<request method="client.get"><client_id>9</client_id></request>' },
        response: { httpStatus: 404, headers: { 'content-type': 'application/xml' }, body, truncated: false },
        elapsedMs: 1,
      },
      spec.decode({ httpStatus: 404, body, truncated: false }).ok
        ? (spec.decode({ body, truncated: false }) as { value: unknown }).value
        : undefined,
    )!;
    expect(seen.params).toEqual([{ name: 'client_id', class: 'valid' }]);
    expect(seen.answers).toEqual(['404', 'fail']);
    expect(seen.succeeded).toBe(false);
  });
});

const operation = (id: string, over: Partial<OperationCoverage> = {}): OperationCoverage => ({
  id,
  path: `/${id}`,
  calls: 1,
  succeeded: 1,
  exercised: true,
  params: [{ name: 'page', in: 'query', sent: true, classes: ['valid'], values: { documented: ['1', '2'], sent: ['1', '2'] } }],
  answers: [
    { key: '200', kind: 'status', seen: true },
    { key: '201', kind: 'status', seen: false, alternativeOf: '200' },
    { key: '404', kind: 'status', seen: true },
    { key: '500', kind: 'status', seen: false, unreachable: 'a server fault' },
  ],
  properties: { documented: 3, missing: [] },
  contentTypes: { request: { documented: [], used: [] }, response: { documented: ['application/json'], used: ['application/json'] } },
  ...over,
});
const facet = (subject: string, judged: boolean): FacetCoverage => ({
  kind: 'filter',
  subject,
  judged,
  checks: judged ? ['filtering/x'] : [],
});

describe('the documented properties an answer shows (PropertyTree)', () => {
  const documented = ['clients', 'clients[].id', 'clients[].billing', 'clients[].billing.city', 'clients[].tags', 'page', '[].id'];
  const tree = new PropertyTree(documented);

  /** Every path of a JSON value as `a.b`, `a[].b`, present and not null: what "shows a property" means. */
  function shown(value: unknown, prefix = '', out = new Set<string>(), depth = 0): Set<string> {
    if (value === null || value === undefined || depth > 8) return out;
    if (Array.isArray(value)) value.slice(0, 50).forEach((item) => shown(item, `${prefix}[]`, out, depth + 1));
    else if (typeof value === 'object')
      for (const [key, member] of Object.entries(value)) {
        if (member === null || member === undefined) continue;
        const path = prefix ? `${prefix}.${key}` : key;
        out.add(path);
        shown(member, path, out, depth + 1);
      }
    return out;
  }

  it('finds exactly the documented paths an answer holds, not null, whatever else it holds (property)', () => {
    const leaf = fc.oneof(fc.constant(null), fc.integer(), fc.string({ maxLength: 3 }));
    const key = fc.constantFrom('clients', 'id', 'billing', 'city', 'tags', 'page', 'other');
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, leaf, tie('object'), tie('list')),
      object: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
      list: fc.array(tie('value'), { maxLength: 4 }),
    })).value;
    fc.assert(
      fc.property(json, (value) => {
        const expected = [...shown(value)].filter((path) => documented.includes(path)).sort();
        expect([...tree.present(value)].sort()).toEqual(expected);
      }),
      { numRuns: 500, seed: 5 },
    );
  });

  it('reads each path once, and past the first items of a list only what is still unseen', () => {
    const clients = Array.from({ length: 40 }, (_, i) => ({ id: i, billing: i === 30 ? { city: 'Oslo' } : null, tags: [] }));
    expect(tree.present({ clients, page: 1 }).sort()).toEqual([
      'clients',
      'clients[].billing',
      'clients[].billing.city',
      'clients[].id',
      'clients[].tags',
      'page',
    ]);
    expect(tree.present([{ id: 1 }, { id: 2 }])).toEqual(['[].id']);
    expect(new PropertyTree([]).present({ clients })).toEqual([]);
  });
});

describe('criteria and levels', () => {
  it('reaches level 7 when every criterion is complete; unreachable answers and alternatives of a seen one do not count', () => {
    const coverage = summarize([operation('a'), operation('b')], [facet('email', true)], [], true);
    expect(coverage.level).toBe(7);
    expect(coverage.next).toBeUndefined();
    expect(coverage.criteria.find((c) => c.name === 'statuses')).toMatchObject({ covered: 4, total: 4 });
    expect(belowMinimum(coverage)).toBeUndefined();
  });

  it('stops at the first incomplete level and says what the next one lacks', () => {
    const partial = operation('b', {
      answers: [
        { key: '200', kind: 'status', seen: true },
        { key: '404', kind: 'status', seen: true },
        { key: '422', kind: 'status', seen: false },
      ],
    });
    const coverage = summarize([operation('a'), partial], [facet('email', true)], [], true);
    expect(coverage.level).toBe(4);
    expect(coverage.next).toEqual({ level: 5, missing: ['statuses: 1 of 5 (b 422)'] });
    expect(unexercised(coverage)).toEqual({ operations: [], statuses: ['b 422'] });
    expect(belowMinimum(coverage)).toBe('coverage below --min-coverage: status b 422 never exercised');
  });

  it('an operation never answered with a success is not exercised, whatever was sent; unjudged facets cap level 6', () => {
    const unreachable = operation('owner', { succeeded: 0, exercised: false, why: 'called 3 times; no answer was a documented success' });
    const coverage = summarize([operation('a'), unreachable], [facet('email', false)], [], true);
    expect(coverage.level).toBe(1);
    expect(coverage.criteria.find((c) => c.name === 'operations')).toMatchObject({ covered: 1, total: 2, missing: ['owner'] });
    expect(belowMinimum(coverage)).toMatch(/operation owner never exercised/);
    const facets = summarize([operation('a')], [facet('email', false)], [], true);
    expect(facets.level).toBe(6);
    expect(summarize([operation('a')], [], [], false).criteria.find((c) => c.name === 'flows')?.unknown).toMatch(/no check opened/);
  });

  it('merges shards: an item either shard covered is covered', () => {
    const lost: CheckResult[] = [];
    const one = summarize(
      [
        operation('a', {
          params: [{ name: 'page', in: 'query', sent: false, classes: [] }],
          properties: { documented: 3, missing: ['x', 'y'] },
        }),
      ],
      [facet('email', true), facet('name', false)],
      lost,
      true,
    );
    const two = summarize(
      [operation('a', { properties: { documented: 3, missing: ['y'] } })],
      [facet('email', false), facet('name', true)],
      lost,
      true,
    );
    const merged = mergeCoverage([one, two], lost)!;
    expect(merged.operations[0]!.calls).toBe(2);
    expect(merged.operations[0]!.params[0]).toMatchObject({ sent: true, classes: ['valid'] });
    expect(merged.operations[0]!.properties).toEqual({ documented: 3, missing: ['y'] });
    expect(merged.facets.map((f) => f.judged)).toEqual([true, true]);
  });
});
