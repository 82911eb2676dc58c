import { ConformanceFailure } from '../failures.js';
import { statusMatches, type Expectation, type ExchangeCheck } from './types.js';

function lenientlyExpected(expect: Expectation | undefined, status: number): boolean {
  return expect?.lenient?.httpStatuses.some((pattern) => statusMatches(pattern, status)) ?? false;
}

/**
 * Where the answer carries its own verdict (Classic XML answers every application error with HTTP 200
 * and `status="fail"`; MCP answers a result or an error), the verdict must be the one the documents
 * promise for this case. Judged only once the HTTP layer, if any, gave an expected status.
 */
export const expectedOutcome: ExchangeCheck = {
  name: 'expected-outcome',
  description: 'the verdict the answer carries (ok or fail) is the one the documents promise for this case',
  appliesTo: (exchange, kase) => {
    const status = exchange.response?.httpStatus;
    const wantedStatuses = kase.expect?.httpStatuses;
    return (
      kase.expect?.outcome !== undefined &&
      exchange.response !== undefined &&
      (status === undefined || !wantedStatuses || wantedStatuses.includes(status) || lenientlyExpected(kase.expect, status))
    );
  },
  run(ctx, exchange, kase) {
    if (!ctx.body?.ok) return;
    const wanted = kase.expect!.outcome!;
    const actual = ctx.spec.outcome(exchange.response!, ctx.body.value);
    if (actual === wanted) return;
    throw new ConformanceFailure('expected-outcome', `${kase.expect!.why}: expected a ${wanted} answer, got ${actual ?? 'no verdict'}`, {
      operation: exchange.operation,
      expected: wanted,
      actual: actual ?? '(none)',
      exchanges: [exchange],
      basisRule: kase.expect!.rule,
    });
  },
};
