/**
 * The bare side of the like-for-like figure, in a process of its own so that nothing else (the bench's
 * vitest, its heap, its timers) shares its thread: the request log of a run, sent again in order, one
 * at a time, by a bare undici client on one keep-alive connection. Run as
 * `node bare-replay.js <requests.jsonl> <origin>` with the run's credentials as JSON in
 * `CLIENTELE_BARE_CREDENTIALS`; prints `{"ms": <time>}`. The requests are prepared before the clock
 * starts, their credentials resolved as clientele's transport resolves them.
 */
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import type { Credential } from '../engine/config.js';
import type { LoggedRequest } from '../engine/run-context.js';
import { resolverOf, type CredentialResolver } from '../engine/transport.js';
import { authorization } from '../protocols/http/transport.js';

/** A logged request as a bare client sends it: its credential resolved, its origin moved to the fresh target. */
function bare({ request }: LoggedRequest, credentials: CredentialResolver) {
  const url = new URL(request.url!);
  const headers: Record<string, string> = { ...request.headers };
  if (request.auth) headers.authorization = authorization(request.auth, credentials);
  return { path: url.pathname + url.search, method: request.method as 'GET', headers, body: request.body };
}

const [log, origin] = process.argv.slice(2);
const credentials = resolverOf(JSON.parse(process.env.CLIENTELE_BARE_CREDENTIALS ?? '[]') as Credential[]);
const requests = readFileSync(log!, 'utf8')
  .trim()
  .split('\n')
  .map((line) => bare(JSON.parse(line) as LoggedRequest, credentials));
const pool = new Pool(origin!, { connections: 1 });
const started = performance.now();
for (const request of requests) {
  const res = await pool.request(request);
  await res.body.text();
}
const ms = performance.now() - started;
await pool.close();
process.stdout.write(`${JSON.stringify({ ms })}\n`);
