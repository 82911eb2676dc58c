#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by npm run build on install, start, test and pack). Where it is
// missing, or older than a source file of a checkout being worked on, the TypeScript sources run
// instead, through tsx, so a change is never tested stale.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// A signal while the code loads is held, not obeyed: main then stops the run before its first request
// and still writes a report (or, for another command, exits at once).
const held = [];
const hold = (signal) => held.push(signal);
process.on('SIGINT', hold);
process.on('SIGTERM', hold);

const root = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = ['apis', 'cli', 'engine', 'generators', 'model', 'port', 'protocols', 'reference-kit', 'reports', 'runner', 'suites'];

/** The newest modification time of the TypeScript sources (0 where there are none: an installed package). */
function newestSource(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const built = join(root, 'dist', '.built');
const fresh = existsSync(built) && statSync(built).mtimeMs >= Math.max(...SOURCES.map((dir) => newestSource(join(root, dir))));
let main;
if (fresh) {
  ({ main } = await import('../dist/cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
}
// The holder stays: taking it off while a signal is on its way could lose the signal or deliver it twice.
process.exitCode = await main(process.argv.slice(2), process.env, undefined, held[0]);
