/** The FreshBooks REST reference target and its mutants: what the CLI and the tests start. */
import { faultsOf, type RunningTarget, type TargetCredentials } from '../../../reference-kit/types.js';
import { FRESHBOOKS_MUTANTS } from './mutants.js';
import { startFreshbooksTarget } from './server.js';

export type { TargetCredentials } from '../../../reference-kit/types.js';
export { FRESHBOOKS_MUTANTS as MUTANTS } from './mutants.js';

/** Starts the reference (no id) or the mutant with this id on 127.0.0.1 (ephemeral port unless given); the URL is the origin. */
export async function startTarget(credentials: TargetCredentials, mutantId?: string, port?: number): Promise<RunningTarget> {
  const faults = faultsOf(FRESHBOOKS_MUTANTS, mutantId);
  return startFreshbooksTarget({ token: credentials.token, accountId: credentials.accountId, faults, port });
}
