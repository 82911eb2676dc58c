/**
 * `HttpTransport` against small local servers that answer normally, reuse connections, hang, send an
 * endless body, stop half-way or are not there at all; the credential a request names, added on the
 * wire and named by its variable in a reproduction; `toCurl` quoting and redaction; `redactSecrets`.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { CredentialRef, WireRequest } from '../engine/exchange.js';
import { InternalError } from '../engine/failures.js';
import { REDACTED, redactSecrets } from '../engine/redact.js';
import type { CredentialResolver } from '../engine/transport.js';
import { toCurl } from '../protocols/http/curl.js';
import { HttpTransport, type HttpLimits } from '../protocols/http/transport.js';

/** The run's credentials as the session resolves them: `token` is a secret named `$CLIENTELE_TOKEN`, `user` is not. */
function resolver(values: Readonly<Record<string, string>>): CredentialResolver {
  return {
    value: (ref: CredentialRef) => ('literal' in ref ? ref.literal : values[ref.credential]!),
    forShell: (ref: CredentialRef) =>
      'literal' in ref
        ? { text: ref.literal }
        : ref.credential === 'token'
          ? { variable: 'CLIENTELE_TOKEN' }
          : { text: values[ref.credential]! },
  };
}

const servers: Server[] = [];
const transports: HttpTransport[] = [];

async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ server: Server; origin: string; port: number }> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}`, port };
}

function transport(limits: Partial<HttpLimits> = {}): HttpTransport {
  const t = new HttpTransport({ timeoutMs: 2_000, maxBodyBytes: 1024 * 1024, connections: 2, ...limits });
  transports.push(t);
  return t;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function waitFor(condition: () => boolean, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return condition();
}

afterAll(async () => {
  await Promise.all(transports.map((t) => t.close()));
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

describe('HttpTransport', () => {
  it('returns the HTTP status, lower-cased headers and the body of a JSON response', async () => {
    const { origin } = await startServer(async (req, res) => {
      const body = await readBody(req);
      const echoed = JSON.stringify({ method: req.method, url: req.url, auth: req.headers.authorization, body: JSON.parse(body) });
      // Raw header list: the names reach the wire in this exact case.
      res.writeHead(201, [
        'Content-Type',
        'application/json; charset=utf-8',
        'X-Request-ID',
        'Req-42',
        'Set-Cookie',
        'a=1',
        'Set-Cookie',
        'b=2',
      ]);
      res.end(echoed);
    });
    const outcome = await transport().send(
      {
        method: 'POST',
        url: `${origin}/accounting/account/abc/users/clients?page=2&search%5Bemail%5D=x`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client: { fname: 'Zoë' } }),
        auth: { scheme: 'bearer', token: { credential: 'token' } },
      },
      resolver({ token: 't0ken' }),
    );
    expect(outcome.transportError).toBeUndefined();
    const response = outcome.response!;
    expect(response.httpStatus).toBe(201);
    expect(response.truncated).toBe(false);
    const headers = response.headers!;
    expect(headers['content-type']).toBe('application/json; charset=utf-8');
    expect(headers['x-request-id']).toBe('Req-42');
    expect(headers['set-cookie']).toBe('a=1, b=2');
    expect(Object.keys(headers).filter((name) => name !== name.toLowerCase())).toEqual([]);
    expect(JSON.parse(response.body)).toEqual({
      method: 'POST',
      url: '/accounting/account/abc/users/clients?page=2&search%5Bemail%5D=x',
      auth: 'Bearer t0ken',
      body: { client: { fname: 'Zoë' } },
    });
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(0);
  });

  it('adds the credential a request names on the wire: bearer, basic (user:password) or a literal', async () => {
    const seen: (string | undefined)[] = [];
    const { origin } = await startServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    const t = transport();
    const credentials = resolver({ token: 's3cr3t-t0ken' });
    const send = (auth?: WireRequest['auth']) => t.send({ method: 'GET', url: `${origin}/`, ...(auth ? { auth } : {}) }, credentials);
    await send({ scheme: 'bearer', token: { credential: 'token' } });
    await send({ scheme: 'basic', user: { credential: 'token' }, password: 'X' });
    await send({ scheme: 'bearer', token: { literal: 'wrong-abcd' } });
    await send();
    expect(seen).toEqual([
      'Bearer s3cr3t-t0ken',
      `Basic ${Buffer.from('s3cr3t-t0ken:X').toString('base64')}`,
      'Bearer wrong-abcd',
      undefined,
    ]);
  });

  it('throws the error of a credential that cannot be resolved, never reporting it as a transport error of the target', async () => {
    const { origin } = await startServer((_req, res) => res.end('{}'));
    const missing: CredentialResolver = {
      value: () => {
        throw new InternalError("the run has no credential 'staffToken'");
      },
      forShell: () => ({ variable: 'CLIENTELE_STAFF_TOKEN' }),
    };
    await expect(
      transport().send({ method: 'GET', url: `${origin}/`, auth: { scheme: 'bearer', token: { credential: 'staffToken' } } }, missing),
    ).rejects.toThrow(InternalError);
  });

  it('reproduces a request as a curl step that names the credential, with its body and language', () => {
    const t = transport();
    const credentials = resolver({ token: 's3cr3t-t0ken' });
    const auth = { scheme: 'bearer', token: { credential: 'token' } } as const;
    const json = t.reproduce(
      { method: 'POST', url: 'https://x.test/c', headers: { 'Content-Type': 'application/json' }, body: '{"a":1}', auth },
      credentials,
    );
    expect(json).toEqual({
      kind: 'curl',
      command: `curl -X POST 'https://x.test/c' -H 'Content-Type: application/json' -H "Authorization: Bearer $CLIENTELE_TOKEN" --data-raw '{"a":1}'`,
      body: '{"a":1}',
      language: 'json',
    });
    expect(JSON.stringify(json)).not.toContain('s3cr3t-t0ken');
    const xml = t.reproduce(
      { method: 'POST', url: 'https://x.test/api', headers: { 'content-type': 'application/xml' }, body: '<request/>' },
      credentials,
    );
    expect(xml).toMatchObject({ kind: 'curl', body: '<request/>', language: 'xml' });
    const form = t.reproduce(
      { method: 'POST', url: 'https://x.test/f', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' },
      credentials,
    );
    expect(form.language).toBe('form');
    const get = t.reproduce({ method: 'GET', url: 'https://x.test/c' }, credentials);
    expect(get).toEqual({ kind: 'curl', command: `curl -X GET 'https://x.test/c'` });
  });

  // Note: undici marks a pooled socket free a tick after its body ends, so a request sent right after
  // the previous one opens a new socket while the pool is under its `connections` cap; once at the cap,
  // requests wait for and reuse the open sockets.
  it('sends two requests in a row on one keep-alive connection', async () => {
    let connections = 0;
    let served = 0;
    const { server, origin } = await startServer((_req, res) => {
      served++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ n: served }));
    });
    server.on('connection', () => connections++);
    const t = transport({ connections: 1 });
    const first = await t.send({ method: 'GET', url: `${origin}/one`, headers: {} });
    const second = await t.send({ method: 'GET', url: `${origin}/two`, headers: {} });
    expect(first.response?.body).toBe('{"n":1}');
    expect(second.response?.body).toBe('{"n":2}');
    expect(served).toBe(2);
    expect(connections).toBe(1);
    expect(t.requests).toBe(2);
  });

  it('never opens more sockets than its connections limit for many requests in a row', async () => {
    let connections = 0;
    const { server, origin } = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ url: req.url }));
    });
    server.on('connection', () => connections++);
    const t = transport({ connections: 2 });
    for (let i = 0; i < 10; i++) {
      const outcome = await t.send({ method: 'GET', url: `${origin}/n/${i}`, headers: {} });
      expect(outcome.response?.body).toBe(JSON.stringify({ url: `/n/${i}` }));
    }
    expect(connections).toBeGreaterThanOrEqual(1);
    expect(connections).toBeLessThanOrEqual(2);
  });

  it('gives a timeout error, not a hang, when the server never answers', async () => {
    const pending: ServerResponse[] = [];
    const { origin } = await startServer((_req, res) => void pending.push(res));
    const started = Date.now();
    const outcome = await transport({ timeoutMs: 300 }).send({ method: 'GET', url: `${origin}/hang`, headers: {} });
    const wall = Date.now() - started;
    expect(pending).toHaveLength(1); // the request did arrive; the server just never answered
    expect(outcome.response).toBeUndefined();
    expect(outcome.transportError?.kind).toBe('timeout');
    expect(outcome.transportError?.message).toContain('300 ms');
    expect(wall).toBeGreaterThanOrEqual(250);
    expect(wall).toBeLessThan(5_000);
    for (const res of pending) res.destroy();
  });

  it('ends a body that drips within the deadline of the whole exchange, not only between chunks', async () => {
    const timers: NodeJS.Timeout[] = [];
    const { origin } = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      timers.push(setInterval(() => res.write('0,'), 50));
      res.on('close', () => timers.forEach(clearInterval));
    });
    const started = Date.now();
    const outcome = await transport({ timeoutMs: 400 }).send({ method: 'GET', url: `${origin}/drip`, headers: {} });
    const wall = Date.now() - started;
    expect(outcome.transportError?.kind).toBe('timeout');
    expect(outcome.transportError?.message).toContain('400 ms');
    expect(wall).toBeGreaterThanOrEqual(350);
    expect(wall).toBeLessThan(1_500);
  });

  it('ends the requests in flight when the run stops, and sends again afterwards (cleanup)', async () => {
    const pending: ServerResponse[] = [];
    const { origin } = await startServer((req, res) => (req.url === '/hang' ? void pending.push(res) : res.end('{}')));
    const t = transport({ timeoutMs: 5_000 });
    const run = new AbortController();
    const started = Date.now();
    const inFlight = t.send({ method: 'GET', url: `${origin}/hang`, headers: {} }, undefined, { signal: run.signal });
    await waitFor(() => pending.length === 1, 2_000);
    run.abort();
    const outcome = await inFlight;
    expect(outcome.response).toBeUndefined();
    expect(outcome.transportError?.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(
      (await t.send({ method: 'GET', url: `${origin}/hang`, headers: {} }, undefined, { signal: run.signal })).transportError,
    ).toBeDefined();
    expect((await t.send({ method: 'GET', url: `${origin}/ok`, headers: {} })).response?.httpStatus).toBe(200);
    for (const res of pending) res.destroy();
  });

  it('cuts an endless body at maxBodyBytes with too-large, and the server sees the socket close', async () => {
    const chunk = Buffer.alloc(8 * 1024, 'x');
    let writes = 0;
    let cleared = false;
    const { origin } = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('["');
      const timer = setInterval(() => {
        writes++;
        res.write(chunk);
      }, 1);
      res.on('close', () => {
        clearInterval(timer);
        cleared = true;
      });
    });
    const maxBodyBytes = 64 * 1024;
    const outcome = await transport({ maxBodyBytes, timeoutMs: 5_000 }).send({ method: 'GET', url: `${origin}/endless`, headers: {} });
    expect(outcome.transportError?.kind).toBe('too-large');
    expect(outcome.transportError?.message).toContain(String(maxBodyBytes));
    expect(outcome.response?.httpStatus).toBe(200);
    expect(outcome.response?.truncated).toBe(true);
    expect(outcome.response!.body.length).toBeGreaterThan(maxBodyBytes / 2);
    expect(outcome.response!.body.length).toBeLessThanOrEqual(maxBodyBytes);
    expect(outcome.response!.body.startsWith('["xxx')).toBe(true);

    expect(await waitFor(() => cleared, 1_500)).toBe(true);
    const writesWhenCleared = writes;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(writes).toBe(writesWhenCleared);
  });

  // undici reports a body cut short by the peer as an error ("other side closed", UND_ERR_SOCKET) while
  // the body is read, so the transport returns a `protocol` error and no response at all.
  it.each([
    ['with a Content-Length', true],
    ['chunked', false],
  ])('gives a protocol error for a body that stops half-way (%s)', async (_name, withLength) => {
    const full = JSON.stringify({ response: { result: { client: { id: 1, note: 'n'.repeat(2_000) } } } });
    const half = full.slice(0, Math.floor(full.length / 2));
    const { origin } = await startServer((_req, res) => {
      const headers: Record<string, string | number> = { 'content-type': 'application/json' };
      if (withLength) headers['content-length'] = Buffer.byteLength(full);
      res.writeHead(200, headers);
      res.write(half, () => setTimeout(() => res.socket?.destroy(), 20));
    });
    const outcome = await transport().send({ method: 'GET', url: `${origin}/half`, headers: {} });
    expect(outcome.response).toBeUndefined();
    expect(outcome.transportError?.kind).toBe('protocol');
    expect(outcome.transportError?.message).toMatch(/UND_ERR_SOCKET|other side closed/);
  });

  it('gives a connection error for a port with nothing listening', async () => {
    const { server, port } = await startServer((_req, res) => res.end());
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const outcome = await transport().send({ method: 'GET', url: `http://127.0.0.1:${port}/`, headers: {} });
    expect(outcome.response).toBeUndefined();
    expect(outcome.transportError?.kind).toBe('connection');
    expect(outcome.transportError?.message).toContain('ECONNREFUSED');
  });

  it('gives a protocol error, without sending, for an invalid URL', async () => {
    const t = transport();
    const outcome = await t.send({ method: 'GET', url: 'not a url', headers: {} });
    expect(outcome.transportError).toEqual({ kind: 'protocol', message: 'invalid URL not a url' });
  });
});

describe('toCurl', () => {
  const TOKEN = 'sk_live_S3cr3t';
  const BODY = `{"note":"it's O'Brien's \\"quote\\" $HOME \`id\` \\\\ !! ''","x":"\n"}`;
  const request = {
    method: 'POST',
    url: "https://api.example.test/clients?q=it's&a=1",
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}`, 'X-Api-Key': 'k3y-value' },
    body: BODY,
  };

  it('shell-quotes a body with single quotes so bash gives it back unchanged', () => {
    const command = toCurl(request);
    const quoted = command.slice(command.indexOf(' --data-raw ') + ' --data-raw '.length);
    expect(quoted.startsWith("'")).toBe(true);
    const printed = execFileSync('bash', ['-c', `printf %s ${quoted}`], { encoding: 'utf8' });
    expect(printed).toBe(BODY);
  });

  it('is a command whose arguments bash splits back into the request, credentials redacted', () => {
    const command = toCurl(request);
    // Replace curl by a function that prints its arguments, NUL-separated.
    const out = execFileSync('bash', ['-c', `curl() { printf '%s\\0' "$@"; }; ${command}`], { encoding: 'utf8' });
    expect(out.split('\0').slice(0, -1)).toEqual([
      '-X',
      'POST',
      "https://api.example.test/clients?q=it's&a=1",
      '-H',
      'Content-Type: application/json',
      '-H',
      `Authorization: Bearer ${REDACTED}`,
      '-H',
      `X-Api-Key: ${REDACTED}`,
      '--data-raw',
      BODY,
    ]);
  });

  it('names a bearer credential by its variable, so the line replays as written', () => {
    const auth = { scheme: 'bearer', token: { credential: 'token' } } as const;
    const command = toCurl({ method: 'GET', url: 'https://api.example.test/clients', auth }, resolver({ token: TOKEN }));
    expect(command).toBe(`curl -X GET 'https://api.example.test/clients' -H "Authorization: Bearer $CLIENTELE_TOKEN"`);
    expect(command).not.toContain(TOKEN);
    // With the variable set, bash hands curl the real header.
    const out = execFileSync('bash', ['-c', `curl() { printf '%s\\0' "$@"; }; ${command}`], {
      encoding: 'utf8',
      env: { ...process.env, CLIENTELE_TOKEN: TOKEN },
    });
    expect(out.split('\0').slice(0, -1)).toEqual(['-X', 'GET', 'https://api.example.test/clients', '-H', `Authorization: Bearer ${TOKEN}`]);
  });

  it('names a basic credential by its variable, with its password, and writes a literal as is', () => {
    const credentials = resolver({ token: TOKEN });
    const basic = toCurl(
      {
        method: 'POST',
        url: 'https://x.test/api',
        auth: { scheme: 'basic', user: { credential: 'token' }, password: 'X' },
        body: '<request/>',
      },
      credentials,
    );
    expect(basic).toBe(`curl -X POST 'https://x.test/api' -u "$CLIENTELE_TOKEN:X" --data-raw '<request/>'`);
    expect(basic).not.toContain(TOKEN);
    const wrong = toCurl(
      { method: 'GET', url: 'https://x.test/', auth: { scheme: 'bearer', token: { literal: 'wrong-1a2b' } } },
      credentials,
    );
    expect(wrong).toBe(`curl -X GET 'https://x.test/' -H "Authorization: Bearer wrong-1a2b"`);
  });

  it('never contains a credential, and keeps the scheme of an Authorization value', () => {
    const command = toCurl(request);
    expect(command).not.toContain(TOKEN);
    expect(command).not.toContain('k3y-value');
    expect(command).toContain(`'Authorization: Bearer ${REDACTED}'`);
    const basic = toCurl({ method: 'GET', url: 'https://x.test/', headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic).toBe(`curl -X GET 'https://x.test/' -H 'authorization: Basic ${REDACTED}'`);
  });
});

describe('redactSecrets on plain text', () => {
  it('replaces every occurrence of each secret of length 4 or more', () => {
    const text = 'token=abcd1234; again abcd1234 and abcd1234abcd1234; key a.b*c(d) and a.b*c(d)';
    expect(redactSecrets(text, ['abcd1234', 'a.b*c(d)'])).toBe(
      `token=${REDACTED}; again ${REDACTED} and ${REDACTED}${REDACTED}; key ${REDACTED} and ${REDACTED}`,
    );
  });

  it('redacts a secret of exactly 4 characters and leaves shorter ones alone', () => {
    expect(redactSecrets('wxyz and wxyz', ['wxyz'])).toBe(`${REDACTED} and ${REDACTED}`);
    expect(redactSecrets('abc is short, so is ab', ['abc', 'ab', ''])).toBe('abc is short, so is ab');
  });

  it('leaves a text without secrets unchanged', () => {
    expect(redactSecrets('nothing to hide here', ['s3cr3t-token'])).toBe('nothing to hide here');
    expect(redactSecrets('nothing to hide here', [])).toBe('nothing to hide here');
  });
});
