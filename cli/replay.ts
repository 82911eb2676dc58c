/**
 * `clientele replay report.json [--check ID] [--target URL]`: sends a failure's recorded requests again,
 * in order, through the engine's session (so each answer is judged as the run judged it), and says
 * whether the failure still shows, without re-running the property. Ids a fresh server hands out are
 * learned from its answers and put in later requests in place of the recorded ones.
 */
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import type { ApiDescriptor } from '../apis/descriptor.js';
import { APIS, findApi } from '../apis/registry.js';
import type { SpecView } from '../engine/checks/types.js';
import { targetLabel } from '../engine/config.js';
import type { Exchange, WireRequest } from '../engine/exchange.js';
import {
  ClienteleError,
  ConformanceFailure,
  EXIT,
  InternalError,
  TargetUnreachableError,
  UsageError,
  describeError,
} from '../engine/failures.js';
import { RunGuard, RunStopped } from '../engine/guard.js';
import type { FailureRecord, RecordedStep } from '../engine/records.js';
import { redactSecrets } from '../engine/redact.js';
import { Session } from '../engine/session.js';
import { RunContext } from '../engine/run-context.js';
import { openTransport } from '../protocols/index.js';
import type { CheckResult, RunReport } from '../reports/model.js';
import { oneLine, visible } from '../reports/render.js';
import { mergeGiven, readArgs, resolveOptions } from './args.js';
import { configSecrets, loadConfig, targetCredentials } from './config-file.js';
import type { Io } from './io.js';
import { checkReachable } from './reachable.js';
import { readReport } from './gate.js';
import { IdMap, difference, sameAnswer, sameKind } from './replay-answers.js';
import { destination, type Destination, type OpenedTarget } from './replay-target.js';

export interface ReplayOptions {
  /** The report.json a run wrote. */
  report: string;
  /** Only this check (its id, `family/slug`). */
  check?: string;
  /** Another server than the report's (a base URL, or an MCP Streamable HTTP endpoint). */
  target?: string;
  /** By descriptor key (`token`, `accountId`), from the command line or the environment. */
  credentials: Readonly<Record<string, string | undefined>>;
  timeoutMs: number;
  maxBodyBytes: number;
  /** The recorded requests may create, change and delete clients on a target off this machine. */
  allowWrites?: boolean;
  /**
   * The config file (`--config`, or ./clientele.config.yaml when there is one) and the command line and
   * environment the command was given: a server someone else runs then gets the credentials of the
   * file's target for it, as `run` would.
   */
  configured?: { readonly file?: string; readonly argv: readonly string[]; readonly env: NodeJS.ProcessEnv };
}

/** What one output line may quote of a target's message. */
const MAX_SHOWN = 240;

type Verdict = { readonly kind: 'still fails' | 'no longer fails' | 'changed' | 'same'; readonly text: string };
const MARK: Record<Verdict['kind'], string> = { 'still fails': '✗', 'no longer fails': '✓', changed: '~', same: '~' };
/** A kind in the final tally, where the verb agrees with the count: `1 still fails`, `2 still fail`. */
const TALLIED: Record<Verdict['kind'], readonly [one: string, many: string]> = {
  'still fails': ['still fails', 'still fail'],
  'no longer fails': ['no longer fails', 'no longer fail'],
  changed: ['changed', 'changed'],
  same: ['same', 'same'],
};

/** A check worth replaying: failed or warned, with the exchanges its case sent. */
type Replayable = CheckResult & {
  readonly failure: FailureRecord & { readonly reproduction: { readonly exchanges: readonly RecordedStep[] } };
};

export async function replayCommand(options: ReplayOptions, io: Io): Promise<number> {
  // Secrets the output must never show: every secret option given, and those of the targets started here.
  const secrets = APIS.flatMap((api) => api.credentials.filter((c) => c.secret).map((c) => options.credentials[c.key])).filter(
    (s): s is string => !!s,
  );
  const say = (text: string) => oneLine(visible(redactSecrets(text, secrets)));
  try {
    const report = readReport(options.report);
    const checks = replayable(report, options.check, options.report);
    const api = findApi(report.api);
    const where = destination(api, {
      reportTarget: report.target,
      ...(report.where ? { where: report.where } : {}),
      replayLine: checks[0]!.failure.reproduction.replay ?? '',
      target: options.target,
      credentials: () => {
        const found = configuredCredentials(options, api, options.target ?? report.target);
        secrets.push(...found.secrets);
        return found.credentials;
      },
      steps: checks.flatMap((check) => check.failure.reproduction.exchanges),
      allowWrites: options.allowWrites === true,
    });
    const spec = await api.specView();
    // Three answers in a row that never came (or stayed rate limited) end the replay: the target is gone.
    const guard = new RunGuard({
      deadline: Number.MAX_SAFE_INTEGER,
      maxConsecutiveTimeouts: 3,
      slowAnswerMs: Number.MAX_SAFE_INTEGER,
      requestsPerCheck: 100_000,
    });
    const counts = new Map<Verdict['kind'], number>();
    for (const check of checks) {
      const target = await where.open();
      secrets.push(...target.credentials.filter((c) => c.secret && c.value).map((c) => c.value));
      let verdict: Verdict;
      try {
        verdict = await replayOne(check, { api, spec, guard, where, target, report, options });
      } finally {
        await target.close();
      }
      counts.set(verdict.kind, (counts.get(verdict.kind) ?? 0) + 1);
      io.out(`${MARK[verdict.kind]} ${verdict.kind}  ${say(check.id)} — ${say(verdict.text)}`);
    }
    const tally = [...counts].map(([kind, n]) => `${n} ${TALLIED[kind][n === 1 ? 0 : 1]}`).join(', ');
    io.out(
      say(
        `replayed ${checks.length} ${checks.length === 1 ? 'failure' : 'failures'} of ${basename(options.report)} against ${where.label}: ${tally}`,
      ),
    );
    return counts.has('still fails') ? EXIT.failures : EXIT.ok;
  } catch (error) {
    const known = error instanceof ClienteleError ? error : new InternalError(`internal error: ${describeError(error)}`);
    io.err(say(`clientele: ${known.message}`));
    return known.exitCode;
  }
}

/**
 * The credentials for a server someone else runs, and the secrets they bring. With a config file they
 * are those of its target for the report's API (the one at `address`, when it has several), taken as
 * `run` takes them: the command line's own still win. Without one, or with no target of that API to
 * pick, they are those given.
 */
function configuredCredentials(
  options: ReplayOptions,
  api: ApiDescriptor,
  address: string,
): { credentials: Readonly<Record<string, string | undefined>>; secrets: string[] } {
  const given = { credentials: options.credentials, secrets: [] as string[] };
  const { file, argv, env } = options.configured ?? {};
  if (file === undefined || argv === undefined || env === undefined) return given;
  const config = loadConfig(file);
  const base = (label: string) => label.replace(/\/+$/, '');
  const labelOf = (index: number): string | undefined => {
    const { url, command } = config.targets[index]!;
    if (url !== undefined) return targetLabel({ kind: 'url', url });
    return command === undefined ? undefined : targetLabel({ kind: 'command', command });
  };
  const ofApi = config.targets.map((_, i) => i).filter((i) => findApi(config.targets[i]!.api).id === api.id);
  const index = ofApi.find((i) => base(labelOf(i) ?? '') === base(address)) ?? (ofApi.length === 1 ? ofApi[0] : undefined);
  if (index === undefined) return given;
  const target = targetCredentials(config, index, env);
  const credentials = resolveOptions(mergeGiven({ values: target.values, positionals: [] }, readArgs(argv)), target.env).credentials;
  const secrets = api.credentials.filter((option) => option.secret).flatMap((option) => credentials[option.key] ?? []);
  return { credentials, secrets: [...secrets, ...configSecrets(config, env)] };
}

/** The failures to replay, in the report's order: all of them, or the one `--check` names. */
function replayable(report: RunReport, only: string | undefined, path: string): Replayable[] {
  const isReplayable = (check: CheckResult): check is Replayable =>
    !!check &&
    (check.status === 'failed' || check.status === 'warned') &&
    Array.isArray(check.failure?.reproduction?.exchanges) &&
    check.failure.reproduction.exchanges.length > 0;
  const all = report.checks.filter(isReplayable);
  if (only !== undefined) {
    const named = report.checks.find((check) => check?.id === only);
    if (!named)
      throw new UsageError(
        `--check ${only}: no such check in ${path}${
          all.length
            ? ` (replayable: ${all
                .slice(0, 5)
                .map((c) => c.id)
                .join(', ')}${all.length > 5 ? ', ...' : ''})`
            : ''
        }`,
      );
    if (!isReplayable(named))
      throw new UsageError(
        `--check ${only} is ${named.status} in ${path}` +
          (named.status === 'failed' || named.status === 'warned'
            ? ' but recorded no requests to replay'
            : '; only failed or warned checks can be replayed'),
      );
    return [wellFormed(named)];
  }
  if (all.length === 0) throw new UsageError(`${path} has no failed or warned check with recorded requests to replay`);
  return all.map(wellFormed);
}

function wellFormed(check: Replayable): Replayable {
  const broken = check.failure.reproduction.exchanges.findIndex(
    (step) => typeof step?.operation !== 'string' || typeof step.request?.method !== 'string',
  );
  if (broken >= 0) throw new UsageError(`${check.id}: recorded step ${broken + 1} has no operation or request`);
  return check;
}

interface ReplayContext {
  readonly api: ApiDescriptor;
  readonly spec: SpecView;
  readonly guard: RunGuard;
  readonly where: Destination;
  readonly target: OpenedTarget;
  readonly report: RunReport;
  readonly options: ReplayOptions;
}

/** A failure broken again: the same rule, or the same promise an expectation stands for. */
function breaksSame(broken: ConformanceFailure, failure: FailureRecord): boolean {
  return broken.basisRule === failure.basisRule || (broken.rule === failure.rule && failure.rule === failure.basisRule);
}

async function replayOne(check: Replayable, context: ReplayContext): Promise<Verdict> {
  const { api, spec, target, options } = context;
  const failure = check.failure;
  const steps = failure.reproduction.exchanges;
  if (target.address.kind === 'url' && !context.where.embedded)
    await checkReachable(target.address.url, Math.min(options.timeoutMs, 5_000));
  const runTag = randomBytes(4).toString('hex');
  const run = new RunContext(
    { runTag, deadline: Number.MAX_SAFE_INTEGER, timeoutMs: options.timeoutMs, credentials: target.credentials },
    context.guard,
  );
  const transport = await openTransport(
    api.transport,
    { target: target.address, timeoutMs: options.timeoutMs, maxBodyBytes: options.maxBodyBytes },
    api.retryCodes,
    run,
  );
  const session = new Session(transport, spec, target.credentials, run);
  const rebase = rebaser(context.report.target, target.address.kind === 'url' ? target.address.url : undefined);
  const ids = new IdMap();
  const observed: (Exchange | undefined)[] = [];
  const broken: { step: number; failure: ConformanceFailure }[] = [];
  try {
    for (const [index, step] of steps.entries()) {
      const before = session.log.total;
      const tally = session.newTally();
      try {
        await session.call(step.operation, prepared(step.request, ids, rebase), step.expect);
      } catch (error) {
        if (error instanceof RunStopped) throw new TargetUnreachableError(`${context.where.label}: ${error.message}`);
        if (!(error instanceof ConformanceFailure)) throw error;
        broken.push({ step: index, failure: error });
      }
      // Broken assumptions are not thrown: the tally kept them.
      for (const warning of tally.warnings) broken.push({ step: index, failure: warning });
      // Redacted as the recorded answers are: it is what gets compared and described.
      const seen = session.log.total > before ? session.redactedCopy(session.log.last()!) : undefined;
      observed.push(seen);
      if (step.answer && seen?.response && sameKind(step.answer, seen.response)) ids.learn(step.answer.body, seen.response.body);
    }
  } finally {
    await session.close().catch(() => undefined);
    await run.close();
  }
  return verdictOf(check, spec, steps, observed, broken, ids);
}

function verdictOf(
  check: Replayable,
  spec: SpecView,
  steps: readonly RecordedStep[],
  observed: readonly (Exchange | undefined)[],
  broken: readonly { step: number; failure: ConformanceFailure }[],
  ids: IdMap,
): Verdict {
  const failure = check.failure;
  const again = broken.find((b) => breaksSame(b.failure, failure));
  if (again) return { kind: 'still fails', text: `${again.failure.rule}: ${shown(again.failure.message)}` };
  const rerun = `${failure.rule} is judged over several answers; to judge it, re-run: ${failure.reproduction.replay ?? `the run with seed ${failure.seed}`}`;
  const at = failure.reproduction.failingStep;
  const stepName = (i: number) => `step ${i + 1} of ${steps.length} (${steps[i]!.operation})`;
  if (at !== undefined && at >= 0 && at < steps.length) {
    const how = difference(spec, steps[at]!, observed[at]);
    if (sameAnswer(steps[at]!, observed[at], ids))
      return {
        kind: 'still fails',
        text: `${failure.rule}: ${stepName(at)} answered as recorded (${how.replace(/ with a different body$/, '')})`,
      };
    // No answer this time says nothing of the rule the recorded answer broke.
    if (steps[at]!.answer && !observed[at]?.response)
      return { kind: 'changed', text: `${stepName(at)}: ${how}; whether ${failure.rule} still breaks is not known` };
    // Only a rule the session judges on one answer is settled by that answer; a property's is not.
    if (!judgedPerAnswer(spec, failure, steps[at]!)) return { kind: 'changed', text: `${stepName(at)}: ${how}; ${rerun}` };
    const others = [...new Set(broken.map((b) => `${b.failure.rule} at step ${b.step + 1}`))];
    return {
      kind: 'no longer fails',
      text: `${how}${others.length ? `; now breaks ${others.slice(0, 3).join(', ')}${others.length > 3 ? ', ...' : ''}` : ''}`,
    };
  }
  const first = steps.findIndex((step, i) => !sameAnswer(step, observed[i], ids));
  if (first < 0) return { kind: 'same', text: `every answer as recorded; ${rerun}` };
  return { kind: 'changed', text: `${stepName(first)}: ${difference(spec, steps[first]!, observed[first])}; ${rerun}` };
}

/** Whether the rule is one the session's exchange checks judge (or the step's expectation stands for). */
function judgedPerAnswer(spec: SpecView, failure: FailureRecord, step: RecordedStep): boolean {
  return (
    spec.checks.some((check) => check.name === failure.rule) ||
    failure.rule === 'credential-echo' ||
    step.expect?.rule === failure.basisRule
  );
}

function shown(text: string): string {
  const line = oneLine(text);
  return line.length > MAX_SHOWN ? `${line.slice(0, MAX_SHOWN - 1)}…` : line;
}

/** The recorded request for the new server: its URL on the new base, and the ids it learned so far. */
function prepared(request: WireRequest, ids: IdMap, rebase: (url: string) => { base: string; rest: string }): WireRequest {
  const url = request.url === undefined ? undefined : rebase(request.url);
  return {
    ...request,
    ...(url ? { url: `${url.base}${ids.inRequest(url.rest)}` } : {}),
    ...(request.body !== undefined ? { body: ids.inRequest(request.body) } : {}),
  };
}

/**
 * Splits a recorded URL into the old server's base and the rest, and puts the rest on the new base. An
 * external run's label is its base URL (maybe with a path); an embedded run's URLs carry its origin,
 * and the server is taken to sit at the new base's path when the recorded path starts with it (an
 * endpoint URL such as Classic's `/api/2.1/xml-in`).
 */
function rebaser(reportTarget: string, newBase: string | undefined): (url: string) => { base: string; rest: string } {
  const oldBase = /^https?:\/\//i.test(reportTarget) ? reportTarget.replace(/\/+$/, '') : undefined;
  const newPath = newBase === undefined ? '' : new URL(newBase).pathname.replace(/\/+$/, '');
  return (url) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return { base: '', rest: url };
    }
    const mounted = newPath !== '' && (parsed.pathname === newPath || parsed.pathname.startsWith(`${newPath}/`));
    const from = oldBase && url.startsWith(oldBase) ? oldBase : `${parsed.origin}${mounted ? newPath : ''}`;
    if (!url.startsWith(from)) return { base: '', rest: url };
    return { base: newBase === undefined ? from : newBase.replace(/\/+$/, ''), rest: url.slice(from.length) };
  };
}
