import { ConformanceFailure } from '../failures.js';
import type { ExchangeCheck } from './types.js';

export const expectedStatus: ExchangeCheck = {
  name: 'expected-status',
  description: 'the HTTP status is one the documents promise for this case (e.g. 404 for an unknown id)',
  appliesTo: (exchange, kase) => exchange.response?.httpStatus !== undefined && kase.expect?.httpStatuses !== undefined,
  run(_ctx, exchange, kase) {
    const status = exchange.response!.httpStatus!;
    const wanted = kase.expect!.httpStatuses!;
    if (wanted.includes(status)) return;
    throw new ConformanceFailure('expected-status', `${kase.expect!.why}: expected ${wanted.join(' or ')}, got ${status}`, {
      operation: exchange.operation,
      expected: wanted.join(' or '),
      actual: String(status),
      exchanges: [exchange],
      basisRule: kase.expect!.rule,
    });
  },
};
