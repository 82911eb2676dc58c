import type { Mutant } from '../../../reference-kit/types.js';
import type { GrowcrmFaults } from './faults.js';

/** Faulty variants of the Grow CRM reference; each enables exactly one fault. */
export const GROWCRM_MUTANTS: readonly Mutant<GrowcrmFaults>[] = [
  {
    id: 'create-answers-200',
    description: 'A successful create answers 200 instead of 201.',
    faults: { createAnswers200: true },
  },
  {
    id: 'get-message-wrong',
    description: 'Get answers the message "Client found." instead of "Client retrieved successfully.".',
    faults: { getMessageWrong: true },
  },
  {
    id: 'owner-route-missing',
    description: 'The owner action has no route: every PUT /clients/{id}/owner answers 404.',
    faults: { ownerRouteMissing: true },
  },
  {
    id: 'actions-without-key',
    description: 'The tags, status and owner actions are served without a valid API key.',
    faults: { actionsWithoutKey: true },
  },
  {
    id: 'unauthorized-403',
    description: 'A missing or invalid API key is answered 403 (same body) instead of 401.',
    faults: { unauthorized403: true },
  },
  {
    id: 'unauthorized-message-wrong',
    description: 'The 401 body\'s message is "Unauthenticated." instead of the documented text.',
    faults: { unauthorizedMessageWrong: true },
  },
  {
    id: 'unknown-id-200-null',
    description: 'Get of an unknown id answers 200 with data null instead of 404.',
    faults: { unknownId200Null: true },
  },
  {
    id: 'not-found-without-message',
    description: 'Every 404 body is {"error": "Not found"}, without a message.',
    faults: { notFoundWithoutMessage: true },
  },
  {
    id: 'validation-400',
    description: 'Every validation failure answers 400 (same body) instead of 422.',
    faults: { validation400: true },
  },
  {
    id: 'validation-without-errors',
    description: 'Every 422 body carries only message, without errors.',
    faults: { validationWithoutErrors: true },
  },
  {
    id: 'first-name-optional',
    description: 'A create without first_name, or with it empty, is accepted.',
    faults: { firstNameOptional: true },
  },
  {
    id: 'duplicate-email-accepted',
    description: "A create with an email another client's user already has is accepted.",
    faults: { duplicateEmailAccepted: true },
  },
  {
    id: 'company-default-first-name',
    description: 'An omitted client_company_name defaults to first_name alone instead of "first_name last_name".',
    faults: { companyDefaultFirstName: true },
  },
  {
    id: 'custom-field-optional',
    description: 'The required client custom field is not enforced on create or update.',
    faults: { customFieldOptional: true },
  },
  {
    id: 'limit-uncapped',
    description: 'A limit above 100 is honoured: meta.per_page is the limit and a page holds up to that many.',
    faults: { limitUncapped: true },
  },
  {
    id: 'last-page-floor',
    description: 'meta.last_page is max(1, floor(total / per_page)) instead of the ceiling.',
    faults: { lastPageFloor: true },
  },
  {
    id: 'page-boundary-repeat',
    description: "Every page after the first starts one item early, repeating the previous page's last item.",
    faults: { pageBoundaryRepeat: true },
  },
  {
    id: 'status-filter-ignored',
    description: 'The status query parameter is ignored.',
    faults: { statusFilterIgnored: true },
  },
  {
    id: 'category-filter-ignored',
    description: 'The category_id query parameter is ignored.',
    faults: { categoryFilterIgnored: true },
  },
  {
    id: 'search-word-start-only',
    description: 'Search matches only where a word of the company name starts, not anywhere in it.',
    faults: { searchWordStartOnly: true },
  },
  {
    id: 'order-ignored',
    description: 'The order parameter is ignored: lists always come descending.',
    faults: { orderIgnored: true },
  },
  {
    id: 'default-order-asc',
    description: 'With sort given and no order, lists come ascending instead of descending.',
    faults: { defaultOrderAsc: true },
  },
  {
    id: 'sort-company-name-by-id',
    description: 'sort=client_company_name sorts by id instead.',
    faults: { sortCompanyNameById: true },
  },
  { id: 'sort-status-by-id', description: 'sort=client_status sorts by id instead.', faults: { sortStatusById: true } },
  {
    id: 'sort-created-by-name',
    description: 'sort=client_created sorts by company name (case-insensitive) instead.',
    faults: { sortCreatedByName: true },
  },
  {
    id: 'sort-updated-by-created',
    description: 'sort=client_updated sorts by the created date instead.',
    faults: { sortUpdatedByCreated: true },
  },
  {
    id: 'update-clears-unnamed',
    description: 'A PATCH sets every optional updatable field it does not name to null (the category to the default).',
    faults: { updateClearsUnnamed: true },
  },
  {
    id: 'update-resets-status',
    description: 'A PATCH sets the status back to "active".',
    faults: { updateResetsStatus: true },
  },
  {
    id: 'update-without-company-accepted',
    description: 'A PATCH without client_company_name is accepted (200) and applies the other fields.',
    faults: { updateWithoutCompanyAccepted: true },
  },
  {
    id: 'update-refused-yet-saved',
    description: 'A PATCH without client_company_name answers 422 but still saves the other fields it names.',
    faults: { updateRefusedYetSaved: true },
  },
  {
    id: 'update-restores-created-tags',
    description: 'A PATCH sets the tags back to the set the client was created with (a stale copy).',
    faults: { updateRestoresCreatedTags: true },
  },
  {
    id: 'tags-appended',
    description: 'PUT tags adds the given tags to the existing set instead of replacing it.',
    faults: { tagsAppended: true },
  },
  {
    id: 'tags-empty-ignored',
    description: 'PUT tags with an empty array leaves the tags unchanged instead of clearing them.',
    faults: { tagsEmptyIgnored: true },
  },
  {
    id: 'tags-on-create-dropped',
    description: 'Tags given on create are not stored.',
    faults: { tagsOnCreateDropped: true },
  },
  {
    id: 'status-any-value',
    description: 'PUT status accepts and stores any non-empty string, not only "active" or "suspended".',
    faults: { statusAnyValue: true },
  },
  {
    id: 'status-suspend-toggles',
    description: 'PUT status "suspended" on a client already suspended answers 200 but reactivates it (a suspend toggle).',
    faults: { statusSuspendToggles: true },
  },
  {
    id: 'status-refused-400',
    description: 'PUT status with an undocumented value is refused with 400 (same body) instead of 422.',
    faults: { statusRefused400: true },
    open: true,
  },
  {
    id: 'status-refused-yet-stored',
    description: 'PUT status with an undocumented value answers 422 but stores the value anyway.',
    faults: { statusRefusedYetStored: true },
  },
  {
    id: 'status-action-clears-fields',
    description: 'PUT status also sets every optional text field to null (an update repository reused with the action body).',
    faults: { statusActionClearsFields: true },
  },
  {
    id: 'owner-any-user',
    description: "PUT owner accepts any existing user's id (e.g. another client's primary user) as the owner.",
    faults: { ownerAnyUser: true },
  },
  {
    id: 'owner-stores-client-id',
    description: "PUT owner validates the given user but stores the client's own id (the route parameter) as the owner.",
    faults: { ownerStoresClientId: true },
  },
  {
    id: 'owner-rejects-current',
    description: "PUT owner with the client's current owner id answers 422 on owner.",
    faults: { ownerRejectsCurrent: true },
  },
  {
    id: 'delete-soft',
    description: 'DELETE only marks the client deleted: lists hide it, but get, update, actions and delete still answer 200.',
    faults: { deleteSoft: true },
  },
  {
    id: 'deleted-still-listed',
    description: 'DELETE makes the client 404 everywhere but the lists, which still show and count it.',
    faults: { deletedStillListed: true },
  },
  {
    id: 'ids-reused',
    description: 'A create takes the largest existing id + 1, so deleting the newest client frees its id.',
    faults: { idsReused: true },
    open: true,
  },
  { id: 'list-without-meta', description: 'List answers carry data and message but no meta.', faults: { listWithoutMeta: true } },
  { id: 'small-limit-ignored', description: 'A limit below 10 is served as 10.', faults: { smallLimitIgnored: true } },
  {
    id: 'empty-list-last-page-0',
    description: 'An empty list reports last_page 0 (Laravel reports 1).',
    faults: { emptyListLastPage0: true },
  },
  {
    id: 'page-zero-unlimited',
    description: 'A page below 1 is served as every matching client on one page.',
    faults: { pageZeroUnlimited: true },
    boundaryOnly: true,
  },
  {
    id: 'limit-100-rejected',
    description: 'A limit of exactly 100 (the documented maximum) is refused with 422.',
    faults: { limit100Rejected: true },
  },
  {
    id: 'max-page-size-99',
    description: 'A limit of 100 serves 99 clients a page, and says per_page 99.',
    faults: { maxPageSize99: true },
    boundaryOnly: true,
  },
  {
    id: 'empty-text-rejected',
    description: 'An empty string in an optional text field is refused with 422.',
    faults: { emptyTextRejected: true },
    boundaryOnly: true,
  },
  {
    id: 'ampersand-truncates',
    description: 'A stored text value is cut at its first "&".',
    faults: { ampersandTruncates: true },
    boundaryOnly: true,
  },
  {
    id: 'combining-marks-dropped',
    description: 'Combining marks (U+0300-U+036F) are dropped from stored text.',
    faults: { combiningMarksDropped: true },
    boundaryOnly: true,
  },
  {
    id: 'emoji-dropped',
    description: 'Characters outside the Basic Multilingual Plane (emoji) are dropped from stored text.',
    faults: { emojiDropped: true },
    boundaryOnly: true,
  },
  {
    id: 'search-matches-description',
    description: 'search also matches clients whose description holds the text, not only the company name.',
    faults: { searchMatchesDescription: true },
  },
  {
    id: 'tags-action-reactivates',
    description: 'The tags action also sets the status back to active.',
    faults: { tagsActionReactivates: true },
  },
  {
    id: 'update-rewrites-created',
    description: 'A PATCH also sets dates.created to the time of the update.',
    faults: { updateRewritesCreated: true },
  },
];
