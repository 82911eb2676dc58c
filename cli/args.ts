/** Command-line parsing. Every problem is a UsageError (exit 2) with a one-line message. */
import { parseArgs } from 'node:util';
import { UsageError } from '../engine/failures.js';
import { FAMILIES, type Family } from '../reports/model.js';

export const HELP = `clientele: contract and semantics conformance for clients APIs

Usage:
  clientele run      [--api NAME] [--target URL --token T [--account-id ID] [--staff-token S]] [options]
  clientele mutants  [--api NAME] [options]
  clientele --help | --version

run        Runs the suite. Without --target, against the embedded reference target of
           --api (or of every API); with --mutant ID, against that embedded mutant.
mutants    Runs the suite against the reference and every mutant of it and prints the
           kill matrix (mutant x check family).

Options:
  --api NAME          freshbooks (FreshBooks REST) or freshbooks-classic (FreshBooks Classic XML)
  --target URL        the server under test: freshbooks, its base URL (https://api.freshbooks.com);
                      freshbooks-classic, its endpoint (https://HOST/api/2.1/xml-in)
  --token T           API token (or env CLIENTELE_TOKEN); never written to a report
  --staff-token S     (freshbooks-classic) a staff member's token (or env CLIENTELE_STAFF_TOKEN):
                      adds the access checks (staff see and change only assigned clients)
  --account-id ID     (freshbooks) account id in /accounting/account/<ID>/...
  --seed N            fast-check seed (default: random, printed); same seed, same cases
  --runs N            runs per property check (default 20)
  --only F[,F...]     only these families: ${FAMILIES.join(', ')}
  --read-only         skip every check that creates, updates or deletes
  --report-dir DIR    where reports go (default reports/latest)
  --timeout MS        per-request deadline (default 10000)
  --max-body BYTES    response size cap (default 8388608)
  --mutant ID         (run) test one embedded mutant instead of the reference

Exit codes:
  0  every check passed          3  target unreachable
  1  conformance failures        4  internal error (a crash in clientele itself)
  2  usage or configuration error (incl. a malformed spec)

Reports: report.json (schema: reports/report.schema.json), report.junit.xml, report.md, report.html.`;

export interface CliOptions {
  readonly command: 'run' | 'mutants' | 'help' | 'version';
  readonly api?: string;
  readonly target?: string;
  readonly token?: string;
  readonly staffToken?: string;
  readonly accountId?: string;
  readonly seed: number;
  readonly runs: number;
  readonly families: readonly Family[];
  readonly readOnly: boolean;
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
        token: { type: 'string' },
        'staff-token': { type: 'string' },
        'account-id': { type: 'string' },
        seed: { type: 'string' },
        runs: { type: 'string' },
        only: { type: 'string' },
        'read-only': { type: 'boolean' },
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
  const { values, positionals } = parsed;
  const [verb, ...extra] = positionals;
  const command = values.help ? 'help' : values.version ? 'version' : verb ?? 'help';
  if (command !== 'run' && command !== 'mutants' && command !== 'help' && command !== 'version') {
    throw new UsageError(`unknown command '${command}' (expected run or mutants; see --help)`);
  }
  if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
  const families = values.only
    ? values.only.split(',').map((f) => f.trim()).map((f) => {
        if (!(FAMILIES as readonly string[]).includes(f)) throw new UsageError(`unknown family '${f}' in --only (known: ${FAMILIES.join(', ')})`);
        return f as Family;
      })
    : FAMILIES;
  if (values.target !== undefined) {
    let url: URL;
    try {
      url = new URL(values.target);
    } catch {
      throw new UsageError(`--target is not a URL: '${values.target}'`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--target must be http(s), got ${url.protocol}`);
    if (url.username || url.password) throw new UsageError('--target must not carry credentials; use --token');
    if (values.mutant) throw new UsageError('--mutant selects an embedded target; it cannot go with --target');
  }
  return {
    command,
    api: values.api,
    target: values.target,
    token: values.token ?? env.CLIENTELE_TOKEN,
    staffToken: values['staff-token'] ?? env.CLIENTELE_STAFF_TOKEN,
    accountId: values['account-id'],
    seed: integer('seed', values.seed, Math.floor(Math.random() * 2 ** 31), 0, 2 ** 31 - 1),
    runs: integer('runs', values.runs, 20, 1, 10_000),
    runsGiven: values.runs !== undefined,
    families,
    readOnly: values['read-only'] ?? false,
    reportDir: values['report-dir'] ?? 'reports/latest',
    timeoutMs: integer('timeout', values.timeout, 10_000, 1, 600_000),
    maxBodyBytes: integer('max-body', values['max-body'], 8 * 1024 * 1024, 1024, 1024 ** 3),
    mutant: values.mutant,
  };
}
