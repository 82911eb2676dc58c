import type { Family } from './families.js';

/** Where the target is: a URL (HTTP APIs, MCP over Streamable HTTP) or a command to start (MCP over stdio). */
export type TargetAddress = { readonly kind: 'url'; readonly url: string } | { readonly kind: 'command'; readonly command: string };

/** Whether a URL's host is this machine: a run may write there without --allow-writes. */
export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** One credential or account option of the run (`--token`, `--staff-token`, `--account-id`, ...). */
export interface Credential {
  /** The descriptor's key for it, e.g. `token`, `staffToken`, `accountId`. */
  readonly key: string;
  readonly value: string;
  /** Secrets never reach a report, a log or the terminal; reproductions name `env` instead. */
  readonly secret: boolean;
  /** The environment variable a reproduction names in its place, e.g. `CLIENTELE_TOKEN`. */
  readonly env?: string;
}

/**
 * Everything a suite needs to know about this run. Serializable: the CLI hands it to the vitest workers
 * with `provide`, and the suites read it with `inject('clientele')`.
 */
export interface RunConfig {
  /** The API descriptor's id (`freshbooks-rest`, `freshbooks-classic`, ...). */
  readonly api: string;
  readonly target: TargetAddress;
  /** A second target of the same API started without credentials (session-auth APIs: MCP), for the auth check. */
  readonly unauthenticatedTarget?: TargetAddress;
  readonly credentials: readonly Credential[];
  /** Values for the target's required custom fields, by field name (`--custom-field NAME=VALUE`); sent on every create and update. */
  readonly customFields?: Readonly<Record<string, string>>;
  readonly seed: number;
  /** fast-check runs per property. */
  readonly runs: number;
  /** Checks of the run that send at once (`--concurrency`); what a run reports does not depend on it. */
  readonly concurrency: number;
  readonly readOnly: boolean;
  /** Warnings (broken assumptions) fail the run too. */
  readonly strict: boolean;
  /** A documented operation or status the run never exercised fails it (`--min-coverage`). */
  readonly minCoverage?: boolean;
  /** Whether properties run their boundary phase before their random cases (on unless `--no-boundary`). */
  readonly boundary: boolean;
  readonly families: readonly Family[];
  /** Only these checks (ids, `family/slug`) run: a shard's part (`--shard I/N`); absent: every check of `families`. */
  readonly checks?: readonly string[];
  /** Tags every client this run creates, so a shared target shows whose they are. */
  readonly runTag: string;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  /** Epoch milliseconds when the whole run must end (`--max-duration`), checks still to run reported blocked. */
  readonly deadline: number;
  /** Requests per second at most (`--rate-limit`); absent: unpaced. */
  readonly ratePerSecond?: number;
  /** Where the run journals the ids it creates until they are cleaned up (external targets only). */
  readonly journal?: string;
  /** How the report's replay line names the target (the real URL, or how to start the embedded one). */
  readonly replayPrefix: string;
  /**
   * A file every request of the run is appended to, one JSON line each, in the order sent (the bench's
   * like-for-like replay). Requests name credentials by reference, so the file holds no secret.
   */
  readonly requestLog?: string;
}

/** The value of a credential option, or undefined when the run was not given it. */
export function credentialOf(config: Pick<RunConfig, 'credentials'>, key: string): string | undefined {
  const value = config.credentials.find((c) => c.key === key)?.value;
  return value === '' ? undefined : value;
}

/** The values that must never be written anywhere. */
export function secretsOf(config: Pick<RunConfig, 'credentials'>): string[] {
  return config.credentials.filter((c) => c.secret && c.value).map((c) => c.value);
}

/**
 * Where the runner tells the worker running the checks that runs were interrupted: a message naming
 * their run tags. vitest's own cancel reaches one running test of a batch of concurrent ones at most.
 */
export const INTERRUPT_CHANNEL = 'clientele:interrupt';

const COMMAND_LABEL = 'command: ';

export function targetLabel(target: TargetAddress | EmbeddedServe): string {
  if (target.kind === 'embedded') return target.mutant ? `embedded mutant ${target.mutant}` : 'embedded reference';
  return target.kind === 'url' ? target.url : `${COMMAND_LABEL}${target.command}`;
}

/**
 * Where a run ran, as data: a server someone else runs (its address), or an embedded reference or
 * mutant clientele started (over stdio or not). Reports and journals keep it, so replay and cleanup
 * read it back instead of parsing the label.
 */
export type RunTarget = TargetAddress | { readonly kind: 'embedded'; readonly mutant?: string; readonly stdio?: boolean };

/**
 * The API's embedded reference (or a mutant of it), started by the worker that runs the checks, for
 * their run: the target then answers on the checks' own thread, and no answer waits for another
 * thread to wake (a fifth of `npm start`'s time).
 */
export interface EmbeddedServe {
  readonly kind: 'embedded';
  readonly mutant?: string;
}

/**
 * A run as the runner hands it to the worker: a config whose target may be one the worker starts
 * (`EmbeddedServe`, with the credentials it is started with). The worker makes it a `RunConfig` with the
 * address the target listens on (`apis/open.ts` `serveRun`) before any check opens the API.
 */
export type RunRequest = Omit<RunConfig, 'target'> & { readonly target: TargetAddress | EmbeddedServe };

declare module 'vitest' {
  export interface ProvidedContext {
    /** The runs one vitest run carries out side by side (usually one): see `SuiteRunner.runBatch`. */
    clientele: readonly RunRequest[];
  }
}
