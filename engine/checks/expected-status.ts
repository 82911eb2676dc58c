import { ConformanceFailure } from '../failures.js';
import { statusMatches, type ExchangeCheck } from './types.js';

/**
 * The HTTP status is one the documents give for this case. Where they give only the kind of answer (a
 * refusal) and the expectation is lenient, a status of that kind breaks only the open rule of the exact
 * status, a warning; any other breaks the expectation's own rule.
 */
export const expectedStatus: ExchangeCheck = {
  name: 'expected-status',
  description: 'the HTTP status is one the documents give for this case (e.g. 404 for an unknown id)',
  appliesTo: (exchange, kase) => exchange.response?.httpStatus !== undefined && kase.expect?.httpStatuses !== undefined,
  run(_ctx, exchange, kase) {
    const status = exchange.response!.httpStatus!;
    const expect = kase.expect!;
    const wanted = expect.httpStatuses!;
    if (wanted.includes(status)) return;
    const kind = expect.lenient?.httpStatuses.some((pattern) => statusMatches(pattern, status)) ? expect.lenient : undefined;
    throw new ConformanceFailure('expected-status', `${expect.why}: expected ${wanted.join(' or ')}, got ${status}`, {
      operation: exchange.operation,
      expected: wanted.join(' or '),
      actual: String(status),
      exchanges: [exchange],
      basisRule: kind ? kind.exactRule : expect.rule,
    });
  },
};
