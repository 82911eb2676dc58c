import type { CheckContext, Decoded, ExchangeCase, SpecView } from './checks/types.js';
import type { Exchange } from './exchange.js';
import { CheckCrash, ClienteleError, ConformanceFailure } from './failures.js';

/**
 * Runs the spec view's exchange checks that apply to one exchange. The first failure is thrown with the
 * others named in its message; a check that crashes becomes a CheckCrash finding, never a crashed run.
 * Returns the decoded body so nobody parses twice.
 */
export function verifyExchange(spec: SpecView, exchange: Exchange, kase: ExchangeCase): unknown {
  // Only a body the spec documents must parse: a 401 may come as plain text from a proxy or the server.
  const response = exchange.response;
  const body: Decoded | undefined = response && spec.mediaTypes(exchange.operation, response).length > 0 ? spec.decode(response) : undefined;
  const ctx: CheckContext = { spec, body };
  const failures: ConformanceFailure[] = [];
  for (const check of spec.checks) {
    try {
      if (check.appliesTo(exchange, kase)) check.run(ctx, exchange, kase);
    } catch (error) {
      if (error instanceof ConformanceFailure) failures.push(error);
      else if (error instanceof ClienteleError) throw error;
      else throw new CheckCrash(check.name, error);
    }
  }
  const [first, ...others] = failures;
  if (first) {
    if (others.length === 0) throw first;
    throw new ConformanceFailure(first.rule, `${first.message} (also: ${others.map((f) => f.rule).join(', ')})`, first.details);
  }
  return body?.ok ? body.value : undefined;
}
