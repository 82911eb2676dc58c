/**
 * `clientele mutants`: the suite against the embedded reference and every mutant of it. A mutant is
 * killed when at least one check fails on it; the kill matrix shows which families killed it. Exit 1
 * when a mutant survives or the reference itself fails.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT, UsageError } from '../engine/failures.js';
import type { Family, RunReport } from '../reports/model.js';
import { runSuites } from '../runner/run.js';
import { EMBEDDED } from '../targets/index.js';
import type { CliOptions } from './args.js';
import type { Io } from './main.js';
import { makeConfig, startEmbedded } from './main.js';

export interface MutantVerdict {
  readonly id: string;
  readonly description: string;
  readonly killedBy: readonly Family[];
  /** The first failed check, to name in the kill list. */
  readonly firstKill?: string;
  readonly failedChecks: number;
  readonly erroredChecks: number;
}

export interface KillMatrix {
  readonly api: string;
  readonly seed: number;
  readonly runs: number;
  readonly families: readonly Family[];
  readonly reference: { readonly failed: number; readonly errored: number; readonly passed: number };
  readonly mutants: readonly MutantVerdict[];
}

async function runAgainst(options: CliOptions, api: string, mutantId: string | undefined): Promise<RunReport> {
  const { target, credentials } = await startEmbedded(api, mutantId);
  try {
    const config = makeConfig(options, api, target.url, credentials, `npx clientele run --api ${api}${mutantId ? ` --mutant ${mutantId}` : ''}`);
    return await runSuites(config, { targetLabel: mutantId ? `mutant ${mutantId}` : 'embedded reference' });
  } finally {
    await target.close();
  }
}

export async function killMatrix(options: CliOptions, api: string, onProgress: (line: string) => void = () => undefined): Promise<KillMatrix> {
  const embedded = EMBEDDED[api];
  if (!embedded) throw new UsageError(`unknown --api '${api}' (known: ${Object.keys(EMBEDDED).join(', ')})`);
  const reference = await runAgainst(options, api, undefined);
  onProgress(`reference: ${reference.summary.total.passed} passed, ${reference.summary.total.failed} failed`);
  const selected = options.mutant ? embedded.mutants.filter((m) => m.id === options.mutant) : embedded.mutants;
  if (selected.length === 0) throw new UsageError(`unknown --mutant '${options.mutant}' for ${api}`);
  const mutants: MutantVerdict[] = [];
  for (const mutant of selected) {
    const report = await runAgainst(options, api, mutant.id);
    const failed = report.checks.filter((c) => c.status === 'failed');
    const verdict: MutantVerdict = {
      id: mutant.id,
      description: mutant.description,
      killedBy: options.families.filter((f) => report.summary.families[f].failed > 0),
      firstKill: failed[0] ? `${failed[0].id} (${failed[0].failure?.rule})` : undefined,
      failedChecks: failed.length,
      erroredChecks: report.summary.total.errored,
    };
    mutants.push(verdict);
    onProgress(`${verdict.killedBy.length ? 'killed  ' : 'SURVIVED'} ${mutant.id}${verdict.firstKill ? ` by ${verdict.firstKill}` : ''}`);
  }
  const { passed, failed, errored } = reference.summary.total;
  return { api, seed: options.seed, runs: options.runs, families: options.families, reference: { passed, failed, errored }, mutants };
}

export function renderMatrix(matrix: KillMatrix): string {
  const short: Record<Family, string> = { contract: 'contract', pagination: 'paging', filtering: 'filter', 'partial-update': 'partial', 'soft-delete': 'softdel', stateful: 'state', access: 'access' };
  const width = Math.max(8, ...matrix.mutants.map((m) => m.id.length));
  const header = `${'mutant'.padEnd(width)}  ${matrix.families.map((f) => short[f].padEnd(9)).join('')}verdict`;
  const rows = matrix.mutants.map(
    (m) => `${m.id.padEnd(width)}  ${matrix.families.map((f) => (m.killedBy.includes(f) ? 'X' : '.').padEnd(9)).join('')}${m.killedBy.length ? 'killed' : 'SURVIVED'}`,
  );
  const survivors = matrix.mutants.filter((m) => m.killedBy.length === 0).length;
  const ref = matrix.reference;
  return [
    `kill matrix: ${matrix.api}, seed ${matrix.seed}, ${matrix.runs} runs per property (X = a check of that family failed)`,
    header,
    ...rows,
    `reference: ${ref.passed} passed, ${ref.failed} failed, ${ref.errored} errored; mutants: ${matrix.mutants.length - survivors}/${matrix.mutants.length} killed`,
  ].join('\n');
}

function renderMarkdown(matrix: KillMatrix): string {
  const lines = [
    `# Kill matrix: ${matrix.api}`,
    '',
    `Seed ${matrix.seed}, ${matrix.runs} runs per property. Reference: ${matrix.reference.passed} passed, ${matrix.reference.failed} failed, ${matrix.reference.errored} errored.`,
    '',
    `| mutant | description | ${matrix.families.join(' | ')} | first failing check |`,
    `|---|---|${matrix.families.map(() => '---').join('|')}|---|`,
    ...matrix.mutants.map((m) => `| ${m.id} | ${m.description.replace(/\|/g, '\\|')} | ${matrix.families.map((f) => (m.killedBy.includes(f) ? 'X' : '')).join(' | ')} | ${m.firstKill ?? '**survived**'} |`),
  ];
  return `${lines.join('\n')}\n`;
}

export async function runMutants(options: CliOptions, reportDir: string, io: Io): Promise<number> {
  if (options.target) throw new UsageError('mutants runs against the embedded targets; drop --target');
  const apis = options.api ? [options.api] : Object.keys(EMBEDDED);
  let exitCode: number = EXIT.ok;
  for (const api of apis) {
    io.out(`mutants: ${api}, seed ${options.seed}`);
    const matrix = await killMatrix(options, api, (line) => io.out(`  ${line}`));
    io.out(renderMatrix(matrix));
    await mkdir(reportDir, { recursive: true });
    await writeFile(join(reportDir, `mutants.${api}.json`), `${JSON.stringify(matrix, null, 2)}\n`);
    await writeFile(join(reportDir, `mutants.${api}.md`), renderMarkdown(matrix));
    const survived = matrix.mutants.some((m) => m.killedBy.length === 0);
    if (survived || matrix.reference.failed > 0 || matrix.reference.errored > 0) exitCode = EXIT.failures;
  }
  return exitCode;
}
