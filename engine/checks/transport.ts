import { ConformanceFailure, TargetUnreachableError } from '../failures.js';
import type { ExchangeCheck } from './types.js';

/** A response must arrive whole, in time and within the size cap; a refused connection ends the run (exit 3). */
export const transport: ExchangeCheck = {
  name: 'transport',
  description: 'the target answers in time with a complete response of bounded size',
  // Every exchange is judged by it: one that came back whole kept the promise.
  appliesTo: () => true,
  run(_ctx, exchange) {
    const error = exchange.transportError;
    if (!error) return;
    if (error.kind === 'connection') throw new TargetUnreachableError(`target unreachable: ${error.message}`);
    throw new ConformanceFailure('transport', `${exchange.operation} gave no usable response: ${error.message}`, {
      operation: exchange.operation,
      expected: 'a complete response',
      actual: error.message,
      exchanges: [exchange],
    });
  },
};
