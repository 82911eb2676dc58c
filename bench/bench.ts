/**
 * `npm run bench`: for every API in the registry, the suite's requests per second against the embedded
 * reference next to a bare undici keep-alive loop sending the same list request to the same target
 * (the ratio is the suite's overhead), and the spec view's decode and validation rates on a list page;
 * then what refusing an XML entity-expansion bomb costs, and what `--shard` buys (bench/shards.ts).
 * Measured here, never asserted in tests.
 */
import { Pool } from 'undici';
import { openClientApi } from '../apis/open.js';
import { APIS } from '../apis/registry.js';
import { parseCli } from '../cli/args.js';
import { embeddedRequest, embeddedRun } from '../cli/run-config.js';
import type { Exchange } from '../engine/exchange.js';
import { decodeXml } from '../protocols/xml/codec.js';
import { SuiteRunner } from '../runner/run.js';
import { benchMcp } from './mcp.js';
import { benchShards } from './shards.js';
import { benchDistance } from './distance.js';
import { likeForLike } from './like-for-like.js';
import { RunContext } from '../engine/run-context.js';

const rate = (count: number, ms: number) => Math.round((count / ms) * 1000);
const perSecond = (rounds: number, body: () => void) => {
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) body();
  return rate(rounds, performance.now() - t0);
};

/** The list request the adapter sends, with its credential resolved, for the bare loop. */
function bareRequest(
  exchange: Exchange,
  token: string,
): { origin: string; path: string; method: string; headers: Record<string, string>; body?: string } {
  const url = new URL(exchange.request.url!);
  const headers: Record<string, string> = { ...exchange.request.headers };
  const auth = exchange.request.auth;
  if (auth?.scheme === 'bearer') headers.authorization = `Bearer ${token}`;
  if (auth?.scheme === 'basic') headers.authorization = `Basic ${Buffer.from(`${token}:${auth.password}`).toString('base64')}`;
  return { origin: url.origin, path: url.pathname + url.search, method: exchange.request.method, headers, body: exchange.request.body };
}

async function bareLoop(request: ReturnType<typeof bareRequest>, count: number): Promise<number> {
  const pool = new Pool(request.origin, { connections: 1 });
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const res = await pool.request({ path: request.path, method: request.method as 'GET', headers: request.headers, body: request.body });
    await res.body.text();
  }
  const bareRate = rate(count, performance.now() - started);
  await pool.close();
  return bareRate;
}

const runner = await SuiteRunner.open();
try {
  for (const descriptor of APIS) {
    const options = parseCli(['run', '--seed', '1'], {});
    // The steps below talk to the target themselves: it runs in this thread.
    const { target, config } = await embeddedRun(options, descriptor, undefined);
    try {
      // 1. The whole suite, one run, as `clientele run` does it: on a target the worker starts beside the checks.
      const report = await runner.run(await embeddedRequest(options, descriptor, undefined), { targetLabel: 'bench' });
      const inChecks = report.checks.reduce((sum, c) => sum + c.durationMs, 0);

      // 2. The adapter's own list request (a 15-client page), then the same request in a bare keep-alive loop.
      const context = new RunContext(config);
      const api = await openClientApi(context, config);
      await api.list({ filters: [], page: 1, perPage: 5 });
      const small = api.session.log.snapshot().at(-1)!;
      await api.list({ filters: [], page: 1, perPage: 15 });
      const page = api.session.log.snapshot().at(-1)!;
      await api.close();
      await context.close();
      // (MCP: bare SDK clients and McpTransport, over Streamable HTTP and stdio, in bench/mcp.ts.)
      const mcp = descriptor.transport === 'mcp' ? await benchMcp(config) : undefined;
      const count = 5_000;
      const bareRate =
        mcp?.bareRate ?? (await bareLoop(bareRequest(small, config.credentials.find((c) => c.key === 'token')!.value), count));

      // 3. The spec view on that page: decode, and validate against the spec (ajv standalone code or libxml2).
      const spec = await descriptor.specView();
      const response = page.response!;
      const decoded = spec.decode(response);
      if (!decoded.ok) throw new Error(`${descriptor.id}: list page does not decode`);
      const decodeRate = perSecond(5_000, () => void spec.decode(response));
      const validateRate = perSecond(5_000, () => {
        if (spec.validate(page.operation, response, decoded.value)?.ok === false) throw new Error(`${descriptor.id}: list page invalid`);
      });

      const boundary = report.checks.reduce(
        (sum, c) => ({
          cases: sum.cases + (c.boundary?.cases ?? 0),
          requests: sum.requests + (c.boundary?.requests ?? 0),
          ms: sum.ms + (c.boundary?.ms ?? 0),
        }),
        { cases: 0, requests: 0, ms: 0 },
      );
      const share = (part: number, whole: number) => `${((100 * part) / Math.max(whole, 1)).toFixed(1)}%`;
      const suiteRate = rate(report.summary.requests, report.durationMs);
      const checkRate = rate(report.summary.requests, inChecks);
      const boundaryLine =
        `${boundary.cases} edge cases, ${boundary.requests} requests (${share(boundary.requests, report.summary.requests)} of the run's), ` +
        `${boundary.ms} ms (${share(boundary.ms, inChecks)} of the time in checks)`;
      console.log(`clientele bench: ${descriptor.title}, embedded reference, seed 1, 20 runs per property
  suite:        ${report.summary.requests} requests in ${report.durationMs} ms wall = ${suiteRate} req/s (${checkRate} req/s inside checks, ${inChecks} ms)
  ${mcp?.bareLine ?? `bare undici:  ${count} keep-alive ${page.operation} requests`} = ${bareRate} req/s
  ratio:        suite/bare = ${(suiteRate / bareRate).toFixed(3)} wall, ${(checkRate / bareRate).toFixed(3)} inside checks
  boundary:     ${boundaryLine}
  spec view:    ${page.operation} page of ${response.body.length} bytes: decode ${decodeRate}/s, validate ${validateRate}/s
  outcome:      ${report.outcome}, ${report.summary.total.passed} checks passed; rss ${Math.round(process.memoryUsage().rss / 1024 / 1024)} MiB
${mcp ? `${mcp.table}\n` : ''}${await likeForLike(runner, descriptor)}\n`);
    } finally {
      await target.close();
    }
  }
} finally {
  await runner.close();
}

// The XML codec refuses any DTD before parsing: what that costs, and that it leaves nothing behind.
const entities = ['<!ENTITY l0 "lol">'];
for (let i = 1; i <= 9; i++) entities.push(`<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`);
const bomb = `<?xml version="1.0"?><!DOCTYPE r [${entities.join('')}]><response status="ok"><client_id>&l9;</client_id></response>`;
const heapBefore = process.memoryUsage().heapUsed;
const bombRate = perSecond(100_000, () => {
  if (decodeXml(bomb).ok) throw new Error('entity bomb accepted');
});
console.log(
  `entity bomb:  refused ${bombRate}/s over 100000 decodes, ` +
    `heap growth ${Math.round((process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024)} MiB; ` +
    `peak rss ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
);

// Sharding: the same Grow CRM run as 1, 2 and 4 processes side by side against one target process,
// straight on loopback and 20 ms away (a staging server across a network).
await benchShards('growcrm', 20, [1, 2, 4], 0);
await benchShards('growcrm', 20, [1, 2, 4], 20);

// Distance with default options: the same Grow CRM run on loopback, 20 ms and 100 ms away; its checks
// overlap their waits (--concurrency, chosen from how long the preflight's answers took).
await benchDistance('growcrm', [20, 100]);
