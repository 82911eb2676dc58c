/**
 * Where clientele's own files are (specs, generated validators, the suites): the directory of its
 * package.json. The same from the TypeScript sources and from the compiled `dist/`, in a clone or
 * installed in a project's node_modules.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'clientele') return dir;
    if (dirname(dir) === dir) throw new Error(`clientele's package.json was not found above ${from}`);
  }
}

export const PROJECT_ROOT = packageRoot(dirname(fileURLToPath(import.meta.url)));

/** Whether this code runs compiled (`dist/`, `.js`) or from its TypeScript sources: the suffix its own modules have. */
export const MODULE_SUFFIX = fileURLToPath(import.meta.url).endsWith('.ts') ? '.ts' : '.js';

/** The directories of TypeScript sources that `npm run build` compiles into `dist/` for the CLI. */
const COMPILED_SOURCES = [
  'apis',
  'cli',
  'engine',
  'generators',
  'model',
  'port',
  'protocols',
  'reference-kit',
  'reports',
  'runner',
  'suites',
];

function newestSource(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

let compiledFresh: boolean | undefined;

/**
 * Whether `dist/` holds a build no older than any TypeScript source (bin/clientele.js asks the same
 * before it runs the compiled CLI): from the sources, a process clientele starts (the embedded MCP
 * server over stdio) can then run compiled, without transpiling at start-up, and still not run stale.
 */
export function compiledIsFresh(): boolean {
  if (MODULE_SUFFIX === '.js') return true;
  if (compiledFresh === undefined) {
    const built = join(PROJECT_ROOT, 'dist', '.built');
    compiledFresh =
      existsSync(built) && statSync(built).mtimeMs >= Math.max(...COMPILED_SOURCES.map((dir) => newestSource(join(PROJECT_ROOT, dir))));
  }
  return compiledFresh;
}
