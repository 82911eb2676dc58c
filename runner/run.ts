/**
 * Runs the vitest suites in `suites/` programmatically against one target and adds their results up
 * into a RunReport. The suites learn the run's config through vitest's `provide`.
 */
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { createVitest, type TestCase, type TestModule, type Vitest } from 'vitest/node';
import { INTERRUPT_CHANNEL, targetLabel, type RunRequest } from '../engine/config.js';
import { InternalError, TargetUnreachableError } from '../engine/failures.js';
import { parseFamilyBlock, type Family } from '../engine/families.js';
import { MODULE_SUFFIX, PROJECT_ROOT } from '../engine/root.js';
import { buildReport, errorReport, type RunMeta } from '../reports/build.js';
import type { RunReport } from '../reports/model.js';
import { checkId } from '../engine/records.js';
import { collectResults, toResult } from './collector.js';
import { emitTo, type RunListener } from './events.js';

/** The suites beside this runner: the TypeScript sources, or the compiled ones in `dist/`. */
const SUITES = join(dirname(fileURLToPath(import.meta.url)), '..', 'suites');
/** The one file vitest runs: it registers every run's families (`suites/run.ts`). */
const ENTRY = join(SUITES, `run${MODULE_SUFFIX}`);
/** How often an interrupt is said again while the runs it stops are under way. */
const RETELL_MS = 20;

/**
 * The young generation of every isolate started from here on (vitest's worker; the main thread's is
 * set already): semi-spaces of 8 MiB, not V8's 16. A run's worker allocates fast and keeps little
 * (about 30 MiB live after a full collection), so the larger young generation only added to its peak
 * (about 40 MiB a worker, with the same CPU time). Worker threads take no V8 flags of their own.
 */
const SEMI_SPACE_MIB = 8;

/** The family blocks of a vitest module, with the checks each registered, in order. */
function familyBlocks(module: TestModule): { family: Family; run: number; checks: TestCase[] }[] {
  return [...module.children.allSuites()].flatMap((suite) => {
    const block = parseFamilyBlock(suite.name);
    return block ? [{ ...block, checks: [...suite.children.allTests()] }] : [];
  });
}

/**
 * One vitest instance that runs the suites again and again: each run gets its own config through
 * `provide`. Starting vitest costs more than a small run; `mutants` and the seed sweeps run many.
 */
export class SuiteRunner {
  /** Who hears the run in progress; set per run. */
  private listener?: RunListener;

  private constructor(private readonly vitest: Vitest) {}

  static async open(): Promise<SuiteRunner> {
    const signals = ['SIGINT', 'SIGTERM'] as const;
    const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
    // vitest's reporters are fixed when it starts: this one hands each run's progress to that run's listener.
    let runner: SuiteRunner | undefined;
    // A stop asked for while vitest was still preparing the run found no run to cancel: ask again
    // once it is under way, before any check starts.
    const stopIfCancelled = () => {
      if (runner?.cancelled) void runner.vitest.cancelCurrentRun('keyboard-input');
    };
    const progress = {
      onTestRunStart: stopIfCancelled,
      onTestModuleStart: stopIfCancelled,
      onTestModuleCollected(module: TestModule) {
        stopIfCancelled();
        for (const { family, checks } of familyBlocks(module))
          emitTo(runner?.listener, { type: 'family-collected', family, checks: checks.length });
      },
      onTestCaseResult(testCase: TestCase) {
        emitTo(runner?.listener, { type: 'check-finished', check: toResult(testCase) });
      },
    };
    // vitest's logger stops the process on SIGINT/SIGTERM from the moment it exists, which would end a
    // run signalled while the suites open with no report: its signal listeners are never registered.
    // (clientele handles signals itself: cleanup, then a report saying `interrupted`.)
    const original = process.once;
    const once = original.bind(process);
    process.once = ((event: string | symbol, listener: (...args: unknown[]) => void) =>
      signals.includes(event as (typeof signals)[number]) ? process : once(event, listener)) as typeof process.once;
    setFlagsFromString(`--max-semi-space-size=${SEMI_SPACE_MIB}`);
    try {
      const vitest = await createVitest('test', {
        root: PROJECT_ROOT,
        config: false,
        include: [relative(PROJECT_ROOT, ENTRY), 'tests/fixtures/*.suite.ts'],
        watch: false,
        // Results are read from the run's outcome; vitest itself prints nothing.
        reporters: [progress],
        // One worker (no isolation) loads the adapters, validators and fast-check once. A run's checks
        // are all concurrent to vitest: the run's slots (`--concurrency`) say how many send at once.
        fileParallelism: false,
        maxConcurrency: 1024,
        isolate: false,
        pool: 'threads',
        testTimeout: 30 * 60_000,
        hookTimeout: 5 * 60_000,
        silent: true,
        // Compiled, every module loads as Node loads it, the suites' entry too: vitest's transform of
        // plain JavaScript gains nothing, and the worker waited 30-45 ms of every run's start for the
        // entry's. (Each run starts a worker of its own, which executes the entry afresh.)
        ...(MODULE_SUFFIX === '.js' ? { server: { deps: { external: [/\/dist\//] } } } : {}),
      });
      // Reporters and state ready, no test run yet: each `run` runs its own files.
      await vitest.standalone();
      // Any other signal listener vitest added goes too.
      for (const signal of signals) {
        for (const listener of process.listeners(signal)) if (!before.get(signal)!.has(listener)) process.off(signal, listener);
      }
      runner = new SuiteRunner(vitest);
      return runner;
    } catch (error) {
      throw new InternalError(`the suites could not start: ${(error as Error).message.split('\n')[0]}`);
    } finally {
      process.once = original;
    }
  }

  /**
   * The checks a run of `config` would report, in the order they run, without running any: each suite
   * file is loaded and its checks registered (what registers depends on the config only, never on the
   * target). Sharding splits this list.
   */
  async listChecks(config: RunRequest): Promise<{ readonly id: string; readonly family: Family }[]> {
    const { checks: _all, ...whole } = config;
    this.vitest.provide('clientele', [whole]);
    const files = [ENTRY];
    const specifications = files.flatMap((file) => this.vitest.getModuleSpecifications(file));
    let outcome;
    try {
      outcome = await this.vitest.collectTests(specifications);
    } catch (error) {
      throw new InternalError(`the suites could not be listed: ${(error as Error).message.split('\n')[0]}`);
    }
    const modules = outcome.testModules.filter((module) => files.includes(module.moduleId));
    const loadError = modules.flatMap((module) => module.errors())[0];
    if (loadError) throw new InternalError(`the suites could not be listed: ${loadError.message.split('\n')[0]}`);
    return modules.flatMap((module) =>
      familyBlocks(module).flatMap(({ family, checks }) => checks.map((test) => ({ id: checkId(family, test.name), family }))),
    );
  }

  /** Runs the families of `config` (or `files`, absolute paths, for the runner's own tests) against one target. */
  async run(
    config: RunRequest,
    meta: RunMeta = { targetLabel: targetLabel(config.target) },
    files = [ENTRY],
    listener?: RunListener,
  ): Promise<RunReport> {
    const [report] = await this.runBatch([{ config, meta }], files, listener);
    return report!;
  }

  /**
   * Carries out several runs in one vitest run, each against its own target: the worker that runs the
   * suites starts once for all of them (its start-up is most of a small run's cost). Each suite file
   * defines its checks once per run that covers its family; each run gets its own report. The kill
   * matrix and the tests' sweeps run their many small runs this way.
   */
  async runBatch(
    runs: readonly { readonly config: RunRequest; readonly meta?: RunMeta }[],
    files = [ENTRY],
    listener?: RunListener,
  ): Promise<RunReport[]> {
    const startedAt = new Date();
    this.cancelled = false;
    this.listener = runs.length === 1 ? listener : undefined;
    const configs = runs.map(({ config }) => config);
    this.running = configs.map((config) => config.runTag);
    const metas = runs.map(({ config, meta }) => meta ?? { targetLabel: targetLabel(config.target) });
    this.vitest.provide('clientele', configs);
    if (runs.length === 1)
      emitTo(listener, { type: 'run-started', api: configs[0]!.api, target: metas[0]!.targetLabel, families: configs[0]!.families });
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
      this.retelling?.();
      this.retelling = undefined;
      this.running = [];
      emitTo(this.listener, { type: 'run-finished' });
      this.listener = undefined;
    }
    // vitest's state outlives a run: modules of earlier runs (other families) may come back with this one.
    const modules = outcome.testModules.filter((module) => files.includes(module.moduleId));
    const collected = collectResults(
      modules,
      outcome.unhandledErrors,
      runs.length,
      this.cancelled ? 'the run was interrupted before this check ran' : undefined,
    );
    return configs.map((config, i) => {
      const { results, problems, exercised } = collected[i]!;
      const meta = metas[i]!;
      if (crashes.length)
        problems.internal = `the worker running the checks died (${describeCrash(crashes[0])}); the checks it had not reported are errored`;
      // The target went away mid-run: keep what was checked until then, and say so (exit 3).
      if (problems.unreachable)
        return errorReport(config, meta, startedAt, new TargetUnreachableError(problems.unreachable), results, exercised);
      return buildReport(config, meta, startedAt, results, problems.internal, undefined, exercised);
    });
  }

  private cancelled = false;
  /** The run tags of the runs under way, for the interrupt message. */
  private running: readonly string[] = [];
  /** Stops saying the interrupt again (`cancel`): the runs it was for are over. */
  private retelling?: () => void;

  /** Stops the runs in progress: no new check starts, and the running ones stop at their next request. */
  cancel(): Promise<void> {
    this.cancelled = true;
    const channel = new BroadcastChannel(INTERRUPT_CHANNEL);
    const running = this.running;
    channel.postMessage(running);
    // A message reaches only the listeners there are: a worker still opening its runs (the run
    // probes the target first) would miss it, and send until vitest's cancel reached it between two
    // checks. It is said again until the runs are over.
    if (running.length > 0 && !this.retelling) {
      const timer = setInterval(() => channel.postMessage(running), RETELL_MS);
      timer.unref();
      this.retelling = () => {
        clearInterval(timer);
        channel.close();
      };
    } else channel.close();
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
export async function runSuites(config: RunRequest, meta?: RunMeta, files?: string[]): Promise<RunReport> {
  const runner = await SuiteRunner.open();
  try {
    return await runner.run(config, meta, files);
  } finally {
    await runner.close();
  }
}
