/**
 * `npm run generate`: for every API in the registry, writes `generated/<api>/validators.js` (standalone
 * ajv code for every schema of an OpenAPI spec, and `spec.json`, the spec parsed) or compiles its XSD,
 * so a broken spec fails the build, not a run; and the published JSON Schemas of the report and the
 * config file, their lists of families and APIs filled in from the code (`generated/schemas/`).
 * Generated files are rebuilt here, never edited, and kept out of git. A stamp of the specs and the
 * generators skips the validators when only other code changed. `npm run generate` is
 * `scripts/generate.mjs`, which runs this only when some input changed since the last generation.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APIS } from '../apis/registry.js';
import { ClienteleError, ConfigError, EXIT, describeError } from '../engine/failures.js';
import { PROJECT_ROOT, parsedSpecPath, writeParsedSpec, type SpecSource } from '../generators/spec.js';
import { compileAll, writeStandalone } from '../generators/compile-validators.js';
import { generatedValidatorsPath } from '../generators/validators.js';
import { loadXsdSpec } from '../generators/xsd.js';
import { generateMcpValidators } from '../generators/mcp-tools.js';
import { configSchema } from '../cli/config-file.js';
import { reportSchema } from '../reports/schema.js';

export function generate(source: SpecSource): string {
  let compiled;
  try {
    compiled = compileAll(source, true);
  } catch (error) {
    if (error instanceof ClienteleError) throw error;
    throw new ConfigError(`spec ${source.path} does not compile: ${describeError(error)}`);
  }
  return writeStandalone(source, compiled.ajv, compiled.ids);
}

const STAMP = join(PROJECT_ROOT, 'generated', 'inputs.sha256');
const SCHEMAS = join(PROJECT_ROOT, 'generated', 'schemas');

/** The schemas as published, complete: written every time (they are cheap), so a new API or family shows at once. */
function writeSchemas(): void {
  mkdirSync(SCHEMAS, { recursive: true });
  for (const [name, schema] of [
    ['report.schema.json', reportSchema()],
    ['config.schema.json', configSchema()],
  ] as const) {
    writeFileSync(join(SCHEMAS, name), `${JSON.stringify(schema, null, 2)}\n`);
    console.log(`generated generated/schemas/${name}`);
  }
}

/** A hash of everything generation reads: the specs and the generator sources. */
function inputsHash(): string {
  const hash = createHash('sha256');
  const files = [
    ...APIS.map((api) => join(PROJECT_ROOT, api.spec.path)),
    ...readdirSync(join(PROJECT_ROOT, 'generators')).map((name) => join(PROJECT_ROOT, 'generators', name)),
  ];
  for (const file of files.sort()) hash.update(file).update(readFileSync(file));
  return hash.digest('hex');
}

function upToDate(hash: string): boolean {
  return (
    existsSync(STAMP) &&
    readFileSync(STAMP, 'utf8') === hash &&
    APIS.every((api) => api.spec.kind === 'xsd' || existsSync(generatedValidatorsPath(api.id))) &&
    APIS.every((api) => api.spec.kind !== 'openapi' || existsSync(parsedSpecPath(api.id)))
  );
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!)) {
  try {
    writeSchemas();
    const hash = inputsHash();
    if (upToDate(hash) && !process.argv.includes('--force')) {
      console.log('generated/ is up to date');
    } else {
      for (const api of APIS) {
        if (api.spec.kind !== 'xsd') {
          const source = { api: api.id, path: api.spec.path };
          const file = api.spec.kind === 'openapi' ? generate(source) : generateMcpValidators(source);
          console.log(`generated ${file.slice(file.indexOf('generated/'))}`);
          if (api.spec.kind === 'openapi') console.log(`generated ${writeParsedSpec(source).split('/').slice(-3).join('/')}`);
        } else {
          loadXsdSpec(api.spec.path);
          console.log(`checked ${api.spec.path}`);
        }
      }
      writeFileSync(STAMP, hash);
    }
  } catch (error) {
    // A spec that does not parse or compile is a configuration error (exit 2), not a crash.
    console.error(`clientele generate: ${describeError(error)}`);
    process.exit(error instanceof ClienteleError ? error.exitCode : EXIT.usage);
  }
}
