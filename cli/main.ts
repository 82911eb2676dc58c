/**
 * The `clientele` command. Two error families meet here: conformance failures become exit 1 through
 * the report; ClienteleErrors (usage 2, unreachable 3, internal 4) become one line on stderr. A report
 * is written in every case, and no secret reaches it or the terminal. The runner (vitest), the
 * adapters and the targets load only when a run needs them, so `--help` stays instant.
 */
import { resolve } from 'node:path';
import { APIS, findApi } from '../apis/registry.js';
import { ClienteleError, EXIT, InternalError, UsageError, describeError } from '../engine/failures.js';
import { redactSecrets } from '../engine/redact.js';
import { VERSION, errorReport } from '../reports/build.js';
import { renderSummary } from '../reports/console.js';
import { renderPromises } from '../reports/promises.js';
import type { RunReport } from '../reports/model.js';
import { writeReports } from '../reports/writer.js';
import type { SuiteRunner } from '../runner/run.js';
import { helpText, parseCli, secretsGiven, type CliOptions } from './args.js';
import { consoleIo, type Io } from './io.js';
import { checkReachable } from './reachable.js';
import { embeddedRun, externalConfig } from './targets.js';

/** Runs one API against one target: an external URL, or an embedded reference/mutant started here. */
async function runOne(runner: () => Promise<SuiteRunner>, options: CliOptions, apiId: string, io: Io): Promise<RunReport> {
  const api = findApi(apiId);
  const started = new Date();
  const embedded = options.target ? undefined : await embeddedRun(options, api, options.mutant);
  const config = embedded?.config ?? externalConfig(options, api, options.target!);
  const label = options.target ?? (options.mutant ? `embedded ${api.id} mutant ${options.mutant}` : `embedded ${api.id} reference`);
  try {
    const spec = await api.specView();
    if (config.target.kind === 'url') await checkReachable(config.target.url, Math.min(config.timeoutMs, 5_000));
    const report = await (await runner()).run(config, { targetLabel: label, promises: spec.basis.promises() });
    if (report.outcome === 'target-unreachable' || report.outcome === 'internal-error') io.err(`clientele: ${report.error}`);
    return report;
  } catch (error) {
    if (!(error instanceof ClienteleError)) throw error;
    io.err(`clientele: ${error.message}`);
    return errorReport(config, { targetLabel: label }, started, error);
  } finally {
    await embedded?.target.close();
  }
}

/** Writes a report and prints its summary; the report of a run that never started says why. */
async function publish(report: RunReport, dir: string, secrets: readonly string[], io: Io): Promise<void> {
  io.out(renderSummary(report, secrets));
  try {
    const written = await writeReports(dir, report, secrets);
    io.out(`reports: ${written.map((f) => f.replace(`${process.cwd()}/`, '')).join(', ')}`);
  } catch (error) {
    io.err(`clientele: reports could not be written to ${dir}: ${describeError(error)}`);
  }
}

/** When the arguments do not parse, the report still goes where the user asked for it. */
function reportDirFrom(argv: readonly string[]): string {
  const at = argv.findIndex((a) => a === '--report-dir' || a.startsWith('--report-dir='));
  if (at < 0) return 'reports/latest';
  return argv[at]!.includes('=') ? argv[at]!.slice('--report-dir='.length) : argv[at + 1] ?? 'reports/latest';
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

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, io: Io = consoleIo): Promise<number> {
  let options: CliOptions | undefined;
  let suiteRunner: SuiteRunner | undefined;
  try {
    options = parseCli(argv, env);
    if (options.command === 'help') return io.out(helpText()), EXIT.ok;
    if (options.command === 'version') return io.out(`clientele ${VERSION}`), EXIT.ok;
    const apis = options.api ? [findApi(options.api).id] : APIS.map((api) => api.id);
    const reportDir = resolve(options.reportDir);
    if (options.command === 'mutants') {
      const { runMutants } = await import('./mutants.js');
      return await runMutants(options, apis, reportDir, io);
    }
    if (options.target && !options.api) throw new UsageError('--target needs --api (which API does the target speak?)');
    const runner = async () => (suiteRunner ??= await (await import('../runner/run.js')).SuiteRunner.open());
    const secrets = secretsGiven(options);
    let exitCode: number = EXIT.ok;
    for (const api of apis) {
      const report = await runOne(runner, options, api, io);
      await publish(report, apis.length > 1 ? resolve(reportDir, api) : reportDir, secrets, io);
      if (options.command === 'promises') io.out(renderPromises(report));
      exitCode = Math.max(exitCode, report.exitCode);
    }
    return exitCode;
  } catch (error) {
    const known = error instanceof ClienteleError ? error : new InternalError(`internal error: ${describeError(error)}`);
    const secrets = options ? secretsGiven(options) : secretsFrom(argv, env);
    io.err(redactSecrets(`clientele: ${known.message}`, secrets));
    if (env.CLIENTELE_DEBUG && error instanceof Error) io.err(redactSecrets(error.stack ?? '', secrets));
    // Even a run that never started leaves a report saying why.
    const report = errorReport(
      { api: options?.api ?? 'unknown', seed: options?.seed ?? 0, runs: options?.runs ?? 0, readOnly: options?.readOnly ?? false, strict: options?.strict ?? false },
      { targetLabel: options?.target ?? 'none' },
      new Date(),
      known,
    );
    await writeReports(resolve(options?.reportDir ?? reportDirFrom(argv)), report, secrets).catch(() => undefined);
    return known.exitCode;
  } finally {
    await suiteRunner?.close();
  }
}
