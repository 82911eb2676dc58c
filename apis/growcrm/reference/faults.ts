/** The faults a Grow CRM mutant can switch on; the reference has none. */
export interface GrowcrmFaults {
  /** A successful create answers 200 instead of 201. */
  createAnswers200?: boolean;
  /** Get answers the message "Client found.". */
  getMessageWrong?: boolean;
  /** A missing or invalid key is answered 403 (same body). */
  unauthorized403?: boolean;
  /** The owner action's route is missing: every PUT /clients/{id}/owner answers 404 (a documented operation unreachable). */
  ownerRouteMissing?: boolean;
  /** The action routes (tags, status, owner) are served without a valid key, as a route group left outside the auth middleware. */
  actionsWithoutKey?: boolean;
  /** The 401 body's message is "Unauthenticated.". */
  unauthorizedMessageWrong?: boolean;
  /** Get of an unknown id answers 200 with `data: null`. */
  unknownId200Null?: boolean;
  /** Every 404 body is `{"error": "Not found"}`. */
  notFoundWithoutMessage?: boolean;
  /** Every validation failure answers 400 (same body). */
  validation400?: boolean;
  /** Every 422 body carries only `message`. */
  validationWithoutErrors?: boolean;
  /** A create without first_name (or with it empty) is accepted. */
  firstNameOptional?: boolean;
  /** A create with an email another client's user has is accepted. */
  duplicateEmailAccepted?: boolean;
  /** An omitted client_company_name defaults to first_name alone. */
  companyDefaultFirstName?: boolean;
  /** The required custom field is not enforced (create and update). */
  customFieldOptional?: boolean;
  /** A limit above 100 is honoured. */
  limitUncapped?: boolean;
  /** meta.last_page is max(1, floor(total / per_page)). */
  lastPageFloor?: boolean;
  /** Every page after the first starts one item early. */
  pageBoundaryRepeat?: boolean;
  /** The status query parameter is ignored. */
  statusFilterIgnored?: boolean;
  /** The category_id query parameter is ignored. */
  categoryFilterIgnored?: boolean;
  /** Search matches only where a word of the company name starts. */
  searchWordStartOnly?: boolean;
  /** The order parameter is ignored (always desc). */
  orderIgnored?: boolean;
  /** With sort given and no order, lists come ascending. */
  defaultOrderAsc?: boolean;
  /** sort=client_company_name sorts by id. */
  sortCompanyNameById?: boolean;
  /** sort=client_status sorts by id. */
  sortStatusById?: boolean;
  /** sort=client_created sorts by company name. */
  sortCreatedByName?: boolean;
  /** sort=client_updated sorts by created. */
  sortUpdatedByCreated?: boolean;
  /** A PATCH sets every optional updatable field it does not name to null (the category to the default). */
  updateClearsUnnamed?: boolean;
  /** A PATCH sets status back to "active". */
  updateResetsStatus?: boolean;
  /** A PATCH without client_company_name is accepted and applies the other fields. */
  updateWithoutCompanyAccepted?: boolean;
  /** A PATCH without client_company_name answers 422 but still saves the other fields it names (saved before validating). */
  updateRefusedYetSaved?: boolean;
  /** A PATCH sets tags back to the set the client was created with. */
  updateRestoresCreatedTags?: boolean;
  /** PUT tags adds to the existing set instead of replacing it. */
  tagsAppended?: boolean;
  /** PUT tags with an empty array leaves the tags unchanged. */
  tagsEmptyIgnored?: boolean;
  /** Tags given on create are not stored. */
  tagsOnCreateDropped?: boolean;
  /** PUT status accepts and stores any non-empty string. */
  statusAnyValue?: boolean;
  /** PUT status "suspended" on a client already suspended reactivates it (the action reuses the UI's suspend toggle). */
  statusSuspendToggles?: boolean;
  /** PUT status with an undocumented value is refused with 400 (same body) instead of 422. */
  statusRefused400?: boolean;
  /** PUT status with an undocumented value answers 422 but stores the value anyway. */
  statusRefusedYetStored?: boolean;
  /** PUT status also sets every optional text field to null (an update repository reused with the action's body). */
  statusActionClearsFields?: boolean;
  /** PUT owner accepts the id of any existing user. */
  ownerAnyUser?: boolean;
  /** PUT owner validates the given user but stores the client's own id (the route parameter) as the owner. */
  ownerStoresClientId?: boolean;
  /** PUT owner with the current owner's id answers 422. */
  ownerRejectsCurrent?: boolean;
  /** DELETE only marks the client deleted: lists hide it, everything else still serves it. */
  deleteSoft?: boolean;
  /** DELETE hides the client from everything but the lists. */
  deletedStillListed?: boolean;
  /** A create takes id = (largest existing id) + 1. */
  idsReused?: boolean;
  /** A limit below 10 is served as 10. */
  smallLimitIgnored?: boolean;
  /** An empty list reports last_page 0. */
  emptyListLastPage0?: boolean;
  /** A page below 1 is served as every client on one page. */
  pageZeroUnlimited?: boolean;
  /** A limit of exactly 100 is refused with 422 (an off-by-one cap). */
  limit100Rejected?: boolean;
  /** A limit of 100 serves 99 clients a page (an off-by-one cap). */
  maxPageSize99?: boolean;
  /** An empty string in an optional text field is refused with 422. */
  emptyTextRejected?: boolean;
  /** A stored text value is cut at its first `&` (decoded before the form was split). */
  ampersandTruncates?: boolean;
  /** Combining marks (U+0300-U+036F) are dropped from stored text (a normalising filter gone wrong). */
  combiningMarksDropped?: boolean;
  /** Characters outside the Basic Multilingual Plane (emoji) are dropped from stored text (a utf8mb3 column). */
  emojiDropped?: boolean;
  /** List answers carry no `meta`. */
  listWithoutMeta?: boolean;
  /** `search` also matches the client's description. */
  searchMatchesDescription?: boolean;
  /** The tags action also sets the status back to `active`. */
  tagsActionReactivates?: boolean;
  /** An update also sets `dates.created` to the time of the update. */
  updateRewritesCreated?: boolean;
}
