/** The faults a FreshBooks MCP mutant can switch on; the reference has none. */
export interface McpFaults {
  // Documented error codes.
  /** An unknown (or already deleted, for client_delete) client id answers -32603 instead of -32005. */
  readonly notFoundInternal?: boolean;
  /** perPage above 100 is served (up to the value asked) instead of answered -32602. */
  readonly perPageUncapped?: boolean;
  /** A client_list visState outside 0, 1, 2 is accepted (and matches nothing) instead of answered -32602. */
  readonly visStateUnchecked?: boolean;
  /** client_create without any non-empty fName, lName or organization creates a nameless client. */
  readonly namelessCreateAccepted?: boolean;
  /** An invalid email is stored on create and update instead of answered -32602. */
  readonly invalidEmailAccepted?: boolean;
  /** A clientId of 0 or below answers -32005 (not found) instead of -32602. */
  readonly nonPositiveIdNotFound?: boolean;
  /** An accountId of any shape is accepted. */
  readonly accountIdUnchecked?: boolean;
  /** A server started unauthenticated serves data instead of answering -32001. */
  readonly servesWithoutAuth?: boolean;
  /** A call of a tool the server does not have answers an empty success result instead of -32602. */
  readonly unknownToolSucceeds?: boolean;
  /** A call of a tool the server does not have is refused with -32600 (invalid request) instead of -32602. */
  readonly unknownToolInvalidRequest?: boolean;
  /** A client_create text argument of another JSON type crashes the call: -32603 instead of -32602. */
  readonly wrongTypesInternalError?: boolean;
  /** A wrongly typed client_create argument is answered as an isError tool result without a code instead of -32602. */
  readonly wrongTypesToolError?: boolean;

  // Defaults and limits.
  /** perPage defaults to 20 instead of 30. */
  readonly defaultPerPage20?: boolean;
  /** Pages are counted from 0: page defaults to 0, and page N serves the (N+1)th page. */
  readonly pagesZeroBased?: boolean;
  /** An empty list answers pages 1 instead of 0. */
  readonly emptyListOnePage?: boolean;
  /** page 0 or below answers every matching client on one page, beyond perPage, instead of -32602. */
  readonly pageZeroServedWhole?: boolean;

  // Filters.
  /** The email filter matches any email containing the value. */
  readonly emailFilterPartial?: boolean;
  /** The organization filter matches only the whole organization name. */
  readonly organizationFilterExact?: boolean;
  /** The fName filter is ignored. */
  readonly fNameFilterIgnored?: boolean;
  /** The lName filter compares letter case. */
  readonly lNameFilterCaseSensitive?: boolean;
  /** The visState filter is ignored. */
  readonly visStateFilterIgnored?: boolean;

  // Semantics.
  /** client_update resets every writable field not given to its create default. */
  readonly updateWipesUnreferenced?: boolean;
  /** client_delete (and client_update visState 1) removes the client. */
  readonly hardDelete?: boolean;
  /** client_update visState 0 on a deleted client is ignored; it stays deleted. */
  readonly restoreIgnored?: boolean;
  /** `total` counts the matches of every visibility state, ignoring the visState filter. */
  readonly totalCountsAllStates?: boolean;
  /** Every page after the first starts one client early, repeating the last client of the page before. */
  readonly pageBoundaryRepeat?: boolean;
  /** client_single answers the account's newest client, whichever existing clientId it is asked for. */
  readonly singleAnswersNewest?: boolean;
  /** client_create does not store busPhone: the client keeps "". */
  readonly createDropsBusPhone?: boolean;

  // What tools/list advertises (the calls themselves behave as the reference).
  /** client_delete is missing from tools/list. */
  readonly deleteUnlisted?: boolean;
  /** client_list's inputSchema names fName `firstName`. */
  readonly listFNameRenamed?: boolean;
  /** client_list's inputSchema has no maximum on perPage. */
  readonly perPageMaxDropped?: boolean;
  /** client_list's inputSchema gives perPage a maximum of 50, not the documented 100. */
  readonly perPageMaxNarrowed?: boolean;
  /** Every inputSchema types numbers as the tables do (number) and carries no minimum, maximum, enum, format or anyOf. */
  readonly advertisedLoose?: boolean;
  /** client_create's inputSchema requires email. */
  readonly createEmailRequired?: boolean;
  /** clientId is typed string in every inputSchema that has it. */
  readonly clientIdTypedString?: boolean;
  /** client_single's advertised outputSchema types id as a string (its answers keep numbers). */
  readonly advertisedOutputIdString?: boolean;

  // The handshake.
  /** initialize answers capabilities without `tools` (the tool calls still answer). */
  readonly handshakeWithoutTools?: boolean;

  // Output.
  /** A client's id is answered as a string. */
  readonly idAsString?: boolean;
  /** client_list answers each client's id as a string; the other tools answer numbers. */
  readonly listIdsAsStrings?: boolean;
  /** The fName filter also matches clients whose lName holds the text (a full-name search). */
  readonly fNameFilterMatchesLName?: boolean;
  /** An update also sets signupDate to the time of the update. */
  readonly updateRewritesSignupDate?: boolean;
  /** client_update of a deleted client that does not restore it answers client not found. */
  readonly deletedUpdateNotFound?: boolean;
}
