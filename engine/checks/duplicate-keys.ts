import { ConformanceFailure } from '../failures.js';
import type { ExchangeCheck } from './types.js';

/**
 * RFC 8259 says the names within an object SHOULD be unique; where one is not, parsers disagree on
 * which value wins (the first, the last, an error), so a client cannot know what the target meant. The
 * codec notes the duplicates while decoding (`Decoded.duplicates`); a format without keys never has any.
 */
export const duplicateKeys: ExchangeCheck = {
  name: 'duplicate-keys',
  description: 'no object in the body names a key twice (RFC 8259: names SHOULD be unique; parsers pick different values)',
  appliesTo: (exchange) => exchange.response !== undefined,
  run(ctx, exchange) {
    const duplicates = ctx.body?.ok ? ctx.body.duplicates : undefined;
    if (!duplicates?.length) return;
    const shown = duplicates.join(', ');
    throw new ConformanceFailure('duplicate-keys', `${exchange.operation} body names a key twice in one object: ${shown}`, {
      operation: exchange.operation,
      expected: 'each key at most once per object',
      actual: `duplicated: ${shown}`,
      exchanges: [exchange],
    });
  },
};
