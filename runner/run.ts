/**
 * Runs the vitest suites in `suites/` programmatically against one target and adds their results up
 * into a RunReport. The suites learn the run's config through vitest's `provide`.
 */
import { join } from 'node:path';
import { createVitest, type TestSpecification, type Vitest } from 'vitest/node';
import { targetLabel, type RunConfig } from '../engine/config.js';
import { InternalError, TargetUnreachableError } from '../engine/failures.js';
import { FAMILIES, type Family } from '../engine/families.js';
import { PROJECT_ROOT } from '../generators/spec.js';
import { buildReport, errorReport, type RunMeta } from '../reports/build.js';
import type { RunReport } from '../reports/model.js';
import { collectResults } from './collector.js';


export function suiteFiles(families: readonly Family[]): string[] {
  return families.map((family) => join(PROJECT_ROOT, 'suites', `${family}.suite.ts`));
}

/** Families run in their documented order (contract first), whatever vitest's cache says of durations. */
class FamilyOrder {
  private static rank(spec: TestSpecification): number {
    const at = FAMILIES.findIndex((family) => spec.moduleId.endsWith(`/${family}.suite.ts`));
    return at < 0 ? FAMILIES.length : at;
  }
  shard(files: TestSpecification[]): TestSpecification[] {
    return files;
  }
  sort(files: TestSpecification[]): TestSpecification[] {
    return [...files].sort((a, b) => FamilyOrder.rank(a) - FamilyOrder.rank(b));
  }
}

/**
 * One vitest instance that runs the suites again and again: each run gets its own config through
 * `provide`. Starting vitest costs more than a small run; `mutants` and the seed sweeps run many.
 */
export class SuiteRunner {
  private constructor(private readonly vitest: Vitest) {}

  static async open(): Promise<SuiteRunner> {
    const signals = ['SIGINT', 'SIGTERM'] as const;
    const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
    try {
      const vitest = await createVitest('test', {
        root: PROJECT_ROOT,
        config: false,
        include: ['suites/*.suite.ts', 'tests/fixtures/*.suite.ts'],
        watch: false,
        // Results are read from the run's outcome; vitest itself prints nothing.
        reporters: [{}],
        // Suites share one target; one file at a time keeps their requests from interleaving. One
        // worker for all files (no isolation) loads the adapter, validators and fast-check once.
        fileParallelism: false,
        sequence: { sequencer: FamilyOrder },
        isolate: false,
        pool: 'threads',
        testTimeout: 30 * 60_000,
        hookTimeout: 5 * 60_000,
        silent: true,
      });
      // Reporters and state ready, no test run yet: each `run` runs its own files.
      await vitest.standalone();
      // vitest's logger exits the process on SIGINT/SIGTERM; clientele handles them itself (cleanup,
      // then a report saying `interrupted`), so the listeners vitest just added go.
      for (const signal of signals) {
        for (const listener of process.listeners(signal)) if (!before.get(signal)!.has(listener)) process.off(signal, listener);
      }
      return new SuiteRunner(vitest);
    } catch (error) {
      throw new InternalError(`the suites could not start: ${(error as Error).message.split('\n')[0]}`);
    }
  }

  /** Runs the families of `config` (or `files`, absolute paths, for the runner's own tests) against one target. */
  async run(config: RunConfig, meta: RunMeta = { targetLabel: targetLabel(config.target) }, files = suiteFiles(config.families)): Promise<RunReport> {
    const startedAt = new Date();
    this.cancelled = false;
    this.vitest.provide('clientele', config);
    // A worker that dies (out of memory, a native crash) surfaces as an uncaught exception of this
    // process: it is our failure to report (exit 4, with what was checked), not a stack trace.
    const crashes: unknown[] = [];
    const onCrash = (error: unknown) => void crashes.push(error);
    process.on('uncaughtException', onCrash);
    let outcome;
    try {
      outcome = await this.vitest.runTestFiles(files, true);
    } catch (error) {
      throw new InternalError(`the suites could not run: ${(error as Error).message.split('\n')[0]}`);
    } finally {
      process.off('uncaughtException', onCrash);
    }
    // vitest's state outlives a run: modules of earlier runs (other families) may come back with this one.
    const modules = outcome.testModules.filter((module) => files.includes(module.moduleId));
    const { results, problems } = collectResults(modules, outcome.unhandledErrors, this.cancelled ? 'the run was interrupted before this check ran' : undefined);
    if (crashes.length) problems.internal = `the worker running the checks died (${describeCrash(crashes[0])}); the checks it had not reported are errored`;
    // The target went away mid-run: keep what was checked until then, and say so (exit 3).
    if (problems.unreachable) return errorReport(config, meta, startedAt, new TargetUnreachableError(problems.unreachable), results);
    return buildReport(config, meta, startedAt, results, problems.internal);
  }

  private cancelled = false;

  /** Stops the run in progress: no new check starts, and the running one is told (its test signal aborts). */
  cancel(): Promise<void> {
    this.cancelled = true;
    return this.vitest.cancelCurrentRun('keyboard-input');
  }

  close(): Promise<void> {
    return this.vitest.close();
  }
}

function describeCrash(error: unknown): string {
  const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  return /exited unexpectedly/i.test(message) ? `${message}: out of memory, or killed` : message;
}

/** One run on a vitest of its own. */
export async function runSuites(config: RunConfig, meta?: RunMeta, files?: string[]): Promise<RunReport> {
  const runner = await SuiteRunner.open();
  try {
    return await runner.run(config, meta, files);
  } finally {
    await runner.close();
  }
}

