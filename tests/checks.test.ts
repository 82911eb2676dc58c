/**
 * The exchange checks of `engine/checks/`, each shown to be real: one crafted exchange it lets pass and
 * one it rejects with its own rule, judged against the real FreshBooks SpecView; which exchanges each
 * applies to; which checks each spec view runs. Also `verifyExchange` (first failure thrown, the others
 * named; a crashing check becomes a CheckCrash), `statusMatches`, and the engine-owned `Session`
 * (records, redacts, verifies and reproduces every exchange) on a fake transport.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { openApiSpecView } from '../port/openapi-spec-view.js';
import { xmlSpecView } from '../port/xml-spec-view.js';
import { EXCHANGE_CHECKS, pickChecks } from '../engine/checks/index.js';
import { statusMatches, type CheckContext, type ExchangeCase, type ExchangeCheck, type SpecView } from '../engine/checks/types.js';
import type { Credential } from '../engine/config.js';
import type { Exchange, ReproductionStep, TransportError, WireRequest, WireResponse } from '../engine/exchange.js';
import { CheckCrash, ConformanceFailure, InternalError, TargetUnreachableError } from '../engine/failures.js';
import { REDACTED } from '../engine/redact.js';
import { Session } from '../engine/session.js';
import type { CredentialResolver, Transport, TransportOutcome } from '../engine/transport.js';
import { verifyExchange } from '../engine/verify.js';
import { BasisBook, type Basis } from '../engine/basis.js';
import { Tally } from '../engine/verdicts.js';
import type { SpecSource } from '../generators/spec.js';
import { toCurl } from '../protocols/http/curl.js';

const REST: SpecSource = { api: 'freshbooks-rest', path: 'specs/freshbooks-rest/openapi.yaml' };
const CLASSIC_XSD = 'specs/freshbooks-classic/freshbooks-classic.xsd';

/** Every rule a promise, so a broken one throws: what these tests are about (severity has its own tests). */
class EveryRulePromised extends BasisBook {
  override of(rule: string): Basis {
    return { grade: 'stated', says: `test promise for ${rule}`, source: 'tests' };
  }
}
/**
 * Every rule promised; and, as no FreshBooks document quotes a message text, an answer carrying the test
 * header `x-documented-message` stands for one whose docs quote that text (documented-message's cases).
 */
const promised = (view: SpecView): SpecView => ({
  ...view,
  basis: new EveryRulePromised([]),
  documentedMessage: (_operation, response) => response.headers?.['x-documented-message'],
});
/** A 404 in the new error envelope, whose docs (per the header) quote `quoted` as its message. */
const quotedNotFound = (message: string, quoted: string): WireResponse => ({
  ...response(404, JSON.stringify({ code: 404, message })),
  headers: { 'content-type': 'application/json; charset=utf-8', 'x-documented-message': quoted },
});

let spec: SpecView;
beforeAll(async () => {
  spec = promised(await openApiSpecView(REST));
});

const CLIENT_URL = 'https://api.example.test/accounting/account/abc123/users/clients/42';

/** A client with every key the Client schema requires, each of the documented type. */
function validClient(): Record<string, unknown> {
  const nullableText = [
    'accounting_systemid',
    'bus_phone',
    'company_industry',
    'company_size',
    'currency_code',
    'direct_link_token',
    'email',
    'fax',
    'fname',
    'home_phone',
    'language',
    'last_activity',
    'last_login',
    'lname',
    'mob_phone',
    'note',
    'organization',
    'p_city',
    'p_code',
    'p_country',
    'p_province',
    'p_street',
    'p_street2',
    's_city',
    's_code',
    's_country',
    's_province',
    's_street',
    's_street2',
    'statement_token',
    'subdomain',
    'username',
    'vat_name',
    'vat_number',
  ];
  const client: Record<string, unknown> = Object.fromEntries(nullableText.map((key) => [key, null]));
  Object.assign(client, {
    id: 42,
    userid: 42,
    accounting_systemid: 'abc123',
    fname: 'Ada',
    lname: 'Lovelace',
    email: 'ada@example.test',
    currency_code: 'USD',
    language: 'en',
    level: 0,
    num_logins: 0,
    notified: false,
    allow_late_fees: true,
    allow_late_notifications: true,
    pref_email: true,
    pref_gmail: false,
    signup_date: '2022-01-05 12:17:11',
    updated: '2022-01-05 12:17:11',
    vis_state: 0,
  });
  return client;
}

const clientBody = (client: Record<string, unknown> = validClient()): string => JSON.stringify({ response: { result: { client } } });

function response(status: number, body: string, contentType = 'application/json; charset=utf-8'): WireResponse {
  return { httpStatus: status, headers: { 'content-type': contentType }, body, truncated: false };
}

/** An answer over a transport without HTTP (MCP over stdio): no status, no headers, maybe a JSON-RPC error code. */
function rpcAnswer(body: string, rpcErrorCode?: number): WireResponse {
  return { body, truncated: false, ...(rpcErrorCode === undefined ? {} : { rpcErrorCode }) };
}

function exchange(parts: {
  response?: WireResponse;
  transportError?: TransportError;
  operation?: string;
  request?: WireRequest;
}): Exchange {
  return {
    operation: parts.operation ?? 'getClient',
    request: parts.request ?? { method: 'GET', url: CLIENT_URL, headers: { accept: 'application/json' } },
    response: parts.response,
    transportError: parts.transportError,
    elapsedMs: 12,
  };
}

const NOT_FOUND_BODY = JSON.stringify({
  response: { errors: [{ errno: 1012, field: 'userid', message: 'Client not found.', object: 'client', value: '42' }] },
});

/** The context verifyExchange builds: the body decoded once by the spec's codec. */
function contextFor(ex: Exchange): CheckContext {
  return { spec, body: ex.response ? spec.decode(ex.response) : undefined };
}

/** Runs a check as verifyExchange does: only on an exchange it applies to. */
function judge(check: ExchangeCheck, ex: Exchange, kase: ExchangeCase): void {
  if (check.appliesTo(ex, kase)) check.run(contextFor(ex), ex, kase);
}

/** The names of the registered checks that apply to an exchange. */
function applying(ex: Exchange, kase: ExchangeCase): string[] {
  return EXCHANGE_CHECKS.filter((check) => check.appliesTo(ex, kase)).map((check) => check.name);
}

/** Runs each registered check that applies on its own (whatever the spec view picks) and names those that threw a ConformanceFailure. */
function failingRules(ex: Exchange, kase: ExchangeCase): string[] {
  const ctx = contextFor(ex);
  const failed: string[] = [];
  for (const check of EXCHANGE_CHECKS) {
    if (!check.appliesTo(ex, kase)) continue;
    try {
      check.run(ctx, ex, kase);
    } catch (error) {
      if (!(error instanceof ConformanceFailure)) throw error;
      expect(error.rule).toBe(check.name);
      failed.push(check.name);
    }
  }
  return failed;
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw, it returned');
}

interface CheckCases {
  readonly passing: { readonly exchange: () => Exchange; readonly kase: ExchangeCase };
  readonly failing: {
    readonly exchange: () => Exchange;
    readonly kase: ExchangeCase;
    /** Checks that also, and rightly, reject the failing exchange (e.g. a 500 is never documented). */
    readonly alsoFailing: readonly string[];
  };
}

const GET: ExchangeCase = { operation: 'getClient' };
const RPC_REQUEST: WireRequest = {
  method: 'tools/call',
  body: '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"client_get","arguments":{"id":"42"}}}',
};
const RPC_NOT_FOUND = '{"jsonrpc":"2.0","id":7,"error":{"code":-32005,"message":"Client not found"}}';
const RPC_SUCCESS = '{"jsonrpc":"2.0","id":7,"result":{"content":[]}}';
const UNKNOWN_ID_RPC: ExchangeCase = {
  operation: 'getClient',
  expect: { rpcCodes: [-32005], rule: 'test-rule', why: 'an unknown id is refused' },
};
const okGet = (): Exchange => exchange({ response: response(200, clientBody()) });

const CASES: Record<string, CheckCases> = {
  transport: {
    passing: { exchange: okGet, kase: GET },
    failing: {
      exchange: () => exchange({ transportError: { kind: 'timeout', message: 'no complete response within 300 ms' } }),
      kase: GET,
      alsoFailing: [],
    },
  },
  'not-a-server-error': {
    passing: { exchange: () => exchange({ response: response(404, NOT_FOUND_BODY) }), kase: GET },
    failing: {
      exchange: () => exchange({ response: response(500, '{"message":"internal"}') }),
      kase: GET,
      // getClient documents neither 500 nor `default`.
      alsoFailing: ['status-documented'],
    },
  },
  'expected-status': {
    passing: {
      exchange: () => exchange({ response: response(404, NOT_FOUND_BODY) }),
      kase: { operation: 'getClient', expect: { httpStatuses: [404], rule: 'test-rule', why: 'an unknown id is answered 404' } },
    },
    failing: {
      exchange: () => exchange({ response: response(500, '{"message":"internal"}') }),
      kase: { operation: 'getClient', expect: { httpStatuses: [404], rule: 'test-rule', why: 'an unknown id is answered 404' } },
      alsoFailing: ['not-a-server-error', 'status-documented'],
    },
  },
  'expected-outcome': {
    // JSON over HTTP has no envelope verdict: a case that demands one cannot be satisfied, which is why
    // the OpenAPI view does not run this check (the Classic XML view, which has one, is exercised below).
    passing: { exchange: () => exchange({ response: response(200, clientBody()) }), kase: GET },
    failing: {
      exchange: () => exchange({ response: response(200, clientBody()) }),
      kase: { operation: 'getClient', expect: { httpStatuses: [200], outcome: 'ok', rule: 'test-rule', why: 'a read succeeds' } },
      alsoFailing: [],
    },
  },
  'status-documented': {
    passing: { exchange: () => exchange({ response: response(401, '{"message":"Unauthenticated"}') }), kase: GET },
    failing: {
      exchange: () => exchange({ response: response(418, '{"message":"I am a teapot"}') }),
      kase: GET,
      alsoFailing: [],
    },
  },
  'content-type': {
    passing: { exchange: () => exchange({ response: response(200, clientBody(), 'Application/JSON') }), kase: GET },
    failing: {
      exchange: () => exchange({ response: response(200, clientBody(), 'text/html; charset=utf-8') }),
      kase: GET,
      alsoFailing: [],
    },
  },
  'well-formed-body': {
    passing: { exchange: okGet, kase: GET },
    failing: {
      exchange: () => exchange({ response: response(200, clientBody().slice(0, 60)) }),
      kase: GET,
      alsoFailing: [],
    },
  },
  'duplicate-keys': {
    // Keys repeat across objects (a client's id beside the envelope's), never within one.
    passing: { exchange: okGet, kase: GET },
    failing: {
      exchange: () => exchange({ response: response(200, '{"a":1,"a":2}') }),
      kase: GET,
      // Not the documented client envelope either.
      alsoFailing: ['response-schema'],
    },
  },
  'response-schema': {
    passing: { exchange: okGet, kase: GET },
    failing: {
      exchange: () => exchange({ response: response(200, clientBody({ ...validClient(), id: '42' })) }),
      kase: GET,
      alsoFailing: [],
    },
  },
  'documented-message': {
    passing: { exchange: () => exchange({ response: quotedNotFound('Client not found.', 'Client not found.') }), kase: GET },
    failing: {
      exchange: () => exchange({ response: quotedNotFound('No such client.', 'Client not found.') }),
      kase: GET,
      alsoFailing: [],
    },
  },
  'expected-error-code': {
    // JSON-RPC answers (MCP over stdio): no HTTP status, so only the body checks and this one apply.
    passing: { exchange: () => exchange({ request: RPC_REQUEST, response: rpcAnswer(RPC_NOT_FOUND, -32005) }), kase: UNKNOWN_ID_RPC },
    failing: {
      exchange: () => exchange({ request: RPC_REQUEST, response: rpcAnswer(RPC_SUCCESS) }),
      kase: UNKNOWN_ID_RPC,
      alsoFailing: [],
    },
  },
};

describe('the exchange check registry', () => {
  it('has unique names', () => {
    const names = EXCHANGE_CHECKS.map((check) => check.name);
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names).size).toBe(names.length);
  });

  it('has a passing and a failing case for every registered check, and no case for an unknown one', () => {
    expect(Object.keys(CASES).sort()).toEqual(EXCHANGE_CHECKS.map((check) => check.name).sort());
  });

  it('lets a well-formed, documented, schema-valid exchange through every check', () => {
    const kase: ExchangeCase = { operation: 'getClient', expect: { httpStatuses: [200], rule: 'test-rule', why: 'a read succeeds' } };
    const { body: value } = verifyExchange(spec, okGet(), kase);
    expect(value).toEqual({ response: { result: { client: validClient() } } });
    expect(failingRules(okGet(), kase)).toEqual([]);
  });

  it('picks checks by name, in registry order, and refuses an unknown name', () => {
    expect(pickChecks(['response-schema', 'transport']).map((check) => check.name)).toEqual(['transport', 'response-schema']);
    expect(pickChecks(EXCHANGE_CHECKS.map((check) => check.name).reverse())).toEqual(EXCHANGE_CHECKS);
    expect(() => pickChecks(['transport', 'no-such-check'])).toThrow(/no exchange check named no-such-check/);
  });
});

describe('the checks each spec view runs', () => {
  const HTTP = [
    'transport',
    'not-a-server-error',
    'expected-status',
    'status-documented',
    'content-type',
    'well-formed-body',
    'duplicate-keys',
    'response-schema',
    'documented-message',
  ];

  it('OpenAPI (JSON over HTTP): the HTTP and body checks, no verdict and no JSON-RPC code', () => {
    expect(spec.checks.map((check) => check.name)).toEqual(HTTP);
  });

  it('Classic XML: the HTTP and body checks and the envelope verdict, no JSON-RPC code', async () => {
    const view = await xmlSpecView(CLASSIC_XSD);
    // No duplicate-keys: XML has no keys to repeat.
    expect(view.checks.map((check) => check.name)).toEqual([
      ...HTTP.filter((name) => name !== 'duplicate-keys' && name !== 'documented-message'),
      'expected-outcome',
    ]);
  });

  it('are registered checks, in registry order', async () => {
    for (const view of [spec, await xmlSpecView(CLASSIC_XSD)]) {
      expect(view.checks.every((check) => EXCHANGE_CHECKS.includes(check))).toBe(true);
      const order = view.checks.map((check) => EXCHANGE_CHECKS.indexOf(check));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  });
});

describe('which exchanges each check applies to', () => {
  it('transport: judges every exchange (a whole answer keeps the promise); a transport error, no response check then judges', () => {
    const broken = exchange({ transportError: { kind: 'timeout', message: 'no complete response within 300 ms' } });
    expect(applying(broken, GET)).toEqual(['transport']);
    expect(applying(okGet(), GET)).toContain('transport');
    expect(failingRules(okGet(), GET)).not.toContain('transport');
  });

  it('an HTTP answer: the status and body checks; expected-status only when the case names statuses', () => {
    expect(applying(okGet(), GET)).toEqual([
      'transport',
      'not-a-server-error',
      'status-documented',
      'content-type',
      'well-formed-body',
      'duplicate-keys',
      'response-schema',
      'documented-message',
    ]);
    expect(
      applying(okGet(), { operation: 'getClient', expect: { httpStatuses: [200], rule: 'test-rule', why: 'a read succeeds' } }),
    ).toContain('expected-status');
    expect(applying(okGet(), { operation: 'getClient', expect: { rule: 'test-rule', why: 'says nothing of statuses' } })).not.toContain(
      'expected-status',
    );
  });

  it('an answer without HTTP (stdio): no status check, no Content-Type check, the body checks only', () => {
    expect(applying(exchange({ response: rpcAnswer(RPC_SUCCESS) }), GET)).toEqual([
      'transport',
      'well-formed-body',
      'duplicate-keys',
      'response-schema',
      'documented-message',
    ]);
    expect(applying(exchange({ response: rpcAnswer(RPC_SUCCESS) }), UNKNOWN_ID_RPC)).toEqual([
      'transport',
      'well-formed-body',
      'duplicate-keys',
      'response-schema',
      'documented-message',
      'expected-error-code',
    ]);
  });

  it('expected-error-code: only where the case names JSON-RPC codes, and only to an answer', () => {
    expect(applying(okGet(), GET)).not.toContain('expected-error-code');
    expect(applying(okGet(), { operation: 'getClient', expect: { rpcCodes: [], rule: 'test-rule', why: 'names no code' } })).not.toContain(
      'expected-error-code',
    );
    const broken = exchange({ transportError: { kind: 'protocol', message: 'the server closed stdin' } });
    expect(applying(broken, UNKNOWN_ID_RPC)).toEqual(['transport']);
  });

  it('expected-outcome: only where the case names a verdict, and once the HTTP status, if any, is an expected one', () => {
    const outcome = (httpStatuses?: number[]): ExchangeCase => ({
      operation: 'getClient',
      expect: { httpStatuses, outcome: 'ok', rule: 'test-rule', why: 'a read succeeds' },
    });
    const applies = (ex: Exchange, kase: ExchangeCase) => EXCHANGE_CHECKS.find((c) => c.name === 'expected-outcome')!.appliesTo(ex, kase);
    expect(applies(okGet(), GET)).toBe(false);
    expect(applies(okGet(), outcome([200]))).toBe(true);
    expect(applies(okGet(), outcome())).toBe(true);
    // A 500 is judged by the status checks; its verdict is not read.
    expect(applies(exchange({ response: response(500, '{}') }), outcome([200]))).toBe(false);
    expect(applies(exchange({ response: rpcAnswer(RPC_SUCCESS) }), outcome([200]))).toBe(true);
  });
});

describe.each(EXCHANGE_CHECKS.map((check) => [check.name, check] as const))('check %s', (name, check: ExchangeCheck) => {
  const cases = CASES[name]!;

  it('passes its passing exchange', () => {
    const ex = cases.passing.exchange();
    expect(() => judge(check, ex, cases.passing.kase)).not.toThrow();
    expect(failingRules(ex, cases.passing.kase)).toEqual([]);
  });

  it('applies to its failing exchange and rejects it with a ConformanceFailure of its own rule', () => {
    const ex = cases.failing.exchange();
    expect(check.appliesTo(ex, cases.failing.kase)).toBe(true);
    const error = thrownBy(() => check.run(contextFor(ex), ex, cases.failing.kase));
    expect(error).toBeInstanceOf(ConformanceFailure);
    const failure = error as ConformanceFailure;
    expect(failure.rule).toBe(check.name);
    expect(failure.details.operation).toBe('getClient');
    expect(failure.details.exchanges).toEqual([ex]);
  });

  it('is the check that rejects the failing exchange (others only where the case says so)', () => {
    const ex = cases.failing.exchange();
    const expected = [check.name, ...cases.failing.alsoFailing];
    expect(failingRules(ex, cases.failing.kase).sort()).toEqual(expected.sort());
  });
});

describe('check details', () => {
  it('transport turns a refused connection into TargetUnreachableError, not a ConformanceFailure', () => {
    const ex = exchange({ transportError: { kind: 'connection', message: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9' } });
    const transport = EXCHANGE_CHECKS.find((check) => check.name === 'transport')!;
    const error = thrownBy(() => transport.run(contextFor(ex), ex, GET));
    expect(error).toBeInstanceOf(TargetUnreachableError);
    expect(error).not.toBeInstanceOf(ConformanceFailure);
    expect((error as TargetUnreachableError).exitCode).toBe(3);
    expect((error as Error).message).toContain('ECONNREFUSED');
    // verifyExchange lets it through as is, ending the run.
    expect(() => verifyExchange(spec, ex, GET)).toThrow(TargetUnreachableError);
  });

  it('transport fails too-large and protocol errors as well as timeouts', () => {
    const transport = EXCHANGE_CHECKS.find((check) => check.name === 'transport')!;
    for (const kind of ['too-large', 'protocol'] as const) {
      const ex = exchange({ transportError: { kind, message: `a ${kind} error` } });
      const error = thrownBy(() => transport.run(contextFor(ex), ex, GET)) as ConformanceFailure;
      expect(error).toBeInstanceOf(ConformanceFailure);
      expect(error.details.actual).toBe(`a ${kind} error`);
    }
  });

  it('expected-status reports what was expected and what came', () => {
    const { exchange: make, kase } = CASES['expected-status']!.failing;
    const check = EXCHANGE_CHECKS.find((c) => c.name === 'expected-status')!;
    const failure = thrownBy(() => check.run(contextFor(make()), make(), kase)) as ConformanceFailure;
    expect(failure.details.expected).toBe('404');
    expect(failure.details.actual).toBe('500');
    expect(failure.message).toContain('an unknown id is answered 404');
  });

  it('response-schema names the offending property', () => {
    const { exchange: make, kase } = CASES['response-schema']!.failing;
    const check = EXCHANGE_CHECKS.find((c) => c.name === 'response-schema')!;
    const failure = thrownBy(() => check.run(contextFor(make()), make(), kase)) as ConformanceFailure;
    expect(failure.details.actual).toContain('/response/result/client/id');
  });

  it('content-type reports the media type without its parameters', () => {
    const { exchange: make, kase } = CASES['content-type']!.failing;
    const check = EXCHANGE_CHECKS.find((c) => c.name === 'content-type')!;
    const failure = thrownBy(() => check.run(contextFor(make()), make(), kase)) as ConformanceFailure;
    expect(failure.details).toMatchObject({ expected: 'application/json', actual: 'text/html' });
  });

  it('expected-error-code reports the codes wanted and the one that came, or that a success came', () => {
    const check = EXCHANGE_CHECKS.find((c) => c.name === 'expected-error-code')!;
    const kase: ExchangeCase = {
      operation: 'getClient',
      expect: { rpcCodes: [-32005, -32602], rule: 'test-rule', why: 'an unknown id is refused' },
    };
    const wrongCode = exchange({
      request: RPC_REQUEST,
      response: rpcAnswer('{"jsonrpc":"2.0","id":7,"error":{"code":-32601,"message":"no such method"}}', -32601),
    });
    const failure = thrownBy(() => check.run(contextFor(wrongCode), wrongCode, kase)) as ConformanceFailure;
    expect(failure.details).toMatchObject({ expected: '-32005 or -32602', actual: '-32601' });
    expect(failure.message).toContain('an unknown id is refused');
    const success = exchange({ request: RPC_REQUEST, response: rpcAnswer(RPC_SUCCESS) });
    const none = thrownBy(() => check.run(contextFor(success), success, kase)) as ConformanceFailure;
    expect(none.details.actual).toBe('a success');
    const other = exchange({ request: RPC_REQUEST, response: rpcAnswer(RPC_NOT_FOUND, -32602) });
    expect(() => check.run(contextFor(other), other, kase)).not.toThrow();
  });

  it('duplicate-keys names the JSON path of each key named twice, nested objects and arrays of objects included', () => {
    const check = EXCHANGE_CHECKS.find((c) => c.name === 'duplicate-keys')!;
    const ex = exchange({ response: response(200, '{"response":{"result":{"clients":[{"id":1},{"id":2,"id":3}]},"result":null}}') });
    const failure = thrownBy(() => check.run(contextFor(ex), ex, GET)) as ConformanceFailure;
    expect(failure.rule).toBe('duplicate-keys');
    expect(failure.message).toBe('getClient body names a key twice in one object: $.response.result.clients[1].id, $.response.result');
    expect(failure.details.actual).toBe('duplicated: $.response.result.clients[1].id, $.response.result');
    // The same key in sibling or nested objects is no duplicate; a body that does not decode, or one
    // without keys, has nothing for it to judge.
    for (const body of ['{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}', '{"a":1,"a":', '[1,2,3]', '"text"']) {
      const other = exchange({ response: response(200, body) });
      expect(() => check.run(contextFor(other), other, GET)).not.toThrow();
    }
  });

  it('duplicate-keys is judged on the decoded body the OpenAPI view hands it, and only warns where the spec records no promise', async () => {
    const unpromised = await openApiSpecView(REST);
    expect(unpromised.checks.map((c) => c.name)).toContain('duplicate-keys');
    const ok = exchange({ response: response(200, clientBody().replace('{"client":{', '{"client":{"id":41,')) });
    const { warnings } = verifyExchange(unpromised, ok, GET);
    expect(warnings.map((w) => w.rule)).toEqual(['duplicate-keys']);
    expect(warnings[0]!.message).toContain('$.response.result.client.id');
  });

  it('response-schema names the HTTP status of the answer it judged', () => {
    const { exchange: make, kase } = CASES['response-schema']!.failing;
    const check = EXCHANGE_CHECKS.find((c) => c.name === 'response-schema')!;
    const failure = thrownBy(() => check.run(contextFor(make()), make(), kase)) as ConformanceFailure;
    expect(failure.message).toMatch(/^getClient 200 body violates the schema: /);
    expect(failure.details.expected).toBe('the 200 schema of getClient');
  });
});

describe('verifyExchange', () => {
  it('throws the first failure in registry order and names the others', () => {
    const { exchange: make, kase } = CASES['expected-status']!.failing;
    const error = thrownBy(() => verifyExchange(spec, make(), kase));
    expect(error).toBeInstanceOf(ConformanceFailure);
    const failure = error as ConformanceFailure;
    expect(failure.rule).toBe('not-a-server-error');
    expect(failure.message).toMatch(/^getClient answered 500 \(server error\) \(also: expected-status, status-documented\)$/);
    expect(failure.details.exchanges).toHaveLength(1);
  });

  it('throws a lone failure unchanged, without an "also"', () => {
    const { exchange: make, kase } = CASES['status-documented']!.failing;
    const failure = thrownBy(() => verifyExchange(spec, make(), kase)) as ConformanceFailure;
    expect(failure.rule).toBe('status-documented');
    expect(failure.message).not.toContain('also:');
  });

  it('turns a check that throws a TypeError into a CheckCrash naming the check', () => {
    const crashing: ExchangeCheck = {
      name: 'test/crashes',
      description: 'reads a property of undefined',
      appliesTo: () => true,
      run(_ctx, ex) {
        const missing = (ex as unknown as { nothing?: { deeper: number } }).nothing;
        void missing!.deeper;
      },
    };
    const error = thrownBy(() => verifyExchange({ ...spec, checks: [crashing] }, okGet(), GET));
    expect(error).toBeInstanceOf(CheckCrash);
    expect(error).toBeInstanceOf(InternalError);
    const crash = error as CheckCrash;
    expect(crash.check).toBe('test/crashes');
    expect(crash.cause).toBeInstanceOf(TypeError);
    expect(crash.message).toMatch(/^check test\/crashes crashed: /);
    expect(crash.exitCode).toBe(4);
  });

  it('runs only the checks its spec view names, and of those only the ones that apply', () => {
    const seen: string[] = [];
    const recording: ExchangeCheck = {
      name: 'test/records',
      description: 'records the operation',
      appliesTo: () => true,
      run: (_ctx, ex) => void seen.push(ex.operation),
    };
    const never: ExchangeCheck = {
      name: 'test/never',
      description: 'applies to nothing, and would fail anything',
      appliesTo: () => false,
      run: () => {
        throw new ConformanceFailure('test/never', 'ran although it applies to nothing');
      },
    };
    // This body would fail the schema check; with only these checks it passes and returns the decoded body.
    const { body: value } = verifyExchange({ ...spec, checks: [never, recording] }, exchange({ response: response(200, '{"a":1}') }), GET);
    expect(seen).toEqual(['getClient']);
    expect(value).toEqual({ a: 1 });
  });

  it('decodes only a body the spec documents for the answer', () => {
    // getClient documents no body for a 418: nothing to decode, nothing to return, no well-formed-body failure.
    const ex = exchange({ response: response(418, 'not json at all') });
    expect(() => verifyExchange({ ...spec, checks: pickChecks(['well-formed-body', 'response-schema']) }, ex, GET)).not.toThrow();
    expect(verifyExchange({ ...spec, checks: [] }, ex, GET).body).toBeUndefined();
    const truncated = exchange({ response: response(200, clientBody().slice(0, 60)) });
    expect((thrownBy(() => verifyExchange(spec, truncated, GET)) as ConformanceFailure).rule).toBe('well-formed-body');
  });
});

describe('statusMatches', () => {
  it('matches an exact status only', () => {
    expect(statusMatches('404', 404)).toBe(true);
    expect(statusMatches('404', 405)).toBe(false);
    expect(statusMatches('404', 400)).toBe(false);
  });

  it('matches a class like 4XX (either case) to its hundred', () => {
    for (const status of [400, 404, 422, 499]) expect(statusMatches('4XX', status)).toBe(true);
    for (const status of [399, 500, 200]) expect(statusMatches('4XX', status)).toBe(false);
    expect(statusMatches('4xx', 418)).toBe(true);
    expect(statusMatches('2XX', 201)).toBe(true);
    expect(statusMatches('2XX', 301)).toBe(false);
  });

  it('matches default to every status', () => {
    for (const status of [100, 200, 302, 404, 500, 599]) expect(statusMatches('default', status)).toBe(true);
  });
});

describe('expected-outcome against the Classic XML view (HTTP 200 either way, the envelope decides)', () => {
  const NS = 'xmlns="http://www.freshbooks.com/api/"';
  const okBody = `<?xml version="1.0" encoding="utf-8"?>\n<response ${NS} status="ok"/>`;
  const failBody = `<?xml version="1.0" encoding="utf-8"?>\n<response ${NS} status="fail"><error>Client not found.</error><code>40404</code></response>`;
  const xmlExchange = (body: string): Exchange => ({
    operation: 'client.delete',
    request: {
      method: 'POST',
      url: 'https://example.test/api/2.1/xml-in',
      headers: {},
      body: '<request method="client.delete"><client_id>9</client_id></request>',
    },
    response: response(200, body, 'application/xml; charset=utf-8'),
    elapsedMs: 3,
  });
  const expecting = (outcome: 'ok' | 'fail'): ExchangeCase => ({
    operation: 'client.delete',
    expect: { httpStatuses: [200], outcome, rule: 'test-rule', why: `expects ${outcome}` },
  });

  it.each([
    ['ok', okBody, []],
    ['fail', failBody, []],
    ['ok', failBody, ['expected-outcome']],
    ['fail', okBody, ['expected-outcome']],
  ] as const)('expecting %s', async (outcome, body, rules) => {
    const view = promised(await xmlSpecView(CLASSIC_XSD));
    const run = () => verifyExchange(view, xmlExchange(body), expecting(outcome));
    if (rules.length === 0) expect(run).not.toThrow();
    else expect((thrownBy(run) as ConformanceFailure).rule).toBe(rules[0]);
  });
});

describe('Session (on a fake transport)', () => {
  const TOKEN = 'sk_live_S3ss10nT0ken';
  const CREDENTIALS: Credential[] = [
    { key: 'token', value: TOKEN, secret: true, env: 'CLIENTELE_TOKEN' },
    { key: 'staffToken', value: 'staff_S3cr3t_T0ken', secret: true, env: 'CLIENTELE_STAFF_TOKEN' },
    { key: 'accountId', value: 'abc123', secret: false },
  ];
  const BEARER = { scheme: 'bearer', token: { credential: 'token' } } as const;
  const READ = { method: 'GET', url: CLIENT_URL, headers: { accept: 'application/json' }, auth: BEARER } satisfies WireRequest;
  const OK = { httpStatuses: [200], rule: 'success', why: 'a read succeeds' };

  /** Answers each request with the next canned outcome; records what it was sent, credentials resolved as on the wire. */
  class FakeTransport implements Transport {
    readonly sent: { request: WireRequest; authorization?: string }[] = [];
    closed = false;
    constructor(private readonly answers: ((request: WireRequest, authorization?: string) => Omit<TransportOutcome, 'elapsedMs'>)[]) {}

    async send(request: WireRequest, credentials: CredentialResolver): Promise<TransportOutcome> {
      const auth = request.auth;
      const authorization =
        auth &&
        (auth.scheme === 'bearer' ? `Bearer ${credentials.value(auth.token)}` : `Basic ${credentials.value(auth.user)}:${auth.password}`);
      this.sent.push({ request, authorization });
      const answer = this.answers.shift();
      if (!answer) throw new Error('the fake transport has no answer left');
      return { ...answer(request, authorization), elapsedMs: 1 };
    }

    reproduce(request: WireRequest, credentials: CredentialResolver): ReproductionStep {
      return {
        kind: 'curl',
        command: toCurl(request, credentials),
        ...(request.body === undefined ? {} : { body: request.body, language: 'json' as const }),
      };
    }

    async close(): Promise<void> {
      this.closed = true;
    }
  }

  const answering = (status: number, body: string) => () => ({ response: response(status, body) });
  const session = (...answers: ConstructorParameters<typeof FakeTransport>[0]) => {
    const transport = new FakeTransport(answers);
    return { transport, session: new Session(transport, spec, CREDENTIALS) };
  };

  it('sends through the transport, verifies, and answers the decoded body, its status and verdict', async () => {
    const { transport, session: s } = session(answering(200, clientBody()));
    const answer = await s.call('getClient', READ, OK);
    expect(answer.httpStatus).toBe(200);
    expect(answer.body).toEqual({ response: { result: { client: validClient() } } });
    expect(answer.outcome).toBeUndefined(); // JSON over HTTP carries no verdict besides the status
    expect(answer.exchange).toMatchObject({ operation: 'getClient', request: READ, response: { httpStatus: 200 }, elapsedMs: 1 });
    // The credential is resolved for the wire only: the recorded request holds the reference.
    expect(transport.sent[0]!.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.stringify(answer.exchange)).not.toContain(TOKEN);
  });

  it('records every exchange, in order, those that fail verification included', async () => {
    const { session: s } = session(
      answering(200, clientBody()),
      answering(404, NOT_FOUND_BODY),
      answering(500, '{"message":"internal"}'),
      () => ({ transportError: { kind: 'timeout', message: 'no complete response within 300 ms' } }),
    );
    await s.call('getClient', READ, OK);
    await s.call('getClient', READ, { httpStatuses: [404], rule: 'test-rule', why: 'an unknown id is answered 404' });
    await expect(s.call('getClient', READ)).rejects.toThrow(ConformanceFailure);
    await expect(s.call('getClient', READ)).rejects.toThrow(ConformanceFailure);
    const log = s.log.snapshot();
    expect(log.map((ex) => ex.response?.httpStatus ?? ex.transportError?.kind)).toEqual([200, 404, 500, 'timeout']);
    expect(s.log.total).toBe(4);
  });

  it('throws a verification failure as a ConformanceFailure carrying the recorded exchange', async () => {
    const { session: s } = session(answering(404, NOT_FOUND_BODY));
    const error = await s.call('getClient', READ, OK).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ConformanceFailure);
    const failure = error as ConformanceFailure;
    expect(failure.rule).toBe('expected-status');
    expect(failure.details).toMatchObject({ expected: '200', actual: '404' });
    expect(failure.details.exchanges).toEqual([s.log.snapshot().at(-1)]);
  });

  it('attempt swallows a ConformanceFailure (still recorded) but not an unreachable target', async () => {
    const { session: s } = session(answering(500, '{"message":"internal"}'), () => ({
      transportError: { kind: 'connection', message: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9' },
    }));
    expect(await s.attempt('deleteClient', READ)).toBeUndefined();
    expect(s.log.total).toBe(1);
    await expect(s.attempt('deleteClient', READ)).rejects.toThrow(TargetUnreachableError);
  });

  it('keeps a reflected secret as the checks judged it, and redacts it in the copy that leaves the session', async () => {
    const note = `token was ${TOKEN}`;
    const { session: s } = session(() => ({
      response: {
        httpStatus: 200,
        headers: { 'content-type': 'application/json', 'x-echo': `Bearer ${TOKEN}` },
        body: clientBody({ ...validClient(), note }),
        truncated: false,
      },
    }));
    const answer = await s.call('getClient', READ, OK);
    // Judged as it came (redaction could cut into the target's own data); what leaves the check (its
    // failure's record, `clientele replay`'s comparison) is redacted.
    expect(JSON.stringify(answer.body)).toContain(note);
    const copy = s.redactedCopy(s.log.snapshot()[0]!);
    expect(JSON.stringify(copy)).not.toContain(TOKEN);
    expect(copy.response!.body).toContain(`token was ${REDACTED}`);
    expect(copy.response!.headers!['x-echo']).toBe(`Bearer ${REDACTED}`);
  });

  it('redacts a secret in a transport error message, in the copy that leaves the session', async () => {
    const { session: s } = session(() => ({ transportError: { kind: 'protocol', message: `bad header near ${TOKEN}` } }));
    const failure = (await s.call('getClient', READ).catch((error: unknown) => error)) as ConformanceFailure;
    expect(failure.rule).toBe('transport');
    const copies = s.log.snapshot().map((exchange) => s.redactedCopy(exchange));
    expect(JSON.stringify(copies)).not.toContain(TOKEN);
    expect(JSON.stringify(copies)).toContain(REDACTED);
  });

  it('reproduces an exchange naming $CLIENTELE_TOKEN, never the token', async () => {
    const { session: s } = session(answering(200, clientBody()));
    const { exchange: ex } = await s.call('getClient', READ, OK);
    const step = s.reproduce(ex);
    expect(step.kind).toBe('curl');
    expect(step.command).toContain('"Authorization: Bearer $CLIENTELE_TOKEN"');
    expect(step.command).not.toContain(TOKEN);
  });

  it('reproduces each secret by its own variable, a non-secret credential and a literal as they are', () => {
    const { session: s } = session();
    const step = (auth: WireRequest['auth']) =>
      s.reproduce({ operation: 'getClient', request: { method: 'GET', url: CLIENT_URL, auth }, elapsedMs: 0 }).command;
    expect(step({ scheme: 'bearer', token: { credential: 'staffToken' } })).toContain('"Authorization: Bearer $CLIENTELE_STAFF_TOKEN"');
    expect(step({ scheme: 'basic', user: { credential: 'token' }, password: 'X' })).toContain('-u "$CLIENTELE_TOKEN:X"');
    expect(step({ scheme: 'basic', user: { credential: 'accountId' }, password: 'X' })).toContain('-u "abc123:X"');
    expect(step({ scheme: 'basic', user: { literal: 'wrong-1a2b3c4d' }, password: 'X' })).toContain('-u "wrong-1a2b3c4d:X"');
    // An Authorization header value is redacted whatever it holds (the last-pass rule), a deliberately
    // wrong literal too; replayed as written it is still a wrong token.
    expect(step({ scheme: 'bearer', token: { literal: 'wrong-1a2b3c4d' } })).toContain(`"Authorization: Bearer ${REDACTED}"`);
  });

  it('redacts a secret that a request body carries in its reproduction', () => {
    const { session: s } = session();
    const body = JSON.stringify({ client: { note: `pasted ${TOKEN} by mistake` } });
    const step = s.reproduce({ operation: 'createClient', request: { method: 'POST', url: CLIENT_URL, body, auth: BEARER }, elapsedMs: 0 });
    expect(JSON.stringify(step)).not.toContain(TOKEN);
    expect(step.body).toBe(JSON.stringify({ client: { note: `pasted ${REDACTED} by mistake` } }));
  });

  it('refuses a credential the run was not given, as our error', async () => {
    const { session: s } = session(answering(200, clientBody()));
    await expect(s.call('getClient', { ...READ, auth: { scheme: 'bearer', token: { credential: 'nope' } } })).rejects.toThrow(
      InternalError,
    );
  });

  it('names the envelope gap with a redacted excerpt, and closes its transport', async () => {
    const { transport, session: s } = session(answering(200, clientBody()));
    await s.call('getClient', READ, OK);
    const gap = s.envelopeGap('getClient', 'response.result.client', { leaked: TOKEN });
    expect(gap).toBeInstanceOf(ConformanceFailure);
    expect(gap.rule).toBe('envelope');
    expect(gap.details.actual).not.toContain(TOKEN);
    expect(gap.details.exchanges).toEqual([s.log.snapshot().at(-1)]);
    await s.close();
    expect(transport.closed).toBe(true);
  });
});

describe('severity follows the basis', () => {
  const assumedContentType = (view: SpecView): SpecView => ({
    ...view,
    basis: new BasisBook([
      { grade: 'open', says: 'JSON answers say application/json', source: 'tests', rules: ['content-type'] },
      { grade: 'stated', says: 'a read is answered 200', source: 'tests', rules: ['success', 'response-schema', 'well-formed-body'] },
    ]),
  });
  const htmlLabelled = () => exchange({ response: { ...response(200, clientBody()), headers: { 'content-type': 'text/html' } } });
  const READ_OK: ExchangeCase = { operation: 'getClient', expect: { httpStatuses: [200], rule: 'success', why: 'a read succeeds' } };

  it('a broken assumption comes back as a warning, not thrown; a broken promise is thrown', () => {
    const view = assumedContentType(spec);
    const { warnings } = verifyExchange(view, htmlLabelled(), READ_OK);
    expect(warnings.map((w) => w.rule)).toEqual(['content-type']);
    const notFound = exchange({ response: response(404, '{"response":{"errors":[]}}') });
    expect((thrownBy(() => verifyExchange(view, notFound, READ_OK)) as ConformanceFailure).basisRule).toBe('success');
  });

  it('a rule the spec records nothing for is an assumption, never a failure', () => {
    const book = new BasisBook([]);
    expect(book.of('anything')).toMatchObject({ grade: 'open' });
    expect(verifyExchange({ ...spec, basis: book }, htmlLabelled(), READ_OK).warnings.length).toBeGreaterThan(0);
  });

  it('the running check tally collects the rules judged and the warnings', () => {
    const tally = new Tally(assumedContentType(spec).basis);
    verifyExchange(assumedContentType(spec), htmlLabelled(), READ_OK, tally);
    expect([...tally.rules]).toEqual(expect.arrayContaining(['success', 'content-type', 'response-schema']));
    expect(tally.isWarning(new ConformanceFailure('content-type', 'x'))).toBe(true);
    expect(tally.isWarning(new ConformanceFailure('expected-status', 'x', { basisRule: 'success' }))).toBe(false);
  });
});
