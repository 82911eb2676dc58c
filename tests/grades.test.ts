/**
 * No semantics of pages, filters, updates, deletion, sorting or actions rests on `open`: in every API's
 * spec, a rule of those families is open only where it is one of the implementer's choices named here
 * (with why), or where the check it belongs to cannot run for that API (the facet is absent).
 */
import { describe, expect, it } from 'vitest';
import { APIS } from '../apis/registry.js';

const SEMANTIC = ['pagination/', 'filtering/', 'partial-update/', 'deletion/', 'ordering/', 'actions/'];

/** Open by nature: the documents leave these to the implementer, whatever the API. */
const CHOICES: Readonly<Record<string, string>> = {
  'filtering/case': 'the letter case of a match',
  'filtering/unfiltered-states': 'which visibility states a list without the filter holds',
  'deletion/id-not-reused': 'whether a hard-deleted client id is handed out again',
  'deletion/delete-twice': 'whether a second delete of a deleted client is refused',
};

/** Open for one API, because its documents leave the facet out; the checks of the facet skip there. */
const ABSENT: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'freshbooks-rest': {
    'pagination/order': 'no list order is documented',
    'deletion/gone': 'a delete is an update that keeps the client',
  },
  'freshbooks-classic': {
    'pagination/per-page-cap': 'no largest page is documented',
    'deletion/gone': 'what a delete keeps is not documented',
    'deletion/kept-as-deleted': 'what a delete keeps is not documented',
    'deletion/fields-intact': 'what a delete keeps is not documented',
    'deletion/deleted-list': 'what a delete keeps is not documented',
    'deletion/restored': 'no restore is documented',
    'deletion/restored-unchanged': 'no restore is documented',
    'deletion/restored-listed': 'no restore is documented',
    'filtering/ids': 'no id filter is documented',
  },
  'freshbooks-mcp': {
    'pagination/order': 'no list order is documented',
    'deletion/gone': 'client_delete is a soft delete',
    'filtering/ids': 'no id filter is documented',
  },
  growcrm: {
    'pagination/order': 'the order of an unsorted list is not documented',
    'pagination/default-per-page': 'no default page size is documented',
    'pagination/default-page-size': 'no default page size is documented',
    'filtering/ids': 'no id filter is documented',
    'deletion/kept-as-deleted': 'a delete removes the client',
    'deletion/fields-intact': 'a delete removes the client',
    'deletion/deleted-list': 'a delete removes the client',
    'deletion/restored': 'a delete removes the client',
    'deletion/restored-unchanged': 'a delete removes the client',
    'deletion/restored-listed': 'a delete removes the client',
  },
};

describe.each(APIS.map((api) => [api.id, api] as const))('the %s spec', (id, api) => {
  it('rests no semantics of pages, filters, updates, deletion, sorting or actions on open', async () => {
    const { basis } = await api.specView();
    const open = basis.entries
      .filter((entry) => entry.grade === 'open')
      .flatMap((entry) => entry.rules)
      .filter((rule) => SEMANTIC.some((prefix) => rule.startsWith(prefix)))
      // Which 4xx a refusal uses is the implementer's choice; the refusal itself binds (its own rule).
      .filter((rule) => !rule.endsWith('-status') && !CHOICES[rule] && !ABSENT[id]?.[rule])
      .filter((rule) => basis.of(rule).grade === 'open');
    expect(open).toEqual([]);
  });
});
