/** The Grow CRM reference target and its mutants: what the CLI and the tests start. */
import { faultsOf, type RunningTarget } from '../../../reference-kit/types.js';
import { GROWCRM_MUTANTS } from './mutants.js';
import { startGrowcrmTarget } from './server.js';

export { GROWCRM_MUTANTS as MUTANTS } from './mutants.js';

/** The one required client custom field the embedded CRM is configured with (any non-empty string). */
export { CUSTOM_FIELD as GROWCRM_CUSTOM_FIELD } from './requests.js';

/**
 * Starts the reference (no id) or the mutant with this id on 127.0.0.1 (ephemeral port unless given);
 * the URL is the API base ending in `/api`, so the clients are at `${url}/clients`.
 */
export async function startTarget(credentials: { token: string }, mutantId?: string, port?: number): Promise<RunningTarget> {
  const faults = faultsOf(GROWCRM_MUTANTS, mutantId);
  return startGrowcrmTarget({ token: credentials.token, faults, port });
}
