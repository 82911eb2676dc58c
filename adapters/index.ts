/** The adapter registry: one entry per API. A new API adds its adapter folder and one line here. */
import type { RunConfig } from '../engine/config.js';
import { UsageError } from '../engine/failures.js';
import { FreshbooksRestApi } from './freshbooks-rest/adapter.js';
import { openApiSpecView } from './openapi-spec-view.js';
import type { ClientApi } from './types.js';

export interface AdapterEntry {
  open(config: RunConfig): Promise<ClientApi>;
  /** Loads the spec and its generated validators in the CLI's own process, so a broken spec is one line (exit 2). */
  preflight(): Promise<void>;
}

export const ADAPTERS: Readonly<Record<string, AdapterEntry>> = {
  freshbooks: {
    open: (config) => FreshbooksRestApi.open(config),
    preflight: async () => {
      await openApiSpecView('freshbooks');
    },
  },
};

function entry(api: string): AdapterEntry {
  const found = ADAPTERS[api];
  if (!found) throw new UsageError(`unknown API '${api}' (known: ${Object.keys(ADAPTERS).join(', ')})`);
  return found;
}

export function openApi(config: RunConfig): Promise<ClientApi> {
  return entry(config.api).open(config);
}

export function preflightApi(api: string): Promise<void> {
  return entry(api).preflight();
}
