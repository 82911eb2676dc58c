/**
 * The like-for-like overhead figure: a run records every request it sends (`RunConfig.requestLog`), then
 * a bare undici client sends the same requests, in the same order, one at a time, to a fresh embedded
 * target. ratio = bare time / clientele's time for the run: 1 would mean clientele adds nothing to the
 * wire. The rest is split into the time spent waiting for answers (the wire, as the transport measured
 * it) and the time in clientele itself: decoding, validating, recording, redacting, the model and the
 * suites. HTTP APIs only; bench/mcp.ts measures the MCP SDK client against bare SDK clients.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import type { ApiDescriptor } from '../apis/descriptor.js';
import { parseCli } from '../cli/args.js';
import { embeddedRun } from '../cli/run-config.js';
import type { Credential } from '../engine/config.js';
import type { CredentialRef, WireRequest } from '../engine/exchange.js';
import type { SuiteRunner } from '../runner/run.js';

interface Logged {
  readonly operation: string;
  readonly request: WireRequest;
  readonly elapsedMs: number;
}

/** The request as a bare client sends it: its credential resolved, its origin moved to the fresh target. */
function bare(request: WireRequest, origin: string, credentials: readonly Credential[]) {
  const url = new URL(request.url!);
  const headers: Record<string, string> = { ...request.headers };
  const value = (ref: CredentialRef) => ('literal' in ref ? ref.literal : (credentials.find((c) => c.key === ref.credential)?.value ?? ''));
  const auth = request.auth;
  if (auth?.scheme === 'bearer') headers.authorization = `Bearer ${value(auth.token)}`;
  if (auth?.scheme === 'basic') headers.authorization = `Basic ${Buffer.from(`${value(auth.user)}:${auth.password}`).toString('base64')}`;
  return { origin, path: url.pathname + url.search, method: request.method, headers, body: request.body };
}

export async function likeForLike(runner: SuiteRunner, descriptor: ApiDescriptor): Promise<string> {
  if (descriptor.transport !== 'http') return `like for like: ${descriptor.id} is not HTTP (bench/mcp.ts compares the MCP clients)`;
  const dir = mkdtempSync(join(tmpdir(), 'clientele-bench-'));
  const requestLog = join(dir, 'requests.jsonl');
  const options = parseCli(['run', '--seed', '1'], {});
  const recorded = await embeddedRun(options, descriptor, undefined);
  let clienteleMs: number;
  try {
    const report = await runner.run({ ...recorded.config, requestLog }, { targetLabel: 'bench' });
    clienteleMs = report.durationMs;
  } finally {
    await recorded.target.close();
  }
  const logged = readFileSync(requestLog, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Logged);
  rmSync(dir, { recursive: true, force: true });
  const wireMs = logged.reduce((sum, entry) => sum + entry.elapsedMs, 0);

  const fresh = await embeddedRun(options, descriptor, undefined);
  let bareMs: number;
  try {
    const url = fresh.config.target.kind === 'url' ? fresh.config.target.url : '';
    const origin = new URL(url).origin;
    const pool = new Pool(origin, { connections: 1 });
    const started = performance.now();
    for (const { request } of logged) {
      const sent = bare(request, origin, fresh.config.credentials);
      const res = await pool.request({ path: sent.path, method: sent.method as 'GET', headers: sent.headers, body: sent.body });
      await res.body.text();
    }
    bareMs = performance.now() - started;
    await pool.close();
  } finally {
    await fresh.target.close();
  }
  const share = (part: number) => `${((100 * part) / clienteleMs).toFixed(0)}%`;
  const inClientele = Math.max(0, clienteleMs - wireMs);
  return (
    `like for like: ${logged.length} requests of the run replayed in order by bare undici in ${Math.round(bareMs)} ms; ` +
    `clientele ${clienteleMs} ms; ratio bare/clientele = ${(bareMs / clienteleMs).toFixed(3)}\n` +
    `  where clientele's time goes: waiting for answers ${Math.round(wireMs)} ms (${share(wireMs)}), ` +
    `clientele itself ${Math.round(inClientele)} ms (${share(inClientele)}: decode, validate, record, redact, model, suites, vitest)`
  );
}
