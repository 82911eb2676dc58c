import type { Mutant } from '../../../reference-kit/types.js';
import type { ClassicFaults } from './faults.js';

/** Faulty variants of the FreshBooks Classic XML reference; each enables exactly one fault. */
export const FRESHBOOKS_CLASSIC_MUTANTS: readonly Mutant<ClassicFaults>[] = [
  {
    id: 'update-blanks-unreferenced',
    description: 'client.update clears every field the request leaves out.',
    faults: { updateBlanksUnreferenced: true },
  },
  { id: 'list-ascending', description: 'client.list orders by ascending client_id.', faults: { listAscending: true } },
  { id: 'default-per-page-10', description: 'client.list defaults per_page to 10 instead of 25.', faults: { defaultPerPage10: true } },
  { id: 'pages-floor', description: 'pages is floor(total / per_page) instead of ceil.', faults: { pagesFloor: true } },
  {
    id: 'empty-list-one-page',
    description: 'client.list answers pages="1" instead of 0 when no client matches.',
    faults: { emptyListOnePage: true },
  },
  {
    id: 'total-is-page-size',
    description: "total counts only the returned page's clients.",
    faults: { totalIsPageSize: true },
  },
  {
    id: 'staff-sees-all',
    description: 'The staff user lists and gets clients not assigned to them.',
    faults: { staffSeesAll: true },
  },
  {
    id: 'staff-edits-unassigned',
    description: 'The staff user can update and delete clients not assigned to them.',
    faults: { staffEditsUnassigned: true },
  },
  {
    id: 'username-not-email',
    description: 'A missing username defaults to first_name instead of email.',
    faults: { usernameNotEmail: true },
  },
  {
    id: 'get-unknown-ok',
    description: 'client.get of an unknown id answers an empty ok response instead of failing.',
    faults: { getUnknownOk: true },
  },
  {
    id: 'get-returns-password',
    description: "client.get's client carries its password, an element the XSD does not allow; client.list is unchanged.",
    faults: { getReturnsPassword: true },
  },
  {
    id: 'update-answers-client',
    description: 'client.update answers <client_id> inside the ok response instead of an empty one.',
    faults: { updateAnswersClient: true },
  },
  {
    id: 'fail-without-code',
    description: 'The fail envelope has <error> but no <code>.',
    faults: { failWithoutCode: true },
  },
  {
    id: 'unescaped-text',
    description: 'Response text is not escaped, so a value with & or < makes malformed XML.',
    faults: { unescapedText: true },
  },
  {
    id: 'html-content-type',
    description: 'Every 200 answer says Content-Type: text/html; charset=utf-8.',
    faults: { htmlContentType: true },
    global: true,
  },
  {
    id: 'email-filter-partial',
    description: 'The client.list email filter matches any email containing the value.',
    faults: { emailFilterPartial: true },
  },
  {
    id: 'delete-is-hard',
    description: 'client.delete removes the client: get fails and no folder lists it.',
    faults: { deleteIsHard: true },
    open: true,
  },
  {
    id: 'deleted-stay-active',
    description: 'The active folder also lists deleted clients.',
    faults: { deletedStayActive: true },
  },
  { id: 'no-auth', description: 'A request without credentials is served as the admin.', faults: { noAuth: true } },
  {
    id: 'per-page-uncapped',
    description: 'per_page above 100 is honoured instead of capped.',
    faults: { perPageUncapped: true },
    open: true,
  },
  { id: 'create-drops-postal-code', description: 'client.create ignores p_code.', faults: { createDropsPostalCode: true } },
  {
    id: 'any-user-accepted',
    description: 'Any Basic user name is served as the admin, so a wrong token is accepted.',
    faults: { anyUserAccepted: true },
  },
  {
    id: 'staff-get-denied',
    description: 'The staff user cannot read even the clients assigned to them (client.get fails).',
    faults: { staffGetDenied: true },
  },
  {
    id: 'drops-non-ascii',
    description: 'Characters outside ASCII are dropped from stored text.',
    faults: { dropsNonAscii: true },
    boundaryOnly: true,
  },
  {
    id: 'update-ignores-empty',
    description: 'An element sent empty in client.update leaves the field unchanged instead of clearing it.',
    faults: { updateIgnoresEmpty: true },
    boundaryOnly: true,
  },
  {
    id: 'email-filter-prefix',
    description: 'The client.list email filter also matches emails that start with the value.',
    faults: { emailFilterPrefix: true },
    boundaryOnly: true,
  },
  {
    id: 'per-page-99-is-default',
    description: 'per_page 99 is answered as if no per_page were given: 25 per page.',
    faults: { perPage99IsDefault: true },
    // No largest page is documented: serving smaller pages than asked (and saying so) is the server's choice.
    open: true,
    boundaryOnly: true,
  },
  {
    id: 'page-zero-unpaged',
    description: 'Page 0 or a negative page is served as page 1 holding every matching client, ignoring per_page, instead of failing.',
    faults: { pageZeroUnpaged: true },
    boundaryOnly: true,
  },
  {
    id: 'total-capped-at-100',
    description: 'total reports at most 100, however many clients match.',
    faults: { totalCappedAt100: true },
    boundaryOnly: true,
  },
  {
    id: 'ignores-unknown-elements',
    description: 'client.create with an element the schema does not know creates the client, ignoring it, instead of failing.',
    faults: { ignoresUnknownElements: true },
    open: true,
  },
  {
    id: 'unknown-id-404',
    description: 'A client_id that exists nowhere is answered HTTP 404 with plain text instead of the fail envelope.',
    faults: { unknownId404: true },
  },
  {
    id: 'fail-envelope-4xx',
    description: 'Every fail envelope comes with a 4xx status (404 for a client not found, 400 otherwise) instead of 200.',
    faults: { failEnvelope4xx: true },
    open: true,
  },
  {
    id: 'fail-code-not-digits',
    description: 'The <code> of every fail envelope carries letters (E40404) instead of digits only.',
    faults: { failCodeNotDigits: true },
    open: true,
  },
  {
    id: 'credit-not-decimal',
    description: 'client.get and client.list answer <credit> as "none" instead of a decimal amount.',
    faults: { creditNotDecimal: true },
  },
  {
    id: 'active-total-counts-deleted',
    description: 'The total of the active list counts deleted clients too (the page holds only active ones).',
    faults: { activeTotalCountsDeleted: true },
  },
  {
    id: 'delete-unknown-ok',
    description: 'client.delete of an unknown client_id answers ok instead of the fail envelope.',
    faults: { deleteUnknownOk: true },
  },
  {
    id: 'staff-update-writes-before-refusal',
    description: 'A staff client.update of a client not assigned to them is refused, but only after its changes were written.',
    faults: { staffUpdateWritesBeforeRefusal: true },
  },
  {
    id: 'staff-get-by-position',
    description: "The staff user's client.get reads client_id as a position in their own list, so it answers another of their clients.",
    faults: { staffGetByPosition: true },
  },
  {
    id: 'admin-list-hides-assigned',
    description: "The admin's client.list leaves out clients assigned to a staff member; client.get still reads them.",
    faults: { adminListHidesAssigned: true },
    open: true,
  },
];
