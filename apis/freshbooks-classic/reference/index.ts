/** The FreshBooks Classic reference target and its mutants: what the CLI and the tests start. */
import { faultsOf, type RunningTarget, type TargetCredentials } from '../../../reference-kit/types.js';
import { FRESHBOOKS_CLASSIC_MUTANTS } from './mutants.js';
import { startFreshbooksClassicTarget } from './server.js';

export type { TargetCredentials } from '../../../reference-kit/types.js';
export { FRESHBOOKS_CLASSIC_MUTANTS as MUTANTS } from './mutants.js';

/**
 * Starts the reference (no id) or the mutant with this id on 127.0.0.1, ephemeral port; the URL is the
 * `/api/2.1/xml-in` endpoint. Classic names the account by its endpoint, so `accountId` is not used.
 */
export async function startTarget(credentials: TargetCredentials, mutantId?: string, port?: number): Promise<RunningTarget> {
  const faults = faultsOf(FRESHBOOKS_CLASSIC_MUTANTS, mutantId);
  return startFreshbooksClassicTarget({ token: credentials.token, staffToken: credentials.staffToken, faults, port });
}
