import { contentTypeOf } from '../exchange.js';
import { ConformanceFailure } from '../failures.js';
import type { ExchangeCheck } from './types.js';

export const contentType: ExchangeCheck = {
  name: 'content-type',
  description: 'the Content-Type is the media type the spec documents for this status',
  run(ctx, exchange) {
    const response = exchange.response;
    if (!response) return;
    const documented = ctx.spec.mediaType(exchange.operation, response.status);
    if (!documented) return;
    const actual = contentTypeOf(response);
    if (actual === documented.toLowerCase()) return;
    throw new ConformanceFailure('content-type', `${exchange.operation} answered Content-Type ${actual || '(none)'}`, {
      operation: exchange.operation,
      expected: documented,
      actual: actual || '(none)',
      exchanges: [exchange],
    });
  },
};
