/**
 * `clientele run` and `clientele promises`: one RunPlan per target (a config file's targets merged with
 * the command line, or the target the command line names, or every API's embedded reference), each
 * run through the SuiteRunner, its report written and summarised, and one verdict over all of them.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ApiDescriptor } from '../apis/descriptor.js';
import { APIS, findApi } from '../apis/registry.js';
import { secretsOf, targetLabel, type RunConfig, type RunRequest, type RunTarget, type TargetAddress } from '../engine/config.js';
import { ClienteleError, EXIT, UsageError, describeError } from '../engine/failures.js';
import { settleJournal, startJournal, type JournalHeader } from '../engine/journal.js';
import { redactSecrets } from '../engine/redact.js';
import { oneOrMany, plural } from '../engine/words.js';
import { applyBaseline, loadBaseline, type Baseline } from '../reports/baseline.js';
import { buildReport, errorReport } from '../reports/build.js';
import { COLOURS, PLAIN, flatten, renderSummary, renderVerdict, type Paint } from '../reports/console.js';
import type { RunReport } from '../reports/model.js';
import { renderPromises } from '../reports/promises.js';
import { writeReports } from '../reports/writer.js';
import type { RunListener } from '../runner/events.js';
import type { SuiteRunner } from '../runner/run.js';
import { splitChecks } from '../runner/shard.js';
import { mergeGiven, readArgs, resolveOptions, secretsGiven, type CliOptions } from './args.js';
import { cleanupJournal } from './cleanup.js';
import { configSecrets, fileValues, findConfig, loadConfig, targetName, targetValues } from './config-file.js';
import { recordedDurations } from './gate.js';
import type { Io } from './io.js';
import { InTurnIo } from './in-turn.js';
import { SIGNAL_EXIT, type Interrupts } from './interrupts.js';
import { preflight } from './preflight.js';
import { ProgressView, colourWanted, progressMode } from './progress.js';
import { checkReachable } from './reachable.js';
import { concurrencyAt, embeddedRequest, externalConfig } from './run-config.js';

/** How long an interrupted run may spend deleting what it created before it writes its report and exits. */
export const INTERRUPT_CLEANUP_MS = 30_000;

/** Runs one API against one target: an external URL, or an embedded reference/mutant started here. */
async function runOne(
  runner: () => Promise<SuiteRunner>,
  options: CliOptions,
  api: ApiDescriptor,
  reportDir: string,
  interrupts: Interrupts,
  io: Io,
  listener?: RunListener,
): Promise<RunReport> {
  const started = new Date();
  const external = externalAddress(options);
  // An external target keeps what the run creates after the process is gone: journal it until cleaned up.
  const externalRun: RunConfig | undefined = external && {
    ...externalConfig(options, api, external),
    journal: resolve(reportDir, `journal.${api.id}.jsonl`),
  };
  const journal = externalRun?.journal;
  // An embedded target is started by the worker that runs the checks, on their thread.
  let config: RunRequest = externalRun ?? (await embeddedRequest(options, api, options.mutant));
  if (config.readOnly && !options.readOnly)
    io.err(
      `clientele: ${options.target} is not on this machine: the run is read-only (pass --allow-writes to let it create, change and delete clients there)`,
    );
  const label = external
    ? targetLabel(external)
    : options.mutant
      ? `embedded ${api.id} mutant ${options.mutant}`
      : `embedded ${api.id} reference`;
  try {
    const spec = await api.specView();
    if (config.target.kind === 'url' && !interrupts.signal) await checkReachable(config.target.url, Math.min(config.timeoutMs, 5_000));
    if (externalRun?.journal) {
      await mkdir(reportDir, { recursive: true });
      const secrets = secretsOf(externalRun);
      startJournal(externalRun.journal, journalHeader(externalRun, label), (text) => redactSecrets(text, secrets));
    }
    // A server the user named must first show it is the API as configured: else one diagnosis, exit 2.
    if (externalRun && external?.kind === 'url' && options.preflight && !interrupts.signal) {
      const seen = await preflight(externalRun, api, () => interrupts.signal !== undefined);
      if (options.concurrency === undefined) config = { ...config, concurrency: concurrencyAt(seen, options.shard !== undefined) };
    }
    const where: RunTarget = external ?? {
      kind: 'embedded',
      ...(options.mutant ? { mutant: options.mutant } : {}),
      ...(options.stdio ? { stdio: true } : {}),
    };
    const meta = { targetLabel: label, where, promises: spec.basis.promises(), ...(spec.surface ? { surface: spec.surface } : {}) };
    const shard = options.shard && (await shardOf(await runner(), config, options));
    if (shard) config = shard.config;
    // A signal before the suites start (opening them takes a second) leaves nothing to run: no request goes.
    const suites = shard && shard.config.families.length === 0 ? undefined : await runner();
    const ran = suites !== undefined && !interrupts.signal;
    let report = ran ? await suites.run(config, meta, undefined, listener) : buildReport(config, meta, new Date(), []);
    if (shard) report = { ...report, shard: shard.info };
    if (interrupts.signal) report = await interrupted(report, externalRun, interrupts, ran);
    // The error may quote the target (an SDK message holds the body it got): one line, escapes shown, secrets out.
    const safe = (text: string) => redactSecrets(flatten(redactSecrets(text, secretsOf(config))), secretsOf(config));
    if (report.outcome === 'target-unreachable' || report.outcome === 'target-unusable' || report.outcome === 'internal-error')
      io.err(`clientele: ${safe(report.error ?? report.outcome)}`);
    const left = settleJournal(journal);
    if (left.length)
      io.out(
        `${plural(left.length, 'client')} this run created ${oneOrMany(left.length, 'is', 'are')} still on the target; ` +
          `delete them with: npx clientele cleanup --journal ${journal}`,
      );
    return report;
  } catch (error) {
    if (!(error instanceof ClienteleError)) throw error;
    io.err(`clientele: ${redactSecrets(flatten(error.message), secretsOf(config))}`);
    settleJournal(journal);
    return errorReport(config, { targetLabel: label }, started, error);
  }
}

/** This shard's part of the run (`--shard I/N`): only its checks, and only the families they are in. */
async function shardOf(
  runner: SuiteRunner,
  config: RunRequest,
  options: CliOptions,
): Promise<{ config: RunRequest; info: NonNullable<RunReport['shard']> }> {
  const { index, count } = options.shard!;
  const listed = await runner.listChecks(config);
  const durations = options.durations ? recordedDurations(options.durations, config.api) : undefined;
  const timed = durations !== undefined && listed.some((check) => durations.has(check.id));
  const part = new Set(
    splitChecks(
      listed.map((check) => check.id),
      count,
      timed ? durations : undefined,
    )[index - 1],
  );
  const families = config.families.filter((family) => listed.some((check) => check.family === family && part.has(check.id)));
  return { config: { ...config, checks: [...part], families }, info: { index, count, balancedBy: timed ? 'durations' : 'count' } };
}

/** The server the user named: a URL, or a command started over stdio; undefined for the embedded targets. */
function externalAddress(options: CliOptions): TargetAddress | undefined {
  if (options.target) return { kind: 'url', url: options.target };
  if (options.serverCommand) return { kind: 'command', command: options.serverCommand };
  return undefined;
}

function journalHeader(config: RunConfig, target: string): JournalHeader {
  const settings = Object.fromEntries(config.credentials.filter((c) => !c.secret).map((c) => [c.key, c.value]));
  const address = config.target;
  return { journal: 1, api: config.api, target, address, runTag: config.runTag, settings, startedAt: new Date().toISOString() };
}

/**
 * An interrupted run: the suites already deleted what they could while stopping; what the journal
 * still lists gets the rest of the cleanup time, counted from the signal. The report says so (with no
 * check at all when the signal came before the suites started).
 */
async function interrupted(report: RunReport, external: RunConfig | undefined, interrupts: Interrupts, ran: boolean): Promise<RunReport> {
  const signal = interrupts.signal!;
  const left = interrupts.signalledAt + INTERRUPT_CLEANUP_MS - Date.now();
  // Stopped before the suites started: nothing was sent, so nothing is to be cleaned up. An embedded
  // target keeps no journal: what the run made there goes with it.
  if (ran && external?.journal && left > 1_000) await cleanupJournal(external, external.journal, left).catch(() => undefined);
  return { ...report, outcome: 'interrupted', exitCode: SIGNAL_EXIT[signal], error: `interrupted by ${signal}` };
}

/**
 * Writes a report and prints its summary. A run that checked nothing because of an error (an
 * unreachable target) already printed its one error line: no table of zeros follows it.
 */
export async function publish(
  report: RunReport,
  dir: string,
  secrets: readonly string[],
  io: Io,
  paint: Paint = PLAIN,
  quiet = false,
): Promise<void> {
  const ranNothing = report.checks.length === 0 && report.error !== undefined;
  if (!ranNothing && !quiet)
    io.out(renderSummary(report, { secrets, paint, ...(io.progress?.isTTY && io.progress.columns ? { width: io.progress.columns } : {}) }));
  try {
    const written = await writeReports(dir, report, secrets);
    if (!ranNothing && !quiet) io.out(`reports: ${written.map((f) => f.replace(`${process.cwd()}/`, '')).join(', ')}`);
  } catch (error) {
    io.err(`clientele: reports could not be written to ${dir}: ${describeError(error)}`);
  }
}

/** One run of the invocation: the options it runs with, its API, where its reports go, and the secrets it knows. */
interface RunPlan {
  readonly options: CliOptions;
  readonly api: ApiDescriptor;
  readonly dir: string;
  readonly secrets: readonly string[];
}

/**
 * What `run` runs: every target of the config file (command-line options after the file's, so they
 * win), or the target the command line names, or every API's embedded target.
 */
function runPlans(options: CliOptions, argv: readonly string[], env: NodeJS.ProcessEnv): RunPlan[] {
  const file = findConfig(options.config);
  const config = file === undefined ? undefined : loadConfig(file);
  const named = options.target !== undefined || options.serverCommand !== undefined;
  // The command line's values, merged over the file's as objects: the command line wins, one resolver checks both.
  const given = readArgs(argv);
  if (!config || named) {
    const merged = config ? resolveOptions(mergeGiven(fileValues(config), given), env) : options;
    const apis = merged.api ? [findApi(merged.api)] : APIS;
    const reportDir = resolve(merged.reportDir);
    return apis.map((api) => ({
      options: merged,
      api,
      dir: apis.length > 1 ? resolve(reportDir, api.id) : reportDir,
      secrets: secretsGiven(merged),
    }));
  }
  const wanted = options.api ? findApi(options.api).id : undefined;
  const indexes = config.targets.map((_, i) => i).filter((i) => wanted === undefined || findApi(config.targets[i]!.api).id === wanted);
  if (indexes.length === 0) throw new UsageError(`${config.file} has no target of --api ${wanted}`);
  const shared = configSecrets(config, env);
  return indexes.map((i) => {
    const target = targetValues(config, i, env);
    const planned = resolveOptions(mergeGiven(target.given, given), target.env);
    const reportDir = resolve(planned.reportDir);
    const dir = indexes.length > 1 ? resolve(reportDir, targetName(config.targets, i)) : reportDir;
    return { options: planned, api: findApi(planned.api!), dir, secrets: [...shared, ...secretsGiven(planned)] };
  });
}

/** Where progress goes when the caller gave no stream for it (tests): nowhere. */
const nowhere = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;

/**
 * Runs every plan of the invocation: one after the other, or, when every target is embedded (nothing
 * the user runs is loaded twice over), side by side on `runnerCount` suite runners (`suites(i)`: a vitest
 * worker each, which starts its runs' targets on its own thread), their output printed in turn as if they had run
 * one after the other. `knownSecrets` learns the secrets the plans hold as soon as they are known, so an
 * error after that is redacted too; a signal starts no further plan and ends with its exit code.
 */
export async function runCommand(
  options: CliOptions,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: Io,
  interrupts: Interrupts,
  suites: (runnerIndex: number) => Promise<SuiteRunner>,
  knownSecrets: (secrets: readonly string[]) => void,
  runnerCount = 1,
): Promise<number> {
  const plans = runPlans(options, argv, env);
  const secrets = [...new Set(plans.flatMap((plan) => plan.secrets))];
  knownSecrets(secrets);
  const baselines = new Map<string, Baseline>();
  const baselineOf = (file: string) =>
    baselines.get(file) ??
    baselines
      .set(
        file,
        loadBaseline(file, (name) => findApi(name).id),
      )
      .get(file)!;
  for (const plan of plans) if (plan.options.baseline) baselineOf(plan.options.baseline);
  const isTTY = io.progress?.isTTY === true;
  const paint = colourWanted({ isTTY, env }) ? COLOURS : PLAIN;
  // `promises` prints the matrix and nothing else: no progress, no summary.
  const matrixOnly = options.command === 'promises';
  const runPlan = async (plan: RunPlan, out: Io, runnerIndex: number): Promise<RunReport> => {
    const progress = new ProgressView({
      mode: progressMode({ quiet: plan.options.quiet || matrixOnly, isTTY, env }),
      stream: out.progress ?? nowhere,
      secrets,
    });
    let report: RunReport;
    try {
      report = await runOne(() => suites(runnerIndex), plan.options, plan.api, plan.dir, interrupts, out, progress.listener);
    } finally {
      progress.stop();
    }
    if (plan.options.baseline) report = applyBaseline(report, baselineOf(plan.options.baseline));
    await publish(report, plan.dir, secrets, out, paint, matrixOnly);
    if (matrixOnly) out.out(renderPromises(report));
    return report;
  };
  const sideBySide = runnerCount > 1 && plans.length > 1 && plans.every((plan) => externalAddress(plan.options) === undefined);
  const reports = sideBySide ? await onRunners(plans, Math.min(runnerCount, plans.length), io, interrupts, runPlan) : [];
  if (!sideBySide) {
    for (const plan of plans) {
      const report = await runPlan(plan, io, 0);
      reports.push(report);
      if (interrupts.signal) return report.exitCode;
    }
  } else if (interrupts.signal) {
    return (reports.find((report) => report.outcome === 'interrupted') ?? reports.at(-1))?.exitCode ?? EXIT.ok;
  }
  const exitCode = Math.max(EXIT.ok, ...reports.map((report) => report.exitCode));
  if (reports.length > 1 && !matrixOnly) io.out(renderVerdict(reports, exitCode, { secrets, paint }));
  return exitCode;
}

/**
 * The plans on `runnerCount` suite runners, each taking the next plan in order when its run is done; each plan's
 * output held until the plans before it are done (InTurnIo). A signal starts no further plan. The
 * reports of the plans that ran, in plan order.
 */
async function onRunners(
  plans: readonly RunPlan[],
  runnerCount: number,
  io: Io,
  interrupts: Interrupts,
  runPlan: (plan: RunPlan, out: Io, runnerIndex: number) => Promise<RunReport>,
): Promise<RunReport[]> {
  const outs = plans.map((_, i) => (i === 0 ? undefined : new InTurnIo(io)));
  const settled = plans.map(() => settlement<RunReport | undefined>());
  const reports: (RunReport | undefined)[] = [];
  let next = 0;
  const drive = async (n: number) => {
    while (next < plans.length) {
      const i = next++;
      // Stopped: the plans not yet started never start (as one after the other, the loop would end).
      if (interrupts.signal) {
        settled[i]!.settle(undefined);
        continue;
      }
      try {
        reports[i] = await runPlan(plans[i]!, outs[i] ?? io, n);
        settled[i]!.settle(reports[i]);
      } catch (error) {
        settled[i]!.fail(error);
        throw error;
      }
    }
  };
  const inTurn = (async () => {
    for (let i = 0; i < plans.length; i++) {
      await settled[i]!.done;
      outs[i + 1]?.release();
    }
  })();
  await Promise.all([...Array.from({ length: runnerCount }, (_, n) => drive(n)), inTurn]);
  return reports.filter((report): report is RunReport => report !== undefined);
}

/** A promise settled from outside; a failure is its runner's to report, never an unhandled rejection. */
function settlement<T>(): { done: Promise<T>; settle(value: T): void; fail(error: unknown): void } {
  let settle!: (value: T) => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<T>((resolve, reject) => ((settle = resolve), (fail = reject)));
  done.catch(() => undefined);
  return { done, settle, fail };
}
