/**
 * Assembles the record of one broken rule from what the check saw: the check judges, this only writes
 * the verdict down, redacted, for every report format and for `clientele replay`.
 */
import { severityOf } from './basis.js';
import type { RunConfig } from './config.js';
import { SHOWN_HEADERS, detachedPrefix, type Exchange } from './exchange.js';
import type { ConformanceFailure } from './failures.js';
import { PropertyFailure } from './property.js';
import type { FailureRecord, RecordedStep, ResponseExcerpt } from './records.js';
import { redactHeaders, type Redactor } from './redact.js';
import type { Session } from './session.js';
import type { Tally } from './verdicts.js';

const MAX_REPRODUCTION_STEPS = 60;
const MAX_BODY_EXCERPT = 4096;

/** The answer that broke the rule: its status, the headers a reader needs, and the body's first 4 KiB. */
function excerpt(exchange: Exchange | undefined): ResponseExcerpt | undefined {
  if (!exchange) return undefined;
  const response = exchange.response;
  if (!response)
    return exchange.transportError
      ? { headers: {}, body: '', truncated: false, transportError: exchange.transportError.message }
      : undefined;
  const headers = redactHeaders(
    Object.fromEntries(Object.entries(response.headers ?? {}).filter(([name]) => SHOWN_HEADERS.includes(name))),
  );
  return {
    ...(response.httpStatus !== undefined ? { httpStatus: response.httpStatus } : {}),
    ...(headers['content-type'] ? { contentType: headers['content-type'] } : {}),
    headers,
    body: detachedPrefix(response.body, MAX_BODY_EXCERPT),
    truncated: response.truncated || response.body.length > MAX_BODY_EXCERPT,
    ...(response.rpcErrorCode !== undefined ? { rpcErrorCode: response.rpcErrorCode } : {}),
    ...(exchange.transportError ? { transportError: exchange.transportError.message } : {}),
  };
}

/** The excerpt as it may leave the check: the target's body, headers and error text with every secret redacted. */
function redactExcerpt(response: ResponseExcerpt, redactor: Redactor): ResponseExcerpt {
  return {
    ...response,
    headers: redactor.record(response.headers),
    ...(response.contentType !== undefined ? { contentType: redactor.text(response.contentType) } : {}),
    body: redactor.text(response.body),
    ...(response.transportError !== undefined ? { transportError: redactor.text(response.transportError) } : {}),
  };
}

/** An exchange as `clientele replay` sends it again: redacted, its answer's body cut at 4 KiB. */
function recordedStep(exchange: Exchange, redactor: Redactor): RecordedStep {
  const { request, response } = exchange;
  return {
    operation: exchange.operation,
    request: {
      ...request,
      ...(request.url !== undefined ? { url: redactor.text(request.url) } : {}),
      ...(request.body !== undefined ? { body: redactor.text(request.body) } : {}),
      ...(request.headers ? { headers: redactor.record(request.headers) } : {}),
    },
    ...(exchange.expect ? { expect: exchange.expect } : {}),
    ...(response
      ? {
          answer: {
            ...(response.httpStatus !== undefined ? { httpStatus: response.httpStatus } : {}),
            ...(response.rpcErrorCode !== undefined ? { rpcErrorCode: response.rpcErrorCode } : {}),
            ...(response.toolError ? { toolError: true } : {}),
            body: redactor.text(detachedPrefix(response.body, MAX_BODY_EXCERPT)),
            truncated: response.truncated || response.body.length > MAX_BODY_EXCERPT,
          },
        }
      : {}),
    ...(exchange.transportError ? { transportError: redactor.text(exchange.transportError.message) } : {}),
  };
}

/** Where a failure was found: the check's session, its run's settings, its family and its tally. */
export interface FailureScene {
  readonly session: Session;
  readonly config: Pick<RunConfig, 'seed' | 'replayPrefix'>;
  readonly family: string;
  readonly redactor: Redactor;
  readonly tally: Tally;
}

/**
 * A failure as the report keeps it: its basis and severity, the answer that broke it (redacted, cut),
 * and a reproduction (the steps as curl or JSON-RPC, and the exchanges `clientele replay` sends again).
 */
export function toFailureRecord(failure: ConformanceFailure, { session, config, family, redactor, tally }: FailureScene): FailureRecord {
  const fromProperty = failure instanceof PropertyFailure;
  let exchanges: readonly Exchange[] =
    fromProperty || tally.warnings.includes(failure) ? (failure.details.exchanges ?? []) : session.log.snapshot();
  if (exchanges.length === 0) exchanges = failure.details.exchanges ?? [];
  const seed = fromProperty ? failure.seed : config.seed;
  const basis = failure.basisIn(session.spec.basis);
  const culprit = failure.details.exchanges?.at(-1) ?? exchanges.at(-1);
  const serverLog = session.serverLog();
  const cut = excerpt(culprit);
  const shown = exchanges.slice(-MAX_REPRODUCTION_STEPS);
  // The log may keep a shortened copy of an exchange a failure holds; the request object is the same one.
  const failingStep = culprit ? shown.map((exchange) => exchange.request).lastIndexOf(culprit.request) : -1;
  const response = cut && serverLog ? { ...cut, serverLog } : cut;
  return {
    rule: failure.rule,
    basisRule: failure.basisRule,
    severity: severityOf(basis),
    basis,
    operation: failure.details.operation ?? exchanges.at(-1)?.operation,
    message: redactor.text(failure.message),
    expected: redactor.optional(failure.details.expected),
    actual: redactor.optional(failure.details.actual),
    seed,
    path: fromProperty && failure.path ? failure.path : undefined,
    counterexample: fromProperty ? redactor.optional(failure.counterexample) : undefined,
    ...(failure.details.boundary ? { boundary: failure.details.boundary } : {}),
    ...(response ? { response: redactExcerpt(response, redactor) } : {}),
    reproduction: {
      steps: shown.map((exchange) => session.reproduce(exchange)),
      replay: `${config.replayPrefix} --seed ${seed} --only ${family}`,
      exchanges: shown.map((exchange) => recordedStep(exchange, redactor)),
      ...(failingStep >= 0 ? { failingStep } : {}),
    },
  };
}
