import type { Mutant } from '../../../reference-kit/types.js';
import type { McpFaults } from './faults.js';

/** Faulty variants of the FreshBooks MCP reference; each enables exactly one fault. */
export const MCP_MUTANTS: readonly Mutant<McpFaults>[] = [
  // One per documented error code.
  {
    id: 'not-found-internal-error',
    description: 'An unknown clientId answers -32603 (internal error) instead of -32005.',
    faults: { notFoundInternal: true },
  },
  {
    id: 'per-page-uncapped',
    description: 'perPage above 100 (e.g. 150) is served instead of answered -32602.',
    faults: { perPageUncapped: true },
  },
  {
    id: 'vis-state-unchecked',
    description: 'client_list with visState 3 (or any value outside 0, 1, 2) answers an empty list instead of -32602.',
    faults: { visStateUnchecked: true },
  },
  {
    id: 'nameless-create-accepted',
    description: 'client_create without fName, lName or organization creates a nameless client instead of answering -32602.',
    faults: { namelessCreateAccepted: true },
  },
  {
    id: 'invalid-email-accepted',
    description: 'client_create and client_update store an email that is not an address instead of answering -32602.',
    faults: { invalidEmailAccepted: true },
  },
  {
    id: 'non-positive-id-not-found',
    description: 'A clientId of 0 or -1 answers -32005 (not found) instead of -32602 (invalid clientId).',
    faults: { nonPositiveIdNotFound: true },
  },
  {
    id: 'account-id-unchecked',
    description: 'An accountId of any shape (empty, with spaces or slashes) is served instead of answered -32602.',
    faults: { accountIdUnchecked: true },
    // Which accountIds are malformed is assumed: the seed gives no format.
    open: true,
  },
  {
    id: 'serves-without-auth',
    description:
      'A server started without FreshBooks credentials serves data instead of answering -32001 (seen only when started unauthenticated).',
    faults: { servesWithoutAuth: true },
  },
  {
    id: 'unknown-tool-succeeds',
    description: 'A call of a tool the server does not have answers an empty success result instead of -32602.',
    // MCP makes an unknown tool a protocol error: a success breaks that meaning (self-description/unknown-operation).
    faults: { unknownToolSucceeds: true },
  },
  {
    id: 'unknown-tool-invalid-request',
    description: 'A call of a tool the server does not have is refused with -32600 (invalid request) instead of -32602.',
    faults: { unknownToolInvalidRequest: true },
    // Refused as MCP says; which code refuses it is open (self-description/unknown-operation-code).
    open: true,
  },
  {
    id: 'wrong-types-internal-error',
    description:
      'A client_create text argument of another JSON type (fName: 123) crashes the call: -32603 (internal error) instead of -32602.',
    // Refusing or coercing is open, but -32603 is the server failing (mcp/internal-error).
    faults: { wrongTypesInternalError: true },
  },
  {
    id: 'wrong-types-tool-error',
    description:
      'A wrongly typed client_create argument is answered as an isError result without a code (as the SDK McpServer does) instead of -32602.',
    faults: { wrongTypesToolError: true },
    // Refused, but the documents give no code for wrongly typed arguments (errors/invalid-body is open).
    open: true,
  },
  // Documented defaults.
  { id: 'default-per-page-20', description: 'perPage defaults to 20 instead of 30.', faults: { defaultPerPage20: true } },
  {
    id: 'pages-zero-based',
    description: 'Pages count from 0: page defaults to 0 and page 1 serves the second page.',
    faults: { pagesZeroBased: true },
  },
  {
    id: 'empty-list-one-page',
    description: 'An empty list answers pagination.pages 1 instead of 0.',
    faults: { emptyListOnePage: true },
    // The seed gives no page count for an empty list; 0 (ceil of 0) is assumed.
    open: true,
  },
  {
    id: 'page-zero-served-whole',
    description: 'page 0 or below answers every matching client on one page, beyond perPage, instead of -32602.',
    faults: { pageZeroServedWhole: true },
    // A refusal of page 0 is open, but a page holding more than perPage clients breaks what perPage means.
    // Only the boundary phase asks for page 0 or -1.
    boundaryOnly: true,
  },
  // Filters.
  {
    id: 'email-filter-partial',
    description: 'The email filter matches any email containing the value instead of the exact address.',
    faults: { emailFilterPartial: true },
  },
  {
    id: 'organization-filter-exact',
    description: 'The organization filter matches only the whole name instead of a part of it.',
    faults: { organizationFilterExact: true },
  },
  { id: 'fname-filter-ignored', description: 'The fName filter is ignored: every client is listed.', faults: { fNameFilterIgnored: true } },
  {
    id: 'lname-filter-case-sensitive',
    description: 'The lName filter compares letter case.',
    faults: { lNameFilterCaseSensitive: true },
    // The seed says only "(partial match)"; ignoring letter case is assumed.
    open: true,
  },
  {
    id: 'vis-state-filter-ignored',
    description: 'The visState filter is ignored: clients of every state are listed.',
    faults: { visStateFilterIgnored: true },
  },
  // Semantics.
  {
    id: 'update-wipes-unreferenced',
    description: 'client_update resets every field it was not given to its create default.',
    faults: { updateWipesUnreferenced: true },
  },
  {
    id: 'hard-delete',
    description: 'client_delete removes the client, so client_single then answers -32005 and visState 1 lists nothing.',
    faults: { hardDelete: true },
  },
  {
    id: 'restore-ignored',
    description: 'client_update with visState 0 on a deleted client is ignored; it stays deleted.',
    faults: { restoreIgnored: true },
  },
  {
    id: 'total-counts-all-states',
    description: 'pagination.total counts the matching clients of every visibility state, ignoring the visState filter.',
    faults: { totalCountsAllStates: true },
  },
  {
    id: 'page-boundary-repeat',
    description: 'Every page after the first starts one client early, repeating the last client of the page before.',
    // Besides the assumed "each client once", the last page then holds more than total and perPage allow: a promise.
    faults: { pageBoundaryRepeat: true },
  },
  {
    id: 'single-answers-newest',
    description: "client_single answers the account's newest client, whichever existing clientId it is asked for.",
    // The newest, not the oldest: which checks see it then depends on each check's own clients, not on
    // what the checks before it created, so a run of just its killers kills it alike.
    faults: { singleAnswersNewest: true },
  },
  {
    id: 'create-drops-bus-phone',
    description: 'client_create does not store busPhone: the new client has busPhone "".',
    faults: { createDropsBusPhone: true },
  },
  // What tools/list advertises (the calls behave as the reference).
  {
    id: 'delete-tool-unlisted',
    description: 'client_delete is missing from tools/list (it still answers when called).',
    faults: { deleteUnlisted: true },
  },
  {
    id: 'list-fname-renamed',
    description: "client_list's inputSchema calls fName firstName.",
    faults: { listFNameRenamed: true },
  },
  {
    id: 'per-page-max-dropped',
    description: "client_list's inputSchema has no maximum on perPage.",
    faults: { perPageMaxDropped: true },
    // Left out, "(max 100)" is contradicted by nothing: the server still refuses perPage 101 in code (self-description/schema-limits).
    open: true,
  },
  {
    id: 'per-page-max-narrowed',
    description: "client_list's inputSchema gives perPage a maximum of 50 instead of the documented 100.",
    faults: { perPageMaxNarrowed: true },
  },
  {
    id: 'advertised-schemas-loose',
    description: 'Every inputSchema types numbers number, as the tables do, without minimum, maximum, enum, format or anyOf.',
    faults: { advertisedLoose: true },
    // What an independent server advertises: it leaves out what the tables state, and contradicts none of it.
    open: true,
  },
  {
    id: 'create-email-required',
    description: "client_create's inputSchema requires email.",
    faults: { createEmailRequired: true },
  },
  {
    id: 'client-id-typed-string',
    description: 'clientId is typed string in the inputSchema of client_single, client_update and client_delete.',
    faults: { clientIdTypedString: true },
  },
  {
    id: 'advertised-output-id-string',
    description: "client_single's advertised outputSchema types id as a string, while its answers carry numbers.",
    // MCP: "Servers MUST provide structured results that conform to this schema" (self-description/own-output-schema).
    faults: { advertisedOutputIdString: true },
  },
  // The handshake.
  {
    id: 'handshake-without-tools',
    description: 'initialize declares no tools capability (the tools still answer when called).',
    faults: { handshakeWithoutTools: true },
  },
  // Output.
  {
    id: 'id-as-string',
    description: 'A client\'s id is answered as a string ("10001") instead of a number.',
    faults: { idAsString: true },
    // Every answer that carries a client carries the string id.
    global: true,
  },
  {
    id: 'list-ids-as-strings',
    description: 'client_list answers each client\'s id as a string ("10001"); client_single and the other tools answer numbers.',
    faults: { listIdsAsStrings: true },
  },
  {
    id: 'fname-filter-matches-lname',
    description: 'The fName filter also matches clients whose lName holds the text (a full-name search).',
    faults: { fNameFilterMatchesLName: true },
  },
  {
    id: 'update-rewrites-signup-date',
    description: 'client_update also sets signupDate to the time of the update.',
    faults: { updateRewritesSignupDate: true },
  },
  {
    id: 'deleted-update-not-found',
    description: 'client_update of a deleted client answers "Client not found" unless it restores the client.',
    faults: { deletedUpdateNotFound: true },
  },
];
