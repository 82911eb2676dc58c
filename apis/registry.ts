/**
 * Every API clientele knows. A new API adds its spec under `specs/<id>/`, its folder `apis/<id>/` and
 * one line here. A project can bring its own without touching this file: `CLIENTELE_APIS` lists module
 * files (separated like PATH), each exporting its descriptor as `api`.
 */
import { delimiter, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, UsageError } from '../engine/failures.js';
import type { ApiDescriptor } from './descriptor.js';
import { freshbooksClassic } from './freshbooks-classic/api.js';
import { freshbooksMcp } from './freshbooks-mcp/api.js';
import { freshbooksRest } from './freshbooks-rest/api.js';
import { growcrm } from './growcrm/api.js';

const BUILT_IN: readonly ApiDescriptor[] = [freshbooksRest, freshbooksClassic, freshbooksMcp, growcrm];

/** The descriptors `CLIENTELE_APIS` names; one that does not load or exports none is a configuration error. */
async function broughtApis(list: string | undefined): Promise<ApiDescriptor[]> {
  const files = (list ?? '').split(delimiter).filter((file) => file.trim() !== '');
  return Promise.all(
    files.map(async (file) => {
      const loaded = (await import(pathToFileURL(resolve(file)).href).catch((error: Error) => {
        throw new ConfigError(`CLIENTELE_APIS: ${file} does not load (${error.message.split('\n')[0]})`);
      })) as { api?: ApiDescriptor };
      const api = loaded.api;
      if (!api || typeof api.id !== 'string' || !Array.isArray(api.families))
        throw new ConfigError(`CLIENTELE_APIS: ${file} exports no API descriptor named api`);
      if (BUILT_IN.some((known) => known.id === api.id)) throw new ConfigError(`CLIENTELE_APIS: ${file}: the id ${api.id} is taken`);
      return api;
    }),
  );
}

export const APIS: readonly ApiDescriptor[] = [...BUILT_IN, ...(await broughtApis(process.env.CLIENTELE_APIS))];

/** The descriptor for an id or alias; an unknown name is a usage error that lists the known ones. */
export function findApi(name: string): ApiDescriptor {
  const found = APIS.find((api) => api.id === name || api.aliases.includes(name));
  if (!found) throw new UsageError(`unknown API '${name}' (known: ${APIS.map((api) => api.id).join(', ')})`);
  return found;
}
