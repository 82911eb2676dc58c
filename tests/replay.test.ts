/**
 * `clientele replay`: real failing reports, made in this process by `clientele run` against embedded
 * mutants, sent again to the same mutant (started afresh), to a reference server, and to a server that
 * is gone. Every server a test starts is stopped through its own handle.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedTarget } from '../apis/descriptor.js';
import { findApi } from '../apis/registry.js';
import { replayCommand, type ReplayOptions } from '../cli/replay.js';
import { runMain } from './support/cli.js';

const BOUND = 60_000;
const GET_CHECK = 'contract/unknown-id-on-get';
const UPDATE_CHECK = 'contract/unknown-id-on-update';
const DELETE_CHECK = 'contract/unknown-id-on-delete';

const dirs: string[] = [];
const servers: StartedTarget[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close().catch(() => undefined)));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function newDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `clientele-replay-${prefix}-`));
  dirs.push(dir);
  return dir;
}

/** `clientele run ARGS` in this process; the report it wrote. A run with failures exits 1 (0 with warnings only). */
async function failingReport(args: readonly string[], env: Record<string, string> = {}, exitCode = 1): Promise<string> {
  const dir = newDir('run');
  const result = await runMain(['run', ...args, '--runs', '3', '--seed', '7', '--report-dir', dir], env);
  expect(result.code, result.stderr).toBe(exitCode);
  return join(dir, 'report.json');
}

async function start(api: string, mutant?: string): Promise<StartedTarget> {
  const server = await (await findApi(api).embedded()).start(mutant);
  servers.push(server);
  return server;
}

function urlOf(server: StartedTarget): string {
  if (server.address.kind !== 'url') throw new Error('expected a URL target');
  return server.address.url;
}

function credentialsOf(server: StartedTarget): Record<string, string> {
  return Object.fromEntries(server.credentials.map((c) => [c.key, c.value]));
}

interface Replayed {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

async function replay(options: Partial<ReplayOptions> & Pick<ReplayOptions, 'report'>): Promise<Replayed> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await replayCommand(
    { credentials: {}, timeoutMs: 5_000, maxBodyBytes: 8 * 1024 * 1024, ...options },
    { out: (l) => out.push(l), err: (l) => err.push(l) },
  );
  for (const line of [...out, ...err]) expect(line).not.toMatch(/\n/);
  return { code, out, err };
}

/** A config file with one target of freshbooks-rest, its token in the variable `tokenEnv`. */
function configFile(url: string, accountId: string, tokenEnv: string): string {
  const file = join(newDir('config'), 'clientele.config.yaml');
  writeFileSync(
    file,
    ['targets:', '  - api: freshbooks-rest', `    url: ${url}`, `    accountId: ${accountId}`, `    tokenEnv: ${tokenEnv}`, ''].join('\n'),
  );
  return file;
}

/** A usage or unreachable error: one line on stderr, nothing on stdout. */
function oneErrorLine(result: Replayed, pattern: RegExp): void {
  expect(result.out).toEqual([]);
  expect(result.err).toHaveLength(1);
  expect(result.err[0]).toMatch(/^clientele: /);
  expect(result.err[0]).toMatch(pattern);
}

describe('replay of a REST failure judged on one answer (unknown id answered 500)', () => {
  let report: string;
  beforeAll(async () => {
    report = await failingReport(['--api', 'freshbooks-rest', '--mutant', 'unknown-id-500', '--only', 'contract']);
  }, BOUND);

  it('against the same mutant, started again: still fails, exit 1', { timeout: BOUND }, async () => {
    const result = await replay({ report });
    expect(result.err).toEqual([]);
    expect(result.code).toBe(1);
    expect(result.out).toEqual([
      `✗ still fails  ${GET_CHECK} — not-a-server-error: getClient answered 500 (server error) (also: expected-status)`,
      `✗ still fails  ${UPDATE_CHECK} — not-a-server-error: updateClient answered 500 (server error) (also: expected-status)`,
      `✗ still fails  ${DELETE_CHECK} — not-a-server-error: updateClient answered 500 (server error) (also: expected-status)`,
      'replayed 3 failures of report.json against embedded freshbooks-rest mutant unknown-id-500, started again: 3 still fail',
    ]);
  });

  it(
    'against a reference server (--target): no longer fails, says how the answer differs, exit 0; the token is never shown',
    { timeout: BOUND },
    async () => {
      const reference = await start('freshbooks-rest');
      const credentials = credentialsOf(reference);
      const result = await replay({ report, target: urlOf(reference), credentials });
      expect(result.err).toEqual([]);
      expect(result.code).toBe(0);
      expect(result.out).toEqual([
        `✓ no longer fails  ${GET_CHECK} — HTTP 404, was HTTP 500`,
        `✓ no longer fails  ${UPDATE_CHECK} — HTTP 404, was HTTP 500`,
        `✓ no longer fails  ${DELETE_CHECK} — HTTP 404, was HTTP 500`,
        `replayed 3 failures of report.json against ${urlOf(reference)}: 3 no longer fail`,
      ]);
      expect(result.out.join('\n')).not.toContain(credentials.token);
    },
  );

  it("with a config naming the token's variable: the token comes from that variable, as run takes it", { timeout: BOUND }, async () => {
    const reference = await start('freshbooks-rest');
    const { token, accountId } = credentialsOf(reference);
    const file = configFile(urlOf(reference), accountId!, 'STAGING_REST_TOKEN');
    const env = { STAGING_REST_TOKEN: token! };
    const result = await runMain(['replay', report, '--target', urlOf(reference), '--config', file], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(
      `replayed 3 failures of report.json against ${urlOf(reference)}: 3 no longer fail`,
    );
    expect(result.stdout).not.toContain(token);
    // Without the file, the variable it names means nothing: no token to send.
    const bare = await runMain(['replay', report, '--target', urlOf(reference)], env);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/needs --token for --api freshbooks-rest \(or CLIENTELE_TOKEN\)/);
  });

  it('--check replays that check alone', { timeout: BOUND }, async () => {
    const result = await replay({ report, check: UPDATE_CHECK });
    expect(result.code).toBe(1);
    expect(result.out).toHaveLength(2);
    expect(result.out[0]).toMatch(new RegExp(`^✗ still fails  ${UPDATE_CHECK} — `));
    expect(result.out[1]).toMatch(/^replayed 1 failure of report\.json against .*: 1 still fails$/);
  });

  it('an unknown --check is one usage line, exit 2', async () => {
    const result = await replay({ report, check: 'contract/no-such-check' });
    expect(result.code).toBe(2);
    oneErrorLine(result, /--check contract\/no-such-check: no such check in .*report\.json \(replayable: contract\//);
  });

  it('a check that passed is one usage line, exit 2', async () => {
    const id = (JSON.parse(readFileSync(report, 'utf8')) as { checks: { id: string; status: string }[] }).checks.find(
      (c) => c.status === 'passed',
    )!.id;
    const result = await replay({ report, check: id });
    expect(result.code).toBe(2);
    oneErrorLine(result, /is passed in .*only failed or warned checks can be replayed/);
  });

  it('a stopped server (--target) is one line, exit 3', { timeout: BOUND }, async () => {
    const reference = await start('freshbooks-rest');
    await reference.close();
    const result = await replay({ report, target: urlOf(reference), credentials: credentialsOf(reference) });
    expect(result.code).toBe(3);
    oneErrorLine(result, /unreachable: connection refused/);
  });
});

describe('what is not a replayable report: one usage line, exit 2', () => {
  it.each([
    ['a missing file', () => join(newDir('missing'), 'report.json'), /cannot read the report/],
    ['a file that is not JSON', () => write('not json at all'), /is not a clientele report \(not JSON\)/],
    ['JSON that is not a report', () => write(JSON.stringify({ hello: 'world' })), /is not a clientele report/],
    [
      'a report without failures',
      () =>
        write(
          JSON.stringify({
            tool: { name: 'clientele' },
            api: 'freshbooks-rest',
            target: 'embedded freshbooks-rest reference',
            checks: [{ id: 'contract/x', status: 'passed' }],
          }),
        ),
      /has no failed or warned check with recorded requests/,
    ],
    [
      'a target that names no server',
      () => write(JSON.stringify(reportWith('somewhere else'))),
      /target 'somewhere else' is no server to replay against; pass --target URL/,
    ],
  ])('%s', async (_name, path, pattern) => {
    const result = await replay({ report: path() });
    expect(result.code).toBe(2);
    oneErrorLine(result, pattern);
  });

  function write(text: string): string {
    const file = join(newDir('bad'), 'report.json');
    writeFileSync(file, text);
    return file;
  }

  function reportWith(target: string) {
    const step = {
      operation: 'getClient',
      request: { method: 'GET', url: 'http://127.0.0.1:9/x' },
      answer: { httpStatus: 500, body: '', truncated: false },
    };
    const failure = {
      rule: 'expected-status',
      basisRule: 'errors/unknown-id',
      message: 'm',
      reproduction: { steps: [], replay: 'npx clientele run', exchanges: [step], failingStep: 0 },
    };
    return { tool: { name: 'clientele' }, api: 'freshbooks-rest', target, checks: [{ id: 'contract/x', status: 'failed', failure }] };
  }
});

describe('a server that accepts connections and never answers', () => {
  it('is given --timeout per request and three in a row at most: one line, exit 3', { timeout: BOUND }, async () => {
    const report = await failingReport(['--api', 'freshbooks-rest', '--mutant', 'update-wipes-unreferenced', '--only', 'partial-update']);
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as { port: number };
      const started = Date.now();
      const result = await replay({
        report,
        target: `http://127.0.0.1:${port}`,
        credentials: { token: 'tok-silent-0123456789', accountId: 'ABC123' },
        timeoutMs: 300,
      });
      expect(result.code).toBe(3);
      oneErrorLine(result, /stopped answering: 3 requests in a row got no answer in time/);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('a warned check (a broken open rule)', () => {
  it('still fails on the same mutant: the warning is judged as the run judged it', { timeout: BOUND }, async () => {
    const report = await failingReport(['--api', 'freshbooks-classic', '--mutant', 'fail-code-not-digits', '--only', 'contract'], {}, 0);
    const again = await replay({ report });
    expect(again.code).toBe(1);
    expect(again.out[0]).toMatch(new RegExp(`^✗ still fails  ${GET_CHECK} — response-schema: client\\.get 200 body violates the schema`));
    const reference = await start('freshbooks-classic');
    const fixed = await replay({ report, target: urlOf(reference), credentials: credentialsOf(reference) });
    expect(fixed.code).toBe(0);
    expect(fixed.out[0]).toBe(`✓ no longer fails  ${GET_CHECK} — HTTP 200 (fail) with a different body`);
  });
});

describe('replay of a run against a server given by URL', () => {
  let mutant: StartedTarget;
  let report: string;
  beforeAll(async () => {
    mutant = await start('freshbooks-rest', 'unknown-id-500');
    const { token, accountId } = credentialsOf(mutant);
    report = await failingReport(
      ['--api', 'freshbooks-rest', '--target', urlOf(mutant), '--account-id', accountId!, '--only', 'contract'],
      { CLIENTELE_TOKEN: token! },
    );
  }, BOUND);

  it("needs the API's credentials: a missing one is one usage line naming the flag and variable, exit 2", async () => {
    const result = await replay({ report, credentials: { accountId: 'ABC123' } });
    expect(result.code).toBe(2);
    oneErrorLine(result, /needs --token for --api freshbooks-rest \(or CLIENTELE_TOKEN\)/);
  });

  it("a config whose target is at the report's URL gives them, from the variable it names", { timeout: BOUND }, async () => {
    const { token, accountId } = credentialsOf(mutant);
    const result = await runMain(['replay', report, '--config', configFile(urlOf(mutant), accountId!, 'MUTANT_TOKEN')], {
      MUTANT_TOKEN: token!,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(`replayed 3 failures of report.json against ${urlOf(mutant)}: 3 still fail`);
    expect(result.stdout).not.toContain(token);
  });

  it("with them: the report's URL still fails, exit 1; once that server is stopped: one line, exit 3", { timeout: BOUND }, async () => {
    const credentials = credentialsOf(mutant);
    const result = await replay({ report, credentials });
    expect(result.code).toBe(1);
    expect(result.out.slice(0, -1).every((line) => line.startsWith('✗ still fails  contract/'))).toBe(true);
    expect(result.out.at(-1)).toBe(`replayed 3 failures of report.json against ${urlOf(mutant)}: 3 still fail`);
    expect(result.out.join('\n')).not.toContain(credentials.token);
    await mutant.close();
    const gone = await replay({ report, credentials });
    expect(gone.code).toBe(3);
    oneErrorLine(gone, /unreachable/);
  });
});

describe('ids a fresh server hands out: a REST property failure judged over several answers', () => {
  let report: string;
  beforeAll(async () => {
    report = await failingReport(['--api', 'freshbooks-rest', '--mutant', 'update-wipes-unreferenced', '--only', 'partial-update']);
  }, BOUND);

  it('the same mutant answers the failing step as recorded, with its own ids in the URLs: still fails', { timeout: BOUND }, async () => {
    const result = await replay({ report });
    expect(result.code).toBe(1);
    expect(result.out.at(-1)).toMatch(/: 2 still fail$/);
    expect(result.out[0]).toMatch(
      /^✗ still fails {2}partial-update\/.* — partial-update\/untouched: step \d+ of \d+ \(getClient\) answered as recorded \(HTTP 200\)$/,
    );
  });

  it('the reference answers it otherwise: changed, with the line that re-runs the property, exit 0', { timeout: BOUND }, async () => {
    const reference = await start('freshbooks-rest');
    const result = await replay({ report, target: urlOf(reference), credentials: credentialsOf(reference) });
    expect(result.code).toBe(0);
    expect(result.out[0]).toMatch(
      new RegExp(
        String.raw`^~ changed {2}partial-update\/.* — step \d+ of \d+ \(getClient\): HTTP 200 with a different body; ` +
          String.raw`partial-update\/untouched is judged over several answers; to judge it, re-run: ` +
          String.raw`npx clientele run --api freshbooks-rest --mutant update-wipes-unreferenced .*--seed 7 --only partial-update$`,
      ),
    );
    expect(result.out.at(-1)).toMatch(/: 2 changed$/);
  });
});

describe('Classic (XML over HTTP): ids learned from XML answers', () => {
  let report: string;
  beforeAll(async () => {
    report = await failingReport(['--api', 'freshbooks-classic', '--mutant', 'update-blanks-unreferenced', '--only', 'partial-update']);
  }, BOUND);

  it('the same mutant, started again, still fails; the reference changes the answer', { timeout: BOUND }, async () => {
    const again = await replay({ report });
    expect(again.code).toBe(1);
    // The second check's client had a later id in the run than a fresh server's first one: it is learned.
    expect(again.out.at(-1)).toMatch(/: 2 still fail$/);
    expect(again.out[0]).toMatch(
      /^✗ still fails {2}partial-update\/.* — partial-update\/untouched: step \d+ of \d+ \(client\.get\) answered as recorded \(HTTP 200 \(ok\)\)$/,
    );
    const reference = await start('freshbooks-classic');
    const fixed = await replay({ report, target: urlOf(reference), credentials: credentialsOf(reference) });
    expect(fixed.code).toBe(0);
    expect(fixed.out[0]).toMatch(/^~ changed {2}partial-update\/.* \(client\.get\): HTTP 200 \(ok\) with a different body; /);
  });
});

describe('MCP (JSON-RPC): over Streamable HTTP and over stdio', () => {
  it('an unknown id answered -32603: still fails on the mutant, no longer on the reference', { timeout: BOUND }, async () => {
    const report = await failingReport(['--api', 'freshbooks-mcp', '--mutant', 'not-found-internal-error', '--only', 'contract']);
    const again = await replay({ report, check: GET_CHECK });
    expect(again.code).toBe(1);
    expect(again.out[0]).toBe(
      `✗ still fails  ${GET_CHECK} — expected-error-code: an unknown client id is answered -32005 (Client not found): expected error -32005, got -32603`,
    );
    const reference = await start('freshbooks-mcp');
    const fixed = await replay({ report, target: urlOf(reference), credentials: credentialsOf(reference) });
    expect(fixed.code).toBe(0);
    expect(fixed.out[0]).toBe(`✓ no longer fails  ${GET_CHECK} — JSON-RPC error -32005, was JSON-RPC error -32603`);
  });

  it('a run over stdio is replayed over stdio', { timeout: BOUND }, async () => {
    const report = await failingReport([
      '--api',
      'freshbooks-mcp',
      '--stdio',
      '--mutant',
      'update-wipes-unreferenced',
      '--only',
      'partial-update',
    ]);
    const result = await replay({ report });
    expect(result.code).toBe(1);
    expect(result.out.at(-1)).toMatch(
      /against embedded freshbooks-mcp mutant update-wipes-unreferenced over stdio, started again: 2 still fail$/,
    );
  });
});
