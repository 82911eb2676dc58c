/**
 * What the rest of clientele knows of one API: everything API-specific sits in `apis/<id>/`, behind one
 * descriptor (`api.ts`), listed once in `apis/registry.ts`. The CLI's options and help, `--api`
 * validation, `generate`, redaction, `npm start`'s list, the tests' per-API lists and the bench are all
 * derived from the registry. Heavy parts (adapter, spec, target) load lazily, when a run needs them.
 */
import type { ClientApi } from '../port/port.js';
import type { SpecView } from '../engine/checks/types.js';
import type { Credential, RunConfig, TargetAddress } from '../engine/config.js';
import type { Family } from '../engine/families.js';
import type { Session } from '../engine/session.js';
import type { TransportKind } from '../protocols/index.js';

/** A command-line option that carries a credential or an account setting. */
export interface CredentialOption {
  /** The key in `RunConfig.credentials` and in `CredentialRef`s, e.g. `token`. */
  readonly key: string;
  /** The option without dashes, e.g. `token` for `--token`. */
  readonly flag: string;
  /** The environment variable it may come from, and that reproductions name in its place. */
  readonly env?: string;
  /** Secrets are never written to a report, a log or the terminal. */
  readonly secret: boolean;
  /** Whether a run against an external target needs it (the embedded targets make their own). */
  readonly required: boolean;
  readonly help: string;
}

interface MutantInfo {
  readonly id: string;
  readonly description: string;
  /** Breaks every response (a wrong content type, a malformed body): any check fails on it. */
  readonly global?: boolean;
  /** Breaks only an open rule (a choice the docs leave to the implementer): a run against it warns and fails nothing (exit 0; 1 with --strict). */
  readonly open?: boolean;
  /** Only the boundary phase's edge cases reach it: without the phase (`--no-boundary`) it survives. */
  readonly boundaryOnly?: boolean;
}

/** An embedded target, started in this process for one run. */
export interface StartedTarget {
  readonly address: TargetAddress;
  /** A second target of the same API without credentials, where the API's auth is the server's (MCP). */
  readonly unauthenticated?: TargetAddress;
  /** Fresh credentials made for this start (secret values are random per start). */
  readonly credentials: readonly Credential[];
  /** The required custom fields this target is configured with, and a value for each. */
  readonly customFields?: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

export interface EmbeddedTarget {
  readonly mutants: readonly MutantInfo[];
  /** Checks (by id) that no non-global mutant can fail, each with the reason; keep it short. */
  readonly evidenceAllowList?: Readonly<Record<string, string>>;
  /** Fresh values for the credentials a start takes, by option key (secrets random, settings as the target expects). */
  credentialValues(): Readonly<Record<string, string>>;
  /**
   * Starts the reference (no id) or the mutant with this id; `port` for `clientele serve --port`
   * (default ephemeral); `values`: the credentials it accepts (default `credentialValues()`), when the
   * caller made them first (a run whose worker starts the target).
   */
  start(mutantId?: string, port?: number, values?: Readonly<Record<string, string>>): Promise<StartedTarget>;
  /** Serves over this process's stdin/stdout until stdin closes (`clientele serve --stdio`), where the API has a stdio transport. */
  serveStdio?(mutantId?: string): Promise<void>;
  /** The shell command that serves the reference (or a mutant) over stdio, for `--command`. */
  stdioCommand?(mutantId?: string, unauthenticated?: boolean): string;
}

export interface ApiDescriptor {
  /** `freshbooks-rest`, `freshbooks-classic`, ... */
  readonly id: string;
  /** Other names `--api` accepts (`freshbooks`). */
  readonly aliases: readonly string[];
  /** One line for `--help`, e.g. `FreshBooks REST (JSON over HTTP)`. */
  readonly title: string;
  /** The spec, the single source of truth, relative to the project root. */
  readonly spec: { readonly kind: 'openapi' | 'xsd' | 'mcp-tools'; readonly path: string };
  /** How the engine reaches a target of this API. */
  readonly transport: TransportKind;
  /** JSON-RPC codes the docs say mean "come back later": retried after a back-off and counted, not failures. */
  readonly retryCodes?: readonly number[];
  /** What `--target` names for this API, for `--help`. */
  readonly targetHelp: string;
  readonly credentials: readonly CredentialOption[];
  /**
   * The families whose checks this API's documents give something to run, named one by one: a family
   * added to clientele later runs on an API only once its descriptor opts in.
   */
  readonly families: readonly Family[];
  /** Required client custom fields the API lets a server demand, with an example, for `init`'s starter config. */
  readonly customFieldsExample?: Readonly<Record<string, string>>;
  /** Loads the spec and its generated validators: a broken or stale spec fails here, as one line (exit 2). */
  specView(): Promise<SpecView>;
  /** The adapter, on a session the engine opened for it. */
  adapter(session: Session, config: RunConfig): Promise<ClientApi>;
  embedded(): Promise<EmbeddedTarget>;
}

/** The run's credentials from an API's options and the values given for them (absent ones left out). */
export function credentialsFrom(options: readonly CredentialOption[], values: Readonly<Record<string, string | undefined>>): Credential[] {
  return options.flatMap((option) => {
    const value = values[option.key];
    return value === undefined || value === ''
      ? []
      : [{ key: option.key, value, secret: option.secret, ...(option.env ? { env: option.env } : {}) }];
  });
}
