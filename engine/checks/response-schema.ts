import { ConformanceFailure } from '../failures.js';
import type { ExchangeCheck } from './types.js';

export const responseSchema: ExchangeCheck = {
  name: 'response-schema',
  description: 'the body matches the schema the spec documents for this answer (envelope included)',
  appliesTo: (exchange) => exchange.response !== undefined,
  run(ctx, exchange) {
    const response = exchange.response!;
    if (!ctx.body?.ok) return;
    const result = ctx.spec.validate(exchange.operation, response, ctx.body.value);
    if (!result || result.ok) return;
    const answer = response.httpStatus ?? ctx.spec.outcome(response, ctx.body.value) ?? 'answer';
    throw new ConformanceFailure('response-schema', `${exchange.operation} ${answer} body violates the schema: ${result.errors[0]}`, {
      operation: exchange.operation,
      expected: `the ${answer} schema of ${exchange.operation}`,
      actual: result.errors.join('; '),
      exchanges: [exchange],
      // A node the spec leaves open (a shape no example fixes) makes the violation a warning.
      ...(result.open ? { basis: { grade: 'open', says: result.open.why, source: result.open.node } } : {}),
    });
  },
};
