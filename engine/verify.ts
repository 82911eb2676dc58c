import type { CheckContext, Decoded, ExchangeCase, SpecView } from './checks/types.js';
import type { Exchange } from './exchange.js';
import { CheckCrash, ClienteleError, ConformanceFailure } from './failures.js';
import { severityOf } from './basis.js';
import type { Tally } from './verdicts.js';

export interface Verification {
  /** The decoded body, so nobody parses twice. */
  readonly body: unknown;
  /** Rules broken whose basis is an assumption: reported, never thrown. */
  readonly warnings: readonly ConformanceFailure[];
  /** How long decoding the body took (ms): the rest of the verification is the checks'. */
  readonly decodeMs: number;
}

/**
 * Runs the spec view's exchange checks that apply to one exchange. A broken promise is thrown (the
 * first, with the others named in its message); a broken assumption is returned as a warning. A check
 * that crashes becomes a CheckCrash finding, never a crashed run.
 */
export function verifyExchange(spec: SpecView, exchange: Exchange, kase: ExchangeCase, tally?: Tally): Verification {
  // Only a body the spec documents must parse: a 401 may come as plain text from a proxy or the server.
  const response = exchange.response;
  const decodeStarted = performance.now();
  const body: Decoded | undefined =
    response && spec.mediaTypes(exchange.operation, response).length > 0 ? spec.decode(response) : undefined;
  const decodeMs = performance.now() - decodeStarted;
  const ctx: CheckContext = { spec, body };
  const failures: ConformanceFailure[] = [];
  const warnings: ConformanceFailure[] = [];
  for (const check of spec.checks) {
    try {
      if (!check.appliesTo(exchange, kase)) continue;
      // Judged counts as evaluated, held or not; an expectation's checks judge the expectation's rule.
      tally?.evaluated(kase.expect && check.name.startsWith('expected-') ? kase.expect.rule : check.name);
      check.run(ctx, exchange, kase);
    } catch (error) {
      if (!(error instanceof ConformanceFailure)) {
        if (error instanceof ClienteleError) throw error;
        throw new CheckCrash(check.name, error);
      }
      (severityOf(error.basisIn(spec.basis)) === 'failure' ? failures : warnings).push(error);
    }
  }
  const [first, ...others] = failures;
  if (first) {
    if (others.length === 0) throw first;
    throw new ConformanceFailure(first.rule, `${first.message} (also: ${others.map((f) => f.rule).join(', ')})`, first.details);
  }
  return { body: body?.ok ? body.value : undefined, warnings, decodeMs };
}
