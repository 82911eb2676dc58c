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
import schema from './config.schema.json' with { type: 'json' };

export const CONFIG_FILE = 'clientele.config.yaml';

export interface ConfigOptions {
  readonly seed?: number;
  readonly runs?: number;
  readonly only?: readonly string[];
  readonly readOnly?: boolean;
  readonly allowWrites?: boolean;
  readonly strict?: boolean;
  readonly boundary?: boolean;
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
  readonly accountId?: string;
  readonly accountIdEnv?: string;
  readonly tokenEnv?: string;
  readonly staffTokenEnv?: string;
  readonly customFields?: Readonly<Record<string, string>>;
  readonly options?: ConfigOptions;
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
let validator: ReturnType<Ajv2020['compile']> | undefined;
const validate = () => (validator ??= new Ajv2020({ allErrors: false, strict: true, strictRequired: false }).compile(schema));

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
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const full = at ? `${at}.${key}` : key;
      const secret = /^(token|staffToken|password|secret|apiKey)$/i.test(key);
      return secret
        ? `${full}: a token never goes in the file; put it in an environment variable and name that variable with ${key.replace(/Env$/, '')}Env`
        : `${full}: unknown key (see cli/config.schema.json)`;
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

/** Options as the command-line arguments that mean the same. */
export function optionArgs(options: ConfigOptions | undefined): string[] {
  if (!options) return [];
  const args: string[] = [];
  const value = (flag: string, v: string | number | undefined) => v !== undefined && args.push(`--${flag}`, String(v));
  const flag = (name: string, on: boolean | undefined) => on && args.push(`--${name}`);
  value('seed', options.seed);
  value('runs', options.runs);
  value('only', options.only?.join(','));
  flag('read-only', options.readOnly);
  flag('allow-writes', options.allowWrites);
  flag('strict', options.strict);
  flag('no-boundary', options.boundary === false);
  value('timeout', options.timeout);
  value('max-body', options.maxBody);
  value('max-duration', options.maxDuration);
  value('rate-limit', options.rateLimit);
  return args;
}

/**
 * The arguments one target stands for, and the environment its tokens come from: each secret
 * option's default variable (`CLIENTELE_TOKEN`) takes the value of the variable the file names, so a
 * token given on the command line still wins and no token ever becomes an argument.
 */
export function targetArgs(
  config: ClienteleConfig,
  index: number,
  env: NodeJS.ProcessEnv,
  cliCustomFields: readonly string[],
): { args: string[]; env: NodeJS.ProcessEnv } {
  const target = config.targets[index]!;
  const api = findApi(target.api);
  const at = `${config.file}: targets[${index}]`;
  const fromEnv = (key: string, name: string) => {
    const value = env[name];
    if (!value) throw new ConfigError(`${at}.${key}: the environment variable ${name} is not set`);
    return value;
  };
  const args = ['--api', api.id, ...optionArgs(config.options)];
  if (config.reportDir !== undefined) args.push('--report-dir', config.reportDir);
  if (config.baseline !== undefined) args.push('--baseline', config.baseline);
  if (target.url !== undefined) args.push('--target', target.url);
  if (target.command !== undefined) args.push('--command', target.command);
  if (target.unauthenticatedUrl !== undefined) args.push('--unauthenticated-target', target.unauthenticatedUrl);
  if (target.unauthenticatedCommand !== undefined) args.push('--unauthenticated-command', target.unauthenticatedCommand);
  if (target.mutant !== undefined) args.push('--mutant', target.mutant);
  if (target.stdio) args.push('--stdio');
  const accountId = target.accountId ?? (target.accountIdEnv ? fromEnv('accountIdEnv', target.accountIdEnv) : undefined);
  if (accountId !== undefined) args.push('--account-id', accountId);
  for (const [name, value] of Object.entries(target.customFields ?? {}))
    if (!cliCustomFields.includes(name)) args.push('--custom-field', `${name}=${value}`);
  args.push(...optionArgs(target.options));
  const tokens: NodeJS.ProcessEnv = {};
  for (const option of api.credentials.filter((o) => o.secret && o.env)) {
    const named = (target as unknown as Record<string, string | undefined>)[`${option.key}Env`];
    if (named !== undefined) tokens[option.env!] = fromEnv(`${option.key}Env`, named);
  }
  return { args, env: { ...env, ...tokens } };
}

/** Every secret the file's targets name, for redaction of everything the run prints. */
export function configSecrets(config: ClienteleConfig, env: NodeJS.ProcessEnv): string[] {
  const secretKeys = new Set(APIS.flatMap((api) => api.credentials.filter((o) => o.secret).map((o) => `${o.key}Env`)));
  return config.targets.flatMap((target) =>
    Object.entries(target).flatMap(([key, name]) => (secretKeys.has(key) && typeof name === 'string' && env[name] ? [env[name]!] : [])),
  );
}
