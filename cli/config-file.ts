/**
 * `clientele.config.yaml`: the targets a run checks and the options it runs them with, validated by
 * the published `config.schema.json`. A target names the environment variables that hold its tokens,
 * never the tokens. Each target becomes command-line arguments placed before the user's own, so the
 * command line overrides the file and both are parsed (and refused) by the same code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { APIS, findApi } from '../apis/registry.js';
import { ConfigError } from '../engine/failures.js';
import { FAMILIES, FAMILY_ALIASES } from '../engine/families.js';
import { closest, mergeGiven, unitHint, type Given, type UnitOption } from './args.js';
import template from './config.schema.json' with { type: 'json' };

export const CONFIG_FILE = 'clientele.config.yaml';

export interface ConfigOptions {
  readonly seed?: number;
  readonly runs?: number;
  readonly concurrency?: number;
  readonly only?: readonly string[];
  readonly readOnly?: boolean;
  readonly allowWrites?: boolean;
  readonly strict?: boolean;
  readonly minCoverage?: boolean;
  readonly boundary?: boolean;
  /** false: `--no-preflight`. */
  readonly preflight?: boolean;
  readonly timeout?: number;
  readonly maxBody?: number;
  readonly maxDuration?: string;
  readonly rateLimit?: string;
}

export interface ConfigTarget {
  readonly name?: string;
  readonly api: string;
  readonly url?: string;
  readonly command?: string;
  readonly unauthenticatedUrl?: string;
  readonly unauthenticatedCommand?: string;
  readonly mutant?: string;
  readonly stdio?: boolean;
  readonly customFields?: Readonly<Record<string, string>>;
  readonly options?: ConfigOptions;
  /** The API's credential options, by the keys its descriptor gives them (`tokenEnv`, `accountId`, ...). */
  readonly [credential: string]: unknown;
}

export interface ClienteleConfig {
  /** The file it came from, as the user named it (for messages). */
  readonly file: string;
  readonly targets: readonly ConfigTarget[];
  readonly options?: ConfigOptions;
  readonly reportDir?: string;
  readonly baseline?: string;
}

/** `--config FILE`, else `clientele.config.yaml` in the working directory when there is one. */
export function findConfig(explicit: string | undefined, cwd = process.cwd()): string | undefined {
  if (explicit !== undefined) return explicit;
  return existsSync(resolve(cwd, CONFIG_FILE)) ? CONFIG_FILE : undefined;
}

// `not: {required: [url, command]}` names keys the `not` schema itself does not define: that is the point.
// `verbose` gives each error the value and the schema around it: the unit hints and the known keys come from them.
let validator: ReturnType<Ajv2020['compile']> | undefined;
const validate = () =>
  (validator ??= new Ajv2020({ allErrors: false, strict: true, strictRequired: false, verbose: true }).compile(configSchema()));

/**
 * The config file's JSON Schema as published: `config.schema.json` with what is derived filled in (the
 * API names from the registry, the family names from `FAMILIES`), so neither list is written by hand.
 * `npm run generate` writes it to `generated/schemas/config.schema.json`.
 */
export function configSchema(): Record<string, unknown> {
  type Node = Record<string, unknown> & { properties: Record<string, Node>; items: Node };
  const schema = structuredClone(template) as unknown as Node & { $defs: Record<string, Node> };
  const fill = (node: Node, values: readonly string[]) => {
    delete node.$comment;
    node.enum = [...values];
  };
  fill(
    schema.$defs.target!.properties.api!,
    APIS.flatMap((api) => [api.id, ...api.aliases]),
  );
  fill(schema.$defs.options!.properties.only!.items, [...FAMILIES, ...Object.keys(FAMILY_ALIASES)]);
  // Each credential option of any API: a secret by the variable that holds it (`tokenEnv`), a setting by value too.
  const target = schema.$defs.target!.properties as Record<string, unknown>;
  for (const option of APIS.flatMap((api) => api.credentials)) {
    target[`${option.key}Env`] = { $ref: '#/$defs/envName' };
    if (!option.secret) target[option.key] = { description: option.help, type: 'string', minLength: 1 };
  }
  return schema;
}

/** The option keys whose value has a unit, and the command-line option whose hint they share. */
const UNIT_KEYS = new Map<string, UnitOption>([
  ['maxDuration', 'max-duration'],
  ['timeout', 'timeout'],
  ['maxBody', 'max-body'],
]);

/** The known key nearest an unknown one, case, `_` and `-` aside (`tokn_env`: `tokenEnv`). */
function nearestKey(key: string, known: readonly string[]): string | undefined {
  const squash = (name: string) => name.toLowerCase().replace(/[-_]/g, '');
  const guess = closest(squash(key), known.map(squash));
  return guess === undefined ? undefined : known.find((name) => squash(name) === guess);
}

/** `targets[1].api` from `/targets/1/api`. */
function keyPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

/** One line that names the key and what is wrong with it. */
function describe(error: ErrorObject): string {
  const at = keyPath(error.instancePath);
  const where = at || 'the top level';
  const unit = UNIT_KEYS.get(error.instancePath.split('/').at(-1) ?? '');
  const hint = unit && (error.keyword === 'type' || error.keyword === 'pattern') ? unitHint(unit, String(error.data)) : undefined;
  if (hint) return `${at} ${String(error.data).trim()}: ${hint}`;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const full = at ? `${at}.${key}` : key;
      const secret = /^(token|staffToken|password|secret|apiKey)$/i.test(key);
      if (secret)
        return `${full}: a token never goes in the file; put it in an environment variable and name that variable with ${key.replace(/Env$/, '')}Env`;
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {}).filter(
        (name) => !name.startsWith('$'),
      );
      const guess = nearestKey(key, known);
      return `${full}: unknown key (${guess ? `did you mean ${guess}?` : 'see generated/schemas/config.schema.json'})`;
    }
    case 'required':
      return `${at ? `${at}.` : ''}${String(error.params.missingProperty)}: missing`;
    case 'enum':
      return `${where}: must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
    case 'not':
      return `${where}: url and command exclude each other (a URL, or a command to start over stdio)`;
    case 'pattern':
      return `${where}: ${at.endsWith('Env') ? 'must be the name of an environment variable' : `is not valid (${error.message})`}`;
    default:
      return `${where}: ${error.message}`;
  }
}

/** Reads and validates a config file; every problem is one ConfigError line (exit 2). */
export function loadConfig(file: string, cwd = process.cwd()): ClienteleConfig {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new ConfigError(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let data: unknown;
  try {
    data = parseYaml(text, { uniqueKeys: true, maxAliasCount: 100 });
  } catch (error) {
    throw new ConfigError(`${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!validate()(data)) throw new ConfigError(`${file}: ${describe(validate().errors![0]!)}`);
  const config = data as Omit<ClienteleConfig, 'file'>;
  config.targets.forEach((target, i) => {
    const api = findApi(target.api);
    if (target.command !== undefined && api.transport !== 'mcp')
      throw new ConfigError(`${file}: targets[${i}].command: ${api.id} is reached over HTTP; use url`);
    if (target.mutant !== undefined && (target.url !== undefined || target.command !== undefined))
      throw new ConfigError(`${file}: targets[${i}].mutant: selects an embedded target; it cannot go with url or command`);
  });
  const names = config.targets.map((target, i) => targetName(config.targets, i));
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice) throw new ConfigError(`${file}: two targets are named '${twice}'; give each a name of its own`);
  return { file, ...config };
}

/** A target's name: its own, else its API's id (numbered when several targets share an API). */
export function targetName(targets: readonly ConfigTarget[], index: number): string {
  const target = targets[index]!;
  if (target.name) return target.name;
  const api = findApi(target.api).id;
  const same = targets.filter((t) => !t.name && findApi(t.api).id === api);
  return same.length > 1 ? `${api}-${same.indexOf(target) + 1}` : api;
}

type Values = Record<string, string | boolean | readonly string[] | undefined>;

/** A file's options as given values, by the flag that means the same (the command line's own names). */
export function optionValues(options: ConfigOptions | undefined): Given {
  if (!options) return { values: {}, positionals: [] };
  const number = (value: number | undefined) => (value === undefined ? undefined : String(value));
  const values: Values = {
    seed: number(options.seed),
    runs: number(options.runs),
    concurrency: number(options.concurrency),
    only: options.only?.join(','),
    // A switch the file sets either way is given either way, so a target's `true` undoes the file's `false`.
    'read-only': options.readOnly,
    'allow-writes': options.allowWrites,
    strict: options.strict,
    'min-coverage': options.minCoverage,
    'no-boundary': options.boundary === undefined ? undefined : !options.boundary,
    'no-preflight': options.preflight === undefined ? undefined : !options.preflight,
    timeout: number(options.timeout),
    'max-body': number(options.maxBody),
    'max-duration': options.maxDuration,
    'rate-limit': options.rateLimit,
  };
  return { values, positionals: [] };
}

/** What a file says for every target alike: its options, report directory and baseline. */
export function fileValues(config: ClienteleConfig): Given {
  const options = optionValues(config.options);
  return { values: { ...options.values, 'report-dir': config.reportDir, baseline: config.baseline }, positionals: [] };
}

/**
 * What one target says, as given values, and the environment its tokens come from: each secret
 * option's default variable (`CLIENTELE_TOKEN`) takes the value of the variable the file names, so a
 * token given on the command line still wins and no token is ever written as an option.
 */
export function targetValues(config: ClienteleConfig, index: number, env: NodeJS.ProcessEnv): { given: Given; env: NodeJS.ProcessEnv } {
  const target = config.targets[index]!;
  const credentials = targetCredentials(config, index, env);
  const own: Values = {
    api: findApi(target.api).id,
    target: target.url,
    command: target.command,
    'unauthenticated-target': target.unauthenticatedUrl,
    'unauthenticated-command': target.unauthenticatedCommand,
    mutant: target.mutant,
    stdio: target.stdio || undefined,
    ...credentials.values,
    'custom-field': Object.entries(target.customFields ?? {}).map(([name, value]) => `${name}=${value}`),
  };
  const given = mergeGiven(fileValues(config), { values: own, positionals: [] }, optionValues(target.options));
  return { given, env: credentials.env };
}

/**
 * One target's credentials, for `run` and for `replay` alike: its settings (an account id) by their
 * flag, and the environment with each secret option's default variable (`CLIENTELE_TOKEN`) taking the
 * value of the variable the file names.
 */
export function targetCredentials(
  config: ClienteleConfig,
  index: number,
  env: NodeJS.ProcessEnv,
): { values: Record<string, string>; env: NodeJS.ProcessEnv } {
  const target = config.targets[index]!;
  const at = `${config.file}: targets[${index}]`;
  const fromEnv = (key: string, name: string) => {
    const value = env[name];
    if (!value) throw new ConfigError(`${at}.${key}: the environment variable ${name} is not set`);
    return value;
  };
  const keys = target as unknown as Record<string, string | undefined>;
  const values: Record<string, string> = {};
  const tokens: NodeJS.ProcessEnv = {};
  for (const option of findApi(target.api).credentials) {
    const named = keys[`${option.key}Env`];
    // A setting that is no secret may stand in the file; a secret only by the variable that holds it.
    if (!option.secret) {
      const value = keys[option.key] ?? (named !== undefined ? fromEnv(`${option.key}Env`, named) : undefined);
      if (value !== undefined) values[option.flag] = value;
    } else if (named !== undefined && option.env) tokens[option.env] = fromEnv(`${option.key}Env`, named);
  }
  return { values, env: { ...env, ...tokens } };
}

/** Every secret the file's targets name, for redaction of everything the run prints. */
export function configSecrets(config: ClienteleConfig, env: NodeJS.ProcessEnv): string[] {
  const secretKeys = new Set(APIS.flatMap((api) => api.credentials.filter((o) => o.secret).map((o) => `${o.key}Env`)));
  return config.targets.flatMap((target) =>
    Object.entries(target).flatMap(([key, name]) => (secretKeys.has(key) && typeof name === 'string' && env[name] ? [env[name]!] : [])),
  );
}
