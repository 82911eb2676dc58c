/**
 * The CLI as a new user meets it: documented exit codes, one-line errors, a report in every case. Runs
 * in this process through `main`; one smoke test spawns the real command.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTarget as startClassic } from '../apis/freshbooks-classic/reference/index.js';
import { startTarget as startRest } from '../apis/freshbooks-rest/reference/index.js';
import { APIS, findApi } from '../apis/registry.js';
import { FAMILIES } from '../engine/families.js';
import { PROJECT_ROOT } from '../generators/spec.js';
import type { RunningTarget } from '../reference-kit/types.js';
import { lingering, readReport, runCli, runMain, tempDir } from './support/cli.js';

const TOKEN = 'tok-9f8e7d6c5b4a-secret';

function oneLine(text: string): void {
  const lines = text.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^clientele: /);
  expect(text).not.toMatch(/\n\s+at /); // no stack trace
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('usage errors: exit 2, one line, a report saying why', () => {
  it.each([
    [['run', '--api', 'nope'], /unknown API 'nope'/],
    [['run', '--bogus'], /bogus/],
    [['run', '--runs', 'many'], /--runs must be a whole number/],
    [['run', '--only', 'everything'], /unknown family 'everything'/],
    [['launch'], /unknown command 'launch'/],
    [['rn'], /unknown command 'rn' \(did you mean run\?/],
    [['run', '--sed', '5'], /^clientele: unknown option --sed \(did you mean --seed\?\); see --help$/m],
    [['run', '--max-duraton', '5s'], /did you mean --max-duration\?/],
    [['run', '--seed', '-5'], /--seed must be between 0 and 2147483647, got -5/],
    [['run', '--target', 'http://127.0.0.1:9'], /--target needs --api/],
    [['run', '--api', 'freshbooks', '--target', 'http://127.0.0.1:9', '--account-id', 'A'], /needs --token for --api freshbooks-rest/],
    [['run', '--api', 'freshbooks', '--target', 'http://127.0.0.1:9', '--token', 'T'], /needs --account-id for --api freshbooks-rest/],
    [['run', '--api', 'freshbooks', '--target', 'not a url'], /--target is not a URL/],
    [['run', '--api', 'freshbooks', '--mutant', 'no-such-mutant'], /unknown --mutant/],
    [['run', '--api', 'growcrm', '--custom-field', 'no-equals-sign'], /--custom-field must be NAME=VALUE/],
    [['run', '--api', 'growcrm', '--custom-field', 'a=1', '--custom-field', 'a=2'], /--custom-field a is given twice/],
  ])('%j', async (args, message) => {
    const dir = tempDir('usage');
    const result = await runMain([...args, '--report-dir', dir]);
    expect(result.code).toBe(2);
    oneLine(result.stderr);
    expect(result.stderr).toMatch(message);
    expect(readReport(dir)).toMatchObject({ outcome: 'usage-error', exitCode: 2 });
  });
});

describe('the real command (one child process)', () => {
  it('--help answers fast without loading the runner; a usage error is one line with exit 2', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes');
    const dir = tempDir('smoke');
    const usage = await runCli(['run', '--runs', 'many', '--report-dir', dir]);
    expect(usage.code).toBe(2);
    oneLine(usage.stderr);
    expect(readReport(dir)).toMatchObject({ outcome: 'usage-error', exitCode: 2 });
  });
});

describe('help and version', () => {
  it.each(['run', 'serve', 'mutants', 'replay'])(
    "%s --help prints that command's usage and description, not the whole help",
    async (command) => {
      const result = await runMain([command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^clientele ${command}\\n`));
      expect(result.stdout).toContain(`  clientele ${command} `);
      expect(result.stdout).not.toContain('Exit codes');
    },
  );

  it('mutants --list lists every mutant of an API with its kind, and runs nothing', async () => {
    const result = await runMain(['mutants', '--api', 'growcrm', '--list']);
    expect(result.code).toBe(0);
    const { mutants } = await findApi('growcrm').embedded();
    expect(result.stdout).toContain(`growcrm: ${mutants.length} mutants`);
    for (const mutant of mutants) expect(result.stdout).toContain(`  ${mutant.id} `);
    expect(result.stdout).toMatch(/\(open\)/);
  });

  it('--help documents the commands, every API with its options, and the exit codes', async () => {
    const result = await runMain(['--help']);
    expect(result.code).toBe(0);
    for (const word of [
      'run',
      'mutants',
      '--target',
      '--token',
      '--seed',
      '--runs',
      '--read-only',
      '--only',
      '--report-dir',
      'Exit codes',
      'target unreachable',
    ]) {
      expect(result.stdout).toContain(word);
    }
    for (const api of APIS) {
      expect(result.stdout).toContain(api.id);
      for (const option of api.credentials) expect(result.stdout).toContain(`--${option.flag}`);
    }
  });
  it('--version prints the version', async () => {
    const result = await runMain(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^clientele \d+\.\d+\.\d+/);
  });
});

describe('a port with nothing listening', () => {
  it('exits 3 with one line and writes a report', async () => {
    const dir = tempDir('unreachable');
    const port = await freePort();
    const result = await runMain([
      'run',
      '--api',
      'freshbooks',
      '--target',
      `http://127.0.0.1:${port}`,
      '--token',
      TOKEN,
      '--account-id',
      'ABC123',
      '--report-dir',
      dir,
    ]);
    expect(result.code).toBe(3);
    oneLine(result.stderr);
    expect(result.stderr).toMatch(/unreachable: connection refused/);
    expect(readReport(dir)).toMatchObject({ outcome: 'target-unreachable', exitCode: 3 });
  });
});

describe('against a server given by URL', () => {
  let target: RunningTarget;
  beforeAll(async () => {
    target = await startRest({ token: TOKEN, accountId: 'ABC123' });
  });
  afterAll(() => target.close());

  async function countClients(visState?: number): Promise<number> {
    const query = visState === undefined ? '' : `&search[vis_state]=${visState}`;
    const res = await fetch(`${target.url}/accounting/account/ABC123/users/clients?per_page=1${query}`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    return (await res.json()).response.result.total;
  }

  it('--read-only passes without writing anything, and skips every writing check', async () => {
    const dir = tempDir('readonly');
    const result = await runMain(
      ['run', '--api', 'freshbooks', '--target', target.url, '--account-id', 'ABC123', '--read-only', '--runs', '3', '--report-dir', dir],
      { CLIENTELE_TOKEN: TOKEN },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = readReport(dir);
    expect(report.summary.total.failed).toBe(0);
    expect(report.summary.total.passed).toBeGreaterThan(0);
    expect(report.summary.total.skipped).toBeGreaterThan(0);
    expect(await countClients()).toBe(0);
  });

  it('token from CLIENTELE_TOKEN works; the token appears in no report and no output; every client it made is left soft-deleted', async () => {
    const dir = tempDir('secret');
    const result = await runMain(
      [
        'run',
        '--api',
        'freshbooks',
        '--target',
        target.url,
        '--account-id',
        'ABC123',
        '--runs',
        '3',
        '--only',
        'contract,deletion',
        '--report-dir',
        dir,
      ],
      { CLIENTELE_TOKEN: TOKEN },
    );
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
    const files = readdirSync(dir);
    expect(files).toEqual(expect.arrayContaining(['report.json', 'report.junit.xml', 'report.md', 'report.html']));
    for (const file of files) expect(readFileSync(join(dir, file), 'utf8')).not.toContain(TOKEN);
    expect(await countClients()).toBeGreaterThan(0);
    expect(await countClients(0)).toBe(0);
  });
});

describe('FreshBooks Classic against a server given by URL', () => {
  const STAFF = 'staff-5e4d3c2b1a-secret';
  let target: RunningTarget;
  beforeAll(async () => {
    target = await startClassic({ token: TOKEN, accountId: '', staffToken: STAFF });
  });
  afterAll(() => target.close());

  /** Clients in a folder whose notes carry a clientele run tag. */
  async function tagged(folder: string): Promise<number> {
    const body =
      '<?xml version="1.0" encoding="utf-8"?><request method="client.list"><notes>clientele-</notes>' +
      `<folder>${folder}</folder><per_page>1</per_page></request>`;
    const res = await fetch(target.url, {
      method: 'POST',
      body,
      headers: { Authorization: `Basic ${Buffer.from(`${TOKEN}:X`).toString('base64')}` },
    });
    return Number(/total="(\d+)"/.exec(await res.text())?.[1]);
  }

  it('with --staff-token runs the access checks; neither token reaches a report or the output; every client made is left deleted', async () => {
    const dir = tempDir('classic');
    const result = await runMain(
      ['run', '--api', 'freshbooks-classic', '--target', target.url, '--staff-token', STAFF, '--runs', '3', '--report-dir', dir],
      { CLIENTELE_TOKEN: TOKEN },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = readReport(dir);
    expect(report.summary.families.access.passed).toBe(4);
    expect(report.summary.total.failed).toBe(0);
    for (const secret of [TOKEN, STAFF]) {
      expect(result.stdout).not.toContain(secret);
      for (const file of readdirSync(dir)) expect(readFileSync(join(dir, file), 'utf8')).not.toContain(secret);
    }
    expect(await tagged('deleted')).toBeGreaterThan(0);
    expect(await tagged('active')).toBe(0);
  });

  it('without --staff-token skips the access checks and says why', async () => {
    const dir = tempDir('classic-nostaff');
    const result = await runMain([
      'run',
      '--api',
      'freshbooks-classic',
      '--target',
      target.url,
      '--token',
      TOKEN,
      '--runs',
      '2',
      '--only',
      'access',
      '--report-dir',
      dir,
    ]);
    expect(result.code).toBe(0);
    const report = readReport(dir);
    expect(report.summary.families.access.skipped).toBe(4);
    for (const check of report.checks) expect(check).toMatchObject({ status: 'skipped', note: expect.stringContaining('--staff-token') });
  });
});

describe('a Classic failure report', () => {
  it('reproduces with the XML bodies, curl lines naming whose credential (never its value) and the seed', async () => {
    const dir = tempDir('classic-failure');
    const result = await runMain([
      'run',
      '--api',
      'freshbooks-classic',
      '--mutant',
      'staff-edits-unassigned',
      '--only',
      'access',
      '--seed',
      '7',
      '--report-dir',
      dir,
    ]);
    expect(result.code).toBe(1);
    const failure = readReport(dir).checks.find((c: { status: string }) => c.status === 'failed').failure;
    expect(failure.seed).toBe(7);
    expect(failure.reproduction.replay).toBe(
      'npx clientele run --api freshbooks-classic --mutant staff-edits-unassigned --seed 7 --only access',
    );
    const steps: { kind: string; command: string; body?: string; language?: string }[] = failure.reproduction.steps;
    expect(steps.every((step) => step.kind === 'curl')).toBe(true);
    const staffLines = steps.filter((step) => step.command.includes('-u "$CLIENTELE_STAFF_TOKEN:X"'));
    expect(staffLines.length).toBeGreaterThan(0);
    expect(steps.every((step) => !step.command.includes('Authorization'))).toBe(true);
    expect(
      steps.some(
        (step) => step.language === 'xml' && step.body?.startsWith('<?xml') && step.body.includes('<request method="client.update">'),
      ),
    ).toBe(true);
  });
});

describe('npm start: every API against its embedded reference', () => {
  it('exits 0 and writes one set of reports per API', { timeout: 300_000 }, async () => {
    const dir = tempDir('all');
    const result = await runMain(['run', '--runs', '3', '--report-dir', dir]);
    expect(result.code).toBe(0);
    for (const { id } of APIS) {
      expect(readdirSync(join(dir, id)).sort()).toEqual(['report.html', 'report.json', 'report.junit.xml', 'report.md']);
      const report = readReport(join(dir, id));
      expect(report).toMatchObject({ api: id, outcome: 'passed', exitCode: 0 });
      // Each report covers the API's own families, and only those.
      expect(Object.keys(report.summary.families)).toEqual(FAMILIES.filter((family) => findApi(id).families.includes(family)));
    }
  });
});

describe('clientele serve, then a run against it (MCP)', () => {
  /** Starts `clientele serve` as a user would and resolves with the child and the line it printed. */
  function serve(args: readonly string[]): Promise<{ child: ChildProcess; printed: string }> {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'clientele.js'), 'serve', ...args], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new Promise((resolve, reject) => {
      let printed = '';
      const timer = setTimeout(() => reject(new Error(`serve printed nothing in time: ${printed}`)), 30_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        printed += chunk.toString('utf8');
        if (printed.includes('\ntry: ')) {
          clearTimeout(timer);
          resolve({ child, printed });
        }
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${printed}`)));
    });
  }

  async function stop(child: ChildProcess): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  }

  it('serve --port 0 prints where it listens; a run against that URL exits 0; SIGTERM stops it', { timeout: 120_000 }, async () => {
    const { child, printed } = await serve(['--api', 'freshbooks-mcp', '--port', '0']);
    try {
      const url = /listening on (\S+)/.exec(printed)![1]!;
      const token = /--token (\S+)/.exec(printed)![1]!;
      const dir = tempDir('served');
      const result = await runMain([
        'run',
        '--api',
        'freshbooks-mcp',
        '--target',
        url,
        '--token',
        token,
        '--account-id',
        'ABC123',
        '--runs',
        '3',
        '--report-dir',
        dir,
      ]);
      expect(result.code, result.stdout).toBe(0);
      expect(readReport(dir)).toMatchObject({ api: 'freshbooks-mcp', outcome: 'passed' });
    } finally {
      expect(await stop(child)).toBe(0);
    }
  });

  it('serve --stdio through --command: the run exits 0 and leaves no server process', { timeout: 120_000 }, async () => {
    const dir = tempDir('stdio');
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(PROJECT_ROOT, 'bin', 'clientele.js'))} serve --api freshbooks-mcp --stdio`;
    const result = await runMain([
      'run',
      '--api',
      'freshbooks-mcp',
      '--command',
      command,
      '--account-id',
      'ABC123',
      '--runs',
      '3',
      '--only',
      'contract,partial-update',
      '--report-dir',
      dir,
    ]);
    expect(result.code, result.stdout).toBe(0);
    const report = readReport(dir);
    expect(report.target).toMatch(/^command: /);
    // Without --unauthenticated-command, the -32001 check says why it did not run.
    expect(report.checks.find((c: { name: string }) => c.name === 'no credentials, no calls')).toMatchObject({
      status: 'skipped',
      note: expect.stringMatching(/--unauthenticated-command/),
    });
    expect(await lingering('serve --api freshbooks-mcp --stdio')).toEqual([]);
  });

  it('SIGHUP (its terminal closed) stops it too, exit 0', { timeout: 60_000 }, async () => {
    const { child } = await serve(['--api', 'growcrm', '--port', '0']);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGHUP');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    try {
      expect(await exited).toBe(0);
    } finally {
      clearTimeout(timer);
    }
  });

  it('--command with an HTTP API, or with --target, is one usage line (exit 2)', async () => {
    // A usage error still writes its report: into a directory of the test's own, not the project's reports/latest.
    const dir = tempDir('command-usage');
    const rest = await runMain([
      'run',
      '--api',
      'freshbooks-rest',
      '--command',
      'true',
      '--token',
      TOKEN,
      '--account-id',
      'A',
      '--report-dir',
      dir,
    ]);
    expect(rest.code).toBe(2);
    oneLine(rest.stderr);
    const both = await runMain([
      'run',
      '--api',
      'freshbooks-mcp',
      '--command',
      'true',
      '--target',
      'http://127.0.0.1:1/mcp',
      '--report-dir',
      dir,
    ]);
    expect(both.code).toBe(2);
    oneLine(both.stderr);
  });
});

describe('clientele serve stops with the process that started it (npx, a script)', () => {
  let starter: ChildProcess | undefined;
  let served: number | undefined;
  afterEach(() => {
    // Whatever the test did, neither process outlives it.
    if (served !== undefined && !ended(served)) process.kill(served, 'SIGKILL');
    starter?.kill('SIGKILL');
    starter = served = undefined;
  });

  /** Whether a process has ended: gone, or a zombie its new parent has not reaped yet. */
  function ended(pid: number): boolean {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    if (process.platform !== 'linux') return false;
    try {
      return readFileSync(`/proc/${pid}/stat`, 'utf8')
        .replace(/^.*\) /s, '')
        .startsWith('Z');
    } catch {
      return true;
    }
  }

  it('its starter killed with SIGKILL (no signal passed on), the server stops within seconds', { timeout: 60_000 }, async () => {
    const bin = join(PROJECT_ROOT, 'bin', 'clientele.js');
    const script = [
      "const { spawn } = require('node:child_process');",
      `const child = spawn(process.execPath, ${JSON.stringify([bin, 'serve', '--api', 'growcrm', '--port', '0'])}, { stdio: ['ignore', 'inherit', 'inherit'] });`,
      "process.stdout.write('serve pid ' + child.pid + '\\n');",
      'setInterval(() => {}, 60_000);',
    ].join('\n');
    starter = spawn(process.execPath, ['-e', script], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const printed = await new Promise<string>((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error(`serve printed nothing in time: ${text}`)), 30_000);
      const take = (chunk: Buffer) => {
        text += chunk.toString('utf8');
        if (/serve pid \d+/.test(text) && text.includes('\ntry: ')) {
          clearTimeout(timer);
          resolve(text);
        }
      };
      starter!.stdout!.on('data', take);
      starter!.stderr!.on('data', take);
    });
    served = Number(/serve pid (\d+)/.exec(printed)![1]);
    expect(printed).toMatch(/growcrm reference listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(ended(served)).toBe(false);
    starter.kill('SIGKILL');
    const deadline = Date.now() + 10_000;
    while (!ended(served) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ended(served)).toBe(true);
  });
});

describe('preflight: false in the config file', () => {
  it('does what --no-preflight does: against an HTML page the checks run and fail, instead of one diagnosis', async () => {
    const page = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><body><h1>The web app</h1></body></html>');
    });
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
      const dir = tempDir('preflight-key');
      const run = async (name: string, fileOptions: string[], targetOptions: string[]) => {
        const file = join(dir, `${name}.yaml`);
        writeFileSync(
          file,
          [
            'targets:',
            '  - api: freshbooks-rest',
            `    url: ${url}`,
            '    accountId: ABC123',
            '    tokenEnv: PAGE_TOKEN',
            ...targetOptions,
            'options:',
            '  only: [contract]',
            '  runs: 1',
            ...fileOptions,
            '',
          ].join('\n'),
        );
        return runMain(['run', '--config', file, '--report-dir', join(dir, name)], { PAGE_TOKEN: TOKEN });
      };
      const checked = await run('checked', [], []);
      expect(checked.code).toBe(2);
      expect(checked.stderr).toMatch(/the target answers with an HTML page/);
      for (const [name, fileOptions, targetOptions] of [
        ['file', ['  preflight: false'], []],
        ['target', [], ['    options:', '      preflight: false']],
      ] as const) {
        const result = await run(name, [...fileOptions], [...targetOptions]);
        expect(result.code, name).toBe(1);
        expect(result.stderr, name).not.toMatch(/HTML page/);
        expect(readReport(join(dir, name)).outcome, name).toBe('failed');
      }
    } finally {
      await new Promise((resolve) => page.close(resolve));
    }
  });
});
