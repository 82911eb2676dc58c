import { ConformanceFailure } from '../failures.js';
import type { ExchangeCheck } from './types.js';

export const wellFormedBody: ExchangeCheck = {
  name: 'well-formed-body',
  description: "the body parses in the protocol's format (no truncated JSON, no malformed XML)",
  appliesTo: (exchange) => exchange.response !== undefined,
  run(ctx, exchange) {
    if (!ctx.body || ctx.body.ok) return;
    throw new ConformanceFailure('well-formed-body', `${exchange.operation} body does not parse: ${ctx.body.error}`, {
      operation: exchange.operation,
      expected: 'a well-formed body',
      actual: ctx.body.error,
      exchanges: [exchange],
    });
  },
};
