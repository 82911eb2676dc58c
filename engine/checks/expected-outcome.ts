import { ConformanceFailure } from '../failures.js';
import type { ExchangeCheck } from './types.js';

/**
 * Where the envelope carries its own verdict (Classic XML answers every application error with HTTP 200
 * and `status="fail"`), the verdict must be the one the documents promise for this case.
 */
export const expectedOutcome: ExchangeCheck = {
  name: 'expected-outcome',
  description: 'the envelope verdict (ok or fail) is the one the documents promise for this case',
  run(ctx, exchange, kase) {
    const wanted = kase.expect?.outcome;
    const response = exchange.response;
    if (!wanted || !response || !kase.expect!.statuses.includes(response.status) || !ctx.body?.ok) return;
    const actual = ctx.spec.outcome(ctx.body.value);
    if (actual === wanted) return;
    throw new ConformanceFailure('expected-outcome', `${kase.expect!.why}: expected a ${wanted} envelope, got ${actual ?? 'no verdict'}`, {
      operation: exchange.operation,
      expected: wanted,
      actual: actual ?? '(none)',
      exchanges: [exchange],
    });
  },
};
