import { ConformanceFailure } from '../failures.js';
import type { ExchangeCheck } from './types.js';

export const expectedStatus: ExchangeCheck = {
  name: 'expected-status',
  description: 'the status is one the documents promise for this case (e.g. 404 for an unknown id)',
  run(_ctx, exchange, kase) {
    const status = exchange.response?.status;
    if (!kase.expect || status === undefined || kase.expect.statuses.includes(status)) return;
    throw new ConformanceFailure('expected-status', `${kase.expect.why}: expected ${kase.expect.statuses.join(' or ')}, got ${status}`, {
      operation: exchange.operation,
      expected: kase.expect.statuses.join(' or '),
      actual: String(status),
      exchanges: [exchange],
    });
  },
};
