/**
 * Turns a finished vitest run into clientele CheckResults: it reads vitest's read-only views of the
 * test modules and the meta each check left behind (`suites/harness.ts`).
 */
import type { TestCase, TestModule } from 'vitest/node';
import { parseFamilyBlock, type Family } from '../engine/families.js';
import { checkId } from '../engine/records.js';
import type { CheckResult } from '../reports/model.js';
import type { CheckMeta } from '../suites/harness.js';
import { runExercised, type Facet, type OperationUse, type RunExercised } from '../engine/coverage.js';

export interface RunProblems {
  /** The target went away mid-run. */
  unreachable?: string;
  /** A suite or check crashed (our bug). */
  internal?: string;
}

function firstLine(text: string | undefined): string | undefined {
  return text?.split('\n')[0];
}

/**
 * The check results of each of `runs` runs that one vitest run carried out (each family's describe
 * block names its family and run, `suites/harness.ts`), with what went wrong in each.
 * `interrupted`: why checks that never ran did not (the run was cancelled): they are blocked, not errored.
 */
export function collectResults(
  testModules: readonly TestModule[],
  unhandledErrors: readonly unknown[],
  runs: number,
  interrupted?: string,
): { results: CheckResult[]; problems: RunProblems; exercised: RunExercised }[] {
  const collected = Array.from({ length: runs }, () => ({
    results: [] as CheckResult[],
    problems: {} as RunProblems,
    uses: [] as { id: string; exercised?: OperationUse[]; facets?: Facet[] }[],
    documentedFacets: undefined as Facet[] | undefined,
  }));
  for (const module of testModules) {
    const file = module.moduleId.replace(/^.*\//, '');
    // A file that failed to load fails every run; a beforeAll that failed (the adapter could not open)
    // the run whose block it is. Their checks did not run, and saying "skipped" would hide that.
    const fileError = firstLine(module.errors()[0]?.message);
    for (const suite of module.children.allSuites()) {
      const block = parseFamilyBlock(suite.name);
      const run = block && collected[block.run];
      if (!run) continue;
      // The run's block holds its families: a hook of it that failed fails them all.
      const runBlock = suite.parent.type === 'suite' ? suite.parent : undefined;
      const suiteError = fileError ?? firstLine(suite.errors()[0]?.message) ?? firstLine(runBlock?.errors()[0]?.message);
      if (suiteError) run.problems.internal ??= `${file}: ${suiteError}`;
      run.documentedFacets ??= runBlock?.meta().clienteleRun?.documentedFacets;
      for (const test of suite.children.allTests()) {
        const result = toResult(test, interrupted ? undefined : suiteError, run.problems, interrupted);
        run.results.push(result);
        const meta = test.meta().clientele as CheckMeta | undefined;
        if (meta?.exercised || meta?.facets) run.uses.push({ id: result.id, exercised: meta.exercised, facets: meta.facets });
      }
    }
    if (fileError && [...module.children.allSuites()].length === 0)
      for (const run of collected) run.problems.internal ??= `${file}: ${fileError}`;
  }
  const [first] = unhandledErrors;
  if (first && !interrupted)
    for (const run of collected) run.problems.internal ??= `unhandled: ${firstLine((first as Error).message) ?? String(first)}`;
  return collected.map(({ results, problems, uses, documentedFacets }) => ({
    results,
    problems,
    exercised: runExercised(uses, documentedFacets),
  }));
}

/** One finished test as a check result (also for progress events, where run-level problems do not matter yet). */
export function toResult(testCase: TestCase, suiteError?: string, problems: RunProblems = {}, interrupted?: string): CheckResult {
  const meta = testCase.meta().clientele as CheckMeta | undefined;
  const result = testCase.result();
  // A check that never ran left no meta: its family is the block it sits in.
  const block = testCase.parent.type === 'suite' ? parseFamilyBlock(testCase.parent.name) : undefined;
  const family: Family = meta?.family ?? block?.family ?? 'contract';
  const base = {
    id: checkId(family, testCase.name),
    family,
    name: testCase.name,
    ...(meta?.claim ? { claim: meta.claim } : {}),
    durationMs: meta?.ms ?? Math.round(testCase.diagnostic()?.duration ?? 0),
    requests: meta?.requests ?? 0,
    ...(meta?.rules?.length ? { rules: meta.rules } : {}),
    ...(meta?.warnings ? { warnings: meta.warnings } : {}),
    ...(meta?.boundary ? { boundary: meta.boundary } : {}),
    ...(meta?.rateLimit ? { rateLimit: meta.rateLimit } : {}),
  };
  if (result.state === 'passed' && meta?.failure?.severity === 'warning') return { ...base, status: 'warned', failure: meta.failure };
  if (result.state === 'passed') return { ...base, status: 'passed' };
  if (result.state === 'skipped' && meta?.blocked)
    return { ...base, status: 'blocked', ...(meta.blocked.by ? { blockedBy: meta.blocked.by } : {}), note: meta.blocked.reason };
  if (result.state === 'skipped' && meta?.skipped) return { ...base, status: 'skipped', note: meta.skipped };
  if (result.state === 'failed' && meta?.failure) return { ...base, status: 'failed', failure: meta.failure };
  if (interrupted && !meta?.error) return { ...base, status: 'blocked', note: `blocked: ${interrupted}` };
  const message =
    meta?.error?.message ??
    firstLine(result.errors?.[0]?.message) ??
    (suiteError ? `did not run: ${suiteError}` : `did not finish (${result.state})`);
  if (meta?.error?.kind === 'unreachable') problems.unreachable ??= message;
  else problems.internal ??= `${base.id}: ${message}`;
  return { ...base, status: 'errored', note: message };
}
