/**
 * `npm run bench`: throughput of the suite against the embedded reference, next to a bare undici
 * keep-alive loop against the same target (the ratio is the suite's overhead), and the compiled
 * validators' validations per second; the same for FreshBooks Classic (XML), plus what decoding an
 * entity-expansion bomb costs. Measured here, never asserted in tests.
 */
import { randomBytes } from 'node:crypto';
import { Pool } from 'undici';
import { FAMILIES } from '../reports/model.js';
import { runSuites } from '../runner/run.js';
import { startFreshbooksTarget } from '../targets/freshbooks/reference.js';
import { standaloneValidators } from '../generators/validators.js';
import { loadXsdSpec } from '../generators/xsd.js';
import { decodeXml } from '../protocols/xml/codec.js';
import { startFreshbooksClassicTarget } from '../targets/freshbooks-classic/reference.js';

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

// --- FreshBooks Classic (XML) ------------------------------------------------------------------------
const staffToken = randomBytes(16).toString('hex');
const classic = await startFreshbooksClassicTarget({ token, staffToken });
try {
  const report = await runSuites(
    { api: 'freshbooks-classic', target: classic.url, token, staffToken, accountId: '', seed: 1, runs: 20, readOnly: false, families: FAMILIES, runTag: 'bench', timeoutMs: 10_000, maxBodyBytes: 8 << 20, replayPrefix: 'bench' },
    { targetLabel: 'bench' },
  );
  const inChecks = report.checks.reduce((sum, c) => sum + c.durationMs, 0);
  const suiteRate = rate(report.summary.requests, report.durationMs);
  const checkRate = rate(report.summary.requests, inChecks);

  const url = new URL(classic.url);
  const pool = new Pool(url.origin, { connections: 1 });
  const headers = { authorization: `Basic ${Buffer.from(`${token}:X`).toString('base64')}`, 'content-type': 'application/xml' };
  const listBody = (perPage: number) => `<?xml version="1.0" encoding="utf-8"?><request method="client.list"><page>1</page><per_page>${perPage}</per_page></request>`;
  const count = 5_000;
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const res = await pool.request({ path: url.pathname, method: 'POST', headers, body: listBody(5) });
    await res.body.text();
  }
  const bareRate = rate(count, performance.now() - started);
  const page = await (await pool.request({ path: url.pathname, method: 'POST', headers, body: listBody(15) })).body.text();
  await pool.close();

  const xsd = loadXsdSpec('freshbooks-classic');
  const perSecond = (rounds: number, body: () => void) => {
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) body();
    return rate(rounds, performance.now() - t0);
  };
  const clients = (page.match(/<client>/g) ?? []).length;
  const xsdRate = perSecond(5_000, () => {
    if (!xsd.validateResponse('client.list', page).ok) throw new Error('client.list page invalid');
  });
  const decodeRate = perSecond(5_000, () => {
    if (!decodeXml(page).ok) throw new Error('client.list page does not decode');
  });
  const entities = ['<!ENTITY l0 "lol">'];
  for (let i = 1; i <= 9; i++) entities.push(`<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`);
  const bomb = `<?xml version="1.0"?><!DOCTYPE r [${entities.join('')}]><response status="ok"><client_id>&l9;</client_id></response>`;
  const heapBefore = process.memoryUsage().heapUsed;
  const bombRate = perSecond(100_000, () => {
    if (decodeXml(bomb).ok) throw new Error('entity bomb accepted');
  });
  const heapGrowth = Math.round((process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024);

  const rss = Math.round(process.memoryUsage().rss / 1024 / 1024);
  console.log(`
clientele bench (one run, seed 1, 20 runs per property, embedded FreshBooks Classic reference, staff token given)
  suite:        ${report.summary.requests} requests in ${report.durationMs} ms wall = ${suiteRate} req/s (${checkRate} req/s inside checks, ${inChecks} ms)
  bare undici:  ${count} keep-alive client.list POSTs = ${bareRate} req/s
  ratio:        suite/bare = ${(suiteRate / bareRate).toFixed(3)} wall, ${(checkRate / bareRate).toFixed(3)} inside checks
  XSD (libxml2): client.list page (${clients} clients) ${xsdRate} validations/s; decode ${decodeRate}/s
  entity bomb:  refused ${bombRate}/s over 100000 decodes, heap growth ${heapGrowth} MiB
  outcome:      ${report.outcome}, ${report.summary.total.passed} checks passed; rss ${rss} MiB, peak rss ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
} finally {
  await classic.close();
}
