/**
 * The `clientele` command: parses the arguments and hands each command to its module (`run.ts` for run
 * and promises, `cleanup.ts`, `mutants.ts`, `replay.ts`, `serve.ts`, `gate.ts` for init, baseline and
 * merge). Two error families meet here: conformance failures become exit 1 through the report;
 * ClienteleErrors (usage 2, unreachable 3, internal 4) become one line on stderr. A report is written in
 * every case, and no secret reaches it or the terminal. The runner (vitest), the adapters and the
 * targets load only when a run needs them, so `--help` stays instant.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { APIS, findApi } from '../apis/registry.js';
import { ClienteleError, EXIT, InternalError, UsageError, describeError } from '../engine/failures.js';
import { redactSecrets } from '../engine/redact.js';
import { VERSION, errorReport } from '../reports/build.js';
import { flatten } from '../reports/console.js';
import { writeReports } from '../reports/writer.js';
import type { SuiteRunner } from '../runner/run.js';
import { commandHelp, helpText, parseCli, secretsGiven, type CliOptions } from './args.js';
import { cleanupCommand } from './cleanup.js';
import { findConfig } from './config-file.js';
import { baselineCommand, initCommand, mergeCommand } from './gate.js';
import { Interrupts, SIGNAL_EXIT, type StopSignal } from './interrupts.js';
import { consoleIo, type Io } from './io.js';
import { INTERRUPT_CLEANUP_MS, publish, runCommand } from './run.js';

/** When the arguments do not parse, the report still goes where the user asked for it. */
/** Commands that write no report, so their errors leave none. */
const NO_REPORT: readonly string[] = ['init', 'serve', 'cleanup', 'baseline', 'help', 'version'];

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
  /** The suite runners open: the caller's, or the ones opened here (one per run side by side). */
  const opened: SuiteRunner[] = runner ? [runner] : [];
  const interrupts = new Interrupts((signal) => {
    io.err(
      `clientele: ${signal}: stopping; cleaning up what the run created (at most ${INTERRUPT_CLEANUP_MS / 1000} s; press it again to exit at once)`,
    );
    for (const open of opened) void open.cancel();
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
    // Runs against embedded targets go two at a time on two cores, each on a runner (a vitest worker) of
    // its own, which serves the run's target on its own thread: a run keeps one core busy.
    // The caller's runner carries one run at a time.
    const runnerCount = runner ? 1 : Math.min(2, availableParallelism());
    const runners = new Map<number, Promise<SuiteRunner>>(runner ? [[0, Promise.resolve(runner)]] : []);
    // One opens at a time: opening vitest stands in for process.once while it starts.
    let opening: Promise<unknown> = Promise.resolve();
    const suites = (runnerIndex: number): Promise<SuiteRunner> => {
      let open = runners.get(runnerIndex);
      if (open === undefined) {
        open = opening.then(async () => {
          const started = await (await import('../runner/run.js')).SuiteRunner.open();
          opened.push(started);
          return started;
        });
        // A runner that did not open is tried again by that runner's next run.
        opening = open.catch(() => void runners.delete(runnerIndex));
        runners.set(runnerIndex, open);
      }
      return open;
    };
    return await runCommand(options, argv, env, io, interrupts, suites, (secrets) => (planSecrets = secrets), runnerCount);
  } catch (error) {
    const known = error instanceof ClienteleError ? error : new InternalError(`internal error: ${describeError(error)}`);
    // The tokens a config file's variables hold count too, once the plans knew them.
    const secrets = [...(options ? secretsGiven(options) : secretsFrom(argv, env)), ...planSecrets];
    io.err(redactSecrets(`clientele: ${flatten(redactSecrets(known.message, secrets))}`, secrets));
    if (env.CLIENTELE_DEBUG && error instanceof Error) io.err(redactSecrets(error.stack ?? '', secrets));
    // Even a run that never started leaves a report saying why; a command that writes no report
    // (init, serve, cleanup, baseline) leaves none in the user's directory either.
    const command = options?.command ?? argv.find((arg) => !arg.startsWith('-'));
    if (command !== undefined && NO_REPORT.includes(command)) return known.exitCode;
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
    await Promise.all(opened.filter((open) => open !== runner).map((open) => open.close()));
  }
}
