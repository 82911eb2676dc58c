#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by npm run build on install, start, test and pack). In a checkout
// where it is missing, or older than a source file being worked on, the TypeScript sources run instead,
// through tsx (a dev dependency), so a change is never tested stale. An installed package has no
// TypeScript sources: it always runs dist/.
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

/** One line on stderr and exit code 4 (internal error): what is missing and what to do, never a stack trace. */
function broken(message) {
  process.stderr.write(`clientele: ${message}\n`);
  process.exit(4);
}

const compiled = join(root, 'dist', 'cli', 'main.js');
const built = join(root, 'dist', '.built');
const sources = Math.max(...SOURCES.map((dir) => newestSource(join(root, dir))));
const fresh = existsSync(compiled) && (sources === 0 || (existsSync(built) && statSync(built).mtimeMs >= sources));
let main;
if (fresh) {
  ({ main } = await import('../dist/cli/main.js'));
} else if (sources === 0) {
  broken(`the compiled CLI is missing (${compiled}): reinstall the clientele package`);
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    broken('dist/ is missing or older than the TypeScript sources, and tsx is not installed: run npm ci, then npm run build');
  }
  register();
  ({ main } = await import('../cli/main.ts'));
}
// The holder stays: taking it off while a signal is on its way could lose the signal or deliver it twice.
process.exitCode = await main(process.argv.slice(2), process.env, undefined, held[0]);
