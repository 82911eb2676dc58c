/**
 * What the console prints at the end of a run, through `main` as the CLI runs it: one verdict over every
 * API of an invocation, `promises` printing the matrix alone, colour only on a terminal without NO_COLOR or CI.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { colourWanted } from '../cli/progress.js';
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
  it('closes a run of several targets with one verdict over all of them, coloured on a terminal', async () => {
    const dir = tempDir('verdict');
    const config = join(dir, 'clientele.config.yaml');
    writeFileSync(
      config,
      ['targets:', '  - api: growcrm', '  - api: freshbooks-rest', 'options:', '  only: [ordering, partial-update]', '  seed: 7', ''].join(
        '\n',
      ),
    );
    const { code, stdout } = await run(['run', '--config', config, '--report-dir', dir], {}, true);
    expect(code).toBe(0);
    const plain = stdout.replace(new RegExp(ESCAPE, 'g'), '');
    const at = plain.indexOf('verdict over 2 runs: PASSED (2 of 2 passed; exit 0)');
    expect(at).toBeGreaterThan(0);
    // After both summaries, one line per run.
    const tail = plain.slice(at).split('\n');
    for (const api of ['growcrm', 'freshbooks-rest'])
      expect(tail.some((line) => new RegExp(`^ {2}${api} +PASSED {2}\\d+ passed`).test(line))).toBe(true);
    expect(stdout).toMatch(ESCAPE);
  });

  it('colours only a terminal without NO_COLOR, CI or TERM=dumb, unless FORCE_COLOR says so', () => {
    expect(colourWanted({ isTTY: true, env: {} })).toBe(true);
    expect(colourWanted({ isTTY: false, env: {} })).toBe(false);
    expect(colourWanted({ isTTY: true, env: { NO_COLOR: '1' } })).toBe(false);
    expect(colourWanted({ isTTY: true, env: { CI: 'true' } })).toBe(false);
    expect(colourWanted({ isTTY: true, env: { TERM: 'dumb' } })).toBe(false);
    expect(colourWanted({ isTTY: false, env: { FORCE_COLOR: '1' } })).toBe(true);
    expect(colourWanted({ isTTY: true, env: { NO_COLOR: '1', FORCE_COLOR: '1' } })).toBe(false);
  });

  it('prints no colour with NO_COLOR on a terminal, and no verdict for one run', async () => {
    const { code, stdout } = await run(
      ['run', '--api', 'growcrm', '--only', 'ordering', '--report-dir', tempDir('plain')],
      { NO_COLOR: '1' },
      true,
    );
    expect(code).toBe(0);
    expect(stdout).not.toMatch(ESCAPE);
    expect(stdout).not.toContain('verdict over');
    expect(stdout).toMatch(/^ {2}ordering {8}1 passed$/m);
  });

  it('`promises` prints the matrix and nothing else', async () => {
    const { code, stdout } = await run(
      ['promises', '--api', 'growcrm', '--only', 'ordering', '--report-dir', tempDir('promises')],
      {},
      false,
    );
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toMatch(/^promises of growcrm \(\d+\): ✓ kept, ✗ broken, · untested$/);
    expect(stdout).not.toMatch(/^\d+ checks:|^reports:|^clientele growcrm/m);
  });
});
