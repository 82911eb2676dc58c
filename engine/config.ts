import type { Family } from '../reports/model.js';

/**
 * Everything a suite needs to know about this run. Serializable: the CLI hands it to the vitest workers
 * with `provide`, and the suites read it with `inject('clientele')`.
 */
export interface RunConfig {
  readonly api: string;
  /** Base URL of the target (FreshBooks REST: the origin in front of `/accounting/...`; Classic: the xml-in endpoint). */
  readonly target: string;
  readonly token: string;
  /** A second, restricted credential (Classic: a staff member's token) for the access checks. */
  readonly staffToken?: string;
  readonly accountId: string;
  readonly seed: number;
  /** fast-check runs per property. */
  readonly runs: number;
  readonly readOnly: boolean;
  readonly families: readonly Family[];
  /** Tags every client this run creates, so a shared target shows whose they are. */
  readonly runTag: string;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  /** How the report's replay line names the target (the real URL, or how to start the embedded one). */
  readonly replayPrefix: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    clientele: RunConfig;
  }
}
