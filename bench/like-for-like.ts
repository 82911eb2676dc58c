/**
 * The like-for-like overhead figure: a run against the API's reference served by a process of its own
 * (`clientele serve`, as a user's server is) records every request it sends (`RunConfig.requestLog`);
 * then a bare client in a process of its own (undici, `bare-replay`; for MCP the SDK's Client,
 * `bare-replay-mcp`) sends the same requests, in the same order, one at a time, to a freshly served
 * reference; MCP is measured over stdio too, where the run and the replay each start its stdio server. Both face the same arrangement: the target
 * in another process, over loopback. ratio = bare time / clientele's time for the run: 1 would mean
 * clientele adds nothing. clientele's time is split into its start (the suites' worker starts and loads
 * them: every run starts one), the time spent waiting for answers (as the transport measured it;
 * answers awaited together, as a cleanup's deletes are, count once), its end, and the time between
 * answers: what the session measured of each exchange (the echo search, decoding, the exchange checks
 * with their validation, coverage), and what is left (the adapter, the model, the suites, fast-check,
 * vitest). `node dist/bench/like-for-like.js [api...]` runs it alone.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ApiDescriptor } from '../apis/descriptor.js';
import { parseCli } from '../cli/args.js';
import { externalConfig } from '../cli/run-config.js';
import { serve } from './shards.js';
import type { Credential } from '../engine/config.js';
import { MODULE_SUFFIX } from '../engine/root.js';
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

/**
 * Rounds of a run and then its bare replay. This machine's speed drifts by a fifth from one minute to
 * the next: each replay follows the run it replays, and each side's figure is the median of its rounds.
 */
const ROUNDS = 3;

/** The account a stdio run works in (the stdio reference takes any). */
const STDIO_ACCOUNT = 'ABC123';

/**
 * Where a round's target is: served over HTTP by a process of its own (`clientele serve`), or, for MCP
 * over stdio, a command the run starts (the reference's stdio server), as `--command` starts a user's.
 */
type Arrangement = 'served' | 'stdio';

/** The target a bare replay sends to: an origin or MCP endpoint URL, or the command of a stdio server. */
type ReplayTarget = { readonly url: URL } | { readonly command: string };

/**
 * The log sent again by a bare client in a process of its own; its time in ms. HTTP: bare undici on
 * the target's origin (`bare-replay`); MCP: a bare SDK Client on the target's URL, or on the stdio
 * server it starts (`bare-replay-mcp`).
 */
function bareReplay(descriptor: ApiDescriptor, log: string, target: ReplayTarget, credentials: readonly Credential[]): Promise<number> {
  const mcp = descriptor.transport === 'mcp';
  const where = 'command' in target ? ['--command', target.command] : [mcp ? target.url.href : target.url.origin];
  const script = fileURLToPath(new URL(`./${mcp ? 'bare-replay-mcp' : 'bare-replay'}${MODULE_SUFFIX}`, import.meta.url));
  const args = [...(MODULE_SUFFIX === '.ts' ? ['--import', 'tsx'] : []), script, log, ...where];
  const env = { ...process.env, CLIENTELE_BARE_CREDENTIALS: JSON.stringify(credentials) };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { env, timeout: 10 * 60_000 }, (error, stdout) => {
      if (error) reject(error);
      else resolve((JSON.parse(stdout) as { ms: number }).ms);
    });
  });
}

/**
 * The figure at the default concurrency (3 checks at once for a server on this machine), then at one
 * check at a time, where every exchange waits for the one before it as the bare replay's do; for MCP
 * over Streamable HTTP, then over stdio.
 */
export async function likeForLike(runner: SuiteRunner, descriptor: ApiDescriptor): Promise<string> {
  const arrangements: Arrangement[] = descriptor.transport === 'mcp' ? ['served', 'stdio'] : ['served'];
  const lines: string[] = [];
  for (const arrangement of arrangements) {
    const { text, concurrency } = await measure(runner, descriptor, [], arrangement);
    lines.push(text);
    // (A target the run gives one check at a time by default is measured once.)
    if (concurrency > 1) lines.push((await measure(runner, descriptor, ['--concurrency', '1'], arrangement)).text);
  }
  return lines.join('\n');
}

/** The request log a run kept, in the order of its answers. */
function readLog(requestLog: string): LoggedRequest[] {
  return readFileSync(requestLog, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as LoggedRequest);
}

/** One run against a reference, recording its requests; then the bare replay of them against a fresh one. */
async function round(runner: SuiteRunner, descriptor: ApiDescriptor, args: readonly string[], arrangement: Arrangement) {
  const dir = mkdtempSync(join(tmpdir(), 'clientele-bench-'));
  const requestLog = join(dir, 'requests.jsonl');
  try {
    if (arrangement === 'stdio') {
      // Each run, and each replay, starts a stdio server of its own: every one begins empty.
      const command = (await descriptor.embedded()).stdioCommand!();
      const options = parseCli(['--api', descriptor.id, '--command', command, '--account-id', STDIO_ACCOUNT, '--seed', '1', ...args], {});
      const config = externalConfig(options, descriptor, { kind: 'command', command });
      const report = await runner.run({ ...config, requestLog }, { targetLabel: 'bench' });
      const bareMs = await bareReplay(descriptor, requestLog, { command }, config.credentials);
      return { report, concurrency: config.concurrency, logged: readLog(requestLog), bareMs };
    }
    const served = await serve(descriptor.id);
    let report: RunReport;
    let concurrency: number;
    try {
      const options = parseCli([...served.target, '--seed', '1', '--no-preflight', ...args], {});
      const config = externalConfig(options, descriptor, { kind: 'url', url: options.target! });
      concurrency = config.concurrency;
      report = await runner.run({ ...config, requestLog }, { targetLabel: 'bench' });
    } finally {
      served.child.kill('SIGTERM');
    }
    // A fresh reference: the run's requests expect its state as it was.
    const fresh = await serve(descriptor.id);
    try {
      const options = parseCli([...fresh.target], {});
      const credentials = externalConfig(options, descriptor, { kind: 'url', url: options.target! }).credentials;
      const bareMs = await bareReplay(descriptor, requestLog, { url: new URL(options.target!) }, credentials);
      return { report, concurrency, logged: readLog(requestLog), bareMs };
    } finally {
      fresh.child.kill('SIGTERM');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function measure(
  runner: SuiteRunner,
  descriptor: ApiDescriptor,
  args: readonly string[],
  arrangement: Arrangement,
): Promise<{ text: string; concurrency: number }> {
  const rounds: Awaited<ReturnType<typeof round>>[] = [];
  for (let i = 0; i < ROUNDS; i++) rounds.push(await round(runner, descriptor, args, arrangement));
  const bareMs = median(rounds.map((r) => r.bareMs));
  const clienteleMs = median(rounds.map((r) => r.report.durationMs));
  // The split is the median run's.
  const { report, concurrency, logged } = rounds.find((r) => r.report.durationMs === clienteleMs)!;
  const wireMs = waitingMs(logged);
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
  const headline =
    `like for like${descriptor.transport === 'mcp' ? (arrangement === 'stdio' ? ' over stdio' : ' over Streamable HTTP') : ''}, ` +
    `--concurrency ${concurrency}${args.length === 0 ? ' (the default)' : ''}: ` +
    `${logged.length} requests of the run replayed in order by ${descriptor.transport === 'mcp' ? 'a bare MCP SDK client' : 'bare undici'} (a process of its own); ` +
    `${ROUNDS} rounds of a run and its replay: bare ${Math.round(bareMs)} ms (median of ${rounds.map((r) => Math.round(r.bareMs)).join(', ')}), ` +
    `clientele ${clienteleMs} ms (median of ${rounds.map((r) => r.report.durationMs).join(', ')}); ratio bare/clientele = ${(bareMs / clienteleMs).toFixed(3)}`;
  // Checks side by side overlap clientele's work with the waits: the split below means something one at a time.
  if (concurrency > 1)
    return { concurrency, text: `${headline}\n  (${part('starting', startMs)}; the split of the rest is at --concurrency 1)` };
  const text =
    `${headline}\n` +
    `  where clientele's time goes: ${part('starting (worker, suites loaded, run opened)', startMs)}; ${part('waiting for answers', wireMs)}; ` +
    `${part('ending (report, worker stopped)', endMs)}; between answers ${Math.round(between)} ms (${share(between)}):\n` +
    `    ${stages.map(([label, ms]) => part(label, ms)).join(', ')};\n` +
    `    ${part('the rest (adapter, model, suites, fast-check, vitest)', Math.max(0, between - measured))}`;
  return { concurrency, text };
}

if (/like-for-like\.[jt]s$/.test(process.argv[1] ?? '')) {
  const { SuiteRunner } = await import('../runner/run.js');
  const { APIS } = await import('../apis/registry.js');
  const runner = await SuiteRunner.open();
  try {
    const wanted = process.argv.slice(2);
    for (const descriptor of APIS.filter((api) => wanted.length === 0 || wanted.includes(api.id)))
      console.log(`${descriptor.id}: ${await likeForLike(runner, descriptor)}`);
  } finally {
    await runner.close();
  }
}
