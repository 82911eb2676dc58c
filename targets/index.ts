/** The embedded reference targets and their mutant catalogues, one entry per API. */
import { FRESHBOOKS_MUTANTS } from './freshbooks/mutants.js';
import { startFreshbooksTarget } from './freshbooks/reference.js';
import type { RunningTarget, TargetCredentials } from './types.js';

export interface EmbeddedApi {
  /** Starts the reference (no mutant) or the mutant with this id. */
  start(credentials: TargetCredentials, mutantId?: string): Promise<RunningTarget>;
  readonly mutants: readonly { readonly id: string; readonly description: string }[];
  readonly accountId: string;
}

export const EMBEDDED: Readonly<Record<string, EmbeddedApi>> = {
  freshbooks: {
    accountId: 'ABC123',
    mutants: FRESHBOOKS_MUTANTS,
    start: (credentials, mutantId) =>
      startFreshbooksTarget({ ...credentials, faults: mutantId ? FRESHBOOKS_MUTANTS.find((m) => m.id === mutantId)?.faults : undefined }),
  },
};
