/** The embedded reference targets and their mutant catalogues, one entry per API. */
import { FRESHBOOKS_CLASSIC_MUTANTS } from './freshbooks-classic/mutants.js';
import { startFreshbooksClassicTarget } from './freshbooks-classic/reference.js';
import { FRESHBOOKS_MUTANTS } from './freshbooks/mutants.js';
import { startFreshbooksTarget } from './freshbooks/reference.js';
import { faultsOf, type RunningTarget, type TargetCredentials } from './types.js';

export interface EmbeddedApi {
  /** Starts the reference (no mutant) or the mutant with this id. */
  start(credentials: TargetCredentials, mutantId?: string): Promise<RunningTarget>;
  readonly mutants: readonly { readonly id: string; readonly description: string }[];
  readonly accountId: string;
  /** Whether the target has a restricted (staff) user, whose token the run is given too. */
  readonly staff: boolean;
}

export const EMBEDDED: Readonly<Record<string, EmbeddedApi>> = {
  freshbooks: {
    accountId: 'ABC123',
    staff: false,
    mutants: FRESHBOOKS_MUTANTS,
    start: (credentials, mutantId) =>
      startFreshbooksTarget({ ...credentials, faults: faultsOf(FRESHBOOKS_MUTANTS, mutantId) }),
  },
  'freshbooks-classic': {
    // Classic has no account id in its URLs: the endpoint names the account.
    accountId: '',
    staff: true,
    mutants: FRESHBOOKS_CLASSIC_MUTANTS,
    start: (credentials, mutantId) =>
      startFreshbooksClassicTarget({
        token: credentials.token,
        staffToken: credentials.staffToken,
        faults: faultsOf(FRESHBOOKS_CLASSIC_MUTANTS, mutantId),
      }),
  },
};
