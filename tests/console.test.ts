/**
 * What the console prints at the end of a run, through `main` as the CLI runs it: one verdict over every
 * API of an invocation, `promises` printing the matrix alone, colour only on a terminal without NO_COLOR or CI.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { tempDir } from './support/cli.js';

const ESCAPE = /\u001b\[[0-9;]*m/;

/** A terminal that keeps nothing: the live progress view draws into it. */
function terminal(): NodeJS.WriteStream {
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() }) as unknown as NodeJS.WriteStream;
  Object.assign(sink, { isTTY: true, columns: 120 });
  return sink;
}

async function run(args: readonly string[], env: NodeJS.ProcessEnv, tty: boolean) {
  const out: string[] = [];
  const code = await main(args, env, {
    out: (line) => out.push(line),
    err: (line) => out.push(line),
    ...(tty ? { progress: terminal() } : {}),
  });
  return { code, stdout: out.join('\n') };
}

describe('the console at the end of a run', () => {
  it('closes a run of every API with one verdict over all of them, coloured on a terminal', async () => {
    const dir = tempDir('verdict');
    const { code, stdout } = await run(['run', '--only', 'contract', '--seed', '7', '--report-dir', dir], {}, true);
    expect(code).toBe(0);
    const plain = stdout.replace(new RegExp(ESCAPE, 'g'), '');
    const at = plain.indexOf('verdict over 4 runs: PASSED (4 of 4 passed; exit 0)');
    expect(at).toBeGreaterThan(0);
    // After the four summaries, one line per API.
    const tail = plain.slice(at).split('\n');
    for (const api of ['freshbooks-rest', 'freshbooks-classic', 'freshbooks-mcp', 'growcrm'])
      expect(tail.some((line) => new RegExp(`^ {2}${api} +PASSED {2}\\d+ passed`).test(line))).toBe(true);
    expect(stdout).toMatch(ESCAPE);
  });

  it('prints no colour with NO_COLOR, in CI or when the output is not a terminal, and no verdict for one run', async () => {
    for (const [env, tty] of [
      [{ NO_COLOR: '1' }, true],
      [{ CI: 'true' }, true],
      [{}, false],
    ] as const) {
      const { code, stdout } = await run(['run', '--api', 'growcrm', '--only', 'contract', '--report-dir', tempDir('plain')], env, tty);
      expect(code).toBe(0);
      expect(stdout).not.toMatch(ESCAPE);
      expect(stdout).not.toContain('verdict over');
      expect(stdout).toMatch(/^ {2}contract {8}\d+ passed, \d+ skipped$/m);
    }
  });

  it('`promises` prints the matrix and nothing else', async () => {
    const { code, stdout } = await run(
      ['promises', '--api', 'growcrm', '--only', 'contract', '--report-dir', tempDir('promises')],
      {},
      false,
    );
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toMatch(/^promises of growcrm \(\d+\): ✓ kept, ✗ broken, · untested$/);
    expect(stdout).not.toMatch(/^\d+ checks:|^reports:|^clientele growcrm/m);
  });
});
