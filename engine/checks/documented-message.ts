import { ConformanceFailure } from '../failures.js';
import type { ExchangeCheck } from './types.js';

/**
 * Where the documents quote the message an answer carries ("Returns the client (200) with message
 * “Client retrieved successfully.”"), the answer carries exactly that text. A promise of its own, apart
 * from the schema, whose other parts may rest on assumptions.
 */
export const documentedMessage: ExchangeCheck = {
  name: 'documented-message',
  description: 'the answer carries the message text the documents quote for it, where they quote one',
  appliesTo: (exchange) => exchange.response !== undefined,
  run(ctx, exchange) {
    const response = exchange.response!;
    const documented = ctx.spec.documentedMessage?.(exchange.operation, response);
    if (documented === undefined || !ctx.body?.ok) return;
    const body = ctx.body.value;
    const actual = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>).message : undefined;
    if (actual === documented) return;
    throw new ConformanceFailure(
      'documented-message',
      `${exchange.operation} ${response.httpStatus ?? ''} answers the message ${JSON.stringify(actual)}, not the documented one`.replace(
        '  ',
        ' ',
      ),
      {
        operation: exchange.operation,
        expected: documented,
        actual: actual === undefined ? 'no message' : JSON.stringify(actual),
        exchanges: [exchange],
      },
    );
  },
};
