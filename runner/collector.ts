/**
 * A vitest reporter that turns finished tests into clientele CheckResults. It implements only the hook
 * it needs, reads vitest's read-only views and the meta the check wrapper left behind.
 */
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { FAMILIES, type CheckResult, type Family } from '../reports/model.js';
import type { CheckMeta } from '../engine/suite.js';

export interface RunProblems {
  /** The target went away mid-run. */
  unreachable?: string;
  /** A suite or check crashed (our bug). */
  internal?: string;
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
}

function firstLine(text: string | undefined): string | undefined {
  return text?.split('\n')[0];
}

export class CheckCollector implements Reporter {
  readonly results: CheckResult[] = [];
  readonly problems: RunProblems = {};

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    for (const module of testModules) {
      // A file that failed to load, or a beforeAll that failed (the adapter could not open): its
      // checks did not run, and saying "skipped" would hide that.
      const suiteError = firstLine(module.errors()[0]?.message) ??
        firstLine([...module.children.allSuites()].flatMap((s) => s.errors())[0]?.message);
      if (suiteError) this.problems.internal ??= `${module.moduleId.replace(/^.*\//, '')}: ${suiteError}`;
      for (const test of module.children.allTests()) this.results.push(this.toResult(test, suiteError));
    }
    const [first] = unhandledErrors;
    if (first) this.problems.internal ??= `unhandled: ${firstLine((first as Error).message) ?? String(first)}`;
  }

  private toResult(testCase: TestCase, suiteError: string | undefined): CheckResult {
    const meta = testCase.meta().clientele as CheckMeta | undefined;
    const result = testCase.result();
    const family: Family = meta?.family ?? FAMILIES.find((f) => testCase.fullName.startsWith(f)) ?? 'contract';
    const base = {
      id: `${family}/${slug(testCase.name)}`,
      family,
      name: testCase.name,
      durationMs: Math.round(testCase.diagnostic()?.duration ?? 0),
      requests: meta?.requests ?? 0,
    };
    if (result.state === 'passed') return { ...base, status: 'passed' };
    if (result.state === 'skipped' && meta?.skipped) return { ...base, status: 'skipped', note: meta.skipped };
    if (result.state === 'failed' && meta?.failure) return { ...base, status: 'failed', failure: meta.failure };
    const message = meta?.error?.message ?? firstLine(result.errors?.[0]?.message) ?? (suiteError ? `did not run: ${suiteError}` : `did not finish (${result.state})`);
    if (meta?.error?.kind === 'unreachable') this.problems.unreachable ??= message;
    else this.problems.internal ??= `${base.id}: ${message}`;
    return { ...base, status: 'errored', note: message };
  }
}
