/**
 * The `clientele` command. Two error families meet here: conformance failures become exit 1 through
 * the report; ClienteleErrors (usage 2, unreachable 3, internal 4) become one line on stderr. A report
 * is written in every case, and no secret reaches it or the terminal.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { RunConfig } from '../engine/config.js';
import { adapterEntry, preflightApi } from '../adapters/index.js';
import { ClienteleError, EXIT, InternalError, UsageError, describeError } from '../engine/failures.js';
import { secretsOf } from '../engine/redact.js';
import { renderSummary } from '../reports/console.js';
import type { RunReport } from '../reports/model.js';
import { writeReports } from '../reports/writer.js';
import { VERSION, errorReport, runSuites } from '../runner/run.js';
import { EMBEDDED } from '../targets/index.js';
import type { RunningTarget, TargetCredentials } from '../targets/types.js';
import { HELP, parseCli, type CliOptions } from './args.js';
import { runMutants } from './mutants.js';
import { checkReachable } from './reachable.js';

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

const consoleIo: Io = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

export function embeddedApi(name: string | undefined) {
  if (name === undefined) return undefined;
  const api = EMBEDDED[name];
  if (!api) throw new UsageError(`unknown --api '${name}' (known: ${Object.keys(EMBEDDED).join(', ')})`);
  return api;
}

export function makeConfig(options: CliOptions, api: string, target: string, credentials: TargetCredentials, replayPrefix: string): RunConfig {
  return {
    api,
    target,
    token: credentials.token,
    staffToken: credentials.staffToken,
    accountId: credentials.accountId,
    seed: options.seed,
    runs: options.runs,
    readOnly: options.readOnly,
    families: options.families,
    runTag: randomBytes(4).toString('hex'),
    timeoutMs: options.timeoutMs,
    maxBodyBytes: options.maxBodyBytes,
    replayPrefix: `${replayPrefix}${options.runsGiven ? ` --runs ${options.runs}` : ''}`,
  };
}

/** Starts the embedded reference (or a mutant) of an API with fresh credentials, a staff token where it has staff. */
export async function startEmbedded(api: string, mutantId: string | undefined): Promise<{ target: RunningTarget; credentials: TargetCredentials }> {
  const embedded = embeddedApi(api)!;
  const fresh = () => randomBytes(16).toString('hex');
  const credentials: TargetCredentials = { token: fresh(), accountId: embedded.accountId, staffToken: embedded.staff ? fresh() : undefined };
  return { target: await embedded.start(credentials, mutantId), credentials };
}

/** Runs one API against one target: an external URL, or an embedded reference/mutant started here. */
async function runOne(options: CliOptions, api: string, io: Io): Promise<RunReport> {
  const started = new Date();
  let target: RunningTarget | undefined;
  let config: RunConfig;
  let label: string;
  if (options.target) {
    if (!options.token) throw new UsageError('--target needs a token: --token T or CLIENTELE_TOKEN');
    const accountId = options.accountId ?? '';
    if (adapterEntry(api).needsAccountId && !accountId) throw new UsageError(`--target needs --account-id for --api ${api}`);
    label = options.target;
    const flags = [accountId && ` --account-id ${accountId}`, ' --token "$CLIENTELE_TOKEN"', options.staffToken && ' --staff-token "$CLIENTELE_STAFF_TOKEN"'].filter(Boolean).join('');
    config = makeConfig(options, api, options.target, { token: options.token, accountId, staffToken: options.staffToken },
      `npx clientele run --api ${api} --target ${options.target}${flags}`);
  } else {
    const embedded = embeddedApi(api)!;
    if (options.mutant && !embedded.mutants.some((m) => m.id === options.mutant)) {
      throw new UsageError(`unknown --mutant '${options.mutant}' for ${api} (see clientele mutants --api ${api})`);
    }
    const embeddedRun = await startEmbedded(api, options.mutant);
    target = embeddedRun.target;
    label = options.mutant ? `embedded ${api} mutant ${options.mutant}` : `embedded ${api} reference`;
    config = makeConfig(options, api, target.url, embeddedRun.credentials,
      `npx clientele run --api ${api}${options.mutant ? ` --mutant ${options.mutant}` : ''}`);
  }
  try {
    await preflightApi(api);
    await checkReachable(config.target, Math.min(config.timeoutMs, 5_000));
    const report = await runSuites(config, { targetLabel: label });
    if (report.outcome === 'target-unreachable' || report.outcome === 'internal-error') io.err(`clientele: ${report.error}`);
    return report;
  } catch (error) {
    if (!(error instanceof ClienteleError)) throw error;
    io.err(`clientele: ${error.message}`);
    return errorReport(config, { targetLabel: label }, started, error);
  } finally {
    await target?.close();
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

function tokenFrom(argv: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  const at = argv.indexOf('--token');
  return (at >= 0 ? argv[at + 1] : undefined) ?? env.CLIENTELE_TOKEN;
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, io: Io = consoleIo): Promise<number> {
  let options: CliOptions | undefined;
  try {
    options = parseCli(argv, env);
    if (options.command === 'help') return io.out(HELP), EXIT.ok;
    if (options.command === 'version') return io.out(`clientele ${VERSION}`), EXIT.ok;
    const reportDir = resolve(options.reportDir);
    const secrets = secretsOf(options);
    if (options.command === 'mutants') return await runMutants(options, reportDir, io);
    if (options.target && !options.api) throw new UsageError('--target needs --api (which API does the target speak?)');
    const apis = options.api ? [options.api] : Object.keys(EMBEDDED);
    for (const api of apis) embeddedApi(api);
    let exitCode: number = EXIT.ok;
    for (const api of apis) {
      const report = await runOne(options, api, io);
      await publish(report, apis.length > 1 ? resolve(reportDir, api) : reportDir, secrets, io);
      exitCode = Math.max(exitCode, report.exitCode);
    }
    return exitCode;
  } catch (error) {
    const known = error instanceof ClienteleError ? error : new InternalError(`internal error: ${describeError(error)}`);
    io.err(`clientele: ${known.message}`);
    if (env.CLIENTELE_DEBUG && error instanceof Error) io.err(error.stack ?? '');
    // Even a run that never started leaves a report saying why.
    const report = errorReport(
      { api: options?.api ?? 'unknown', seed: options?.seed ?? 0, runs: options?.runs ?? 0, readOnly: options?.readOnly ?? false },
      { targetLabel: options?.target ?? 'none' },
      new Date(),
      known,
    );
    const dir = options?.reportDir ?? reportDirFrom(argv);
    const secrets = secretsOf({ token: options?.token ?? tokenFrom(argv, env), staffToken: options?.staffToken ?? env.CLIENTELE_STAFF_TOKEN });
    await writeReports(resolve(dir), report, secrets).catch(() => undefined);
    return known.exitCode;
  }
}
