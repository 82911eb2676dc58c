/**
 * The like-for-like overhead figure: a run against the API's reference served by a process of its own
 * (`clientele serve`, as a user's server is) records every request it sends (`RunConfig.requestLog`);
 * then a bare undici client sends the same requests, in the same order, one at a time, to a freshly
 * served reference. Both face the same arrangement: the target in another process, over loopback.
 * ratio = bare time / clientele's time for the run: 1 would mean clientele adds nothing to the wire.
 * The rest is split into the time spent waiting for answers (the wire, as the transport measured it;
 * answers awaited together, as a cleanup's deletes are, count once) and the time in clientele itself:
 * what the session measured of each exchange (recording and redacting, decoding, the exchange checks
 * with their validation, coverage), and what is left (the adapter, the model, the suites, fast-check,
 * vitest). HTTP APIs only; bench/mcp.ts measures the MCP SDK client against bare SDK clients.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import type { ApiDescriptor } from '../apis/descriptor.js';
import { parseCli } from '../cli/args.js';
import { externalConfig } from '../cli/run-config.js';
import { serve } from './shards.js';
import type { Credential } from '../engine/config.js';
import type { CredentialRef, WireRequest } from '../engine/exchange.js';
import type { ClienteleWork, LoggedRequest } from '../engine/run-context.js';
import type { SuiteRunner } from '../runner/run.js';
import type { RunReport } from '../reports/model.js';

/** How long at least one request was waiting for its answer: requests in flight together count once. */
function waitingMs(logged: readonly LoggedRequest[]): number {
  const spans = logged.map((entry) => [entry.answeredAt - entry.elapsedMs, entry.answeredAt] as const).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [from, to] = [-Infinity, -Infinity];
  for (const [start, end] of spans) {
    if (start > to) {
      if (to > from) total += to - from;
      [from, to] = [start, end];
    } else to = Math.max(to, end);
  }
  return to > from ? total + to - from : total;
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
  const served = await serve(descriptor.id);
  let report: RunReport;
  try {
    const options = parseCli([...served.target, '--seed', '1', '--no-preflight'], {});
    const config = externalConfig(options, descriptor, { kind: 'url', url: options.target! });
    report = await runner.run({ ...config, requestLog }, { targetLabel: 'bench' });
  } finally {
    served.child.kill('SIGTERM');
  }
  const logged = readFileSync(requestLog, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as LoggedRequest);
  rmSync(dir, { recursive: true, force: true });
  const clienteleMs = report.durationMs;
  const wireMs = waitingMs(logged);

  const fresh = await serve(descriptor.id);
  let bareMs: number;
  try {
    const options = parseCli([...fresh.target], {});
    const credentials = externalConfig(options, descriptor, { kind: 'url', url: options.target! }).credentials;
    const origin = new URL(options.target!).origin;
    const pool = new Pool(origin, { connections: 1 });
    const started = performance.now();
    for (const { request } of logged) {
      const sent = bare(request, origin, credentials);
      const res = await pool.request({ path: sent.path, method: sent.method as 'GET', headers: sent.headers, body: sent.body });
      await res.body.text();
    }
    bareMs = performance.now() - started;
    await pool.close();
  } finally {
    fresh.child.kill('SIGTERM');
  }
  const share = (part: number) => `${((100 * part) / clienteleMs).toFixed(0)}%`;
  const part = (label: string, ms: number) => `${label} ${Math.round(ms)} ms (${share(ms)})`;
  // Before the first request: the suites' worker starts and loads them, the run opens. After the last
  // answer: the report is built and the worker stops.
  const firstSent = Math.min(...logged.map((entry) => entry.answeredAt - entry.elapsedMs));
  const lastAnswered = Math.max(...logged.map((entry) => entry.answeredAt));
  const startMs = Math.max(0, firstSent - Date.parse(report.startedAt));
  const endMs = Math.max(0, Date.parse(report.finishedAt) - lastAnswered);
  const between = Math.max(0, clienteleMs - startMs - endMs - wireMs);
  const sum = (stage: keyof ClienteleWork) => logged.reduce((total, entry) => total + entry[stage], 0);
  const stages = [
    ['searching answers for echoed credentials', sum('recordMs')],
    ['decoding', sum('decodeMs')],
    ['exchange checks and validation', sum('checksMs')],
    ['coverage', sum('coverageMs')],
  ] as const;
  const measured = stages.reduce((total, [, ms]) => total + ms, 0);
  return (
    `like for like: ${logged.length} requests of the run replayed in order by bare undici in ${Math.round(bareMs)} ms; ` +
    `clientele ${clienteleMs} ms; ratio bare/clientele = ${(bareMs / clienteleMs).toFixed(3)}\n` +
    `  where clientele's time goes: ${part('starting (worker, suites loaded, run opened)', startMs)}; ${part('waiting for answers', wireMs)}; ` +
    `${part('ending (report, worker stopped)', endMs)}; between answers ${Math.round(between)} ms (${share(between)}):\n` +
    `    ${stages.map(([label, ms]) => part(label, ms)).join(', ')};\n` +
    `    ${part('the rest (adapter, model, suites, fast-check, vitest)', Math.max(0, between - measured))}`
  );
}

if (/like-for-like\.[jt]s$/.test(process.argv[1] ?? '')) {
  const { SuiteRunner } = await import('../runner/run.js');
  const { APIS } = await import('../apis/registry.js');
  const runner = await SuiteRunner.open();
  try {
    for (const descriptor of APIS)
      if (descriptor.transport === 'http') console.log(`${descriptor.id}: ${await likeForLike(runner, descriptor)}`);
  } finally {
    await runner.close();
  }
}
