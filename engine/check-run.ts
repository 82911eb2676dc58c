import type { ClientApi } from '../adapters/types.js';
import type { Family } from '../reports/model.js';
import type { RunConfig } from './config.js';

/** What a check body gets: the run's config, the adapter, and fresh scope tags for the clients it creates. */
export class CheckRun {
  private static scopes = 0;

  constructor(
    readonly config: RunConfig,
    readonly api: ClientApi,
    readonly family: Family,
    readonly name: string,
  ) {}

  /** Ends the check as skipped: the target cannot show what it needs (e.g. no client to read). */
  skip(reason: string): never {
    throw new SkipCheck(reason);
  }

  /** A tag no other check or property iteration of this run uses, so lists can be confined to it. */
  scope(): string {
    CheckRun.scopes += 1;
    return `${this.family}-${CheckRun.scopes}`;
  }
}

export class SkipCheck extends Error {
  override readonly name = 'SkipCheck';
}
