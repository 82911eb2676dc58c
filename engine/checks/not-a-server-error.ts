import { ConformanceFailure } from '../failures.js';
import type { ExchangeCheck } from './types.js';

export const notAServerError: ExchangeCheck = {
  name: 'not-a-server-error',
  description: 'no request the suite sends is answered with a 5xx status',
  appliesTo: (exchange) => exchange.response?.httpStatus !== undefined,
  run(_ctx, exchange) {
    const status = exchange.response!.httpStatus!;
    if (status < 500) return;
    throw new ConformanceFailure('not-a-server-error', `${exchange.operation} answered ${status} (server error)`, {
      operation: exchange.operation,
      expected: 'a status below 500',
      actual: String(status),
      exchanges: [exchange],
    });
  },
};
