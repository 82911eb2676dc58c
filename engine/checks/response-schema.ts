import { ConformanceFailure } from '../failures.js';
import type { ExchangeCheck } from './types.js';

export const responseSchema: ExchangeCheck = {
  name: 'response-schema',
  description: 'the body matches the schema the spec documents for this status (envelope included)',
  run(ctx, exchange) {
    const response = exchange.response;
    if (!response || !ctx.body?.ok) return;
    const result = ctx.spec.validate(exchange.operation, response.status, ctx.body.value);
    if (!result || result.ok) return;
    throw new ConformanceFailure('response-schema', `${exchange.operation} ${response.status} body violates the schema: ${result.errors[0]}`, {
      operation: exchange.operation,
      expected: `the ${response.status} schema of ${exchange.operation}`,
      actual: result.errors.join('; '),
      exchanges: [exchange],
    });
  },
};
