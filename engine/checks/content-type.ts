import { contentTypeOf } from '../exchange.js';
import { ConformanceFailure } from '../failures.js';
import type { ExchangeCheck } from './types.js';

export const contentType: ExchangeCheck = {
  name: 'content-type',
  description: 'the Content-Type is the media type the spec documents for this answer',
  appliesTo: (exchange) => exchange.response?.headers !== undefined,
  run(ctx, exchange) {
    const response = exchange.response!;
    const documented = ctx.spec.mediaTypes(exchange.operation, response);
    if (documented.length === 0) return;
    const actual = contentTypeOf(response);
    if (documented.includes(actual)) return;
    throw new ConformanceFailure('content-type', `${exchange.operation} answered Content-Type ${actual || '(none)'}`, {
      operation: exchange.operation,
      expected: documented.join(' or '),
      actual: actual || '(none)',
      exchanges: [exchange],
    });
  },
};
