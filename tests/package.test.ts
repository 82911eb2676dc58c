/**
 * The package as a user gets it: `npm pack`, installed into an empty project in a temporary directory,
 * then `npx clientele` there (--version, a run against the embedded reference, `serve` and a run against
 * it by URL, `init`). Offline: npm takes every dependency from the cache `npm ci` filled.
 *
 * Offline, npm cannot resolve a version range (`^8.20.0`) by itself: that needs the registry's metadata,
 * which `npm ci` never fetches. So the project gets a package-lock.json first (scripts/pin-install.ts)
 * pinning each dependency to the version clientele's own lockfile holds, and `npm install --offline
 * TARBALL` then needs only the tarballs, which are in the cache.
 *
 * Packing reuses the build `npm test` makes before vitest starts (`pretest` generates, `test` builds):
 * `npm pack --ignore-scripts` when dist/ is no older than the sources and generated/ is there, so no
 * build runs beside the other test files that read dist/. Run alone on a stale build, plain `npm pack`
 * builds first (npm's prepare script), as it would for a release.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIS } from '../apis/registry.js';
import { compiledIsFresh } from '../engine/root.js';
import { PROJECT_ROOT, parsedSpecPath } from '../generators/spec.js';
import { generatedValidatorsPath } from '../generators/validators.js';
import type { RunReport } from '../reports/model.js';
import { writePinnedProject } from '../scripts/pin-install.js';

const MAX_TARBALL_BYTES = 2_000_000;
const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string; private?: boolean };

interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * The environment of a user's shell: npm's own variables from `npm test` (its lifecycle, its package's
 * name and prefix) and the node_modules/.bin directories it put on PATH left out, so npm and npx in the
 * project see the project only; the cache kept, and no token.
 */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key) && key !== 'CLIENTELE_TOKEN') env[key] = value;
  const path = (process.env.PATH ?? '').split(delimiter).filter((dir) => !/[\\/]node_modules[\\/]\.bin$/.test(dir));
  return {
    ...env,
    PATH: path.join(delimiter),
    ...(process.env.npm_config_cache ? { npm_config_cache: process.env.npm_config_cache } : {}),
    npm_config_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    CI: 'true',
  };
}

/** A command in its own process group, killed whole at the deadline (the result then says so). */
function run(command: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<Result> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: userEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${timeoutMs} ms]`;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

const said = (result: Result) => `exit ${result.code}\n${result.stdout}\n${result.stderr}`.trim();

let temp: string;
let project: string;
let tarball: string;
let packed: { readonly size: number; readonly unpackedSize: number; readonly files: readonly { readonly path: string }[] };
let install: Result;

beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), 'clientele-package-'));
  project = join(temp, 'my-project');
  mkdirSync(project);
  const built = compiledIsFresh() && APIS.every((api) => api.spec.kind === 'xsd' || existsSync(generatedValidatorsPath(api.id)));
  const pack = await run(
    'npm',
    ['pack', '--json', '--pack-destination', temp, ...(built ? ['--ignore-scripts'] : [])],
    PROJECT_ROOT,
    built ? 60_000 : 240_000,
  );
  expect(pack.code, said(pack)).toBe(0);
  // `prepare` (when it runs) prints to the same stdout before npm's JSON, which starts on a line of its own.
  const json = pack.stdout.slice(Math.max(0, pack.stdout.search(/^\[$/m)));
  [packed] = JSON.parse(json) as [typeof packed & { filename: string }];
  tarball = join(temp, (packed as typeof packed & { filename: string }).filename);

  // As a new user would: an empty project, then the install (of the lockfile's versions, see above).
  const init = await run('npm', ['init', '-y'], project, 30_000);
  expect(init.code, said(init)).toBe(0);
  writePinnedProject(tarball, project);
  install = await run('npm', ['install', '--offline', relative(project, tarball)], project, 180_000);
  expect(install.code, said(install)).toBe(0);
  console.log(`package: ${packed.size} bytes packed (${pack.ms} ms${built ? ', no build' : ', built'}), installed in ${install.ms} ms`);
}, 420_000);

/** The served target of the --target test, with when it ended: a test that failed midway leaves it to afterAll. */
let served: { readonly child: ReturnType<typeof spawn>; readonly ended: Promise<unknown> } | undefined;
afterAll(async () => {
  if (served && served.child.exitCode === null && served.child.signalCode === null) {
    try {
      process.kill(-served.child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
    await served.ended;
  }
  if (temp) rmSync(temp, { recursive: true, force: true });
});

describe('the package, packed', () => {
  it('is under 2 MB, lists its files, and holds the compiled code, the generated validators and the specs, no sources or tests', () => {
    expect(packed.size).toBeLessThan(MAX_TARBALL_BYTES);
    expect(manifest.private).toBeUndefined();
    const files = packed.files.map((f) => f.path);
    const sources = files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    expect(sources).toEqual([]);
    expect(files.filter((f) => /^(dist\/)?(tests|bench|scripts)\//.test(f) || /\.(map|tsbuildinfo)$/.test(f))).toEqual([]);
    const needed = [
      'package.json',
      'README.md',
      'bin/clientele.js',
      'dist/cli/main.js',
      'dist/runner/run.js',
      // The one file vitest runs: the runner finds it beside itself, under dist/.
      'dist/suites/run.js',
      'generated/schemas/report.schema.json',
      'generated/schemas/config.schema.json',
      ...APIS.flatMap((api) => [
        api.spec.path,
        ...(api.spec.kind === 'xsd' ? [] : [relative(PROJECT_ROOT, generatedValidatorsPath(api.id))]),
        ...(api.spec.kind === 'openapi' ? [relative(PROJECT_ROOT, parsedSpecPath(api.id))] : []),
      ]),
    ];
    for (const file of needed) expect(files, file).toContain(file);
  });
});

describe('installed into an empty project, offline', () => {
  it('installs its runtime dependencies and no dev dependency', () => {
    const modules = join(project, 'node_modules');
    expect(existsSync(join(modules, 'clientele', 'dist', 'cli', 'main.js'))).toBe(true);
    expect(existsSync(join(modules, '.bin', 'clientele'))).toBe(true);
    for (const dev of ['typescript', 'tsx', 'esbuild', 'eslint', 'prettier', '@types/node'])
      expect(existsSync(join(modules, dev)), `${dev} installed`).toBe(false);
    // No TypeScript source came along: bin/clientele.js runs dist/, never tsx.
    expect(readdirSync(join(modules, 'clientele'), { recursive: true }).filter((f) => /(?<!\.d)\.ts$/.test(String(f)))).toEqual([]);
  });

  it('npx clientele --version', async () => {
    const result = await run('npx', ['clientele', '--version'], project, 30_000);
    expect(result.code, said(result)).toBe(0);
    expect(result.stdout.trim()).toBe(`clientele ${manifest.version}`);
  });

  it('npx clientele run --api growcrm: the embedded reference, passed, reports in the project', { timeout: 150_000 }, async () => {
    const result = await run('npx', ['clientele', 'run', '--api', 'growcrm', '--seed', '7'], project, 120_000);
    expect(result.code, said(result)).toBe(0);
    const report = JSON.parse(readFileSync(join(project, 'reports', 'latest', 'report.json'), 'utf8')) as RunReport;
    expect(report).toMatchObject({ api: 'growcrm', outcome: 'passed', exitCode: 0, seed: 7 });
    expect(report.checks.filter((c) => c.status === 'passed').length).toBeGreaterThan(20);
    for (const file of ['report.junit.xml', 'report.md', 'report.html'])
      expect(existsSync(join(project, 'reports', 'latest', file))).toBe(true);
    // The user's directory, never the installed package's.
    expect(existsSync(join(project, 'node_modules', 'clientele', 'reports'))).toBe(false);
  });

  it('npx clientele serve, then npx clientele run --api growcrm --target URL against it', { timeout: 200_000 }, async () => {
    const child = spawn('npx', ['clientele', 'serve', '--api', 'growcrm', '--port', '0'], {
      cwd: project,
      env: userEnv(),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    served = { child, ended: new Promise((resolve) => child.once('close', resolve)) };
    const printed = await new Promise<string>((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error(`serve printed no address within 30 s: ${text}`)), 30_000);
      const take = (chunk: Buffer) => {
        text += chunk.toString();
        if (/^try: .*$/m.test(text)) {
          clearTimeout(timer);
          resolve(text);
        }
      };
      child.stdout.on('data', take);
      child.stderr.on('data', take);
      child.once('close', () => reject(new Error(`serve ended: ${text}`)));
    });
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+\/api)$/m.exec(printed)?.[1];
    const token = /--token (\S+)/.exec(printed)?.[1];
    const field = /--custom-field '([^']+)'/.exec(printed)?.[1];
    expect([url, token, field], printed).not.toContain(undefined);

    const result = await run(
      'npx',
      [
        'clientele',
        'run',
        '--api',
        'growcrm',
        '--target',
        url!,
        '--token',
        token!,
        '--custom-field',
        field!,
        '--seed',
        '7',
        '--report-dir',
        'served',
      ],
      project,
      120_000,
    );
    expect(result.code, said(result)).toBe(0);
    const report = JSON.parse(readFileSync(join(project, 'served', 'report.json'), 'utf8')) as RunReport;
    expect(report).toMatchObject({ api: 'growcrm', target: url, outcome: 'passed', exitCode: 0 });

    // Stopped by its own handle: SIGTERM to its process group (npx and the server), and it says so.
    let rest = '';
    child.stdout.on('data', (chunk: Buffer) => (rest += chunk.toString()));
    process.kill(-child.pid!, 'SIGTERM');
    await served.ended;
    expect(rest).toContain('stopped');
  });

  it('npx clientele init writes the starter config into the project', async () => {
    const result = await run('npx', ['clientele', 'init', '--api', 'growcrm'], project, 30_000);
    expect(result.code, said(result)).toBe(0);
    const config = readFileSync(join(project, 'clientele.config.yaml'), 'utf8');
    expect(config).toMatch(/^ {4}api: growcrm$/m);
    // The schema it names is there, seen from the project.
    const schema = /Schema: (\S+)\.$/m.exec(config)?.[1];
    expect(schema).toBe('node_modules/clientele/generated/schemas/config.schema.json');
    expect(existsSync(join(project, schema!))).toBe(true);
  });
});
