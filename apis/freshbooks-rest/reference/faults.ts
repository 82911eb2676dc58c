/** The faults a FreshBooks REST mutant can switch on; the reference has none. */
export interface FreshbooksFaults {
  /** Update resets every writable field not named in the body to its create default. */
  updateWipesUnreferenced?: boolean;
  /** Update silently ignores `lname`. */
  updateIgnoresLname?: boolean;
  /** Setting vis_state 1 removes the client instead of marking it deleted. */
  hardDelete?: boolean;
  /** `search[vis_state]=0` also returns deleted (vis_state 1) clients. */
  deletedListedAsActive?: boolean;
  /** Setting vis_state 0 on a deleted client is ignored. */
  restoreImpossible?: boolean;
  /** Restoring a deleted client resets its writable fields to their values at creation. */
  restoreRevertsUpdates?: boolean;
  /** Every page after the first starts one item early. */
  pageBoundaryRepeat?: boolean;
  /** `pages` is floor(total / per_page) instead of ceil. */
  pagesFloor?: boolean;
  /** `total` counts every client of the account, ignoring the search filters. */
  totalIgnoresFilters?: boolean;
  /** `per_page` above 100 is honoured instead of capped. */
  perPageUncapped?: boolean;
  /** `_like` filters compare case-sensitively. */
  likeCaseSensitive?: boolean;
  /** `_like` filters match only at the start of the value. */
  likePrefixOnly?: boolean;
  /** `search[email]` matches any email containing the value. */
  emailPartialMatch?: boolean;
  /** `search[userids][]` given several times matches only the first id given. */
  idsFilterFirstOnly?: boolean;
  /** The list result has no `per_page` key. */
  listOmitsPerPage?: boolean;
  /** `id` is serialized as a string. */
  idAsString?: boolean;
  /** An unknown client id answers 500 instead of 404. */
  unknownId500?: boolean;
  /** A request without Authorization is served as if authorized. */
  noTokenAccepted?: boolean;
  /** Any Bearer token is accepted. */
  wrongTokenAccepted?: boolean;
  /** New ids are 100001 + the number of non-deleted clients, overwriting any existing client. */
  idFromActiveCount?: boolean;
  /** Non-string values for text fields are stored as text instead of rejected with 422. */
  acceptsWrongTypes?: boolean;
  /** Every response is labelled `text/html`. */
  htmlContentType?: boolean;
  /** GET of a single client returns only the first half of the JSON text. */
  truncatedJson?: boolean;
  /** A `+` in any stored text is stored as a space, as a form decoder would. */
  plusBecomesSpace?: boolean;
  /** A text field set to null in an update keeps its old value. */
  updateIgnoresNull?: boolean;
  /** A `_like` needle that contains a space matches nothing. */
  likeIgnoresSpacedNeedles?: boolean;
  /** per_page 99 is answered as if no per_page were given (the default, 15). */
  perPage99IsDefault?: boolean;
  /** A list without per_page holds 20 clients a page, not the 15 of every list example. */
  defaultPerPage20?: boolean;
  /** An invalid page (0, negative, not an integer) is refused with 422 instead of 400. */
  badPage422?: boolean;
  /** An update of an unknown id is refused with 422 instead of 404 (a read still answers 404). */
  unknownIdUpdate422?: boolean;
  /** Page 0 or a negative page is served as page 1 holding every matching client (per_page ignored) instead of 400. */
  pageZeroUnpaged?: boolean;
  /** `total` reports at most 100. */
  totalCappedAt100?: boolean;
  /** Stored text values are trimmed of leading and trailing white space on create and update. */
  trimsStoredText?: boolean;
  /** Every client object in an answer names its `id` key twice (same value), in the JSON text. */
  duplicateIdKey?: boolean;
  /** `search[organization_like]` also matches the client's city. */
  organizationLikeMatchesCity?: boolean;
  /** The `total` of a list filtered on vis_state 0 counts deleted clients too. */
  activeTotalCountsDeleted?: boolean;
  /** An update also sets `signup_date` to the time of the update. */
  updateRewritesSignupDate?: boolean;
  /** Restore sets vis_state 0 but keeps the deletion mark the vis_state 0 list filters on. */
  restoreKeepsDeletedMark?: boolean;
  /** A list without per_page answers per_page 15 but applies no limit: the page holds every match from its offset on. */
  missingPerPageUnlimited?: boolean;
  /** GET of a single client answers `id` as the client's row number in the account (1 for the first), not its id. */
  getIdIsRowNumber?: boolean;
  /** Create does not store `mob_phone`, yet its answer echoes the value sent. */
  createSkipsMobPhone?: boolean;
}
