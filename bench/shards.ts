/**
 * What `--shard I/N` buys on this machine: one embedded target process (`clientele serve`), then the
 * same run as 1, 2 and 4 CLI processes side by side, each its shard (balanced by the durations the
 * whole run recorded), merged back and compared with the whole run. Twice: straight to the target,
 * where client and target share two cores and nothing waits; and through a proxy that holds each
 * request for a while, as a staging server across a network does, where the shards' waits overlap.
 * Wall time per N and the speed-up over one process; a bench, never a test.
 */
import { createServer, request as forward, type Server } from 'node:http';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../generators/spec.js';

const CLI = join(PROJECT_ROOT, 'bin', 'clientele.js');

export function cli(args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: 'ignore', env: { ...process.env, CI: 'true' } });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10 * 60_000);
    child.on('error', reject);
    child.on('exit', (code) => (clearTimeout(timer), resolve(code ?? -1)));
  });
}

/** `clientele serve` in its own process; resolves with the run arguments its `try:` line names. */
export function serve(api: string): Promise<{ child: ChildProcess; target: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--api', api], { stdio: ['ignore', 'pipe', 'inherit'] });
    let seen = '';
    const timer = setTimeout(() => reject(new Error('serve did not start within 60 s')), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const line = /^try: npx clientele run (.*)$/m.exec(seen)?.[1];
      if (line) {
        clearTimeout(timer);
        // Words of the shell line (its one quoted word has no space in it).
        resolve({
          child,
          target: line
            .trim()
            .split(/\s+/)
            .map((word) => word.replace(/^'(.*)'$/, '$1')),
        });
      }
    });
  });
}

/** A loopback proxy that forwards every request to `origin` after `delayMs`: a target far away. */
export function delayingProxy(origin: string, delayMs: number): Promise<{ url: string; server: Server }> {
  const upstream = new URL(origin);
  const server = createServer((req, res) => {
    setTimeout(() => {
      const out = forward(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on('error', () => res.destroy());
      req.pipe(out);
    }, delayMs);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}${upstream.pathname.replace(/\/$/, '')}`, server }),
    ),
  );
}

export async function benchShards(api = 'growcrm', runs = 20, counts: readonly number[] = [1, 2, 4], delayMs = 0): Promise<void> {
  const served = await serve(api);
  const child = served.child;
  const proxy = delayMs > 0 ? await delayingProxy(served.target[served.target.indexOf('--target') + 1]!, delayMs) : undefined;
  const target = proxy ? served.target.map((word, i) => (served.target[i - 1] === '--target' ? proxy.url : word)) : served.target;
  const where = proxy ? `${delayMs} ms per request away` : 'on loopback';
  const dir = mkdtempSync(join(tmpdir(), 'clientele-bench-shards-'));
  try {
    let single = 0;
    for (const count of counts) {
      const started = performance.now();
      const codes = await Promise.all(
        Array.from({ length: count }, (_, i) =>
          cli([
            'run',
            ...target,
            '--seed',
            '1',
            '--runs',
            String(runs),
            '--quiet',
            '--report-dir',
            join(dir, `${count}`, `${i + 1}`),
            ...(count > 1 ? ['--shard', `${i + 1}/${count}`, '--durations', join(dir, '1', '1', 'report.json')] : []),
          ]),
        ),
      );
      const wall = performance.now() - started;
      if (count > 1) codes.push(await cli(['merge', join(dir, `${count}`), '--report-dir', join(dir, `${count}-merged`)]));
      const report = JSON.parse(readFileSync(join(dir, count > 1 ? `${count}-merged` : '1/1', 'report.json'), 'utf8'));
      if (count === 1) single = wall;
      const total = report.summary.total;
      console.log(
        `shards ${api}, ${runs} runs, target ${where}: N=${count} ${(wall / 1000).toFixed(1)} s wall` +
          `${count > 1 ? `, speed-up ${(single / wall).toFixed(2)}x` : ''}; ` +
          `${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped, ${report.summary.requests} requests; ` +
          `exit codes ${codes.join(',')}`,
      );
    }
  } finally {
    proxy?.server.close();
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
