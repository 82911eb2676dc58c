/**
 * `npm run build`: tsc into dist/, then `dist/.built` (the hash of what tsc read), unless dist/.built
 * already holds the hash of the inputs there are now. Even with nothing to compile, tsc's incremental
 * check took about 2 s and 380 MiB of every `npm start` and `npm test` after `npm ci` had built. When it
 * is skipped, `dist/.built` is touched all the same: bin/clientele.js runs dist/ only while it is no
 * older than every source, and the sources' contents are what dist/ was built from. `--force` always builds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildInputsHash } from './inputs.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'dist', '.built');
const hash = buildInputsHash(root);

const fresh =
  !process.argv.includes('--force') &&
  existsSync(built) &&
  existsSync(join(root, 'dist', 'cli', 'main.js')) &&
  readFileSync(built, 'utf8') === hash;
if (fresh) {
  const now = new Date();
  utimesSync(built, now, now);
  console.log('dist/ is up to date');
} else {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const compiled = spawnSync(process.execPath, [tsc], { cwd: root, stdio: 'inherit' });
  if (compiled.status === 0) writeFileSync(built, hash);
  process.exitCode = compiled.status ?? 1;
}
