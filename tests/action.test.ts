/**
 * The GitHub Action (`action.yml`) and the example workflow (`examples/github-actions.yml`), proved
 * without GitHub: both files are read as the runner reads them (expressions, step ids, inputs, `uses:`,
 * `needs:`), then their `run:` steps are executed in order in bash, with the runner's command files
 * (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_STEP_SUMMARY) and the small part of the expression language the
 * two files use. `uses:` steps are not executed; their resolved `with:` is recorded and checked, and the
 * artifact actions are stood in for by copying directories, so the shard and merge jobs can hand reports
 * over as they would on GitHub.
 */
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import type { StartedTarget } from '../apis/descriptor.js';
import { findApi } from '../apis/registry.js';
import { basisText } from '../reports/render.js';
import { loadConfig, targetValues } from '../cli/config-file.js';
import { PROJECT_ROOT } from '../generators/spec.js';
import type { RunReport } from '../reports/model.js';

// ---------------------------------------------------------------------------------------------------
// The two files, as data

type Scalar = string | number | boolean;

interface Step {
  readonly id?: string;
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly shell?: string;
  readonly if?: Scalar;
  readonly with?: Readonly<Record<string, Scalar>>;
  readonly env?: Readonly<Record<string, Scalar>>;
  readonly 'working-directory'?: string;
}

interface ActionFile {
  readonly name: string;
  readonly inputs: Readonly<Record<string, { readonly description?: string; readonly required?: boolean; readonly default?: Scalar }>>;
  readonly outputs: Readonly<Record<string, { readonly value: string }>>;
  readonly runs: { readonly using: string; readonly steps: readonly Step[] };
}

interface Job {
  readonly 'runs-on'?: string;
  readonly needs?: string | readonly string[];
  readonly if?: Scalar;
  readonly strategy?: { readonly matrix?: Readonly<Record<string, readonly Scalar[]>> };
  readonly defaults?: { readonly run?: { readonly shell?: string } };
  readonly env?: Readonly<Record<string, Scalar>>;
  readonly steps: readonly Step[];
}

interface WorkflowFile {
  readonly on: unknown;
  readonly defaults?: { readonly run?: { readonly shell?: string } };
  readonly env?: Readonly<Record<string, Scalar>>;
  readonly jobs: Readonly<Record<string, Job>>;
}

/** Parses strictly: a duplicate key or any YAML error fails here, as it would fail on GitHub. */
function readYaml<T>(relative: string): T {
  const doc = parseDocument(readFileSync(join(PROJECT_ROOT, relative), 'utf8'), { uniqueKeys: true, prettyErrors: true });
  expect(
    doc.errors.map((e) => e.message),
    `${relative}: YAML errors`,
  ).toEqual([]);
  expect(
    doc.warnings.map((e) => e.message),
    `${relative}: YAML warnings`,
  ).toEqual([]);
  return doc.toJS() as T;
}

const action = readYaml<ActionFile>('action.yml');
const workflow = readYaml<WorkflowFile>('examples/github-actions.yml');

/** Real actions, each pinned to a major; `./` is this repository's action.yml. */
const ALLOWED_ACTIONS = ['actions/checkout@v4', 'actions/setup-node@v4', 'actions/upload-artifact@v4', 'actions/download-artifact@v4'];

const EXPRESSION = /\$\{\{\s*(.*?)\s*\}\}/g;

/** Every string in a parsed YAML value, with where it is. */
function strings(value: unknown, at = ''): { at: string; text: string }[] {
  if (typeof value === 'string') return [{ at, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, i) => strings(item, `${at}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => strings(item, at ? `${at}.${key}` : key));
  return [];
}

/** The expressions inside `${{ }}` anywhere in a value. */
function expressionsIn(value: unknown): { at: string; expression: string }[] {
  return strings(value).flatMap(({ at, text }) => [...text.matchAll(EXPRESSION)].map((m) => ({ at, expression: m[1]! })));
}

/** `steps.ID.outputs.NAME` references in the expressions of a value. */
function stepReferences(value: unknown): string[] {
  return expressionsIn(value).flatMap(({ expression }) =>
    [...expression.matchAll(/\bsteps\.([A-Za-z_][\w-]*)\.outputs\b/g)].map((m) => m[1]!),
  );
}

function label(step: Step, index: number): string {
  return step.name ?? step.id ?? step.uses ?? `step ${index + 1}`;
}

// ---------------------------------------------------------------------------------------------------
// The expression subset the two files use: context look-ups (`inputs.x`, `steps.id.outputs.y`,
// `github.workspace`, `matrix.shard`, ...) and, in `if:`, status functions and comparisons joined by &&.

type Contexts = Record<string, unknown>;

function lookUp(expression: string, contexts: Contexts): string {
  if (!/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)+$/.test(expression)) throw new Error(`the simulation does not evaluate \${{ ${expression} }}`);
  const [root, ...path] = expression.split('.');
  if (!(root! in contexts)) throw new Error(`the simulation has no '${root}' context (in \${{ ${expression} }})`);
  let value: unknown = contexts[root!];
  for (const key of path) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  // GitHub answers an unknown input with '', which hides a typo; here it is an error.
  if (value === undefined && root === 'inputs') throw new Error(`\${{ ${expression} }}: no such input`);
  return value === undefined || value === null ? '' : String(value);
}

function substitute(text: Scalar, contexts: Contexts): string {
  return String(text).replace(EXPRESSION, (_, expression: string) => lookUp(expression, contexts));
}

/** A step's (or job's) `if:`; without a status function, `success()` is implied, as on GitHub. */
function condition(expression: Scalar | undefined, contexts: Contexts, failed: boolean): boolean {
  if (expression === undefined) return !failed;
  const inner = String(expression)
    .trim()
    .replace(/^\$\{\{\s*([\s\S]*?)\s*\}\}$/, '$1');
  let status: boolean | undefined;
  const and = (value: boolean) => (status = (status ?? true) && value);
  let result = true;
  for (const term of inner.split('&&').map((t) => t.trim())) {
    if (term === 'always()') and(true);
    else if (term === 'success()') and(!failed);
    else if (term === 'failure()') and(failed);
    else if (term === 'cancelled()') and(false);
    else if (term === '!cancelled()') and(true);
    else {
      const comparison = /^([\w.-]+)\s*(==|!=)\s*'([^']*)'$/.exec(term);
      if (!comparison) throw new Error(`the simulation does not evaluate if: ${inner}`);
      const value = lookUp(comparison[1]!, contexts);
      result &&= comparison[2] === '==' ? value === comparison[3] : value !== comparison[3];
    }
  }
  return (status ?? !failed) && result;
}

/** GITHUB_OUTPUT / GITHUB_ENV: `name=value` lines and `name<<DELIMITER` blocks. */
function parseCommandFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const equals = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (heredoc > 0 && (equals < 0 || heredoc < equals)) {
      const [name, delimiter] = [line.slice(0, heredoc), line.slice(heredoc + 2)];
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i]!);
      if (i >= lines.length) throw new Error(`command file: '${name}<<${delimiter}' is never closed`);
      values[name] = body.join('\n');
    } else if (equals > 0) values[line.slice(0, equals)] = line.slice(equals + 1);
    else throw new Error(`command file: malformed line '${line}'`);
  }
  return values;
}

// ---------------------------------------------------------------------------------------------------
// The runner

interface StepRecord {
  readonly label: string;
  readonly status: 'success' | 'failure' | 'skipped' | 'left out';
  readonly uses?: string;
  /** A `uses:` step's `with:`, expressions resolved. */
  readonly with?: Readonly<Record<string, string>>;
  readonly code?: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Readonly<Record<string, string>>;
}

/** One job on one runner: its workspace, its environment as GITHUB_ENV grows it, its summary. */
interface JobState {
  readonly workspace: string;
  readonly runnerTemp: string;
  readonly env: Record<string, string>;
  readonly github: Readonly<Record<string, string>>;
  readonly matrix: Readonly<Record<string, Scalar>>;
  readonly artifacts: string;
  readonly records: StepRecord[];
  summary: string;
  stepCount: number;
}

const STEP_TIMEOUT_MS = 90_000;

/** GitHub's `shell: bash`: `bash --noprofile --norc -eo pipefail {0}`, in a process group of its own (killed on timeout). */
function bash(
  script: string,
  cwd: string,
  env: Record<string, string>,
  scriptFile: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  writeFileSync(scriptFile, script);
  return new Promise((done, fail) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', scriptFile], {
      cwd,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
      fail(new Error(`step timed out after ${STEP_TIMEOUT_MS} ms\n${stdout}\n${stderr}`));
    }, STEP_TIMEOUT_MS);
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code: code ?? (signal ? 128 : -1), stdout, stderr });
    });
  });
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
}

interface UsesResult {
  readonly ok: boolean;
  readonly outputs: Readonly<Record<string, string>>;
}

/** What a `uses:` step does here: `./` runs the action (when the caller simulates it); the artifact actions copy directories. */
type UsesHandler = (step: Step, inputs: Record<string, string>, stepEnv: Record<string, string>) => Promise<UsesResult>;

async function standInFor(step: Step, inputs: Record<string, string>, job: JobState): Promise<UsesResult> {
  if (step.uses === 'actions/upload-artifact@v4') {
    const name = inputs.name!;
    const from = resolve(job.workspace, inputs.path!);
    // upload-artifact@v4 refuses a name already used in the run: shards need names of their own.
    if (existsSync(join(job.artifacts, name))) return { ok: false, outputs: {} };
    if (existsSync(from)) cpSync(from, join(job.artifacts, name), { recursive: true });
    return { ok: true, outputs: {} };
  }
  if (step.uses === 'actions/download-artifact@v4') {
    const pattern = globToRegExp(inputs.pattern ?? inputs.name!);
    for (const name of existsSync(job.artifacts) ? readdirSync(job.artifacts) : []) {
      if (pattern.test(name))
        cpSync(join(job.artifacts, name), join(resolve(job.workspace, inputs.path ?? '.'), name), { recursive: true });
    }
    return { ok: true, outputs: {} };
  }
  return { ok: true, outputs: {} };
}

interface StepsOptions {
  /** Contexts other than `steps` and `env`: inputs, github, matrix, runner. */
  readonly contexts: Contexts;
  /** Environment the runner adds for these steps only (GITHUB_ACTION_PATH inside an action). */
  readonly extraEnv?: Readonly<Record<string, string>>;
  /** Steps the simulation leaves out (the `npm ci` of a workflow: this checkout is installed already). */
  readonly leaveOut?: (step: Step) => boolean;
  readonly onUses?: UsesHandler;
  readonly defaultShell?: string;
}

/** Runs steps in order as the runner does; returns whether one failed and the `steps` context. */
async function runSteps(
  steps: readonly Step[],
  job: JobState,
  options: StepsOptions,
): Promise<{ failed: boolean; steps: Record<string, { outputs: Record<string, string>; outcome: string }> }> {
  const stepsContext: Record<string, { outputs: Record<string, string>; outcome: string }> = {};
  let failed = false;
  for (const [index, step] of steps.entries()) {
    const contexts = { ...options.contexts, steps: stepsContext, env: { ...job.env } };
    const name = label(step, index);
    const record = (entry: Omit<StepRecord, 'label' | 'stdout' | 'stderr' | 'outputs'> & Partial<StepRecord>) => {
      const full: StepRecord = { label: name, stdout: '', stderr: '', outputs: {}, ...entry };
      job.records.push(full);
      if (step.id) stepsContext[step.id] = { outputs: { ...full.outputs }, outcome: full.status };
      if (full.status === 'failure') failed = true;
    };
    if (!condition(step.if, contexts, failed)) {
      record({ status: 'skipped' });
      continue;
    }
    if (options.leaveOut?.(step)) {
      record({ status: 'left out' });
      continue;
    }
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([key, value]) => [key, substitute(value, contexts)]));
    if (step.uses !== undefined) {
      const inputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([key, value]) => [key, substitute(value, contexts)]));
      const result =
        step.uses === './' && options.onUses ? await options.onUses(step, inputs, stepEnv) : await standInFor(step, inputs, job);
      record({ status: result.ok ? 'success' : 'failure', uses: step.uses, with: inputs, outputs: result.outputs });
      continue;
    }
    const shell = step.shell ?? options.defaultShell;
    if (shell !== 'bash') throw new Error(`${name}: the simulation runs bash steps only (shell: ${shell})`);
    const files = join(job.runnerTemp, `_step${++job.stepCount}`);
    mkdirSync(files, { recursive: true });
    const commandFiles = {
      GITHUB_OUTPUT: join(files, 'output'),
      GITHUB_ENV: join(files, 'env'),
      GITHUB_STEP_SUMMARY: join(files, 'summary'),
    };
    for (const file of Object.values(commandFiles)) writeFileSync(file, '');
    const directory =
      step['working-directory'] === undefined ? job.workspace : resolve(job.workspace, substitute(step['working-directory'], contexts));
    const env = { ...job.env, ...options.extraEnv, ...stepEnv, ...commandFiles };
    const result = await bash(substitute(step.run!, contexts), directory, env, join(files, 'script.sh'));
    const outputs = parseCommandFile(readFileSync(commandFiles.GITHUB_OUTPUT, 'utf8'));
    Object.assign(job.env, parseCommandFile(readFileSync(commandFiles.GITHUB_ENV, 'utf8')));
    job.summary += readFileSync(commandFiles.GITHUB_STEP_SUMMARY, 'utf8');
    record({ status: result.code === 0 ? 'success' : 'failure', code: result.code, stdout: result.stdout, stderr: result.stderr, outputs });
  }
  return { failed, steps: stepsContext };
}

interface ActionRun {
  readonly failed: boolean;
  readonly outputs: Readonly<Record<string, string>>;
  readonly records: readonly StepRecord[];
}

/** `uses: <this action>` with these `with:` values, inside a job; records go to the job's list. */
async function runAction(job: JobState, withInputs: Record<string, string>, callerEnv: Record<string, string> = {}): Promise<ActionRun> {
  for (const key of Object.keys(withInputs)) if (!(key in action.inputs)) throw new Error(`with.${key}: action.yml has no such input`);
  const inputs = Object.fromEntries(
    Object.entries(action.inputs).map(([key, input]) => [
      key,
      withInputs[key] ?? (input.default === undefined ? '' : String(input.default)),
    ]),
  );
  const first = job.records.length;
  const contexts = { inputs, github: { ...job.github, action_path: PROJECT_ROOT }, matrix: job.matrix, runner: { temp: job.runnerTemp } };
  // The caller step's env: reaches every step of the action, as on GitHub.
  const saved = { ...job.env };
  Object.assign(job.env, callerEnv);
  const result = await runSteps(action.runs.steps, job, { contexts, extraEnv: { GITHUB_ACTION_PATH: PROJECT_ROOT } });
  for (const key of Object.keys(callerEnv)) {
    if (key in saved) job.env[key] = saved[key]!;
    else delete job.env[key];
  }
  const outputs = Object.fromEntries(
    Object.entries(action.outputs).map(([key, output]) => [
      key,
      substitute(output.value, { ...contexts, steps: result.steps, env: job.env }),
    ]),
  );
  return { failed: result.failed, outputs, records: job.records.slice(first) };
}

const temps: string[] = [];
function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `clientele-action-${prefix}-`));
  temps.push(dir);
  return dir;
}

/**
 * The runner's tool cache (RUNNER_TOOL_CACHE), one for every job of this file, as on a machine that
 * runs them one after another: the action installs clientele there once and every later use reuses it.
 */
let toolCache: string | undefined;

/** A fresh runner: workspace, RUNNER_TEMP, and the environment GitHub gives every step. */
function newJob(artifacts: string, matrix: Record<string, Scalar> = {}, github: Record<string, string> = {}): JobState {
  const root = temp('job');
  const workspace = join(root, 'workspace');
  const runnerTemp = join(root, 'runner-temp');
  mkdirSync(workspace);
  mkdirSync(runnerTemp);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? root,
    TMPDIR: process.env.TMPDIR ?? tmpdir(),
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: (toolCache ??= temp('tool-cache')),
    // No network here: npm takes everything from the cache `npm ci` filled, or fails at once.
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
    ...(process.env.npm_config_cache ? { npm_config_cache: process.env.npm_config_cache } : {}),
  };
  return {
    workspace,
    runnerTemp,
    env,
    github: { workspace, run_number: '7', ...github },
    matrix,
    artifacts,
    records: [],
    summary: '',
    stepCount: 0,
  };
}

/** The steps of a job that failed, each with the end of what it printed: a failing job says why. */
function failedSteps(job: JobState): string {
  return job.records
    .filter((r) => r.status === 'failure')
    .map((r) => `${r.label}: ${`${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-8).join(' | ')}`)
    .join('; ');
}

/** Everything a job printed and wrote where a reader of the run would see it. */
function visibleText(job: JobState): string {
  return [...job.records.flatMap((r) => [r.stdout, r.stderr]), job.summary].join('\n');
}

function recordOf(records: readonly StepRecord[], name: RegExp): StepRecord {
  const found = records.filter((r) => name.test(r.label));
  expect(
    found.map((r) => r.label),
    `one step named ${name}`,
  ).toHaveLength(1);
  return found[0]!;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------------

describe('action.yml and the example workflow, read as GitHub reads them', () => {
  const workflowSteps = Object.entries(workflow.jobs).flatMap(([id, job]) => job.steps.map((step) => ({ job: id, step })));

  it('action.yml is a composite action whose expressions name declared inputs and earlier steps', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs).sort()).toEqual(['args', 'artifact-name', 'baseline', 'config', 'node-version', 'report-dir']);
    expect(action.inputs.config!.default).toBe('clientele.config.yaml');
    expect(action.inputs['report-dir']!.default).toBe('reports/latest');
    expect(action.inputs['artifact-name']!.default).toBe('clientele-reports');
    expect(String(action.inputs['node-version']!.default)).toBe('20');
    expect(Object.values(action.inputs).every((input) => input.required !== true)).toBe(true);
    expect(Object.keys(action.outputs).sort()).toEqual(['exit-code', 'report-dir']);

    const used = expressionsIn(action).flatMap(({ expression }) => [...expression.matchAll(/\binputs\.([\w-]+)/g)].map((m) => m[1]!));
    expect(used.length).toBeGreaterThan(0);
    for (const input of used) expect(action.inputs, `inputs.${input}`).toHaveProperty([input]);
    // Every input is used somewhere: a declared input that does nothing misleads its caller.
    expect(new Set(used)).toEqual(new Set(Object.keys(action.inputs)));

    const ids: string[] = [];
    for (const [index, step] of action.runs.steps.entries()) {
      for (const id of stepReferences(step)) expect(ids, `${label(step, index)} reads steps.${id}`).toContain(id);
      if (step.id) {
        expect(ids, `step id ${step.id} twice`).not.toContain(step.id);
        ids.push(step.id);
      }
    }
    for (const id of stepReferences(action.outputs)) expect(ids).toContain(id);
  });

  it('every run step is bash and takes its inputs through env:, never interpolated into the script', () => {
    const bashSteps = [
      ...action.runs.steps.filter((s) => s.run !== undefined).map((step) => ({ where: 'action.yml', step, shell: step.shell })),
      ...workflowSteps
        .filter(({ step }) => step.run !== undefined)
        .map(({ job, step }) => ({
          where: `jobs.${job}`,
          step,
          shell: step.shell ?? workflow.jobs[job]!.defaults?.run?.shell ?? workflow.defaults?.run?.shell,
        })),
    ];
    expect(bashSteps.length).toBeGreaterThan(5);
    for (const { where, step, shell } of bashSteps) {
      expect(shell, `${where}: ${label(step, 0)}`).toBe('bash');
      expect(step.run, `${where}: ${label(step, 0)} interpolates an expression into its script`).not.toMatch(/\$\{\{/);
    }
    // Inputs reach scripts only through env: values of a step (or with: of a uses: step).
    for (const { at } of expressionsIn(action).filter(({ expression }) => expression.startsWith('inputs.'))) {
      expect(at, 'where an input is used').toMatch(/^(runs\.steps\[\d+\]\.(env|with|working-directory)\b|outputs\.)/);
    }
  });

  it('uses only ./ and real actions pinned to a major', () => {
    const uses = [...action.runs.steps, ...workflowSteps.map(({ step }) => step)].flatMap((step) =>
      step.uses === undefined ? [] : [step.uses],
    );
    expect(uses).toContain('./');
    for (const name of uses) expect(name === './' || ALLOWED_ACTIONS.includes(name), name).toBe(true);
    // The action itself: Node set up, the report dir uploaded, always.
    const upload = action.runs.steps.find((s) => s.uses === 'actions/upload-artifact@v4')!;
    expect(upload.if).toBe('always()');
    expect(upload.with).toMatchObject({ name: '${{ inputs.artifact-name }}', path: '${{ inputs.report-dir }}' });
    expect(action.runs.steps.find((s) => s.uses === 'actions/setup-node@v4')?.with).toEqual({
      'node-version': '${{ inputs.node-version }}',
    });
  });

  it('the workflow: needs name jobs, uses: ./ gets inputs of action.yml, shards upload under names of their own that merge downloads', () => {
    expect(Object.keys(workflow.jobs).sort()).toEqual(['gate', 'merge', 'sharded']);
    for (const [id, job] of Object.entries(workflow.jobs)) {
      expect(job['runs-on'], `${id}.runs-on`).toBeTruthy();
      const needs = job.needs === undefined ? [] : typeof job.needs === 'string' ? [job.needs] : job.needs;
      for (const need of needs) {
        expect(Object.keys(workflow.jobs), `${id} needs ${need}`).toContain(need);
        expect(need).not.toBe(id);
      }
      const ids: string[] = [];
      for (const [index, step] of job.steps.entries()) {
        for (const ref of stepReferences(step)) expect(ids, `${id}: ${label(step, index)} reads steps.${ref}`).toContain(ref);
        if (step.id) ids.push(step.id);
        if (step.uses === './')
          for (const key of Object.keys(step.with ?? {})) expect(action.inputs, `${id}: with.${key}`).toHaveProperty([key]);
      }
      // A workflow without declared inputs has none to read; tokens come from secrets or a step's GITHUB_ENV, never from a literal.
      for (const { at, expression } of expressionsIn(job)) {
        expect(expression, `${id}.${at}`).not.toMatch(/^inputs\./);
        expect(expression, `${id}.${at}`).toMatch(/^(!?cancelled\(\)|always\(\)|(matrix|github|steps|secrets|runner|env)\.[\w.-]+)$/);
      }
      for (const [key, value] of Object.entries({
        ...workflow.env,
        ...job.env,
        ...Object.assign({}, ...job.steps.map((s) => s.env ?? {})),
      })) {
        if (/token|secret|password|key/i.test(key)) expect(String(value), key).toMatch(/^\$\{\{\s*secrets\.[\w]+\s*\}\}$/);
      }
    }
    expect(JSON.stringify(workflow)).not.toMatch(/\b[0-9a-f]{32}\b/);

    const gate = workflow.jobs.gate!;
    expect(gate.steps.map((s) => s.uses ?? 'run')).toEqual(['actions/checkout@v4', 'actions/setup-node@v4', 'run', 'run', './', 'run']);
    expect(gate.steps.some((s) => s.run?.includes('npx clientele serve --api freshbooks-rest --port 8080'))).toBe(true);

    const sharded = workflow.jobs.sharded!;
    const shards = sharded.strategy!.matrix!.shard!;
    expect(shards).toEqual([1, 2]);
    const shardStep = sharded.steps.find((s) => s.uses === './')!;
    const merge = workflow.jobs.merge!;
    expect(merge.needs).toBe('sharded');
    // The merge runs when a shard failed too (only a cancel stops it), so a failing shard is reported, not hidden.
    expect(condition(merge.if, {}, true)).toBe(true);
    const download = merge.steps.find((s) => s.uses === 'actions/download-artifact@v4')!;
    const names = shards.map((shard) => {
      const contexts = { matrix: { shard }, github: { run_number: '7' } };
      expect(substitute(shardStep.with!.args!, contexts)).toBe(`--shard ${shard}/${shards.length} --seed 7`);
      return substitute(shardStep.with!['artifact-name']!, contexts);
    });
    expect(new Set(names).size).toBe(shards.length);
    for (const name of names) expect(name).toMatch(globToRegExp(String(download.with!.pattern)));
    expect(merge.steps.some((s) => s.run?.includes('npx clientele merge'))).toBe(true);
  });

  it('examples/clientele.config.yaml is valid for the CLI and points at the target the workflow serves', () => {
    for (const step of Object.values(workflow.jobs).flatMap((job) => job.steps.filter((s) => s.uses === './'))) {
      expect(existsSync(join(PROJECT_ROOT, String(step.with!.config)))).toBe(true);
    }
    const config = loadConfig('examples/clientele.config.yaml', PROJECT_ROOT);
    expect(config.targets).toHaveLength(1);
    const [target] = config.targets;
    expect(target).toMatchObject({ api: 'freshbooks-rest', url: 'http://127.0.0.1:8080', tokenEnv: 'STAGING_TOKEN' });
    const { given, env } = targetValues(config, 0, { STAGING_TOKEN: 'not-a-real-token' });
    expect(given.values).toMatchObject({ api: 'freshbooks-rest', target: 'http://127.0.0.1:8080', 'account-id': 'ABC123' });
    expect(JSON.stringify(given)).not.toContain('not-a-real-token');
    expect(env.CLIENTELE_TOKEN).toBe('not-a-real-token');
    // Every job that runs the config exports the variable it names.
    for (const job of Object.values(workflow.jobs).filter((j) => j.steps.some((s) => s.uses === './'))) {
      expect(job.steps.some((s) => s.run?.includes(`${target!.tokenEnv}=`) && s.run.includes('GITHUB_ENV'))).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------------

describe('the action, run step by step as GitHub would (local simulation)', () => {
  const TOKEN_ENV = 'STAGING_TOKEN';
  let reference: StartedTarget;
  let mutant: StartedTarget;

  beforeAll(async () => {
    const embedded = await findApi('freshbooks-rest').embedded();
    reference = await embedded.start();
    // Found in the boundary phase, so nothing shrinks: the failing run takes as long as a passing one.
    mutant = await embedded.start('update-ignores-null');
  });
  afterAll(async () => {
    await reference?.close();
    await mutant?.close();
  });

  const token = (target: StartedTarget) => target.credentials.find((c) => c.key === 'token')!.value;

  /** A workspace with a config whose one target is `target`, and the job env a caller sets (the token, by name). */
  function workspaceFor(target: StartedTarget): JobState {
    const job = newJob(temp('artifacts'));
    const url = target.address.kind === 'url' ? target.address.url : '';
    writeFileSync(
      join(job.workspace, 'clientele.config.yaml'),
      [
        'targets:',
        '  - name: staging',
        '    api: freshbooks-rest',
        `    url: ${url}`,
        '    accountId: ABC123',
        `    tokenEnv: ${TOKEN_ENV}`,
        '',
      ].join('\n'),
    );
    job.env[TOKEN_ENV] = token(target);
    return job;
  }

  // Each run is started once and shared by the tests that read it.
  const runs = new Map<string, Promise<{ job: JobState; run: ActionRun }>>();
  function actionAgainst(kind: 'reference' | 'mutant'): Promise<{ job: JobState; run: ActionRun }> {
    if (!runs.has(kind)) {
      runs.set(
        kind,
        (async () => {
          const job = workspaceFor(kind === 'reference' ? reference : mutant);
          const run = await runAction(job, { args: '--runs 3 --seed 7' });
          return { job, run };
        })(),
      );
    }
    return runs.get(kind)!;
  }

  it(
    'against the reference: reports written and uploaded, the summary holds report.md, exit-code 0, the job passes',
    { timeout: 120_000 },
    async () => {
      const { job, run } = await actionAgainst('reference');
      const reportDir = join(job.workspace, 'reports/latest');
      expect(run.outputs).toEqual({ 'exit-code': '0', 'report-dir': reportDir });
      expect(run.failed).toBe(false);
      expect(run.records.map((r) => [r.label, r.status])).toEqual([
        ['Set up Node.js', 'success'],
        ['Install clientele', 'success'],
        ['Run clientele', 'success'],
        ['Upload the reports', 'success'],
        ['Add the reports to the job summary', 'success'],
        ['Fail the job on a non-zero exit code', 'success'],
      ]);
      // The checkout's node_modules is there: no second npm ci of it, only the pack and its install (one
      // npm ci), once per content for the whole file (a later use of the action reuses it).
      const install = recordOf(run.records, /^Install/);
      expect(install.stdout.match(/^added \d+ packages/gm) ?? []).toHaveLength(install.stdout.includes('already installed') ? 0 : 1);
      const installed = /^clientele: (?:installed clientele-[\d.]+\.tgz into|clientele-[\d.]+\.tgz already installed in) (.+)$/m.exec(
        install.stdout,
      );
      expect(installed, install.stdout).not.toBeNull();
      const tool = installed![1]!;
      expect(install.outputs).toEqual({ bin: join(tool, 'node_modules', '.bin', 'clientele') });
      expect(readdirSync(join(toolCache!, 'clientele'))).toEqual([basename(tool)]);
      // The run used the installed package, which carries its build and needs no dev dependency.
      expect(realpathSync(install.outputs.bin!)).toBe(join(realpathSync(tool), 'node_modules', 'clientele', 'bin', 'clientele.js'));
      for (const present of ['dist/cli/main.js', 'generated/freshbooks-rest/validators.js', 'specs/freshbooks-rest/openapi.yaml'])
        expect(existsSync(join(tool, 'node_modules', 'clientele', present)), present).toBe(true);
      for (const dev of ['typescript', 'tsx', 'eslint']) expect(existsSync(join(tool, 'node_modules', dev)), dev).toBe(false);
      expect(recordOf(run.records, /^Set up Node/).with).toEqual({ 'node-version': '20' });

      for (const file of ['report.json', 'report.junit.xml', 'report.md', 'report.html'])
        expect(existsSync(join(reportDir, file)), file).toBe(true);
      const report = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as RunReport;
      expect(report).toMatchObject({
        outcome: 'passed',
        exitCode: 0,
        seed: 7,
        runs: 3,
        target: reference.address.kind === 'url' ? reference.address.url : '',
      });

      // The upload is given the directory the run wrote, under the default artifact name.
      const upload = recordOf(run.records, /^Upload/);
      expect(upload.with).toEqual({ name: 'clientele-reports', path: 'reports/latest', 'if-no-files-found': 'warn' });
      expect(resolve(job.workspace, upload.with!.path!)).toBe(reportDir);
      expect(readdirSync(join(job.artifacts, 'clientele-reports')).sort()).toEqual(readdirSync(reportDir).sort());

      const markdown = readFileSync(join(reportDir, 'report.md'), 'utf8');
      expect(job.summary).toContain(markdown);
      expect(job.summary).toMatch(/^# clientele: freshbooks-rest against /);
      // CI mode: one plain line per finished check, no terminal animation.
      const runStep = recordOf(run.records, /^Run clientele/);
      expect(runStep.stdout).toMatch(/^✓ contract\//m);
      expect(runStep.stdout).not.toMatch(/\u001b\[/);
      expect(recordOf(run.records, /^Fail the job/).stdout).toContain('no broken promise');

      expect(visibleText(job)).not.toContain(token(reference));
      for (const file of filesUnder(reportDir)) expect(readFileSync(file, 'utf8'), file).not.toContain(token(reference));
    },
  );

  it(
    'against a mutant: exit-code 1, the report is still uploaded and summarised, the last step fails with the annotation',
    { timeout: 120_000 },
    async () => {
      const { job, run } = await actionAgainst('mutant');
      expect(run.outputs['exit-code']).toBe('1');
      expect(run.failed).toBe(true);
      const statuses = Object.fromEntries(run.records.map((r) => [r.label, r.status]));
      expect(statuses).toMatchObject({
        'Run clientele': 'success',
        'Upload the reports': 'success',
        'Add the reports to the job summary': 'success',
        'Fail the job on a non-zero exit code': 'failure',
      });
      const gate = recordOf(run.records, /^Fail the job/);
      expect(gate.code).toBe(1);
      expect(gate.stdout).toMatch(/^::error title=clientele::exit code 1: conformance failures\b.*$/m);
      expect(gate.stdout.split('\n').filter((line) => line.startsWith('::error'))).toHaveLength(1);

      const reportDir = run.outputs['report-dir']!;
      expect(JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8'))).toMatchObject({ outcome: 'failed', exitCode: 1 });
      expect(job.summary).toContain(readFileSync(join(reportDir, 'report.md'), 'utf8'));
      expect(job.summary).toContain('partial-update');
      expect(existsSync(join(job.artifacts, 'clientele-reports', 'report.junit.xml'))).toBe(true);

      expect(visibleText(job)).not.toContain(token(mutant));
      for (const file of filesUnder(reportDir)) expect(readFileSync(file, 'utf8'), file).not.toContain(token(mutant));
    },
  );

  it(
    'inputs are text, never shell: quotes, $( ), backticks and globs reach the CLI literally, and a usage error is exit 2',
    { timeout: 60_000 },
    async () => {
      const job = workspaceFor(reference);
      const run = await runAction(job, {
        config: 'clientele.config.yaml"; touch pwned-config; echo "',
        args: '--runs 3 $(touch pwned-args) `touch pwned-tick` *',
        'report-dir': 'out dir/$(touch pwned-dir)',
        'artifact-name': 'reports $(touch pwned-name)',
        baseline: '; touch pwned-baseline',
      });
      expect(readdirSync(job.workspace).filter((name) => name.startsWith('pwned'))).toEqual([]);
      expect(readdirSync(job.runnerTemp).filter((name) => name.startsWith('pwned'))).toEqual([]);
      expect(run.outputs).toEqual({ 'exit-code': '2', 'report-dir': join(job.workspace, 'out dir/$(touch pwned-dir)') });
      // The first argument the CLI refuses is the text of args, exactly as given.
      expect(recordOf(run.records, /^Run clientele/).stderr).toMatch(/^clientele: .*'\$\(touch'/m);
      const gate = recordOf(run.records, /^Fail the job/);
      expect(gate.status).toBe('failure');
      expect(gate.stdout).toMatch(/^::error title=clientele::exit code 2: usage or configuration error/m);
      expect(recordOf(run.records, /^Upload/).with!.name).toBe('reports $(touch pwned-name)');

      // And the config path, on its own, reaches the CLI's loader as one literal argument.
      const other = workspaceFor(reference);
      const again = await runAction(other, { config: 'clientele.config.yaml"; touch pwned-config; echo "', args: '--runs 3' });
      expect(again.outputs['exit-code']).toBe('2');
      expect(recordOf(again.records, /^Run clientele/).stderr).toContain('clientele.config.yaml"; touch pwned-config; echo "');
      expect(readdirSync(other.workspace).filter((name) => name.startsWith('pwned'))).toEqual([]);
    },
  );

  it('a report-dir input with a newline cannot forge a step output', { timeout: 60_000 }, async () => {
    const job = workspaceFor(reference);
    const run = await runAction(job, { 'report-dir': 'reports\nexit-code=0' });
    expect(run.outputs['exit-code']).toBe('');
    const runStep = recordOf(run.records, /^Run clientele/);
    expect(runStep.status).toBe('failure');
    expect(runStep.stdout).toMatch(/^::error title=clientele::the report-dir input must be one non-empty line$/m);
    // The step failed before the gate: the job fails, and the always() steps still ran.
    expect(run.failed).toBe(true);
    expect(recordOf(run.records, /^Fail the job/).status).toBe('skipped');
    expect(recordOf(run.records, /^Upload/).status).toBe('success');
  });

  it(
    "a failing run's report.junit.xml has the shape dorny/test-reporter (java-junit) and action-junit-report read",
    { timeout: 120_000 },
    async () => {
      const { run } = await actionAgainst('mutant');
      const dir = run.outputs['report-dir']!;
      const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as RunReport;
      const xml = readFileSync(join(dir, 'report.junit.xml'), 'utf8');
      expect(XMLValidator.validate(xml)).toBe(true);
      const parsed = new XMLParser({
        ignoreAttributes: false,
        attributeNamePrefix: '',
        parseAttributeValue: false,
        parseTagValue: false,
        trimValues: false,
        textNodeName: '#text',
        // `skipped` is both an attribute (a count) and an element: only elements become arrays.
        isArray: (name, _path, _leaf, isAttribute) =>
          !isAttribute && ['testsuite', 'testcase', 'property', 'failure', 'skipped', 'error'].includes(name),
      }).parse(xml) as Record<string, any>;

      const NUMBER = /^\d+$/;
      const SECONDS = /^\d+(\.\d+)?$/;
      const root = parsed.testsuites;
      expect(Object.keys(parsed).filter((key) => key !== '?xml')).toEqual(['testsuites']);
      for (const key of ['tests', 'failures', 'errors', 'skipped']) expect(root[key], `testsuites@${key}`).toMatch(NUMBER);
      expect(root.time).toMatch(SECONDS);

      // One suite per family the run covered, in the report's order.
      const suites = root.testsuite as Record<string, any>[];
      const families = Object.keys(report.summary.families).filter((family) => report.checks.some((c) => c.family === family));
      expect(suites.map((s) => s.name)).toEqual(families.map((family) => `clientele.${family}`));
      const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
      for (const suite of suites) {
        const cases = suite.testcase as Record<string, any>[];
        const count = (child: string) => cases.filter((c) => c[child] !== undefined).length;
        expect(suite.time).toMatch(SECONDS);
        expect(Number(suite.tests), suite.name).toBe(cases.length);
        expect(Number(suite.failures), suite.name).toBe(count('failure'));
        expect(Number(suite.errors), suite.name).toBe(count('error'));
        expect(Number(suite.skipped), suite.name).toBe(count('skipped'));
        for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += Number(suite[key]);
        const family = String(suite.name).replace(/^clientele\./, '');
        // One test case per check, each named, classed and timed.
        expect(cases.map((c) => c.name)).toEqual(report.checks.filter((c) => c.family === family).map((c) => c.name));
        for (const c of cases) {
          expect(c.classname).toBe(`freshbooks-rest.${family}`);
          expect(c.time).toMatch(SECONDS);
        }
      }
      expect(totals).toEqual({
        tests: Number(root.tests),
        failures: Number(root.failures),
        errors: Number(root.errors),
        skipped: Number(root.skipped),
      });
      expect(Number(root.tests)).toBe(report.checks.length);

      const cases = suites.flatMap((s) => s.testcase as Record<string, any>[]);
      const failed = report.checks.filter((c) => c.status === 'failed');
      expect(failed.length).toBeGreaterThan(0);
      expect(Number(root.failures)).toBe(failed.length);
      for (const check of failed) {
        const testcase = cases.find((c) => c.name === check.name)!;
        const [failure] = testcase.failure as Record<string, string>[];
        expect(failure!.message).toBe(check.failure!.message);
        expect(failure!.type).toBe(check.failure!.rule);
        const text = failure!['#text']!;
        expect(text).toContain(`rule: ${check.failure!.rule}`);
        expect(text).toContain(`basis: ${basisText(check.failure!.basis)}`);
        expect(text).toMatch(/^response: HTTP \d{3}/m);
        expect(text).toMatch(/^reproduction:\n {2}curl /m);
        expect(text).toContain(`replay: ${check.failure!.reproduction.replay}`);
        expect(text).toContain('$CLIENTELE_TOKEN');
      }
      const skipped = report.checks.filter((c) => c.status === 'skipped');
      expect(skipped.length).toBeGreaterThan(0);
      for (const check of skipped) {
        const testcase = cases.find((c) => c.name === check.name)!;
        expect(testcase.skipped, check.name).toHaveLength(1);
        expect(testcase.failure).toBeUndefined();
      }
      expect(xml).not.toContain(token(mutant));
    },
  );
});

// ---------------------------------------------------------------------------------------------------

/** Whether 127.0.0.1:PORT is free (the served target is gone once nothing listens there). */
function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/** Whether anything answers on the port, polled for a bounded time until it matches `want`. */
async function waitForPort(port: number, want: boolean, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const open = !(await portFree(port));
    if (open === want || Date.now() > deadline) return open;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the example workflow, its jobs simulated on one machine', () => {
  // The workflow serves on 8080; here each run takes a free ephemeral port in its place, so the test
  // never depends on (or collides with) a fixed port on the machine.
  let PORT = 0;
  const pidFiles: string[] = [];
  const onPort = (text: string) => text.replaceAll('8080', String(PORT));

  beforeAll(async () => {
    PORT = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
  });
  // A job that failed between its start and stop steps leaves the served target's process group: end it here.
  afterAll(() => {
    for (const file of pidFiles.filter((f) => existsSync(f))) {
      try {
        process.kill(-Number(readFileSync(file, 'utf8').trim()), 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
  });

  /** A checkout of a repository that has clientele installed (`npx clientele` finds it) and the example config. */
  function checkout(job: JobState): void {
    mkdirSync(join(job.workspace, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(join(PROJECT_ROOT, 'bin', 'clientele.js'), join(job.workspace, 'node_modules', '.bin', 'clientele'));
    mkdirSync(join(job.workspace, 'examples'));
    writeFileSync(
      join(job.workspace, 'examples', 'clientele.config.yaml'),
      onPort(readFileSync(join(PROJECT_ROOT, 'examples', 'clientele.config.yaml'), 'utf8')),
    );
    pidFiles.push(join(job.runnerTemp, 'clientele-serve.pid'));
  }

  /** Runs one job of the workflow: `npm ci` left out (installed already), `uses: ./` run as the action. */
  async function runJob(id: string, job: JobState): Promise<boolean> {
    const spec = workflow.jobs[id]!;
    const steps = spec.steps.map((step) => (step.run === undefined ? step : { ...step, run: onPort(step.run) }));
    const result = await runSteps(steps, job, {
      contexts: { github: job.github, matrix: job.matrix, runner: { temp: job.runnerTemp } },
      leaveOut: (step) => /^npm ci\b/.test(step.run?.trim() ?? ''),
      onUses: async (_step, inputs, stepEnv) => {
        const run = await runAction(job, inputs, stepEnv);
        return { ok: !run.failed, outputs: run.outputs };
      },
      defaultShell: spec.defaults?.run?.shell ?? workflow.defaults?.run?.shell,
    });
    expect(job.records.filter((r) => r.status === 'left out').map((r) => r.label)).toEqual(['Install']);
    return !result.failed;
  }

  /** The served target's token: in GITHUB_ENV for later steps, and masked before any step could print it. */
  function servedToken(job: JobState): string {
    const value = job.env.STAGING_TOKEN;
    expect(value).toMatch(/^[0-9a-f]{32}$/);
    const seen = visibleText(job)
      .split('\n')
      .filter((line) => line.includes(value!));
    expect(seen).toEqual([`::add-mask::${value}`]);
    return value!;
  }

  it(
    'gate: starts the served target, hands its masked token to the action, passes, and stops the target',
    { timeout: 150_000 },
    async () => {
      const job = newJob(temp('artifacts'));
      checkout(job);
      const passed = await runJob('gate', job);
      expect(job.records.map((r) => [r.label, r.status]).filter(([, status]) => status !== 'success' && status !== 'left out')).toEqual([]);
      expect(passed).toBe(true);
      servedToken(job);
      const report = JSON.parse(readFileSync(join(job.workspace, 'reports/latest/report.json'), 'utf8')) as RunReport;
      expect(report).toMatchObject({ target: `http://127.0.0.1:${PORT}`, outcome: 'passed', exitCode: 0, seed: 7 });
      expect(job.summary).toContain(readFileSync(join(job.workspace, 'reports/latest/report.md'), 'utf8'));
      expect(existsSync(join(job.artifacts, 'clientele-reports', 'report.json'))).toBe(true);
      // The stop step ended the server with its process group.
      expect(await waitForPort(PORT, false, 15_000)).toBe(false);
    },
  );

  it(
    'sharded and merge: each shard uploads its own artifact, merge downloads them and writes the whole run, and passes',
    { timeout: 240_000 },
    async () => {
      const artifacts = temp('artifacts');
      // The matrix runs on separate runners; here one after the other, as each serves on the same port.
      for (const shard of workflow.jobs.sharded!.strategy!.matrix!.shard!) {
        const job = newJob(artifacts, { shard });
        checkout(job);
        expect(await runJob('sharded', job), `shard ${shard}: ${failedSteps(job)}`).toBe(true);
        servedToken(job);
        expect(await waitForPort(PORT, false, 15_000)).toBe(false);
      }
      expect(readdirSync(artifacts).sort()).toEqual(['clientele-shard-1', 'clientele-shard-2']);

      const job = newJob(artifacts);
      checkout(job);
      expect(await runJob('merge', job)).toBe(true);
      expect(readdirSync(join(job.workspace, 'shards')).sort()).toEqual(['clientele-shard-1', 'clientele-shard-2']);
      expect(recordOf(job.records, /^Merge/).outputs).toEqual({ 'exit-code': '0' });
      const merged = JSON.parse(readFileSync(join(job.workspace, 'reports/merged/report.json'), 'utf8')) as RunReport;
      const shardReports = [1, 2].map(
        (i) => JSON.parse(readFileSync(join(job.workspace, 'shards', `clientele-shard-${i}`, 'report.json'), 'utf8')) as RunReport,
      );
      expect(shardReports.map((r) => r.shard)).toEqual(
        [
          { index: 1, count: 2 },
          { index: 2, count: 2 },
        ].map((shard) => expect.objectContaining(shard)),
      );
      expect(merged).toMatchObject({ mergedFrom: 2, outcome: 'passed', exitCode: 0, seed: 7 });
      expect(merged.checks.length).toBe(shardReports[0]!.checks.length + shardReports[1]!.checks.length);
      expect(job.summary).toContain(readFileSync(join(job.workspace, 'reports/merged/report.md'), 'utf8'));
      expect(existsSync(join(artifacts, 'clientele-reports-merged', 'report.json'))).toBe(true);
    },
  );

  it('merge fails the job, with its annotation, when a shard left no report', { timeout: 60_000 }, async () => {
    const artifacts = temp('artifacts');
    // Only shard 1 of 2, taken from a real sharded run's layout: report.json with shard 1/2.
    const shardJob = newJob(artifacts);
    writeFileSync(join(shardJob.workspace, 'clientele.config.yaml'), 'targets:\n  - api: freshbooks-rest\n');
    const shardRun = await runAction(shardJob, {
      args: '--shard 1/2 --runs 3 --seed 7 --only contract',
      'artifact-name': 'clientele-shard-1',
    });
    expect(shardRun.outputs['exit-code']).toBe('0');

    const job = newJob(artifacts);
    checkout(job);
    expect(await runJob('merge', job)).toBe(false);
    expect(recordOf(job.records, /^Merge/).outputs).toEqual({ 'exit-code': '2' });
    const gate = recordOf(job.records, /^Fail on/);
    expect(gate.status).toBe('failure');
    expect(gate.stdout).toMatch(/^::error title=clientele::exit code 2: the shard reports could not be merged/m);
    expect(recordOf(job.records, /^Merge/).stderr).toMatch(/shard 2\/2 missing/);
  });
});
