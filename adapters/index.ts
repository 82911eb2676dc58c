/** The adapter registry: one entry per API. A new API adds its adapter folder and one line here. */
import type { RunConfig } from '../engine/config.js';
import { UsageError } from '../engine/failures.js';
import { FreshbooksClassicApi } from './freshbooks-classic/adapter.js';
import { FreshbooksRestApi } from './freshbooks-rest/adapter.js';
import { openApiSpecView } from './openapi-spec-view.js';
import { xmlSpecView } from './xml-spec-view.js';
import type { ClientApi } from './types.js';

export interface AdapterEntry {
  open(config: RunConfig): Promise<ClientApi>;
  /** Whether a run against an external target needs --account-id. */
  readonly needsAccountId: boolean;
  /** Loads the spec and its generated validators in the CLI's own process, so a broken spec is one line (exit 2). */
  preflight(): Promise<void>;
}

export const ADAPTERS: Readonly<Record<string, AdapterEntry>> = {
  freshbooks: {
    open: (config) => FreshbooksRestApi.open(config),
    needsAccountId: true,
    preflight: async () => {
      await openApiSpecView('freshbooks');
    },
  },
  'freshbooks-classic': {
    open: (config) => FreshbooksClassicApi.open(config),
    needsAccountId: false,
    preflight: async () => {
      await xmlSpecView('freshbooks-classic');
    },
  },
};

export function adapterEntry(api: string): AdapterEntry {
  const found = ADAPTERS[api];
  if (!found) throw new UsageError(`unknown API '${api}' (known: ${Object.keys(ADAPTERS).join(', ')})`);
  return found;
}

export function openApi(config: RunConfig): Promise<ClientApi> {
  return adapterEntry(config.api).open(config);
}

export function preflightApi(api: string): Promise<void> {
  return adapterEntry(api).preflight();
}
