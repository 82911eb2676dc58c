/** Every API clientele knows. A new API adds its folder `apis/<id>/` and one line here. */
import { UsageError } from '../engine/failures.js';
import type { ApiDescriptor } from './descriptor.js';
import { freshbooksClassic } from './freshbooks-classic/api.js';
import { freshbooksMcp } from './freshbooks-mcp/api.js';
import { freshbooksRest } from './freshbooks-rest/api.js';
import { growcrm } from './growcrm/api.js';

export const APIS: readonly ApiDescriptor[] = [freshbooksRest, freshbooksClassic, freshbooksMcp, growcrm];

/** The descriptor for an id or alias; an unknown name is a usage error that lists the known ones. */
export function findApi(name: string): ApiDescriptor {
  const found = APIS.find((api) => api.id === name || api.aliases.includes(name));
  if (!found) throw new UsageError(`unknown API '${name}' (known: ${APIS.map((api) => api.id).join(', ')})`);
  return found;
}
