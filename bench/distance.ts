/**
 * What distance costs a run, with default options: one API's served reference (`clientele serve`), run
 * straight on loopback and then through proxies that hold each request 20 ms and 100 ms, as a server
 * across a network does. Wall time of the whole `clientele run` process, and the ratio to loopback.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, delayingProxy, serve } from './shards.js';

export async function benchDistance(api: string, delays: readonly number[] = [20, 100], extra: readonly string[] = []): Promise<void> {
  const served = await serve(api);
  const dir = mkdtempSync(join(tmpdir(), 'clientele-bench-distance-'));
  try {
    let loopback = 0;
    for (const delayMs of [0, ...delays]) {
      const proxy = delayMs > 0 ? await delayingProxy(served.target[served.target.indexOf('--target') + 1]!, delayMs) : undefined;
      const target = proxy ? served.target.map((word, i) => (served.target[i - 1] === '--target' ? proxy.url : word)) : served.target;
      const reportDir = join(dir, String(delayMs));
      const started = performance.now();
      const code = await cli(['run', ...target, '--seed', '1', '--quiet', '--report-dir', reportDir, ...extra]);
      const wall = performance.now() - started;
      proxy?.server.close();
      if (delayMs === 0) loopback = wall;
      const report = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8'));
      const where = delayMs ? `${delayMs} ms away` : 'on loopback';
      console.log(
        `distance ${api}, target ${where}${extra.length ? ` (${extra.join(' ')})` : ''}: ${(wall / 1000).toFixed(1)} s wall` +
          `${delayMs ? `, ${(wall / loopback).toFixed(2)}x loopback` : ''}; ${report.summary.requests} requests, ` +
          `outcome ${report.outcome}, exit ${code}`,
      );
    }
  } finally {
    served.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (/distance\.[jt]s$/.test(process.argv[1] ?? '')) await benchDistance(process.argv[2] ?? 'growcrm', [20, 100], process.argv.slice(3));
