/**
 * Command-line parsing. The API-specific options (credentials, account ids) and the help text come
 * from the API registry. Every problem is a UsageError (exit 2) with a one-line message.
 */
import { parseArgs } from 'node:util';
import { APIS } from '../apis/registry.js';
import type { CredentialOption } from '../apis/descriptor.js';
import type { TargetAddress } from '../engine/config.js';
import { UsageError } from '../engine/failures.js';
import { FAMILIES, FAMILY_ALIASES, type Family } from '../engine/families.js';
import { parseShard, type Shard } from '../runner/shard.js';

/** Every credential option of every API, once per flag (APIs that share `--token` share the option). */
const CREDENTIAL_OPTIONS: readonly CredentialOption[] = APIS.flatMap((api) => api.credentials).filter(
  (option, i, all) => all.findIndex((other) => other.flag === option.flag) === i,
);

function credentialHelp(): string {
  return CREDENTIAL_OPTIONS.map((option) => {
    const apis = APIS.filter((api) => api.credentials.some((c) => c.flag === option.flag)).map((api) => api.id);
    const scope = apis.length === APIS.length ? '' : `(${apis.join(', ')}) `;
    return `  --${`${option.flag} ${option.secret ? 'T' : 'ID'}`.padEnd(18)}${scope}${option.help}${option.secret ? '; never written' : ''}`;
  }).join('\n');
}

/** `clientele COMMAND --help`: the command's usage lines and description, and where the rest is. */
export function commandHelp(command: string): string {
  const text = helpText();
  const usage = text.split('\n').filter((line) => line.startsWith(`  clientele ${command} `));
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`${command} `.padEnd(11)));
  const block =
    start < 0
      ? []
      : [lines[start]!, ...lines.slice(start + 1).filter((_, i, rest) => rest.slice(0, i + 1).every((l) => l.startsWith('           ')))];
  return [`clientele ${command}`, '', 'Usage:', ...usage, '', ...block, '', 'Every option, API and exit code: clientele --help'].join('\n');
}

export function helpText(): string {
  return `clientele: contract and semantics conformance for clients APIs

Usage:
  clientele run      [--config FILE] [--api NAME] [--target URL --token T [API options]] [options]
  clientele promises [--api NAME] [run options]
  clientele mutants  [--api NAME] [--list] [options]
  clientele run      --api NAME --command "CMD" [API options] [options]   (stdio, MCP)
  clientele cleanup  --journal FILE [--token T ...]
  clientele serve    --api NAME [--mutant ID] [--port P | --stdio]
  clientele init     [--api NAME] [--out FILE] [--force]
  clientele baseline --from REPORT.json [--out FILE] [--force]
  clientele merge    DIR... [--baseline FILE] [--report-dir DIR]
  clientele replay   REPORT.json [--check ID] [--target URL --token T ...] [--allow-writes]
  clientele --help | --version

run        Runs the suite. Without --target, against the embedded reference target of
           --api (or of every API); with --mutant ID, against that embedded mutant.
           A rule the docs state, show in every example, or give by the meaning of a
           documented name is a failure when broken; an open one (a choice the docs leave
           to the implementer) is a warning and fails only with --strict.
promises   Runs as run does and prints the traceability matrix: every stated, shown and
           meaning entry of the API, the checks that enforce it, and whether they found it kept.
cleanup    Deletes the clients a run created and could not clean up (it was killed, or
           the target stopped answering), as listed in its journal.
mutants    Runs the suite against the reference and every mutant of it and prints the
           kill matrix (mutant x check); with --list, only lists the mutants.
init       Writes a commented starter clientele.config.yaml for an API (default
           freshbooks-rest).
baseline   Writes a baseline (expected failures) that accepts every failure of a report,
           to clientele.baseline.yaml (or --out FILE; - for stdout).
merge      Merges the reports of a sharded run (report.json in each DIR, or in its
           subdirectories) into one report in every format; exits as the whole run would.
replay     Sends a report's recorded failing requests again, to the same server (an
           embedded one is started again) or to --target, and says whether each failure
           still happens, without re-running the property.
serve      Runs an embedded reference target (or --mutant ID) on its own: on 127.0.0.1
           (--port P, default any free port; it prints where), or over stdin/stdout
           (--stdio, MCP). Stops on Ctrl-C, SIGTERM or SIGHUP, and when the process that
           started it (npx, a script) is gone.

APIs (--api NAME):
${APIS.map((api) => `  ${[api.id, ...api.aliases].join(', ').padEnd(28)}${api.title}; --target: ${api.targetHelp}`).join('\n')}

API options:
${credentialHelp()}

Options:
  --config FILE       the targets and options to run (default: ./clientele.config.yaml when
                      there is one; schema: generated/schemas/config.schema.json); command-line options
                      override it
  --api NAME          which API the target speaks (see above); with a config, only its
                      targets of that API
  --target URL        the server under test (see above)
  --command "CMD"     (MCP) the server under test, over stdio: clientele starts CMD through
                      sh and stops its whole process group at the end
  --unauthenticated-target URL, --unauthenticated-command "CMD"
                      (MCP) the same server started without credentials, for the
                      "Not authenticated" check (skipped, with the reason, without one)
  --custom-field NAME=VALUE
                      (Grow CRM; repeatable) a required client custom field: sent on every
                      create and update, and left out once to check it is required
  --seed N            fast-check seed (default: random, printed); same seed, same cases
  --runs N            runs per property check (default 20)
  --concurrency N     checks and property cases sending at once (default 3 for a server on
                      this machine or a command, 1 for the embedded reference, 48 for a
                      server elsewhere); the report is the same for every N
  --only F[,F...]     only these families: ${FAMILIES.join(', ')}
  --read-only         skip every check that creates, updates or deletes
  --allow-writes      let a run against a target that is not on loopback create, change and
                      delete clients (without it such a run is read-only)
  --strict            warnings (broken assumptions) fail the run too (exit 1)
  --min-coverage      a documented operation or status the run never exercised fails it
                      (exit 1); statuses no request can bring about are named, not counted
  --no-boundary       skip the boundary phase (the edge cases each property runs first)
  --no-preflight      run the checks even when the target does not look like the API as
                      configured (a refused token, HTML, 404, a required custom field)
  --report-dir DIR    where reports go (default reports/latest)
  --baseline FILE     expected failures (YAML): only failures it does not list fail the run;
                      entries whose checks pass are reported stale
  --shard I/N         run the I-th of N deterministic parts of the checks (merge the N
                      reports with clientele merge)
  --durations FILE    an earlier report.json (or a directory of them): --shard balances
                      the parts by its check durations instead of by count
  --quiet             print only the final summary (no progress)
  --timeout MS        per-request deadline (default 10000)
  --max-body BYTES    response size cap (default 8388608)
  --max-duration D    the whole run's budget, e.g. 90s, 15m (default 15m); checks still to run
                      then are reported blocked, and the run ends with its report
  --rate-limit N/s    send at most N requests per second (429/503 with Retry-After are
                      waited out and retried, up to 3 times and 30 s, in any case; a target
                      that pushes back gets fewer requests in flight, and a pace that cannot
                      finish within --max-duration stops the run early, exit 3)
  --mutant ID         (run) test one embedded mutant instead of the reference
  --record            (mutants) write the matrix to apis/<id>/kill-matrix.json: the evidence
                      npm test checks mutant by mutant
  --stdio             (MCP) reach the embedded target over stdio instead of Streamable HTTP;
                      (serve) serve over stdin/stdout

Exit codes:
  0  nothing binding broken      3  target unreachable, or unusable (checks could not run)
  1  conformance failures        4  internal error (a crash in clientele itself)
  2  usage or configuration error (incl. a malformed spec, and a target that is not the API
     as configured: a refused token, HTML, a 404 at the list, a required custom field)
  130, 143  interrupted by SIGINT, SIGTERM (report says interrupted)

Reports: report.json (schema: generated/schemas/report.schema.json), report.junit.xml, report.md, report.html.`;
}

const COMMANDS = ['run', 'promises', 'mutants', 'cleanup', 'serve', 'init', 'baseline', 'merge', 'replay', 'help', 'version'] as const;
type Command = (typeof COMMANDS)[number];

export interface CliOptions {
  readonly command: Command;
  /** `clientele COMMAND --help`: the command whose help to print. */
  readonly helpFor?: string;
  /** Positional arguments after the command: `merge` directories, the `replay` report. */
  readonly paths: readonly string[];
  /** `--config FILE`, as given. */
  readonly config?: string;
  /** `--baseline FILE`: expected failures. */
  readonly baseline?: string;
  /** `--shard I/N`. */
  readonly shard?: Shard;
  /** `--durations FILE`: an earlier report whose check durations balance the shards. */
  readonly durations?: string;
  /** `mutants --record`: write the matrix as the API's committed kill record. */
  readonly record: boolean;
  /** `mutants --list`: list the mutants, run nothing. */
  readonly list: boolean;
  readonly quiet: boolean;
  /** `baseline --from REPORT`. */
  readonly from?: string;
  /** `init`, `baseline`: where to write. */
  readonly out?: string;
  /** `init`, `baseline`: overwrite an existing file. */
  readonly force: boolean;
  /** `replay --check ID`. */
  readonly check?: string;
  /** The descriptor id (an alias given on the command line is resolved). */
  readonly api?: string;
  readonly target?: string;
  /** `--command`: the server under test, started over stdio. */
  readonly serverCommand?: string;
  /** The same server without credentials (`--unauthenticated-target` / `--unauthenticated-command`). */
  readonly unauthenticated?: TargetAddress;
  /** `serve`: the port to listen on (0: any free one), or stdio. */
  readonly port: number;
  readonly stdio: boolean;
  /** Values of the API options by key (`token`, `staffToken`, `accountId`), from flags or environment. */
  readonly credentials: Readonly<Record<string, string | undefined>>;
  /** `--custom-field NAME=VALUE`, repeatable: the target's required custom fields. */
  readonly customFields: Readonly<Record<string, string>>;
  readonly seed: number;
  readonly runs: number;
  /** Checks that send at once; absent: chosen from where the target is. */
  readonly concurrency?: number;
  readonly families: readonly Family[];
  readonly readOnly: boolean;
  /** Warnings (broken assumptions) fail the run too. */
  readonly strict: boolean;
  /** A documented operation or status never exercised fails the run. */
  readonly minCoverage: boolean;
  /** Writing checks may run against a target that is not on loopback. */
  readonly allowWrites: boolean;
  /** Run each property's boundary phase (edge cases) before its random cases. */
  readonly boundary: boolean;
  /** Whether a run against a server the user named first checks that it is the API as configured. */
  readonly preflight: boolean;
  readonly reportDir: string;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  /** The whole run's time budget; checks still to run when it is spent are reported blocked. */
  readonly maxDurationMs: number;
  /** When the command line was read: the budget counts from here. */
  readonly startedAt: number;
  /** Requests per second at most; absent: unpaced. */
  readonly ratePerSecond?: number;
  /** `cleanup`: the journal of a run that did not finish its cleanup. */
  readonly journal?: string;
  readonly mutant?: string;
  /** Whether --runs was given, so replay lines repeat it. */
  readonly runsGiven: boolean;
}

/** What a value of each option with a unit looks like: the one line a value with no unit, or a unit the option does not take, gets. */
const UNIT_FORMS = {
  'max-duration': 'give a unit, e.g. 90s, 15m or 1h',
  timeout: 'give milliseconds without a unit, e.g. 10000 for 10 s',
  'max-body': 'give bytes without a unit, e.g. 8388608 for 8 MiB',
} as const;
export type UnitOption = keyof typeof UNIT_FORMS;

/**
 * The hint for a value of an option with a unit, or undefined when the value's unit is not the
 * problem: a bare number is refused for a duration (`--max-duration 1` is more likely one minute or
 * hour than one millisecond), and a unit for an option that counts milliseconds or bytes.
 */
export function unitHint(option: UnitOption, value: string): string | undefined {
  const bare = /^\s*\d+(?:\.\d+)?\s*$/.test(value);
  const suffixed = /^\s*\d+(?:\.\d+)?\s*[a-z]+\s*$/i.test(value);
  return (option === 'max-duration' ? bare : suffixed) ? UNIT_FORMS[option] : undefined;
}

function integer(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const hint = Object.hasOwn(UNIT_FORMS, name) ? unitHint(name as UnitOption, value) : undefined;
  if (hint) throw new UsageError(`--${name} ${value.trim()}: ${hint}`);
  // A negative whole number is one: it is judged against the range, as any other.
  if (!/^-?\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, got '${value}'`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** The default run budget: long enough for any honest target at the default runs, short enough for a CI job. */
const DEFAULT_MAX_DURATION_MS = 15 * 60_000;

/** `90s`, `15m`, `1h`, `5000ms`: a unit is required. */
function duration(name: UnitOption, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const hint = unitHint(name, value);
  if (hint) throw new UsageError(`--${name} ${value.trim()}: ${hint}`);
  const match = /^(\d+)(ms|s|m|h)$/.exec(value.trim());
  if (!match) throw new UsageError(`--${name} must be a duration such as 90s, 15m or 1h, got '${value}'`);
  const ms = Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2]!]!;
  if (ms < 1000 || ms > 24 * 3_600_000) throw new UsageError(`--${name} must be between 1s and 24h, got '${value}'`);
  return ms;
}

/** `5/s` or `5`: requests per second. */
function rate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)(?:\/s)?$/.exec(value.trim());
  const n = match ? Number(match[1]) : NaN;
  if (!(n > 0 && n <= 10_000)) throw new UsageError(`--rate-limit must be requests per second such as 5/s, got '${value}'`);
  return n;
}

function familiesFrom(only: string | undefined): readonly Family[] {
  if (!only) return FAMILIES;
  return only
    .split(',')
    .map((f) => f.trim())
    .map((f) => {
      const family = FAMILY_ALIASES[f] ?? ((FAMILIES as readonly string[]).includes(f) ? (f as Family) : undefined);
      if (!family) throw new UsageError(`unknown family '${f}' in --only (known: ${FAMILIES.join(', ')})`);
      return family;
    });
}

/** `NAME=VALUE` pairs; a name may appear once. */
function customFields(pairs: readonly string[] | undefined): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const at = pair.indexOf('=');
    const name = at < 0 ? '' : pair.slice(0, at).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name))
      throw new UsageError(`--custom-field must be NAME=VALUE with a field name, got '${pair}'`);
    if (name in fields) throw new UsageError(`--custom-field ${name} is given twice`);
    fields[name] = pair.slice(at + 1);
  }
  return fields;
}

function checkTarget(target: string): void {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new UsageError(`--target is not a URL: '${target}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--target must be http(s), got ${url.protocol}`);
  if (url.username || url.password) throw new UsageError('--target must not carry credentials; use --token');
}

/** Every option the CLI takes, as node:util parseArgs declares them. */
function cliOptions() {
  return {
    api: { type: 'string' },
    target: { type: 'string' },
    command: { type: 'string' },
    'unauthenticated-target': { type: 'string' },
    'unauthenticated-command': { type: 'string' },
    'custom-field': { type: 'string', multiple: true },
    port: { type: 'string' },
    stdio: { type: 'boolean' },
    ...Object.fromEntries(CREDENTIAL_OPTIONS.map((option) => [option.flag, { type: 'string' as const }])),
    seed: { type: 'string' },
    runs: { type: 'string' },
    concurrency: { type: 'string' },
    only: { type: 'string' },
    'read-only': { type: 'boolean' },
    strict: { type: 'boolean' },
    'min-coverage': { type: 'boolean' },
    'allow-writes': { type: 'boolean' },
    'no-boundary': { type: 'boolean' },
    'no-preflight': { type: 'boolean' },
    'report-dir': { type: 'string' },
    timeout: { type: 'string' },
    'max-body': { type: 'string' },
    'max-duration': { type: 'string' },
    'rate-limit': { type: 'string' },
    journal: { type: 'string' },
    mutant: { type: 'string' },
    config: { type: 'string' },
    baseline: { type: 'string' },
    shard: { type: 'string' },
    durations: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    from: { type: 'string' },
    out: { type: 'string' },
    force: { type: 'boolean' },
    record: { type: 'boolean' },
    list: { type: 'boolean' },
    check: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean' },
  } as const;
}

/** The closest of `names` to `name` (at most two edits away, or one starts the other), for a "did you mean". */
export function closest(name: string, names: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let diagonal = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const above = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
        diagonal = above;
      }
    }
    return row[b.length]!;
  };
  const ranked = names.map((candidate) => ({ candidate, d: distance(name, candidate) })).sort((a, b) => a.d - b.d);
  const best = ranked[0];
  if (best && best.d <= 2) return best.candidate;
  return name.length >= 3 ? names.find((candidate) => candidate.startsWith(name)) : undefined;
}

/** `--seed -5`: a value that looks like a negative number belongs to the option before it. */
function joinNegativeValues(argv: readonly string[], valued: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (arg.startsWith('--') && valued.has(arg.slice(2)) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i += 1;
    } else out.push(arg);
  }
  return out;
}

/**
 * What a command line or a config file says, option by option (by flag name), before defaults and
 * checks. A config file's options become one of these directly, never a command line to parse again;
 * layers merge with `mergeGiven`, and `resolveOptions` turns the result into `CliOptions`.
 */
export interface Given {
  readonly values: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
  readonly positionals: readonly string[];
}

/** Later layers win option by option; `--custom-field` adds up, a later value for a field replacing an earlier one. */
export function mergeGiven(...layers: readonly Given[]): Given {
  const values: Record<string, string | boolean | readonly string[] | undefined> = {};
  for (const layer of layers)
    for (const [name, value] of Object.entries(layer.values)) {
      if (value === undefined) continue;
      if (name === 'custom-field' && Array.isArray(value)) {
        const later = new Set(value.map((pair: string) => pair.slice(0, pair.indexOf('='))));
        const earlier = ((values[name] as readonly string[] | undefined) ?? []).filter(
          (pair) => !later.has(pair.slice(0, pair.indexOf('='))),
        );
        values[name] = [...earlier, ...value];
      } else values[name] = value;
    }
  return { values, positionals: [...layers].reverse().find((layer) => layer.positionals.length > 0)?.positionals ?? [] };
}

export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  return resolveOptions(readArgs(argv), env);
}

/** A command line as given values; an unknown option is one line with the nearest known one. */
export function readArgs(argv: readonly string[]): Given {
  let parsed;
  const options = cliOptions();
  try {
    parsed = parseArgs({
      args: joinNegativeValues(
        argv,
        new Set(
          Object.entries(options)
            .filter(([, o]) => o.type === 'string')
            .map(([name]) => name),
        ),
      ),
      allowPositionals: true,
      strict: true,
      options,
    });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0]!.replace(/^TypeError \[\w+\]: /, '');
    const unknown = /^Unknown option '(-{1,2}[^']*)'/.exec(message)?.[1];
    if (unknown) {
      const guess = closest(unknown.replace(/^-+/, '').split('=')[0]!, Object.keys(options));
      throw new UsageError(`unknown option ${unknown}${guess ? ` (did you mean --${guess}?)` : ''}; see --help`);
    }
    throw new UsageError(message.replace(/\.$/, ''));
  }
  return { values: parsed.values as Given['values'], positionals: parsed.positionals };
}

/** Given values as the options a command runs with: defaults filled in, every value checked. */
export function resolveOptions(given: Given, env: NodeJS.ProcessEnv): CliOptions {
  const values = given.values;
  const text = (name: string) => values[name] as string | undefined;
  const [verb, ...extra] = given.positionals;
  const named = values.help ? 'help' : values.version ? 'version' : (verb ?? 'help');
  if (!(COMMANDS as readonly string[]).includes(named)) {
    const guess = closest(named, COMMANDS.slice(0, -2));
    throw new UsageError(
      `unknown command '${named}' (${guess ? `did you mean ${guess}? ` : ''}expected ${COMMANDS.slice(0, -2).join(', ')}; see --help)`,
    );
  }
  const command = named as Command;
  if (command === 'merge' && extra.length === 0)
    throw new UsageError('merge needs the directories of the shard reports (clientele merge DIR...)');
  if (command === 'replay' && extra.length !== 1)
    throw new UsageError(
      extra.length ? `unexpected argument '${extra[1]}'` : 'replay needs a report (clientele replay reports/latest/report.json)',
    );
  if (command === 'baseline' && !text('from'))
    throw new UsageError('baseline needs --from REPORT.json (the report whose failures to accept)');
  if (text('durations') !== undefined && text('shard') === undefined)
    throw new UsageError('--durations balances --shard; give --shard I/N too');
  if (command === 'serve' && !text('api')) throw new UsageError('serve needs --api NAME (which embedded target to serve)');
  if (values.stdio === true && text('port') !== undefined) throw new UsageError('--stdio and --port exclude each other');
  if (command === 'cleanup' && !text('journal'))
    throw new UsageError('cleanup needs --journal FILE (the journal a run left in its report directory)');
  if (extra.length && command !== 'merge' && command !== 'replay') throw new UsageError(`unexpected argument '${extra[0]}'`);
  const target = text('target');
  const serverCommand = text('command');
  if (target !== undefined && serverCommand !== undefined)
    throw new UsageError('--target and --command exclude each other (a URL, or a command to start over stdio)');
  if (serverCommand !== undefined && serverCommand.trim() === '')
    throw new UsageError('--command needs the command that starts the server');
  if (target !== undefined) checkTarget(target);
  if ((target !== undefined || serverCommand !== undefined) && text('mutant'))
    throw new UsageError('--mutant selects an embedded target; it cannot go with --target or --command');
  const bareTarget = text('unauthenticated-target');
  const bareCommand = text('unauthenticated-command');
  if (bareTarget !== undefined && bareCommand !== undefined)
    throw new UsageError('--unauthenticated-target and --unauthenticated-command exclude each other');
  if (bareTarget !== undefined) checkTarget(bareTarget);
  const credentials = Object.fromEntries(
    CREDENTIAL_OPTIONS.map((option) => [option.key, text(option.flag) ?? (option.env ? env[option.env] : undefined)]),
  );
  return {
    command,
    ...(values.help && verb && (COMMANDS as readonly string[]).includes(verb) ? { helpFor: verb } : {}),
    paths: extra,
    config: text('config'),
    baseline: text('baseline'),
    ...(text('shard') !== undefined ? { shard: parseShard(text('shard')!) } : {}),
    durations: text('durations'),
    quiet: values.quiet === true,
    from: text('from'),
    out: text('out'),
    force: values.force === true,
    record: values.record === true,
    list: values.list === true,
    check: text('check'),
    api: text('api'),
    target,
    serverCommand,
    ...(bareTarget !== undefined
      ? { unauthenticated: { kind: 'url' as const, url: bareTarget } }
      : bareCommand !== undefined
        ? { unauthenticated: { kind: 'command' as const, command: bareCommand } }
        : {}),
    port: integer('port', text('port'), 0, 0, 65_535),
    stdio: values.stdio === true,
    credentials,
    customFields: customFields(values['custom-field'] as string[] | undefined),
    seed: integer('seed', text('seed'), Math.floor(Math.random() * 2 ** 31), 0, 2 ** 31 - 1),
    runs: integer('runs', text('runs'), 20, 1, 10_000),
    runsGiven: text('runs') !== undefined,
    concurrency: text('concurrency') === undefined ? undefined : integer('concurrency', text('concurrency'), 1, 1, 64),
    families: familiesFrom(text('only')),
    readOnly: values['read-only'] === true,
    strict: values.strict === true,
    minCoverage: values['min-coverage'] === true,
    allowWrites: values['allow-writes'] === true,
    boundary: values['no-boundary'] !== true,
    preflight: values['no-preflight'] !== true,
    reportDir: text('report-dir') ?? 'reports/latest',
    timeoutMs: integer('timeout', text('timeout'), 10_000, 1, 600_000),
    maxBodyBytes: integer('max-body', text('max-body'), 8 * 1024 * 1024, 1024, 1024 ** 3),
    maxDurationMs: duration('max-duration', text('max-duration'), DEFAULT_MAX_DURATION_MS),
    startedAt: Date.now(),
    ratePerSecond: rate(text('rate-limit')),
    journal: text('journal'),
    mutant: text('mutant'),
  };
}

/** The secret values among the options given, for redaction before a run has a config. */
export function secretsGiven(options: Pick<CliOptions, 'credentials'>): string[] {
  return CREDENTIAL_OPTIONS.filter((option) => option.secret)
    .flatMap((option) => options.credentials[option.key] ?? [])
    .filter(Boolean);
}
