/**
 * `npm run generate`: scripts/generate.ts, through tsx, unless generated/ was made from exactly the
 * inputs there are now. Starting tsx only to find that out took about a second of every `npm start` and
 * `npm test` after `npm ci` had generated. `generated/sources.sha256` holds the inputs' hash, then the
 * files generated/ held when it was written; `--force` always generates.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateInputsHash } from './inputs.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const generated = join(root, 'generated');
const stamp = join(generated, 'sources.sha256');
const args = process.argv.slice(2);
// Taken before generating: an input that changes meanwhile makes the next run generate again.
const hash = generateInputsHash(root);

/** The files under generated/, the stamp aside. */
function outputs() {
  return readdirSync(generated, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) =>
      join(entry.parentPath, entry.name)
        .slice(generated.length + 1)
        .split('\\')
        .join('/'),
    )
    .filter((file) => file !== 'sources.sha256')
    .sort();
}

function upToDate() {
  if (args.includes('--force') || !existsSync(stamp)) return false;
  const [stamped, ...files] = readFileSync(stamp, 'utf8').split('\n').filter(Boolean);
  return stamped === hash && files.length > 0 && files.every((file) => existsSync(join(generated, file)));
}

if (upToDate()) {
  console.log('generated/ is up to date');
} else {
  const generate = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'generate.ts'), ...args], {
    cwd: root,
    stdio: 'inherit',
  });
  if (generate.status === 0) writeFileSync(stamp, [hash, ...outputs(), ''].join('\n'));
  process.exitCode = generate.status ?? 1;
}
