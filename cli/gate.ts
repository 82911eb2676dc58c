/**
 * The commands a CI gate uses around `run`: `init` (a starter config), `baseline` (expected failures
 * from a report), `merge` (shard reports into one) and what they share: reading reports back.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { APIS, findApi } from '../apis/registry.js';
import { EXIT, UsageError, describeError } from '../engine/failures.js';
import { PROJECT_ROOT } from '../engine/root.js';
import { applyBaseline, baselineFrom, loadBaseline } from '../reports/baseline.js';
import { MergeProblem, mergeShards, runKey } from '../reports/merge.js';
import type { RunReport } from '../reports/model.js';
import type { CliOptions } from './args.js';
import { CONFIG_FILE } from './config-file.js';
import type { Io } from './io.js';

/** Far above any real report (a 4 KiB excerpt per step, 60 steps per failure), yet nothing is read unbounded. */
const MAX_REPORT_BYTES = 256 * 1024 * 1024;

/** A report.json written by clientele, or a usage error naming the file. */
export function readReport(path: string): RunReport {
  let text: string;
  try {
    if (statSync(path).size > MAX_REPORT_BYTES) throw new Error(`larger than ${MAX_REPORT_BYTES / 1024 / 1024} MiB`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the report ${path}: ${describeError(error)}`);
  }
  let report: Partial<RunReport> | null;
  try {
    report = JSON.parse(text) as Partial<RunReport> | null;
  } catch {
    throw new UsageError(`${path} is not a clientele report (not JSON)`);
  }
  if (
    !report ||
    typeof report !== 'object' ||
    report.tool?.name !== 'clientele' ||
    typeof report.api !== 'string' ||
    typeof report.target !== 'string' ||
    !Array.isArray(report.checks)
  ) {
    throw new UsageError(`${path} is not a clientele report (no tool, api, target and checks)`);
  }
  return report as RunReport;
}

/** The report.json files a path names: the file itself, or those in a directory and its subdirectories. */
function reportFiles(path: string): string[] {
  if (!existsSync(path)) throw new UsageError(`${path}: no such file or directory`);
  if (!statSync(path).isDirectory()) return [path];
  const own = join(path, 'report.json');
  if (existsSync(own)) return [own];
  const nested = readdirSync(path, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(path, entry.name, 'report.json'))
    .filter((file) => existsSync(file))
    .sort();
  if (nested.length === 0) throw new UsageError(`${path}: holds no report.json`);
  return nested;
}

/** Check durations (ms by check id) an earlier run of this API recorded, to balance shards. */
export function recordedDurations(path: string, api: string): Map<string, number> {
  const durations = new Map<string, number>();
  for (const file of reportFiles(path)) {
    const report = readReport(file);
    if (report.api !== api) continue;
    for (const check of report.checks)
      if (check.status !== 'skipped' && check.status !== 'blocked') durations.set(check.id, check.durationMs);
  }
  return durations;
}

/** Writes `text` to `out` unless a file is there already (then `--force`); `-` is stdout. */
function writeOnce(out: string, text: string, options: CliOptions, io: Io): void {
  if (out === '-') return io.out(text.trimEnd());
  if (existsSync(out) && !options.force) throw new UsageError(`${out} exists; pass --force to overwrite it`);
  writeFileSync(out, text, 'utf8');
}

/** `clientele baseline --from REPORT`: a baseline that accepts every failure of the report(s). */
export function baselineCommand(options: CliOptions, io: Io): number {
  const files = reportFiles(options.from!);
  const reports = files.map(readReport);
  const stopped = reports.find((report) => report.outcome !== 'passed' && report.outcome !== 'failed');
  if (stopped)
    throw new UsageError(
      `${options.from}: that run did not finish (${stopped.outcome}${stopped.error ? `: ${stopped.error}` : ''}); a baseline needs a finished run`,
    );
  const { text, count } = baselineFrom(reports, options.from!);
  const out = options.out ?? 'clientele.baseline.yaml';
  writeOnce(out, text, options, io);
  if (out !== '-')
    io.out(
      `baseline: ${out} expects ${count} failing check${count === 1 ? '' : 's'} (${reports.map((r) => r.api).join(', ')}); run with --baseline ${out}`,
    );
  return EXIT.ok;
}

/** `clientele merge DIR...`: one report per run from its shards' reports, in every format. */
export async function mergeCommand(
  options: CliOptions,
  io: Io,
  publish: (report: RunReport, dir: string) => Promise<void>,
): Promise<number> {
  const reports = options.paths.flatMap(reportFiles).map(readReport);
  const runs = new Map<string, RunReport[]>();
  for (const report of reports) runs.set(runKey(report), [...(runs.get(runKey(report)) ?? []), report]);
  const baseline = options.baseline ? loadBaseline(options.baseline, (name) => findApi(name).id) : undefined;
  const merged = [...runs.values()].map((shards) => {
    try {
      const report = mergeShards(shards);
      return baseline ? applyBaseline(report, baseline) : report;
    } catch (error) {
      if (error instanceof MergeProblem) throw new UsageError(`merge: ${error.message}`);
      throw error;
    }
  });
  const reportDir = resolve(options.reportDir);
  let exitCode: number = EXIT.ok;
  for (const report of merged) {
    const name = merged.filter((other) => other.api === report.api).length > 1 ? `${report.api}-${merged.indexOf(report) + 1}` : report.api;
    await publish(report, merged.length > 1 ? join(reportDir, name) : reportDir);
    exitCode = Math.max(exitCode, report.exitCode);
  }
  io.out(`merge: ${reports.length} shard reports into ${merged.length} report${merged.length === 1 ? '' : 's'}`);
  return exitCode;
}

/** Where the published config schema is: in clientele's own directory (a clone, or node_modules/clientele). */
export const CONFIG_SCHEMA = join(PROJECT_ROOT, 'generated', 'schemas', 'config.schema.json');

/** A commented starter config for one API; `schema`, the schema's path as the config's reader finds it. */
export function starterConfig(apiName: string, schema = 'generated/schemas/config.schema.json'): string {
  const api = findApi(apiName);
  const mcp = api.transport === 'mcp';
  const example = /\((https?:[^)\s]+)\)/.exec(api.targetHelp)?.[1] ?? 'https://staging.example.com';
  const lines = [
    `# ${CONFIG_FILE}: what \`npx clientele run\` checks. Schema: ${schema}.`,
    '# Command-line options override what this file says. Tokens never go in this file:',
    '# each target names the environment variable that holds its token.',
    'targets:',
    `  - name: staging`,
    `    api: ${api.id}`,
    `    # ${api.targetHelp}`,
    `    url: ${example.replace('HOST', 'staging.example.com').replace(':PORT', '')}`,
    ...(mcp ? ['    # or, over stdio: command: "node my-mcp-server.js"'] : []),
    ...api.credentials.flatMap((option) =>
      option.secret
        ? [`    ${option.required ? '' : '# '}${option.key}Env: ${option.env ?? 'CLIENTELE_TOKEN'}    # ${option.help}`]
        : [`    ${option.key}: ABC123    # ${option.help}`],
    ),
    ...(api.customFieldsExample
      ? [
          '    # customFields:              # required client custom fields, each with a value',
          ...Object.entries(api.customFieldsExample).map(([name, value]) => `    #   ${name}: ${JSON.stringify(value)}`),
        ]
      : []),
    '    options:',
    '      readOnly: false       # true: only checks that create, change or delete nothing',
    '      # A target off this machine is read-only (only checks that change nothing run) unless',
    '      # this is true: then the run creates, changes and deletes clients there, cleaning up after',
    '      # itself. Turn it on for a staging server whose data may be changed, never for production.',
    '      allowWrites: false',
    `  # With neither url nor command: the embedded reference target (for trying clientele out).`,
    `  # - name: reference`,
    `  #   api: ${api.id}`,
    'options:',
    '  runs: 20                 # cases per property check',
    '  maxDuration: 15m         # the whole run; checks still to run then are reported blocked',
    '  # seed: 20261124         # a fixed seed runs the same cases every time',
    `  # only: [${api.families.slice(0, 2).join(', ')}]`,
    '  # strict: true           # broken assumptions fail the run too',
    '  # minCoverage: true      # a documented operation or status never exercised fails the run',
    '# reportDir: reports/latest',
    '# baseline: clientele.baseline.yaml   # expected failures (clientele baseline --from ...)',
  ];
  return `${lines.join('\n')}\n`;
}

/** `clientele init`: writes the starter config. */
export function initCommand(options: CliOptions, io: Io): number {
  const out = options.out ?? CONFIG_FILE;
  // Relative to the config: in a project that installed clientele, node_modules/clientele/generated/...
  const schema = relative(out === '-' ? process.cwd() : dirname(resolve(out)), CONFIG_SCHEMA);
  writeOnce(out, starterConfig(options.api ?? APIS[0]!.id, schema), options, io);
  if (out !== '-')
    io.out(
      `init: wrote ${out}; set the token variables it names, then run: npx clientele run${out === CONFIG_FILE ? '' : ` --config ${out}`}`,
    );
  return EXIT.ok;
}
