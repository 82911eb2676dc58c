/**
 * The preflight: a target that is not the API as configured ends the run at once with one diagnosis
 * naming the cause and the fix, exit 2 and a report saying so, instead of a column of failures. The
 * four misconfigurations a new user makes, each against a loopback server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTarget as startGrowCrm } from '../apis/growcrm/reference/index.js';
import { startTarget as startRest } from '../apis/freshbooks-rest/reference/index.js';
import type { RunningTarget } from '../reference-kit/types.js';
import { readReport, runMain, tempDir } from './support/cli.js';

const TOKEN = 'a41c9e07d25b8f63';
let rest: RunningTarget;
let grow: RunningTarget;
let html: Server;
let htmlUrl: string;

beforeAll(async () => {
  rest = await startRest({ token: TOKEN, accountId: 'ABC123' });
  grow = await startGrowCrm({ token: TOKEN });
  html = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!DOCTYPE html><html><body><h1>Welcome to the web app</h1></body></html>');
  });
  await new Promise<void>((resolve) => html.listen(0, '127.0.0.1', resolve));
  htmlUrl = `http://127.0.0.1:${(html.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await rest?.close();
  await grow?.close();
  await new Promise((resolve) => html?.close(resolve));
});

/** A run against `target`, as a user types it; the token from the environment. */
async function run(api: string, target: string, token: string, extra: readonly string[] = []) {
  const dir = tempDir('preflight');
  const args = ['run', '--api', api, '--target', target, ...(api === 'freshbooks-rest' ? ['--account-id', 'ABC123'] : []), ...extra];
  const result = await runMain([...args, '--report-dir', dir], { CLIENTELE_TOKEN: token });
  return { ...result, report: readReport(dir) };
}

describe('a misconfigured target: one diagnosis, exit 2, a report, in seconds', () => {
  it('a wrong token (every answer 401)', async () => {
    const result = await run('freshbooks-rest', rest.url, 'Wq8zR2kP5vX7mN3b');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^clientele: the target refused the credential \(401 at \/accounting\/account\/ABC123\/users\/clients\): check --token \(or CLIENTELE_TOKEN\)\n$/,
    );
    expect(result.report).toMatchObject({ exitCode: 2, outcome: 'usage-error' });
    expect(result.ms).toBeLessThan(5_000);
  });

  it("the web app's URL instead of the API's (HTML with 200)", async () => {
    const result = await run('freshbooks-rest', htmlUrl, TOKEN);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^clientele: the target answers with an HTML page \(200 at .*\): is --target the API's base URL\?.*\n$/);
    expect(result.report).toMatchObject({ exitCode: 2 });
    expect(result.ms).toBeLessThan(5_000);
  });

  it('a Grow CRM base URL without /api (404 everywhere)', async () => {
    const result = await run('growcrm', grow.url.replace(/\/api\/?$/, ''), TOKEN, ['--custom-field', 'client_custom_field_1=x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^clientele: the client list is not found at \/clients \(404\): is --target the API's base URL\? .*ending in \/api/,
    );
    expect(result.report).toMatchObject({ exitCode: 2 });
    expect(result.ms).toBeLessThan(5_000);
  });

  it('a required custom field not given (422 naming it)', async () => {
    const result = await run('growcrm', grow.url, TOKEN);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'clientele: the target requires client_custom_field_1 on a create: pass --custom-field client_custom_field_1=VALUE\n',
    );
    expect(result.report).toMatchObject({ exitCode: 2 });
    expect(result.ms).toBeLessThan(5_000);
  });

  it('--no-preflight runs the checks anyway: they fail on the refusals', async () => {
    const result = await run('freshbooks-rest', rest.url, 'not-the-token-at-all', ['--no-preflight', '--only', 'contract', '--runs', '1']);
    expect(result.code).toBe(1);
    expect(result.report).toMatchObject({ outcome: 'failed' });
  });

  it('passes a target that is the API, and the run goes on', async () => {
    const result = await run('growcrm', grow.url, TOKEN, [
      '--custom-field',
      'client_custom_field_1=x',
      '--runs',
      '1',
      '--only',
      'contract',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
