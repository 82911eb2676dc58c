/** Runs the CLI as a user would: in this process through `main` (fast), or once as a real child process. */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { main } from '../../cli/main.js';
import { SuiteRunner } from '../../runner/run.js';
import { PROJECT_ROOT } from '../../generators/spec.js';
import { sharedSuiteRunner } from './shared-runner.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** A SuiteRunner runs one run at a time: calls that share it wait their turn. */
let turn: Promise<unknown> = Promise.resolve();

/**
 * `clientele ARGS` in this process, with this environment, capturing what it prints. `ownRunner`: the
 * run starts and closes its own SuiteRunner, as the CLI does (needed for runs at the same time).
 */
export async function runMain(args: readonly string[], env: Record<string, string> = {}, { ownRunner = false } = {}): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (line: string) => out.push(line), err: (line: string) => err.push(line) };
  let started = Date.now();
  let code: number;
  if (ownRunner) code = await main(args, env, io);
  else {
    const mine = turn.then(async () => {
      started = Date.now();
      return main(args, env, io, undefined, await sharedSuiteRunner(() => SuiteRunner.open()));
    });
    turn = mine.catch(() => undefined);
    code = await mine;
  }
  const text = (lines: string[]) => (lines.length ? `${lines.join('\n')}\n` : '');
  return { code, stdout: text(out), stderr: text(err), ms: Date.now() - started };
}

/** `clientele ARGS` as a child process through `bin/clientele.js`, exactly as a user runs it. */
export function runCli(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 240_000): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(PROJECT_ROOT, 'bin', 'clientele.js'), ...args],
      { cwd: PROJECT_ROOT, env: { ...process.env, CLIENTELE_TOKEN: '', ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}

/** A report directory removed when the calling test ends. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `clientele-${prefix}-`));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function readReport(dir: string): Record<string, any> {
  return JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
}

/**
 * The server processes still running whose command line holds `marker` (zombies aside), once they had up
 * to `withinMs` to go: a run closes its stdio server a moment after its last family lets go.
 */
export async function lingering(marker: string, withinMs = 5_000): Promise<string[]> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const left = execFileSync('ps', ['-eo', 'stat=,args='], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes(marker) && !line.includes('ps -eo') && !/^Z/.test(line.trim()));
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
