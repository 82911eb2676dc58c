/** Runs the real CLI in a child process, as a user would, and collects what it printed. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { PROJECT_ROOT } from '../../generators/spec.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

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
