/**
 * Command-line parsing. The API-specific options (credentials, account ids) and the help text come
 * from the API registry. Every problem is a UsageError (exit 2) with a one-line message.
 */
import { parseArgs } from 'node:util';
import { APIS } from '../apis/registry.js';
import type { CredentialOption } from '../apis/descriptor.js';
import { UsageError } from '../engine/failures.js';
import { FAMILIES, FAMILY_ALIASES, type Family } from '../engine/families.js';

/** Every credential option of every API, once per flag (APIs that share `--token` share the option). */
export const CREDENTIAL_OPTIONS: readonly CredentialOption[] = APIS.flatMap((api) => api.credentials).filter(
  (option, i, all) => all.findIndex((other) => other.flag === option.flag) === i,
);

function credentialHelp(): string {
  return CREDENTIAL_OPTIONS.map((option) => {
    const apis = APIS.filter((api) => api.credentials.some((c) => c.flag === option.flag)).map((api) => api.id);
    const scope = apis.length === APIS.length ? '' : `(${apis.join(', ')}) `;
    return `  --${`${option.flag} ${option.secret ? 'T' : 'ID'}`.padEnd(18)}${scope}${option.help}${option.secret ? '; never written' : ''}`;
  }).join('\n');
}

export function helpText(): string {
  return `clientele: contract and semantics conformance for clients APIs

Usage:
  clientele run      [--api NAME] [--target URL --token T [API options]] [options]
  clientele promises [--api NAME] [run options]
  clientele mutants  [--api NAME] [options]
  clientele --help | --version

run        Runs the suite. Without --target, against the embedded reference target of
           --api (or of every API); with --mutant ID, against that embedded mutant.
           A broken promise (a documented sentence) is a failure; a broken assumption
           (where the documents are silent) is a warning and fails only with --strict.
promises   Runs as run does and prints the traceability matrix: every documented promise
           of the API, the checks that enforce it, and whether they found it kept.
mutants    Runs the suite against the reference and every mutant of it and prints the
           kill matrix (mutant x check).

APIs (--api NAME):
${APIS.map((api) => `  ${[api.id, ...api.aliases].join(', ').padEnd(28)}${api.title}; --target: ${api.targetHelp}`).join('\n')}

API options:
${credentialHelp()}

Options:
  --api NAME          which API the target speaks (see above)
  --target URL        the server under test (see above)
  --seed N            fast-check seed (default: random, printed); same seed, same cases
  --runs N            runs per property check (default 20)
  --only F[,F...]     only these families: ${FAMILIES.join(', ')}
  --read-only         skip every check that creates, updates or deletes
  --strict            warnings (broken assumptions) fail the run too (exit 1)
  --no-boundary       skip the boundary phase (the edge cases each property runs first)
  --report-dir DIR    where reports go (default reports/latest)
  --timeout MS        per-request deadline (default 10000)
  --max-body BYTES    response size cap (default 8388608)
  --mutant ID         (run) test one embedded mutant instead of the reference

Exit codes:
  0  every check passed          3  target unreachable
  1  conformance failures        4  internal error (a crash in clientele itself)
  2  usage or configuration error (incl. a malformed spec)

Reports: report.json (schema: reports/report.schema.json), report.junit.xml, report.md, report.html.`;
}

export interface CliOptions {
  readonly command: 'run' | 'mutants' | 'promises' | 'help' | 'version';
  /** The descriptor id (an alias given on the command line is resolved). */
  readonly api?: string;
  readonly target?: string;
  /** Values of the API options by key (`token`, `staffToken`, `accountId`), from flags or environment. */
  readonly credentials: Readonly<Record<string, string | undefined>>;
  readonly seed: number;
  readonly runs: number;
  readonly families: readonly Family[];
  readonly readOnly: boolean;
  /** Warnings (broken assumptions) fail the run too. */
  readonly strict: boolean;
  /** Run each property's boundary phase (edge cases) before its random cases. */
  readonly boundary: boolean;
  readonly reportDir: string;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  readonly mutant?: string;
  /** Whether --runs was given, so replay lines repeat it. */
  readonly runsGiven: boolean;
}

function integer(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, got '${value}'`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function familiesFrom(only: string | undefined): readonly Family[] {
  if (!only) return FAMILIES;
  return only.split(',').map((f) => f.trim()).map((f) => {
    const family = FAMILY_ALIASES[f] ?? ((FAMILIES as readonly string[]).includes(f) ? (f as Family) : undefined);
    if (!family) throw new UsageError(`unknown family '${f}' in --only (known: ${FAMILIES.join(', ')})`);
    return family;
  });
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

export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        api: { type: 'string' },
        target: { type: 'string' },
        ...Object.fromEntries(CREDENTIAL_OPTIONS.map((option) => [option.flag, { type: 'string' as const }])),
        seed: { type: 'string' },
        runs: { type: 'string' },
        only: { type: 'string' },
        'read-only': { type: 'boolean' },
        strict: { type: 'boolean' },
        'no-boundary': { type: 'boolean' },
        'report-dir': { type: 'string' },
        timeout: { type: 'string' },
        'max-body': { type: 'string' },
        mutant: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]!.replace(/^TypeError \[\w+\]: /, ''));
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const text = (name: string) => values[name] as string | undefined;
  const [verb, ...extra] = parsed.positionals;
  const command = values.help ? 'help' : values.version ? 'version' : verb ?? 'help';
  if (command !== 'run' && command !== 'mutants' && command !== 'promises' && command !== 'help' && command !== 'version') {
    throw new UsageError(`unknown command '${command}' (expected run, promises or mutants; see --help)`);
  }
  if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
  const target = text('target');
  if (target !== undefined) {
    checkTarget(target);
    if (text('mutant')) throw new UsageError('--mutant selects an embedded target; it cannot go with --target');
  }
  const credentials = Object.fromEntries(CREDENTIAL_OPTIONS.map((option) => [option.key, text(option.flag) ?? (option.env ? env[option.env] : undefined)]));
  return {
    command,
    api: text('api'),
    target,
    credentials,
    seed: integer('seed', text('seed'), Math.floor(Math.random() * 2 ** 31), 0, 2 ** 31 - 1),
    runs: integer('runs', text('runs'), 20, 1, 10_000),
    runsGiven: text('runs') !== undefined,
    families: familiesFrom(text('only')),
    readOnly: values['read-only'] === true,
    strict: values.strict === true,
    boundary: values['no-boundary'] !== true,
    reportDir: text('report-dir') ?? 'reports/latest',
    timeoutMs: integer('timeout', text('timeout'), 10_000, 1, 600_000),
    maxBodyBytes: integer('max-body', text('max-body'), 8 * 1024 * 1024, 1024, 1024 ** 3),
    mutant: text('mutant'),
  };
}

/** The secret values among the options given, for redaction before a run has a config. */
export function secretsGiven(options: Pick<CliOptions, 'credentials'>): string[] {
  return CREDENTIAL_OPTIONS.filter((option) => option.secret).flatMap((option) => options.credentials[option.key] ?? []).filter(Boolean);
}
