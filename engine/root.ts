/**
 * Where clientele's own files are (specs, generated validators, the suites): the directory of its
 * package.json. The same from the TypeScript sources and from the compiled `dist/`, in a clone or
 * installed in a project's node_modules.
 */
import { existsSync, readFileSync } from 'node:fs';
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
