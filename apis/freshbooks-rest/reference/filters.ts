/** The `search[...]` filters of the FreshBooks REST client list. */
import type { FreshbooksFaults } from './faults.js';
import { parseInteger } from './requests.js';
import type { ClientRecord, TextField } from './store.js';

export type Filter = (record: ClientRecord) => boolean;

/** One predicate per `search[...]` parameter present; a non-integer where an integer is expected matches nothing. */
export function buildFilters(params: URLSearchParams, faults: FreshbooksFaults): Filter[] {
  const likeMatches = (value: string | null, needle: string): boolean => {
    if (value === null) return false;
    if (faults.likeIgnoresSpacedNeedles && needle.includes(' ')) return false;
    if (faults.likeCaseSensitive) return value.includes(needle);
    const haystack = value.toLowerCase();
    const lowered = needle.toLowerCase();
    return faults.likePrefixOnly ? haystack.startsWith(lowered) : haystack.includes(lowered);
  };
  const emailMatches = (email: string | null, wanted: string): boolean => {
    if (email === null) return false;
    const have = email.toLowerCase();
    const want = wanted.toLowerCase();
    return faults.emailPartialMatch ? have.includes(want) : have === want;
  };
  const visStateMatches = (visState: number, wanted: number | undefined): boolean => {
    if (faults.deletedListedAsActive && wanted === 0) return visState === 0 || visState === 1;
    return visState === wanted;
  };

  const filters: Filter[] = [];
  const get = (key: string): string | null => params.get(`search[${key}]`);
  const like = (key: string, fields: readonly TextField[]): void => {
    const needle = get(key);
    if (needle !== null) filters.push((r) => fields.some((f) => likeMatches(r.fields[f], needle)));
  };

  const email = get('email');
  if (email !== null) filters.push((r) => emailMatches(r.fields.email, email));
  const userid = get('userid');
  if (userid !== null) filters.push((r) => r.id === parseInteger(userid));
  const username = get('username');
  if (username !== null) filters.push((r) => r.fields.username === username);
  const visState = get('vis_state');
  if (visState !== null) {
    const wanted = parseInteger(visState);
    // The restore-keeps-deleted-mark fault: the vis_state 0 list also leaves out every client ever deleted.
    const marked = (r: ClientRecord): boolean => faults.restoreKeepsDeletedMark === true && wanted === 0 && r.deletedMark === true;
    filters.push((r) => visStateMatches(r.fields.vis_state, wanted) && !marked(r));
  }
  const allUserids = params.getAll('search[userids][]');
  const userids = faults.idsFilterFirstOnly ? allUserids.slice(0, 1) : allUserids;
  if (userids.length > 0) filters.push((r) => userids.some((u) => parseInteger(u) === r.id));

  like('fname_like', ['fname']);
  like('lname_like', ['lname']);
  like('organization_like', faults.organizationLikeMatchesCity ? ['organization', 'p_city'] : ['organization']);
  like('note_like', ['note']);
  like('address_like', ['p_street', 'p_street2', 'p_city', 'p_province', 'p_country', 'p_code']);
  like('phone_like', ['bus_phone', 'home_phone', 'mob_phone', 'fax']);
  like('user_like', ['fname', 'lname', 'username', 'email']);

  const updatedMin = get('updated_min');
  if (updatedMin !== null) filters.push((r) => r.updated >= updatedMin);
  const updatedMax = get('updated_max');
  if (updatedMax !== null) filters.push((r) => r.updated <= updatedMax);
  return filters;
}
