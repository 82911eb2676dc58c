/**
 * `npm run bench`: throughput of the suite against the embedded reference, next to a bare undici
 * keep-alive loop against the same target (the ratio is the suite's overhead), and the compiled
 * validators' validations per second. Measured here, never asserted in tests.
 */
import { randomBytes } from 'node:crypto';
import { Pool } from 'undici';
import { FAMILIES } from '../reports/model.js';
import { runSuites } from '../runner/run.js';
import { startFreshbooksTarget } from '../targets/freshbooks/reference.js';
import { standaloneValidators } from '../generators/validators.js';

const token = randomBytes(16).toString('hex');
const accountId = 'ABC123';
const target = await startFreshbooksTarget({ token, accountId });
const rate = (count: number, ms: number) => Math.round((count / ms) * 1000);

try {
  // 1. The whole suite, one run, as `clientele run` does it.
  const report = await runSuites(
    { api: 'freshbooks', target: target.url, token, accountId, seed: 1, runs: 20, readOnly: false, families: FAMILIES, runTag: 'bench', timeoutMs: 10_000, maxBodyBytes: 8 << 20, replayPrefix: 'bench' },
    { targetLabel: 'bench' },
  );
  const inChecks = report.checks.reduce((sum, c) => sum + c.durationMs, 0);
  const suiteRate = rate(report.summary.requests, report.durationMs);
  const checkRate = rate(report.summary.requests, inChecks);

  // 2. A bare keep-alive loop: the same kind of requests (one list page), one at a time as the suite sends them.
  const pool = new Pool(target.url, { connections: 1 });
  const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
  const path = `/accounting/account/${accountId}/users/clients?page=1&per_page=5`;
  const count = 5_000;
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const res = await pool.request({ path, method: 'GET', headers });
    await res.body.text();
  }
  const bareRate = rate(count, performance.now() - started);
  await pool.close();

  // 3. Validators: a 15-client list envelope and a single client, through the standalone code.
  const validators = await standaloneValidators('freshbooks');
  const list = await (await fetch(`${target.url}/accounting/account/${accountId}/users/clients?per_page=15`, { headers })).json();
  const one = list.response.result.clients[0]
    ? { response: { result: { client: list.response.result.clients[0] } } }
    : undefined;
  const validationRate = (key: string, payload: unknown) => {
    const rounds = 20_000;
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) if (!validators.validate(key, payload).ok) throw new Error(`${key} invalid`);
    return rate(rounds, performance.now() - t0);
  };
  const listRate = validationRate('response:listClients:200', list);
  const oneRate = one ? validationRate('response:getClient:200', one) : 0;

  const rss = Math.round(process.memoryUsage().rss / 1024 / 1024);
  console.log(`clientele bench (one run, seed 1, 20 runs per property, embedded FreshBooks REST reference)
  suite:        ${report.summary.requests} requests in ${report.durationMs} ms wall = ${suiteRate} req/s (${checkRate} req/s inside checks, ${inChecks} ms)
  bare undici:  ${count} keep-alive GETs = ${bareRate} req/s
  ratio:        suite/bare = ${(suiteRate / bareRate).toFixed(3)} wall, ${(checkRate / bareRate).toFixed(3)} inside checks
  validators:   listClients 200 (${list.response.result.clients.length} clients) ${listRate}/s, getClient 200 ${oneRate}/s
  outcome:      ${report.outcome}, ${report.summary.total.passed} checks passed; rss ${rss} MiB`);
} finally {
  await target.close();
}
