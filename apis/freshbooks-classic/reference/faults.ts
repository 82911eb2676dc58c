/** The faults a FreshBooks Classic mutant can switch on; the reference has none. */
export interface ClassicFaults {
  /** client.update resets every field the request leaves out to ''. */
  updateBlanksUnreferenced?: boolean;
  /** client.list orders by ascending client_id. */
  listAscending?: boolean;
  /** client.list defaults per_page to 10 instead of 25. */
  defaultPerPage10?: boolean;
  /** `pages` is floor(total / per_page) instead of ceil. */
  pagesFloor?: boolean;
  /** `total` counts only the clients on the returned page. */
  totalIsPageSize?: boolean;
  /** client.list answers `pages="1"` instead of 0 when no client matches. */
  emptyListOnePage?: boolean;
  /** The staff user's list and get also see clients not assigned to them. */
  staffSeesAll?: boolean;
  /** The staff user may update and delete clients not assigned to them (list and get stay scoped). */
  staffEditsUnassigned?: boolean;
  /** A missing or empty username defaults to first_name instead of email. */
  usernameNotEmail?: boolean;
  /** client.get of an unknown id answers an empty ok response. */
  getUnknownOk?: boolean;
  /** client.get's `<client>` carries the `<password>`, which the XSD does not allow (client.list unchanged). */
  getReturnsPassword?: boolean;
  /** client.update answers `<client_id>` inside the ok response instead of nothing. */
  updateAnswersClient?: boolean;
  /** The fail envelope has `<error>` but no `<code>`. */
  failWithoutCode?: boolean;
  /** Response text is written without escaping, so `&` or `<` in a value makes the XML malformed. */
  unescapedText?: boolean;
  /** Every 200 answer says `Content-Type: text/html; charset=utf-8`. */
  htmlContentType?: boolean;
  /** The client.list email filter matches any email containing the value. */
  emailFilterPartial?: boolean;
  /** client.delete removes the client entirely instead of moving it to the deleted folder. */
  deleteIsHard?: boolean;
  /** The active folder also lists deleted clients. */
  deletedStayActive?: boolean;
  /** A request without Authorization is served as the admin. */
  noAuth?: boolean;
  /** per_page above 100 is honoured instead of capped. */
  perPageUncapped?: boolean;
  /** client.create ignores p_code. */
  createDropsPostalCode?: boolean;
  /** Any Basic user name is served as the admin (a wrong token is accepted). */
  anyUserAccepted?: boolean;
  /** The staff user's client.get fails even for a client assigned to them. */
  staffGetDenied?: boolean;
  /** Characters outside ASCII are dropped from stored text. */
  dropsNonAscii?: boolean;
  /** An element sent empty in client.update leaves its field unchanged. */
  updateIgnoresEmpty?: boolean;
  /** The client.list email filter also matches emails that start with the value. */
  emailFilterPrefix?: boolean;
  /** per_page 99 is answered as if no per_page were given (the default, 25). */
  perPage99IsDefault?: boolean;
  /** Page 0 or a negative page is served as page 1 holding every matching client (per_page ignored) instead of the fail envelope. */
  pageZeroUnpaged?: boolean;
  /** `total` reports at most 100. */
  totalCappedAt100?: boolean;
  /** client.create ignores elements in `<client>` that the schema does not know instead of failing. */
  ignoresUnknownElements?: boolean;
  /** A client_id that exists nowhere is answered HTTP 404 with a plain-text body instead of the fail envelope. */
  unknownId404?: boolean;
  /** Every fail envelope is sent with a 4xx status (404 for a client not found, 400 otherwise) instead of 200. */
  failEnvelope4xx?: boolean;
  /** The `<code>` of every fail envelope carries letters (`E40404`). */
  failCodeNotDigits?: boolean;
  /** A client's `<credit>` is `none` instead of a decimal amount. */
  creditNotDecimal?: boolean;
  /** The total of the active list counts deleted clients too (the page holds only active ones). */
  activeTotalCountsDeleted?: boolean;
  /** client.delete of an unknown client_id answers ok instead of the fail envelope. */
  deleteUnknownOk?: boolean;
  /** A staff client.update of a client not assigned to them writes the changes before the assignment check refuses it. */
  staffUpdateWritesBeforeRefusal?: boolean;
  /** The staff user's client.get reads client_id as a 1-based position in their own list (descending client_id). */
  staffGetByPosition?: boolean;
  /** The admin's client.list leaves out clients assigned to a staff member (client.get still reads them). */
  adminListHidesAssigned?: boolean;
}
