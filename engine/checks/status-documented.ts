import { ConformanceFailure } from '../failures.js';
import { statusMatches, type ExchangeCheck } from './types.js';

export const statusDocumented: ExchangeCheck = {
  name: 'status-documented',
  description: 'the HTTP status is documented for the operation in the spec',
  appliesTo: (exchange) => exchange.response?.httpStatus !== undefined,
  run(ctx, exchange) {
    const status = exchange.response!.httpStatus!;
    const documented = ctx.spec.documentedStatuses(exchange.operation);
    if (documented.some((pattern) => statusMatches(pattern, status))) return;
    throw new ConformanceFailure('status-documented', `${exchange.operation} answered ${status}, which the spec does not document`, {
      operation: exchange.operation,
      expected: documented.join(', ') || '(operation not in spec)',
      actual: String(status),
      exchanges: [exchange],
    });
  },
};
