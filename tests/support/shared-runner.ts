/**
 * The SuiteRunner a test file's in-process CLI runs share (`runMain` in `cli.ts`), held apart from the
 * CLI so the per-file hook (`per-file.ts`) closes it without loading the CLI into files that never ran it.
 */
import type { SuiteRunner } from '../../runner/run.js';

let shared: Promise<SuiteRunner> | undefined;

/** The file's shared SuiteRunner, opened by `open` the first time. */
export function sharedSuiteRunner(open: () => Promise<SuiteRunner>): Promise<SuiteRunner> {
  return (shared ??= open());
}

/** Closes the file's shared SuiteRunner, if it opened one. */
export async function closeSharedSuiteRunner(): Promise<void> {
  const runner = shared;
  shared = undefined;
  await (await runner)?.close();
}
