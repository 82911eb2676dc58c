/**
 * `clientele mutants`: the suite against the embedded reference and every mutant of it, on one vitest
 * instance. A mutant is killed when a check fails on it, or, for a mutant that breaks only an
 * open rule, warns. The matrix is mutant x check: for each check, the non-global mutants that fail or
 * warn it (a mutant that breaks every response, like a wrong content type, proves nothing about one
 * check). Exit 1 when a mutant survives, an open mutant causes a failure (a verdict resting on an
 * open rule would block a correct server), a mutant breaking a binding rule causes only warnings, the
 * reference fails or warns, or a check that ran has no non-global killer and no allow-listed reason.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { findApi } from '../apis/registry.js';
import { EXIT, UsageError } from '../engine/failures.js';
import { FAMILIES } from '../engine/families.js';
import { recordOf, writeRecord } from './kill-record.js';
import type { CheckEvidence, Kill, KillMatrix, MutantVerdict, RunReport } from '../reports/model.js';

export type { KillMatrix, MutantVerdict } from '../reports/model.js';
import { SuiteRunner } from '../runner/run.js';
import { htmlFormat } from '../reports/formats/html.js';
import type { CliOptions } from './args.js';
import type { Io } from './io.js';
import { embeddedRequest } from './run-config.js';

/** The reference (no id) and each mutant, each on a target of its own (started by the worker, run by run), in one batch of runs. */
async function runAgainst(
  runner: SuiteRunner,
  options: CliOptions,
  api: string,
  mutantIds: readonly (string | undefined)[],
): Promise<RunReport[]> {
  const descriptor = findApi(api);
  const { surface } = await descriptor.specView();
  const runs = [];
  for (const mutantId of mutantIds) {
    const config = await embeddedRequest(options, descriptor, mutantId);
    const where = { kind: 'embedded' as const, ...(mutantId ? { mutant: mutantId } : {}) };
    runs.push({
      config,
      meta: { targetLabel: mutantId ? `mutant ${mutantId}` : 'embedded reference', where, ...(surface ? { surface } : {}) },
    });
  }
  return runner.runBatch(runs);
}

export async function killMatrix(
  runner: SuiteRunner,
  options: CliOptions,
  api: string,
  onProgress: (line: string) => void = () => undefined,
): Promise<KillMatrix> {
  return (await killMatrixRun(runner, options, api, onProgress)).matrix;
}

/** The kill matrix and the reference run's report it was measured against. */
async function killMatrixRun(
  runner: SuiteRunner,
  options: CliOptions,
  api: string,
  onProgress: (line: string) => void,
): Promise<{ matrix: KillMatrix; reference: RunReport }> {
  const embedded = await findApi(api).embedded();
  const selected = options.mutant ? embedded.mutants.filter((m) => m.id === options.mutant) : embedded.mutants;
  if (selected.length === 0) throw new UsageError(`unknown --mutant '${options.mutant}' for ${api}`);
  const [reference, ...reports] = await runAgainst(runner, options, api, [undefined, ...selected.map((m) => m.id)]);
  onProgress(`reference: ${reference.summary.total.passed} passed, ${reference.summary.total.failed} failed`);
  const mutants: MutantVerdict[] = [];
  for (const [i, mutant] of selected.entries()) {
    const report = reports[i]!;
    const failed = report.checks.filter((c) => c.status === 'failed');
    const warned = report.checks.filter((c) => c.status === 'warned');
    const first = failed[0] ?? warned[0];
    const verdict: MutantVerdict = {
      id: mutant.id,
      description: mutant.description,
      global: mutant.global ?? false,
      open: mutant.open ?? false,
      boundaryOnly: mutant.boundaryOnly ?? false,
      failedChecks: failed.map((c) => c.id),
      warnedChecks: warned.map((c) => c.id),
      kills: killsOf(report),
      killedBy: options.families.filter((f) => (report.summary.families[f]?.failed ?? 0) + (report.summary.families[f]?.warned ?? 0) > 0),
      firstKill: first ? `${first.id} (${first.failure?.rule}${first.status === 'warned' ? ', warning' : ''})` : undefined,
      erroredChecks: report.summary.total.errored,
    };
    mutants.push(verdict);
    onProgress(`${verdict.killedBy.length ? 'killed  ' : 'SURVIVED'} ${mutant.id}${verdict.firstKill ? ` by ${verdict.firstKill}` : ''}`);
  }
  const evidence = reference.checks
    .filter((c) => c.status === 'passed')
    .map((c): CheckEvidence => {
      const killers = mutants.filter((m) => !m.global && (m.failedChecks.includes(c.id) || m.warnedChecks.includes(c.id))).map((m) => m.id);
      const allowed = killers.length === 0 ? embedded.evidenceAllowList?.[c.id] : undefined;
      return { check: c.id, killers, ...(allowed ? { allowed } : {}) };
    });
  const { passed, failed, warned, errored } = reference.summary.total;
  return {
    reference,
    matrix: {
      api,
      seed: options.seed,
      runs: options.runs,
      families: options.families,
      reference: { passed, failed, warned, errored },
      mutants,
      evidence,
    },
  };
}

/** The checks a run failed or warned, each with the rule it broke, in report order. */
export function killsOf(report: RunReport): Kill[] {
  return report.checks.flatMap((check) =>
    (check.status === 'failed' || check.status === 'warned') && check.failure
      ? [{ check: check.id, rule: check.failure.basisRule, severity: check.failure.severity }]
      : [],
  );
}

/** Mutants whose verdict contradicts their kind: a breach of an open rule that fails, or of a binding rule that only warns. */
export function misjudged(matrix: KillMatrix): string[] {
  return matrix.mutants
    .filter((m) => (m.open ? m.failedChecks.length > 0 : m.failedChecks.length === 0 && m.warnedChecks.length > 0))
    .map((m) => `${m.id} (${m.open ? 'breaks an open rule, yet fails' : 'breaks a binding rule, yet only warns'})`);
}

/** Whether the mutant was reported at all: a failure, or a warning. */
export function isKilled(mutant: MutantVerdict): boolean {
  return mutant.failedChecks.length + mutant.warnedChecks.length > 0;
}

/** The checks that ran without any non-global mutant failing them and without an allow-listed reason. */
export function unprovenChecks(matrix: KillMatrix): string[] {
  // A single-mutant run (--mutant) cannot prove every check; only a full catalogue can.
  return matrix.evidence.filter((e) => e.killers.length === 0 && !e.allowed).map((e) => e.check);
}

export function renderMatrix(matrix: KillMatrix): string {
  const width = Math.max(8, ...matrix.mutants.map((m) => m.id.length));
  const kind = (m: MutantVerdict) => [m.global && 'global', m.open && 'open', m.boundaryOnly && 'boundary only'].filter(Boolean).join(', ');
  const rows = matrix.mutants.map(
    (m) =>
      `${m.id.padEnd(width)}  ${(isKilled(m) ? 'killed' : 'SURVIVED').padEnd(9)}` +
      `${String(m.failedChecks.length).padStart(3)} failed ${String(m.warnedChecks.length).padStart(3)} warned` +
      `${kind(m) ? ` (${kind(m)})` : ''}`,
  );
  const unproven = unprovenChecks(matrix);
  const wrong = misjudged(matrix);
  const survivors = matrix.mutants.filter((m) => !isKilled(m)).length;
  const ref = matrix.reference;
  return [
    `kill matrix: ${matrix.api}, seed ${matrix.seed}, ${matrix.runs} runs per property`,
    `${'mutant'.padEnd(width)}  verdict  checks`,
    ...rows,
    `reference: ${ref.passed} passed, ${ref.failed} failed, ${ref.warned} warned, ${ref.errored} errored; ` +
      `mutants: ${matrix.mutants.length - survivors}/${matrix.mutants.length} killed`,
    ...(wrong.length ? [`misjudged: ${wrong.join('; ')}`] : []),
    `checks: ${matrix.evidence.length - unproven.length}/${matrix.evidence.length} failed by a non-global mutant or allow-listed` +
      `${unproven.length ? `; no evidence for: ${unproven.join(', ')}` : ''}`,
  ].join('\n');
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

function renderMarkdown(matrix: KillMatrix): string {
  const lines = [
    `# Kill matrix: ${matrix.api}`,
    '',
    `Seed ${matrix.seed}, ${matrix.runs} runs per property. ` +
      `Reference: ${matrix.reference.passed} passed, ${matrix.reference.failed} failed, ` +
      `${matrix.reference.warned} warned, ${matrix.reference.errored} errored.`,
    '',
    '## Mutants',
    '',
    '| mutant | description | kind | checks that failed it | checks that warned |',
    '|---|---|---|---|---|',
    ...matrix.mutants.map(
      (m) =>
        `| ${m.id} | ${cell(m.description)} | ` +
        `${[m.global && 'global', m.open && 'open', m.boundaryOnly && 'boundary only'].filter(Boolean).join(', ')} | ` +
        `${m.failedChecks.join('<br>') || (isKilled(m) ? '' : '**survived**')} | ${m.warnedChecks.join('<br>')} |`,
    ),
    '',
    '## Checks',
    '',
    'Every check that ran on the reference, with the non-global mutants that fail or warn it.',
    '',
    '| check | killed by | allow-listed because |',
    '|---|---|---|',
    ...matrix.evidence.map((e) => `| ${e.check} | ${e.killers.join(', ') || '**none**'} | ${cell(e.allowed ?? '')} |`),
  ];
  return `${lines.join('\n')}\n`;
}

export async function runMutants(options: CliOptions, apis: readonly string[], reportDir: string, io: Io): Promise<number> {
  if (options.target) throw new UsageError('mutants runs against the embedded targets; drop --target');
  if (options.list) {
    for (const api of apis) io.out(await mutantList(api));
    return EXIT.ok;
  }
  const runner = await SuiteRunner.open();
  try {
    let exitCode: number = EXIT.ok;
    for (const api of apis) {
      io.out(`mutants: ${api}, seed ${options.seed}`);
      const { matrix, reference } = await killMatrixRun(runner, options, api, (line) => io.out(`  ${line}`));
      io.out(renderMatrix(matrix));
      await mkdir(reportDir, { recursive: true });
      await writeFile(join(reportDir, `mutants.${api}.json`), `${JSON.stringify(matrix, null, 2)}\n`);
      await writeFile(join(reportDir, `mutants.${api}.md`), renderMarkdown(matrix));
      // The reference run's report with the matrix in it: the HTML report shows both.
      await writeFile(join(reportDir, `mutants.${api}.html`), htmlFormat.render({ ...reference, killMatrix: matrix }));
      if (options.record) {
        if (options.mutant || options.families.length !== FAMILIES.length)
          throw new UsageError('--record writes the whole matrix: drop --mutant and --only');
        io.out(`recorded: ${relative(process.cwd(), writeRecord(recordOf(matrix)))}`);
      }
      const survived = matrix.mutants.some((m) => !isKilled(m));
      const unproven = !options.mutant && unprovenChecks(matrix).length > 0;
      const { failed, warned, errored } = matrix.reference;
      if (survived || unproven || misjudged(matrix).length > 0 || failed + warned + errored > 0) exitCode = EXIT.failures;
    }
    return exitCode;
  } finally {
    await runner.close();
  }
}

/** `clientele mutants --api X --list`: each mutant's id, its kind and what it breaks; nothing runs. */
async function mutantList(apiId: string): Promise<string> {
  const { mutants } = await findApi(apiId).embedded();
  const width = Math.max(...mutants.map((m) => m.id.length));
  const kind = (m: (typeof mutants)[number]) =>
    [m.global ? 'global' : '', m.open ? 'open' : '', m.boundaryOnly ? 'boundary only' : ''].filter(Boolean).join(', ');
  const rows = mutants.map((m) => `  ${m.id.padEnd(width)}  ${m.description}${kind(m) ? ` (${kind(m)})` : ''}`);
  return [`${apiId}: ${mutants.length} mutants (clientele run --api ${apiId} --mutant ID)`, ...rows].join('\n');
}
