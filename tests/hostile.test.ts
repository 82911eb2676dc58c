/**
 * Hostile targets: truncated JSON, endless bodies, a server that never answers, one that hangs up,
 * HTML instead of JSON. Each yields conformance failures (exit 1) and a report, never a crash or a hang.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTarget } from '../apis/freshbooks-rest/reference/index.js';
import { PROJECT_ROOT } from '../generators/spec.js';
import { lingering, readReport, runMain, tempDir } from './support/cli.js';
import { GROWCRM, MCP, PROFILES, front, send } from './support/hostile.js';

const TOKEN = 'hostile-token-0a1b2c3d';
let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function serve(handler: (res: ServerResponse) => void): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    handler(res);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

async function runAgainst(url: string, extra: string[] = []) {
  const dir = tempDir('hostile');
  const result = await runMain([
    'run',
    '--api',
    'freshbooks',
    '--target',
    url,
    '--token',
    TOKEN,
    '--account-id',
    'ABC123',
    '--runs',
    '2',
    '--report-dir',
    dir,
    ...extra,
  ]);
  const report = readReport(dir);
  const rules = new Set<string>(report.checks.flatMap((c: { failure?: { rule: string } }) => (c.failure ? [c.failure.rule] : [])));
  return { result, report, rules, dir };
}

function expectFailuresNotCrash(run: Awaited<ReturnType<typeof runAgainst>>): void {
  expect(run.result.stderr).not.toMatch(/\n\s+at /);
  expect(run.result.code).toBe(1);
  expect(run.report.outcome).toBe('failed');
  expect(run.report.summary.total.errored).toBe(0);
}

describe('hostile responses become failures', () => {
  it('truncated JSON', async () => {
    const url = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"response": {"result": {"clients": [{"id": 1');
    });
    const run = await runAgainst(url, ['--only', 'contract,pagination']);
    expectFailuresNotCrash(run);
    expect(run.rules).toContain('well-formed-body');
  });

  it('an endless body is cut at the size cap', async () => {
    const url = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"response": "');
      const timer = setInterval(() => res.write('x'.repeat(16_384)), 1);
      res.on('close', () => clearInterval(timer));
    });
    const run = await runAgainst(url, ['--only', 'contract', '--max-body', '65536']);
    expectFailuresNotCrash(run);
    expect(run.rules).toContain('transport');
    expect(JSON.stringify(run.report)).toMatch(/exceeds 65536 bytes/);
  });

  it('a server that never answers hits the per-request deadline, and the run still ends', async () => {
    const url = await serve(() => undefined);
    const run = await runAgainst(url, ['--only', 'contract,stateful', '--timeout', '250']);
    expectFailuresNotCrash(run);
    expect(run.rules).toContain('transport');
    expect(run.result.ms).toBeLessThan(60_000);
  });

  it('a server that hangs up mid-response', async () => {
    const url = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
      res.write('{"response":');
      setTimeout(() => res.socket?.destroy(), 5);
    });
    const run = await runAgainst(url, ['--only', 'contract']);
    expectFailuresNotCrash(run);
    expect(run.rules).toContain('transport');
  });

  it('HTML with status 200', async () => {
    const url = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>It works!</body></html>');
    });
    // Past the preflight (whose diagnosis tests/preflight.test.ts holds), the checks judge the HTML.
    const run = await runAgainst(url, ['--only', 'contract', '--no-preflight']);
    expectFailuresNotCrash(run);
    // An API whose every example is JSON answers with a JSON media type (meaning): HTML fails first.
    expect(run.rules).toContain('content-type');
    const failed = run.report.checks.find((c: { status: string }) => c.status === 'failed');
    expect(failed.failure.response).toMatchObject({ httpStatus: 200, contentType: expect.stringContaining('text/html') });
  });
});

describe('failure reports carry reproductions and never the token', () => {
  it('a faulty server: failures with curl lines naming the token variable, seeds, and the token nowhere', async () => {
    const target = await startTarget({ token: TOKEN, accountId: 'ABC123' }, 'update-wipes-unreferenced');
    try {
      const run = await runAgainst(target.url, ['--only', 'partial-update', '--seed', '42']);
      expectFailuresNotCrash(run);
      const failed = run.report.checks.find((c: { status: string }) => c.status === 'failed');
      expect(failed.failure.seed).toBe(42);
      // A boundary case names itself; a random one carries fast-check's path.
      if (failed.failure.boundary === undefined) expect(failed.failure.path).toMatch(/^\d+(:\d+)*$/);
      else expect(failed.failure.boundary).toMatch(/^update to /);
      const steps: { kind: string; command: string }[] = failed.failure.reproduction.steps;
      expect(steps.length).toBeGreaterThan(0);
      expect(steps[0]).toMatchObject({
        kind: 'curl',
        command: expect.stringMatching(/^curl -X POST .*"Authorization: Bearer \$CLIENTELE_TOKEN"/),
      });
      expect(failed.failure.reproduction.replay).toContain('--seed 42');
      for (const file of readdirSync(run.dir)) expect(readFileSync(join(run.dir, file), 'utf8')).not.toContain(TOKEN);
      expect(run.result.stdout + run.result.stderr).not.toContain(TOKEN);
    } finally {
      await target.close();
    }
  });
});

describe('a target that goes away mid-run', () => {
  it('exits 3 with one line, and the report keeps the checks run until then', async () => {
    const reference = await startTarget({ token: TOKEN, accountId: 'ABC123' });
    let served = 0;
    // A front that forwards 25 requests to the reference, then stops listening for good: the preflight
    // and the run's first probe (does the target reuse ids?) take about 10 of them.
    const front = createServer(async (req, res) => {
      const body: Buffer[] = [];
      for await (const chunk of req) body.push(chunk as Buffer);
      served++;
      const { host: _host, connection: _connection, 'content-length': _length, ...headers } = req.headers as Record<string, string>;
      const answer = await fetch(`${reference.url}${req.url}`, {
        method: req.method,
        headers,
        body: body.length ? Buffer.concat(body) : undefined,
      });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? '' });
      res.end(await answer.text());
      if (served === 25) {
        front.close();
        front.closeAllConnections();
      }
    });
    server = front;
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    try {
      // One check at a time: with more, the 15 answers could be spread over checks none of which finishes.
      const run = await runAgainst(`http://127.0.0.1:${(front.address() as { port: number }).port}`, [
        '--only',
        'contract,pagination',
        '--concurrency',
        '1',
      ]);
      expect(run.result.code).toBe(3);
      expect(run.result.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.result.stderr).toMatch(/^clientele: .*ECONNREFUSED/);
      expect(run.report.outcome).toBe('target-unreachable');
      expect(run.report.summary.total.passed).toBeGreaterThan(0);
    } finally {
      await reference.close();
    }
  });
});

describe('hostile XML (FreshBooks Classic) becomes failures, never expansion or a file read', () => {
  const laughs = (): string => {
    const entities = ['<!ENTITY l0 "lol">'];
    for (let i = 1; i <= 9; i++) entities.push(`<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`);
    return `<?xml version="1.0"?>\n<!DOCTYPE response [${entities.join('')}]>\n<response status="ok"><client_id>&l9;</client_id></response>`;
  };
  const externalEntity =
    '<?xml version="1.0"?>\n<!DOCTYPE response [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n' +
    '<response status="ok"><client_id>&xxe;</client_id></response>';

  async function runClassic(url: string) {
    const dir = tempDir('hostile-xml');
    const result = await runMain([
      'run',
      '--api',
      'freshbooks-classic',
      '--target',
      `${url}/api/2.1/xml-in`,
      '--token',
      TOKEN,
      '--runs',
      '2',
      '--only',
      'contract,pagination',
      '--report-dir',
      dir,
    ]);
    const report = readReport(dir);
    const failures = report.checks.flatMap((c: { failure?: { rule: string; message: string } }) => (c.failure ? [c.failure] : []));
    return { result, report, dir, failures, rules: new Set<string>(failures.map((f: { rule: string }) => f.rule)) };
  }

  for (const [name, body] of [
    ['a billion-laughs entity bomb', laughs()],
    ['an external entity naming /etc/passwd', externalEntity],
  ] as const) {
    it(`${name} is refused as a malformed body`, async () => {
      const url = await serve((res) => {
        res.writeHead(200, { 'content-type': 'application/xml; charset=utf-8' });
        res.end(body);
      });
      const run = await runClassic(url);
      expectFailuresNotCrash(run);
      expect(run.rules).toContain('well-formed-body');
      expect(run.failures.some((f: { message: string }) => /DOCTYPE refused/.test(f.message))).toBe(true);
      const written = readdirSync(run.dir)
        .map((file) => readFileSync(join(run.dir, file), 'utf8'))
        .join('\n');
      // Neither the expansion nor the file's content reaches a report.
      expect(written).not.toContain('lollollol');
      expect(written).not.toMatch(/root:.*:0:0:/);
    });
  }
});

describe('a list that lies about its pages', () => {
  /** A front before the REST reference that, when `lie`, claims a million pages in every list answer. */
  async function pagesFront(lie: boolean, token: string) {
    return front({ profile: PROFILES['freshbooks-rest'], token, accountId: 'ABC123' }, async ({ res, request, forward }) => {
      const answer = await forward();
      if (!lie || !PROFILES['freshbooks-rest'].isList(request) || answer.status !== 200) return send(res, answer);
      const body = JSON.parse(answer.body.toString('utf8')) as { response: { result: { pages: number; total: number } } };
      body.response.result.pages = 1_000_000;
      body.response.result.total = 999_999_999;
      send(res, { ...answer, body: Buffer.from(JSON.stringify(body)) });
    });
  }

  it('costs no more than twice the requests of an honest one, and is caught', async () => {
    const requests: Record<string, number> = {};
    for (const lie of [false, true]) {
      const served = await pagesFront(lie, TOKEN);
      try {
        const dir = tempDir('lying');
        const args = [
          'run',
          '--api',
          'freshbooks-rest',
          '--target',
          served.target,
          '--token',
          TOKEN,
          '--account-id',
          'ABC123',
          '--seed',
          '11',
          '--runs',
          '5',
          '--only',
          'pagination,filtering,deletion',
          '--report-dir',
          dir,
        ];
        const result = await runMain(args);
        const report = readReport(dir);
        // The lie is caught: total and pages are what the names mean, so it fails.
        expect(result.code).toBe(lie ? 1 : 0);
        if (lie) expect(report.summary.total.failed).toBeGreaterThan(0);
        requests[String(lie)] = report.summary.requests;
      } finally {
        await served.close();
      }
    }
    expect(requests.true).toBeGreaterThan(0);
    expect(requests.true).toBeLessThanOrEqual(2 * requests.false!);
  });
});

describe('hostile stdio MCP servers, through the CLI', () => {
  const hostile = (mode: string) =>
    `${JSON.stringify(process.execPath)} --import tsx ${JSON.stringify(join(PROJECT_ROOT, 'tests', 'fixtures', 'mcp-hostile.ts'))} ${mode}`;

  it.each(['banner', 'garbage', 'silent', 'wrong-id', 'flood', 'exit'])(
    '%s: a failure or exit 3, one line at most, a report, no hang, no process left',
    { timeout: 120_000 },
    async (mode) => {
      const dir = tempDir(`stdio-${mode}`);
      const result = await runMain([
        'run',
        '--api',
        'freshbooks-mcp',
        '--command',
        hostile(mode),
        '--account-id',
        'ABC123',
        '--runs',
        '2',
        '--only',
        'contract',
        '--timeout',
        '1500',
        '--report-dir',
        dir,
      ]);
      expect([1, 3]).toContain(result.code);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.stderr.trim().split('\n').filter(Boolean).length).toBeLessThanOrEqual(1);
      expect(readReport(dir).exitCode).toBe(result.code);
      expect(await lingering('mcp-hostile.ts')).toEqual([]);
    },
  );
});

describe("the catalogue's Grow CRM and MCP fronts put a hostile id where a client reads it", () => {
  const client = { id: 10001, fName: 'Ada', organization: 'Org' };
  // JSON-RPC id 0 (the handshake's) must stay 0 when a client id becomes -0.
  const message = {
    jsonrpc: '2.0',
    id: 0,
    result: { content: [{ type: 'text', text: JSON.stringify({ clients: [client] }) }], structuredContent: { clients: [client] } },
  };
  const payloads = (parsed: { id: unknown; result: { content: { text: string }[]; structuredContent: unknown } }) => ({
    rpcId: parsed.id,
    structured: (parsed.result.structuredContent as { clients: { id: unknown }[] }).clients[0]!.id,
    text: (JSON.parse(parsed.result.content[0]!.text) as { clients: { id: unknown }[] }).clients[0]!.id,
  });

  it('MCP: as server-sent events, re-framed, in the structured and the text content', () => {
    const body = Buffer.from(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
    const edited = MCP.replaceIds(body, -0).toString('utf8');
    expect(edited).toMatch(/^event: message\ndata: \{.*\}\n\n$/s);
    const { rpcId, structured, text } = payloads(JSON.parse(edited.split('data: ')[1]!));
    expect(Object.is(rpcId, 0)).toBe(true);
    expect(Object.is(structured, -0)).toBe(true);
    expect(Object.is(text, -0)).toBe(true);
  });

  it('MCP: as one JSON message', () => {
    const edited = MCP.replaceIds(Buffer.from(JSON.stringify(message)), 'Bearer x').toString('utf8');
    expect(payloads(JSON.parse(edited))).toEqual({ rpcId: 0, structured: 'Bearer x', text: 'Bearer x' });
  });

  it("Grow CRM: the client's id, not its category's or owner's", () => {
    const body = Buffer.from(JSON.stringify({ data: { id: 7, company_name: 'Co', category: { id: 2 }, owner: { id: 3 } }, message: 'ok' }));
    const edited = JSON.parse(GROWCRM.replaceIds(body, -0).toString('utf8')) as {
      data: { id: number; category: { id: number }; owner: { id: number } };
    };
    expect(Object.is(edited.data.id, -0)).toBe(true);
    expect([edited.data.category.id, edited.data.owner.id]).toEqual([2, 3]);
  });
});
