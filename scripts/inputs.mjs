/**
 * Hashes of what `npm run generate` and `npm run build` read, in plain JavaScript: with them,
 * `scripts/generate.mjs` and `scripts/build.mjs` see that there is nothing to do without starting tsx
 * or tsc (`npm start` and `npm test` after `npm ci`, which already generated and built). A hash, not
 * modification times: a checkout or a copy changes times, not what the outputs are made of.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Never inputs: installed, generated, built or written by runs. */
const SKIPPED = new Set(['node_modules', 'generated', 'dist', 'reports/latest', '.git', '.scratch']);

/** The files under `dir` (relative to `root`) whose names end in one of `suffixes`, sorted. */
function filesUnder(root, dir, suffixes) {
  const found = [];
  const walk = (rel) => {
    if (SKIPPED.has(rel) || !existsSync(join(root, rel))) return;
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (suffixes.some((suffix) => entry.name.endsWith(suffix))) found.push(path);
    }
  };
  walk(dir);
  return found.sort();
}

/** One hash of the files' names and contents (and of `extra`, when given). */
function hashOf(root, files, extra = '') {
  const hash = createHash('sha256').update(extra);
  for (const file of files) {
    hash.update(`\0${file}\0`);
    if (existsSync(join(root, file))) hash.update(readFileSync(join(root, file)));
  }
  return hash.digest('hex');
}

/**
 * Everything `npm run generate` reads: the specs, the sources (it imports the registry, the report and
 * config schemas and the generators; the files tsc compiles stand for them, so the list is tsconfig's
 * alone), itself, the lockfile (ajv's version shapes the standalone code), and `CLIENTELE_APIS`, which
 * adds APIs to the registry.
 */
export function generateInputsHash(root) {
  const files = [
    ...filesUnder(root, 'specs', ['']),
    ...compiledFiles(root),
    'scripts/generate.ts',
    'scripts/generate.mjs',
    'scripts/inputs.mjs',
    'package-lock.json',
  ];
  return hashOf(root, files, `CLIENTELE_APIS=${process.env.CLIENTELE_APIS ?? ''}`);
}

/** The files of tsconfig.json's `include`: TypeScript and the JSON modules it imports. */
function compiledFiles(root) {
  const config = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8'));
  const files = (config.include ?? []).flatMap((entry) =>
    entry.includes('*')
      ? readdirSync(root, { withFileTypes: true })
          .filter((file) => file.isFile() && file.name.endsWith(entry.replace(/^\*/, '')))
          .map((file) => file.name)
      : filesUnder(root, entry, ['.ts', '.mts', '.cts', '.json']),
  );
  return [...new Set(files)].sort();
}

/**
 * Everything `tsc` reads: the files of tsconfig.json's `include`, tsconfig.json, package.json and the
 * lockfile (TypeScript's version and the type packages).
 */
export function buildInputsHash(root) {
  return hashOf(root, compiledFiles(root).concat(['tsconfig.json', 'package.json', 'package-lock.json']));
}
