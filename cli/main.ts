/**
 * The `clientele` command. Two error families meet here: conformance failures become exit 1 through
 * the report; ClienteleErrors (usage 2, unreachable 3, internal 4) become one line on stderr. A report
 * is written in every case, and no secret reaches it or the terminal. The runner (vitest), the
 * adapters and the targets load only when a run needs them, so `--help` stays instant.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ClientApi } from '../port/port.js';
import { secretsOf, targetLabel, type RunConfig, type RunTarget, type TargetAddress } from '../engine/config.js';
import { oneOrMany, plural } from '../engine/words.js';
import { EVERY_SCOPE } from '../model/client.js';
import { readJournal, settleJournal, startJournal, type JournalHeader } from '../engine/journal.js';
import { APIS, findApi } from '../apis/registry.js';
import { ClienteleError, EXIT, InternalError, UsageError, describeError } from '../engine/failures.js';
import { redactSecrets } from '../engine/redact.js';
import { VERSION, errorReport } from '../reports/build.js';
import { COLOURS, PLAIN, flatten, renderSummary, renderVerdict, type Paint } from '../reports/console.js';
import { renderPromises } from '../reports/promises.js';
import type { RunReport } from '../reports/model.js';
import { writeReports } from '../reports/writer.js';
import type { SuiteRunner } from '../runner/run.js';
import { commandHelp, helpText, mergeGiven, parseCli, readArgs, resolveOptions, secretsGiven, type CliOptions } from './args.js';
import { configSecrets, fileValues, findConfig, loadConfig, targetName, targetValues } from './config-file.js';
import { baselineCommand, initCommand, mergeCommand, recordedDurations } from './gate.js';
import { applyBaseline, loadBaseline, type Baseline } from '../reports/baseline.js';
import { buildReport } from '../reports/build.js';
import { splitChecks } from '../runner/shard.js';
import type { RunListener } from '../runner/events.js';
import { ProgressView, colourWanted, progressMode } from './progress.js';
import { consoleIo, type Io } from './io.js';
import { checkReachable } from './reachable.js';
import { Interrupts, SIGNAL_EXIT, type StopSignal } from './interrupts.js';
import { preflight } from './preflight.js';
import { embeddedRun, externalConfig } from './run-config.js';

/** How long an interrupted run may spend deleting what it created before it writes its report and exits. */
const INTERRUPT_CLEANUP_MS = 30_000;

/** Runs one API against one target: an external URL, or an embedded reference/mutant started here. */
async function runOne(
  runner: () => Promise<SuiteRunner>,
  options: CliOptions,
  apiId: string,
  reportDir: string,
  interrupts: Interrupts,
  io: Io,
  listener?: RunListener,
): Promise<RunReport> {
  const api = findApi(apiId);
  const started = new Date();
  const external = externalAddress(options);
  const embedded = external ? undefined : await embeddedRun(options, api, options.mutant);
  // An external target keeps what the run creates after the process is gone: journal it until cleaned up.
  const journal = embedded ? undefined : resolve(reportDir, `journal.${api.id}.jsonl`);
  let config = embedded?.config ?? { ...externalConfig(options, api, external!), journal };
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
    if (journal) {
      await mkdir(reportDir, { recursive: true });
      const secrets = config.credentials.filter((c) => c.secret && c.value).map((c) => c.value);
      startJournal(journal, journalHeader(config, label), (text) => redactSecrets(text, secrets));
    }
    // A server the user named must first show it is the API as configured: else one diagnosis, exit 2.
    if (external?.kind === 'url' && options.preflight && !interrupts.signal)
      await preflight(config, api, () => interrupts.signal !== undefined);
    const where: RunTarget = external ?? {
      kind: 'embedded',
      ...(options.mutant ? { mutant: options.mutant } : {}),
      ...(options.stdio ? { stdio: true } : {}),
    };
    const meta = { targetLabel: label, where, promises: spec.basis.promises() };
    const shard = options.shard && (await shardOf(await runner(), config, options));
    if (shard) config = shard.config;
    // A signal before the suites start (opening them takes a second) leaves nothing to run: no request goes.
    const suites = shard && shard.config.families.length === 0 ? undefined : await runner();
    const ran = suites !== undefined && !interrupts.signal;
    let report = ran ? await suites.run(config, meta, undefined, listener) : buildReport(config, meta, new Date(), []);
    if (shard) report = { ...report, shard: shard.info };
    if (interrupts.signal) report = await interrupted(report, config, interrupts, ran);
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
  } finally {
    await embedded?.target.close();
  }
}

/** This shard's part of the run (`--shard I/N`): only its checks, and only the families they are in. */
async function shardOf(
  runner: SuiteRunner,
  config: RunConfig,
  options: CliOptions,
): Promise<{ config: RunConfig; info: NonNullable<RunReport['shard']> }> {
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

/** A journal's server: the address it keeps, or, in one written before it kept one, its label read back. */
function journalAddress(header: JournalHeader): TargetAddress {
  if (header.address) return header.address;
  const command = 'command: ';
  return header.target.startsWith(command)
    ? { kind: 'command', command: header.target.slice(command.length) }
    : { kind: 'url', url: header.target };
}

/**
 * An interrupted run: the suites already deleted what they could while stopping; what the journal
 * still lists gets the rest of the cleanup time, counted from the signal. The report says so (with no
 * check at all when the signal came before the suites started).
 */
async function interrupted(report: RunReport, config: RunConfig, interrupts: Interrupts, ran: boolean): Promise<RunReport> {
  const signal = interrupts.signal!;
  const left = interrupts.signalledAt + INTERRUPT_CLEANUP_MS - Date.now();
  // Stopped before the suites started: nothing was sent, so nothing is to be cleaned up.
  if (ran && config.journal && left > 1_000) await cleanupJournal(config, config.journal, left).catch(() => undefined);
  return { ...report, outcome: 'interrupted', exitCode: SIGNAL_EXIT[signal], error: `interrupted by ${signal}` };
}

/** Deletes a journal's outstanding ids through the API's own adapter, within `withinMs`. */
async function cleanupJournal(config: RunConfig, journal: string, withinMs: number): Promise<string[]> {
  const { outstanding } = readJournal(journal);
  const { openClientApi } = await import('../apis/open.js');
  const { RunContext } = await import('../engine/run-context.js');
  const cleanupConfig = { ...config, journal, deadline: Date.now() + withinMs };
  const context = new RunContext(cleanupConfig);
  const api = await openClientApi(context, cleanupConfig);
  api.adopt(outstanding);
  // A kill between the target's answer and the journal's line leaves a client the journal never saw:
  // the run's tag finds it.
  await runClients(api).then(
    (ids) => api.adopt(ids),
    () => undefined,
  );
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([api.cleanup(), new Promise((resolve) => (timer = setTimeout(resolve, withinMs)))]);
  } finally {
    clearTimeout(timer);
    await api.close().catch(() => undefined);
    await context.close();
  }
  return readJournal(journal).outstanding;
}

/** The run's clients still listed by its tag (active ones, where the API keeps deleted clients). */
async function runClients(api: ClientApi): Promise<string[]> {
  const visibility = api.capabilities.deletion.kind === 'soft' ? ('active' as const) : undefined;
  const perPage = api.capabilities.paging.maxPerPage.value;
  const ids: string[] = [];
  for (let page = 1; page <= 50; page++) {
    const listed = await api.list({ scope: EVERY_SCOPE, filters: [], visibility, page, perPage });
    ids.push(...listed.items.map((item) => item.id));
    if (page >= listed.pages || listed.items.length === 0) break;
  }
  return ids;
}

/** `clientele cleanup --journal FILE`: finishes the cleanup of a run that was killed or lost its target. */
async function cleanupCommand(options: CliOptions, io: Io): Promise<number> {
  const path = resolve(options.journal!);
  let header: JournalHeader;
  try {
    header = readJournal(path).header;
  } catch (error) {
    throw new UsageError(`--journal ${options.journal}: ${describeError(error)}`);
  }
  const api = findApi(header.api);
  const values = { ...header.settings, ...Object.fromEntries(Object.entries(options.credentials).filter(([, v]) => v)) };
  const config = externalConfig({ ...options, credentials: values, allowWrites: true }, api, journalAddress(header));
  const left = await cleanupJournal({ ...config, runTag: header.runTag }, path, options.maxDurationMs);
  if (left.length) {
    io.err(
      `clientele: ${plural(left.length, 'client')} could not be deleted (${left.slice(0, 5).join(', ')}${left.length > 5 ? ', ...' : ''}); the journal keeps them`,
    );
    return EXIT.failures;
  }
  settleJournal(path);
  io.out(`cleanup: every client the run created on ${header.target} is deleted; journal removed`);
  return EXIT.ok;
}

/**
 * Writes a report and prints its summary. A run that checked nothing because of an error (an
 * unreachable target) already printed its one error line: no table of zeros follows it.
 */
async function publish(
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

/** When the arguments do not parse, the report still goes where the user asked for it. */
function reportDirFrom(argv: readonly string[]): string {
  const at = argv.findIndex((a) => a === '--report-dir' || a.startsWith('--report-dir='));
  if (at < 0) return 'reports/latest';
  return argv[at]!.includes('=') ? argv[at]!.slice('--report-dir='.length) : (argv[at + 1] ?? 'reports/latest');
}

/** Every value that looks like a secret on a command line that did not parse: the value after any secret flag, and the secret variables. */
function secretsFrom(argv: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const secretOptions = APIS.flatMap((api) => api.credentials).filter((option) => option.secret);
  const fromFlags = secretOptions.flatMap((option) => {
    const at = argv.indexOf(`--${option.flag}`);
    const inline = argv.find((a) => a.startsWith(`--${option.flag}=`));
    return [at >= 0 ? argv[at + 1] : undefined, inline?.slice(option.flag.length + 3)];
  });
  const fromEnv = secretOptions.map((option) => (option.env ? env[option.env] : undefined));
  return [...fromFlags, ...fromEnv].filter((value): value is string => !!value);
}

/** One run of the invocation: the options it runs with, its API, where its reports go, and the secrets it knows. */
interface RunPlan {
  readonly options: CliOptions;
  readonly api: string;
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
    const apis = merged.api ? [findApi(merged.api).id] : APIS.map((api) => api.id);
    const reportDir = resolve(merged.reportDir);
    return apis.map((api) => ({
      options: merged,
      api,
      dir: apis.length > 1 ? resolve(reportDir, api) : reportDir,
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
    return { options: planned, api: findApi(planned.api!).id, dir, secrets: [...shared, ...secretsGiven(planned)] };
  });
}

/** Where progress goes when the caller gave no stream for it (tests): nowhere. */
const nowhere = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;

/**
 * The CLI. `held` is a signal that came while the code was loading (bin/clientele.js holds it): a run
 * then stops before its first request and still writes its report; any other command exits at once.
 * `runner`: a SuiteRunner the caller keeps open across invocations (tests that run the CLI many times
 * in one process); it is neither made nor closed here.
 */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  io: Io = consoleIo,
  held?: StopSignal,
  runner?: SuiteRunner,
): Promise<number> {
  let options: CliOptions | undefined;
  let planSecrets: readonly string[] = [];
  let suiteRunner: SuiteRunner | undefined = runner;
  const interrupts = new Interrupts((signal) => {
    io.err(
      `clientele: ${signal}: stopping; cleaning up what the run created (at most ${INTERRUPT_CLEANUP_MS / 1000} s; press it again to exit at once)`,
    );
    void suiteRunner?.cancel();
  });
  try {
    options = parseCli(argv, env);
    const running = options.command === 'run' || options.command === 'promises';
    if (held && !running) return SIGNAL_EXIT[held];
    // From here on a signal stops the run, whenever it comes: before the suites start too.
    if (running) interrupts.install();
    if (held && running) interrupts.receive(held);
    if (options.command === 'help') return (io.out(options.helpFor ? commandHelp(options.helpFor) : helpText()), EXIT.ok);
    if (options.command === 'version') return (io.out(`clientele ${VERSION}`), EXIT.ok);
    const apis = options.api ? [findApi(options.api).id] : APIS.map((api) => api.id);
    const reportDir = resolve(options.reportDir);
    if (options.command === 'mutants') {
      const { runMutants } = await import('./mutants.js');
      return await runMutants(options, apis, reportDir, io);
    }
    if (options.command === 'cleanup') return await cleanupCommand(options, io);
    if (options.command === 'init') return initCommand(options, io);
    if (options.command === 'baseline') return baselineCommand(options, io);
    if (options.command === 'merge') return await mergeCommand(options, io, (report, dir) => publish(report, dir, [], io));
    if (options.command === 'replay') {
      const { replayCommand } = await import('./replay.js');
      return await replayCommand(
        {
          report: options.paths[0]!,
          check: options.check,
          target: options.target,
          credentials: options.credentials,
          timeoutMs: options.timeoutMs,
          maxBodyBytes: options.maxBodyBytes,
          allowWrites: options.allowWrites,
          configured: { file: findConfig(options.config), argv, env },
        },
        io,
      );
    }
    if ((options.target || options.serverCommand) && !options.api)
      throw new UsageError(`${options.target ? '--target' : '--command'} needs --api (which API does the target speak?)`);
    if (options.command === 'serve') {
      const { serve } = await import('./serve.js');
      return await serve(options, findApi(options.api!), io);
    }
    const suites = async () => (suiteRunner ??= await (await import('../runner/run.js')).SuiteRunner.open());
    const plans = runPlans(options, argv, env);
    const secrets = [...new Set(plans.flatMap((plan) => plan.secrets))];
    planSecrets = secrets;
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
    let exitCode: number = EXIT.ok;
    const isTTY = io.progress?.isTTY === true;
    const paint = colourWanted({ isTTY, env }) ? COLOURS : PLAIN;
    // `promises` prints the matrix and nothing else: no progress, no summary.
    const matrixOnly = options.command === 'promises';
    const reports: RunReport[] = [];
    for (const plan of plans) {
      const progress = new ProgressView({
        mode: progressMode({ quiet: plan.options.quiet || matrixOnly, isTTY, env }),
        stream: io.progress ?? nowhere,
        secrets,
      });
      let report: RunReport;
      try {
        report = await runOne(suites, plan.options, plan.api, plan.dir, interrupts, io, progress.listener);
      } finally {
        progress.stop();
      }
      if (plan.options.baseline) report = applyBaseline(report, baselineOf(plan.options.baseline));
      await publish(report, plan.dir, secrets, io, paint, matrixOnly);
      if (matrixOnly) io.out(renderPromises(report));
      reports.push(report);
      if (interrupts.signal) return report.exitCode;
      exitCode = Math.max(exitCode, report.exitCode);
    }
    if (reports.length > 1 && !matrixOnly) io.out(renderVerdict(reports, exitCode, { secrets, paint }));
    return exitCode;
  } catch (error) {
    const known = error instanceof ClienteleError ? error : new InternalError(`internal error: ${describeError(error)}`);
    // The tokens a config file's variables hold count too, once the plans knew them.
    const secrets = [...(options ? secretsGiven(options) : secretsFrom(argv, env)), ...planSecrets];
    io.err(redactSecrets(`clientele: ${flatten(redactSecrets(known.message, secrets))}`, secrets));
    if (env.CLIENTELE_DEBUG && error instanceof Error) io.err(redactSecrets(error.stack ?? '', secrets));
    // Even a run that never started leaves a report saying why.
    const report = errorReport(
      {
        api: options?.api ?? 'unknown',
        seed: options?.seed ?? 0,
        runs: options?.runs ?? 0,
        readOnly: options?.readOnly ?? false,
        strict: options?.strict ?? false,
      },
      { targetLabel: options?.target ?? 'none' },
      new Date(),
      known,
    );
    await writeReports(resolve(options?.reportDir ?? reportDirFrom(argv)), report, secrets).catch(() => undefined);
    return known.exitCode;
  } finally {
    interrupts.uninstall();
    if (suiteRunner !== runner) await suiteRunner?.close();
  }
}
