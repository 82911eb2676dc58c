/**
 * The exchange checks of `engine/checks/`, each shown to be real: one crafted exchange it lets pass and
 * one it rejects with its own rule, judged against the real FreshBooks SpecView. Also `verifyExchange`
 * (first failure thrown, the others named; a crashing check becomes a CheckCrash) and `statusMatches`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { openApiSpecView } from '../adapters/openapi-spec-view.js';
import { xmlSpecView } from '../adapters/xml-spec-view.js';
import { EXCHANGE_CHECKS } from '../engine/checks/index.js';
import { statusMatches, type CheckContext, type ExchangeCase, type ExchangeCheck, type SpecView } from '../engine/checks/types.js';
import type { Exchange, TransportError, WireResponse } from '../engine/exchange.js';
import { CheckCrash, ConformanceFailure, InternalError, TargetUnreachableError } from '../engine/failures.js';
import { verifyExchange } from '../engine/verify.js';

let spec: SpecView;
beforeAll(async () => {
  spec = await openApiSpecView('freshbooks');
});

const CLIENT_URL = 'https://api.example.test/accounting/account/abc123/users/clients/42';

/** A client with every key the Client schema requires, each of the documented type. */
function validClient(): Record<string, unknown> {
  const nullableText = [
    'accounting_systemid', 'bus_phone', 'company_industry', 'company_size', 'currency_code', 'direct_link_token',
    'email', 'fax', 'fname', 'home_phone', 'language', 'last_activity', 'last_login', 'lname', 'mob_phone', 'note',
    'organization', 'p_city', 'p_code', 'p_country', 'p_province', 'p_street', 'p_street2', 's_city', 's_code',
    's_country', 's_province', 's_street', 's_street2', 'statement_token', 'subdomain', 'username', 'vat_name', 'vat_number',
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
  return { status, headers: { 'content-type': contentType }, body, truncated: false };
}

function exchange(parts: { response?: WireResponse; transportError?: TransportError; operation?: string }): Exchange {
  return {
    protocol: 'http-json',
    operation: parts.operation ?? 'getClient',
    request: { method: 'GET', url: CLIENT_URL, headers: { accept: 'application/json' } },
    response: parts.response,
    transportError: parts.transportError,
    elapsedMs: 12,
  };
}

const NOT_FOUND_BODY = JSON.stringify({ response: { errors: [{ errno: 1012, field: 'userid', message: 'Client not found.', object: 'client', value: '42' }] } });

/** The context verifyExchange builds: the body decoded once by the spec's codec. */
function contextFor(ex: Exchange): CheckContext {
  return { spec, body: ex.response ? spec.decode(ex.response) : undefined };
}

/** Runs each registered check on its own and names those that threw a ConformanceFailure. */
function failingRules(ex: Exchange, kase: ExchangeCase): string[] {
  const ctx = contextFor(ex);
  const failed: string[] = [];
  for (const check of EXCHANGE_CHECKS) {
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
      kase: { operation: 'getClient', expect: { statuses: [404], why: 'an unknown id is answered 404' } },
    },
    failing: {
      exchange: () => exchange({ response: response(500, '{"message":"internal"}') }),
      kase: { operation: 'getClient', expect: { statuses: [404], why: 'an unknown id is answered 404' } },
      alsoFailing: ['not-a-server-error', 'status-documented'],
    },
  },
  'expected-outcome': {
    // JSON over HTTP has no envelope verdict: a case that demands one cannot be satisfied (the Classic
    // XML view, which has one, is exercised below).
    passing: { exchange: () => exchange({ response: response(200, clientBody()) }), kase: GET },
    failing: {
      exchange: () => exchange({ response: response(200, clientBody()) }),
      kase: { operation: 'getClient', expect: { statuses: [200], outcome: 'ok', why: 'a read succeeds' } },
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
  'response-schema': {
    passing: { exchange: okGet, kase: GET },
    failing: {
      exchange: () => exchange({ response: response(200, clientBody({ ...validClient(), id: '42' })) }),
      kase: GET,
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
    const value = verifyExchange(spec, okGet(), { operation: 'getClient', expect: { statuses: [200], why: 'a read succeeds' } });
    expect(value).toEqual({ response: { result: { client: validClient() } } });
  });
});

describe.each(EXCHANGE_CHECKS.map((check) => [check.name, check] as const))('check %s', (name, check: ExchangeCheck) => {
  const cases = CASES[name]!;

  it('passes its passing exchange', () => {
    const ex = cases.passing.exchange();
    expect(() => check.run(contextFor(ex), ex, cases.passing.kase)).not.toThrow();
    expect(failingRules(ex, cases.passing.kase)).toEqual([]);
  });

  it('rejects its failing exchange with a ConformanceFailure of its own rule', () => {
    const ex = cases.failing.exchange();
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
      run(_ctx, ex) {
        const missing = (ex as unknown as { nothing?: { deeper: number } }).nothing;
        void missing!.deeper;
      },
    };
    const error = thrownBy(() => verifyExchange(spec, okGet(), GET, [crashing]));
    expect(error).toBeInstanceOf(CheckCrash);
    expect(error).toBeInstanceOf(InternalError);
    const crash = error as CheckCrash;
    expect(crash.check).toBe('test/crashes');
    expect(crash.cause).toBeInstanceOf(TypeError);
    expect(crash.message).toMatch(/^check test\/crashes crashed: /);
    expect(crash.exitCode).toBe(4);
  });

  it('runs only the checks it is given', () => {
    const seen: string[] = [];
    const recording: ExchangeCheck = { name: 'test/records', description: 'records the operation', run: (_ctx, ex) => void seen.push(ex.operation) };
    // This body would fail the schema check; with only the recording check it passes and returns the decoded body.
    const value = verifyExchange(spec, exchange({ response: response(200, '{"a":1}') }), GET, [recording]);
    expect(seen).toEqual(['getClient']);
    expect(value).toEqual({ a: 1 });
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
    protocol: 'http-xml',
    operation: 'client.delete',
    request: { method: 'POST', url: 'https://example.test/api/2.1/xml-in', headers: {}, body: '<request method="client.delete"><client_id>9</client_id></request>' },
    response: response(200, body, 'application/xml; charset=utf-8'),
    elapsedMs: 3,
  });
  const expecting = (outcome: 'ok' | 'fail'): ExchangeCase => ({ operation: 'client.delete', expect: { statuses: [200], outcome, why: `expects ${outcome}` } });

  it.each([
    ['ok', okBody, []],
    ['fail', failBody, []],
    ['ok', failBody, ['expected-outcome']],
    ['fail', okBody, ['expected-outcome']],
  ] as const)('expecting %s', async (outcome, body, rules) => {
    const view = await xmlSpecView('freshbooks-classic');
    const run = () => verifyExchange(view, xmlExchange(body), expecting(outcome));
    if (rules.length === 0) expect(run).not.toThrow();
    else expect((thrownBy(run) as ConformanceFailure).rule).toBe(rules[0]);
  });
});
