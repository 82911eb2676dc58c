/** The adapter registry: one entry per API. A new API adds its adapter folder and one line here. */
import type { RunConfig } from '../engine/config.js';
import { UsageError } from '../engine/failures.js';
import { FreshbooksRestApi } from './freshbooks-rest/adapter.js';
import type { ClientApi } from './types.js';

export const ADAPTERS: Readonly<Record<string, (config: RunConfig) => Promise<ClientApi>>> = {
  freshbooks: (config) => FreshbooksRestApi.open(config),
};

export function openApi(config: RunConfig): Promise<ClientApi> {
  const open = ADAPTERS[config.api];
  if (!open) throw new UsageError(`unknown API '${config.api}' (known: ${Object.keys(ADAPTERS).join(', ')})`);
  return open(config);
}
