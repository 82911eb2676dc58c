import type { Mutant } from '../../../reference-kit/types.js';
import type { FreshbooksFaults } from './faults.js';

/** Faulty variants of the FreshBooks REST reference; each enables exactly one fault. */
export const FRESHBOOKS_MUTANTS: readonly Mutant<FreshbooksFaults>[] = [
  {
    id: 'update-wipes-unreferenced',
    description: 'Update resets every writable field not named in the body to its create default.',
    faults: { updateWipesUnreferenced: true },
  },
  { id: 'update-ignores-lname', description: 'Update silently ignores lname.', faults: { updateIgnoresLname: true } },
  {
    id: 'hard-delete',
    description: 'Setting vis_state 1 removes the client, so a later get answers 404.',
    faults: { hardDelete: true },
  },
  {
    id: 'deleted-listed-as-active',
    description: 'search[vis_state]=0 also returns deleted (vis_state 1) clients.',
    faults: { deletedListedAsActive: true },
  },
  {
    id: 'restore-impossible',
    description: 'Setting vis_state 0 on a deleted client is ignored; it stays deleted.',
    faults: { restoreImpossible: true },
  },
  {
    id: 'restore-reverts-updates',
    description: 'Restoring a deleted client resets its writable fields to their values at creation.',
    faults: { restoreRevertsUpdates: true },
  },
  {
    id: 'page-boundary-repeat',
    description: 'Every page after the first starts one item early, repeating the last item of the previous page.',
    faults: { pageBoundaryRepeat: true },
  },
  { id: 'pages-floor', description: 'pages is floor(total / per_page) instead of ceil.', faults: { pagesFloor: true } },
  {
    id: 'total-ignores-filters',
    description: 'total counts every client of the account, ignoring the search filters.',
    faults: { totalIgnoresFilters: true },
  },
  {
    id: 'per-page-uncapped',
    description: 'per_page above 100 is honoured instead of capped.',
    faults: { perPageUncapped: true },
  },
  {
    id: 'like-case-sensitive',
    description: '_like filters compare case-sensitively.',
    faults: { likeCaseSensitive: true },
    open: true,
  },
  {
    id: 'like-prefix-only',
    description: '_like filters match only at the start of the value.',
    faults: { likePrefixOnly: true },
  },
  {
    id: 'email-partial-match',
    description: 'search[email] matches any email containing the value.',
    faults: { emailPartialMatch: true },
  },
  {
    id: 'ids-filter-first-only',
    description: 'search[userids][] given several times matches only the first id given.',
    faults: { idsFilterFirstOnly: true },
  },
  {
    id: 'list-omits-per-page',
    description: 'The list result has no per_page key, which the spec requires.',
    faults: { listOmitsPerPage: true },
  },
  {
    id: 'id-as-string',
    description: 'id is serialized as a string.',
    faults: { idAsString: true },
    // Every response that carries a client carries the string id.
    global: true,
  },
  { id: 'unknown-id-500', description: 'An unknown client id answers 500 instead of 404.', faults: { unknownId500: true } },
  {
    id: 'no-token-accepted',
    description: 'A request without Authorization is served as if authorized.',
    faults: { noTokenAccepted: true },
  },
  {
    id: 'wrong-token-accepted',
    description: 'Any Bearer token is accepted; a missing header is still 401.',
    faults: { wrongTokenAccepted: true },
  },
  {
    id: 'id-from-active-count',
    description: 'New ids are 100001 + the number of non-deleted clients, overwriting an existing client with that id.',
    faults: { idFromActiveCount: true },
  },
  {
    id: 'accepts-wrong-types',
    description: 'A non-string value for a text field is stored as text with 200 instead of rejected with 422.',
    faults: { acceptsWrongTypes: true },
    open: true,
  },
  {
    id: 'html-content-type',
    description: 'Every response says Content-Type: text/html; charset=utf-8.',
    faults: { htmlContentType: true },
    global: true,
  },
  {
    id: 'truncated-json',
    description: 'GET of a single client returns only the first half of the JSON text.',
    faults: { truncatedJson: true },
  },
  {
    id: 'plus-becomes-space',
    description: 'A + in any stored text is stored as a space, as a form decoder would.',
    faults: { plusBecomesSpace: true },
    boundaryOnly: true,
  },
  {
    id: 'update-ignores-null',
    description: 'A field set to null in an update keeps its old value.',
    faults: { updateIgnoresNull: true },
    boundaryOnly: true,
  },
  {
    id: 'like-ignores-spaced-needles',
    description: 'A _like needle that contains a space matches nothing.',
    faults: { likeIgnoresSpacedNeedles: true },
    boundaryOnly: true,
  },
  {
    id: 'per-page-99-is-default',
    description: 'per_page 99 is answered as if no per_page were given: 15 per page.',
    faults: { perPage99IsDefault: true },
    boundaryOnly: true,
  },
  {
    id: 'default-per-page-20',
    description: 'A list without per_page holds 20 clients a page instead of the 15 every list example shows.',
    faults: { defaultPerPage20: true },
  },
  {
    id: 'page-zero-unpaged',
    description: 'Page 0 or a negative page is served as page 1 holding every matching client, ignoring per_page, instead of 400.',
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
    id: 'trims-stored-text',
    description: 'Stored text values are trimmed of leading and trailing white space on create and update.',
    faults: { trimsStoredText: true },
    open: true,
    boundaryOnly: true,
  },
  {
    id: 'bad-page-422',
    description: 'Page 0, a negative page or a non-integer page is refused with 422 instead of 400.',
    faults: { badPage422: true },
    // Which 4xx refuses a page no list has is the server's choice (pagination/out-of-range-page-status).
    open: true,
    boundaryOnly: true,
  },
  {
    id: 'unknown-id-update-422',
    description: 'An update of an unknown client id is refused with 422 instead of 404.',
    faults: { unknownIdUpdate422: true },
    // The documents give 404 for a read of an unknown id, not for an update (errors/unknown-id-status).
    open: true,
  },
  {
    id: 'duplicate-id-key',
    description: 'Every client object in an answer names its "id" key twice, with the same value, in the JSON text.',
    faults: { duplicateIdKey: true },
    // Every response that carries a client carries the duplicate; RFC 8259 only says names SHOULD be unique.
    global: true,
    open: true,
  },
  {
    id: 'organization-like-matches-city',
    description: 'search[organization_like] also matches clients whose city holds the text.',
    faults: { organizationLikeMatchesCity: true },
  },
  {
    id: 'active-total-counts-deleted',
    description: 'The total of the vis_state 0 list counts deleted clients too (the page holds only active ones).',
    faults: { activeTotalCountsDeleted: true },
  },
  {
    id: 'update-rewrites-signup-date',
    description: 'An update also sets signup_date to the time of the update.',
    faults: { updateRewritesSignupDate: true },
  },
  {
    id: 'restore-keeps-deleted-mark',
    description: 'Restore sets vis_state 0 but keeps the deletion mark the vis_state 0 list filters on: the client stays off that list.',
    faults: { restoreKeepsDeletedMark: true },
  },
  {
    id: 'missing-per-page-unlimited',
    description: 'A list without per_page answers per_page 15 but applies no limit: page 1 holds every matching client.',
    faults: { missingPerPageUnlimited: true },
  },
  {
    id: 'get-id-is-row-number',
    description:
      "GET of a single client answers id as the client's row number in the account (1, 2, ...); userid and the fields are right.",
    faults: { getIdIsRowNumber: true },
  },
  {
    id: 'create-skips-mob-phone',
    description: 'Create does not store mob_phone, yet its answer echoes the value sent: a later get shows it empty.',
    faults: { createSkipsMobPhone: true },
  },
];
