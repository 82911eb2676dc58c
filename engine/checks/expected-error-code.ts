import { ConformanceFailure } from '../failures.js';
import type { ExchangeCheck } from './types.js';

/** Where the docs name JSON-RPC error codes for a case, the answer is an error with one of them. */
export const expectedErrorCode: ExchangeCheck = {
  name: 'expected-error-code',
  description: 'the JSON-RPC error code is one the documents name for this case (e.g. -32005 for an unknown id)',
  appliesTo: (exchange, kase) => exchange.response !== undefined && (kase.expect?.rpcCodes?.length ?? 0) > 0,
  run(_ctx, exchange, kase) {
    const wanted = kase.expect!.rpcCodes!;
    const actual = exchange.response!.rpcErrorCode;
    if (actual !== undefined && wanted.includes(actual)) return;
    throw new ConformanceFailure(
      'expected-error-code',
      `${kase.expect!.why}: expected error ${wanted.join(' or ')}, got ${actual ?? 'a success'}`,
      {
        operation: exchange.operation,
        expected: wanted.join(' or '),
        actual: actual === undefined ? 'a success' : String(actual),
        exchanges: [exchange],
        basisRule: kase.expect!.rule,
      },
    );
  },
};
