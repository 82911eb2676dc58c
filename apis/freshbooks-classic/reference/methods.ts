/** The `client.*` methods of the FreshBooks Classic reference, each scoped to the caller. */
import type { XmlElement } from '../../../protocols/xml/codec.js';
import { paginate } from '../../../reference-kit/paging.js';
import { timestampNow } from '../../../reference-kit/time.js';
import { clientElement, element, ok, type Outcome, type Served } from './envelopes.js';
import type { ClassicFaults } from './faults.js';
import {
  FailCode,
  PlainFailure,
  RequestFailure,
  childrenByName,
  leafText,
  malformed,
  parseClientId,
  parseFolder,
  parsePositiveInteger,
  parseRequestDocument,
  parseTimestampFilter,
} from './requests.js';
import {
  CLIENT_FIELDS,
  blankFields,
  randomPassword,
  type Caller,
  type ClientFields,
  type ClientRecord,
  type ClientStore,
} from './store.js';

const DEFAULT_PER_PAGE = 25;
const FAULTY_DEFAULT_PER_PAGE = 10;

const LIST_FILTERS: ReadonlySet<string> = new Set([
  'email',
  'username',
  'notes',
  'folder',
  'updated_from',
  'updated_to',
  'page',
  'per_page',
]);
const CREATE_ELEMENTS: ReadonlySet<string> = new Set(CLIENT_FIELDS);
const UPDATE_ELEMENTS: ReadonlySet<string> = new Set(['client_id', ...CLIENT_FIELDS]);
const ID_ONLY: ReadonlySet<string> = new Set(['client_id']);

/** The children of `<client>`; `ignoreUnknown` is the ignores-unknown-elements fault. */
function clientPayload(request: XmlElement, allowed: ReadonlySet<string>, ignoreUnknown = false): Map<string, XmlElement> {
  const top = childrenByName(request, new Set(['client']));
  const client = top.get('client');
  if (client === undefined) throw malformed('<client> is required');
  return childrenByName(client, allowed, ignoreUnknown);
}

/** The fields given, as stored; `dropsNonAscii` is the fault that drops every character outside ASCII. */
function readFields(given: Map<string, XmlElement>, dropsNonAscii = false): Partial<ClientFields> {
  const patch: Partial<ClientFields> = {};
  for (const field of CLIENT_FIELDS) {
    const el = given.get(field);
    if (el !== undefined) patch[field] = dropsNonAscii ? leafText(el).replace(/[^\x00-\x7f]/gu, '') : leafText(el);
  }
  return patch;
}

function notFound(id: number): RequestFailure {
  return new RequestFailure(FailCode.notFound, `Client ${id} not found`);
}

/** Answers a request document from `caller`: the method's outcome, or the failure it was refused with. */
export type Dispatch = (body: string, caller: Caller) => Served;

export function classicDispatcher(store: ClientStore, faults: ClassicFaults): Dispatch {
  function canRead(caller: Caller, record: ClientRecord): boolean {
    return caller === 'admin' || record.assignedToStaff || faults.staffSeesAll === true;
  }

  function canWrite(caller: Caller, record: ClientRecord): boolean {
    return caller === 'admin' || record.assignedToStaff || faults.staffEditsUnassigned === true;
  }

  /** The client the caller may act on; an out-of-scope client answers as if it did not exist. */
  function findClient(caller: Caller, id: number, access: 'read' | 'write'): ClientRecord {
    const record = store.get(id);
    if (record === undefined) throw faults.unknownId404 ? new PlainFailure(404, `Client ${id} not found`) : notFound(id);
    if (!(access === 'read' ? canRead(caller, record) : canWrite(caller, record))) throw notFound(id);
    return record;
  }

  function create(request: XmlElement, caller: Caller): Outcome {
    const patch = readFields(clientPayload(request, CREATE_ELEMENTS, faults.ignoresUnknownElements), faults.dropsNonAscii);
    if (faults.createDropsPostalCode) delete patch.p_code;
    const fields: ClientFields = { ...blankFields(), ...patch };
    if (fields.username === '') fields.username = faults.usernameNotEmail ? fields.first_name : fields.email;
    if (fields.password === '') fields.password = randomPassword();
    const id = store.add(fields, caller === 'staff');
    return ok([element('client_id', String(id))]);
  }

  function update(request: XmlElement, caller: Caller): Outcome {
    const given = clientPayload(request, UPDATE_ELEMENTS);
    const id = parseClientId(given.get('client_id'));
    const patch = readFields(given, faults.dropsNonAscii);
    if (faults.updateIgnoresEmpty) for (const field of CLIENT_FIELDS) if (patch[field] === '') delete patch[field];
    const write = (record: ClientRecord): void => {
      const base = faults.updateBlanksUnreferenced ? blankFields() : record.fields;
      record.fields = { ...base, ...patch };
      record.updated = timestampNow();
    };
    // The staff-update-writes-before-refusal fault writes first and checks the caller's scope only after.
    const written = faults.staffUpdateWritesBeforeRefusal ? store.get(id) : undefined;
    if (written !== undefined) write(written);
    const record = findClient(caller, id, 'write');
    if (written === undefined) write(record);
    return faults.updateAnswersClient ? ok([element('client_id', String(id))]) : ok();
  }

  function get(request: XmlElement, caller: Caller): Outcome {
    const id = parseClientId(childrenByName(request, ID_ONLY).get('client_id'));
    if (faults.getUnknownOk && store.get(id) === undefined) return ok();
    if (faults.staffGetDenied && caller === 'staff') throw notFound(id);
    const options = { withPassword: faults.getReturnsPassword, creditNotDecimal: faults.creditNotDecimal };
    if (faults.staffGetByPosition && caller === 'staff') {
      // The fault: client_id taken as a 1-based position in the staff user's own list (descending client_id).
      const mine = store
        .all()
        .filter((r) => canRead(caller, r))
        .sort((a, b) => b.id - a.id);
      const record = mine[id - 1];
      if (record === undefined) throw notFound(id);
      return ok([clientElement(record, options)]);
    }
    return ok([clientElement(findClient(caller, id, 'read'), options)]);
  }

  function remove(request: XmlElement, caller: Caller): Outcome {
    const id = parseClientId(childrenByName(request, ID_ONLY).get('client_id'));
    if (faults.deleteUnknownOk && store.get(id) === undefined) return ok();
    const record = findClient(caller, id, 'write');
    if (faults.deleteIsHard) {
      store.delete(id);
    } else if (record.folder !== 'deleted') {
      record.folder = 'deleted';
      record.updated = timestampNow();
    }
    return ok();
  }

  function list(request: XmlElement, caller: Caller): Outcome {
    const given = childrenByName(request, LIST_FILTERS);
    const text = (name: string): string | undefined => {
      const el = given.get(name);
      return el === undefined ? undefined : leafText(el);
    };
    const email = text('email')?.toLowerCase();
    const username = text('username')?.toLowerCase();
    const notes = text('notes')?.toLowerCase();
    const folder = parseFolder(given.get('folder'));
    const updatedFrom = parseTimestampFilter(given.get('updated_from'), 'updated_from');
    const updatedTo = parseTimestampFilter(given.get('updated_to'), 'updated_to');
    const askedPage = parsePositiveInteger(given.get('page'), 'page', 1, faults.pageZeroUnpaged);
    const defaultPerPage = faults.defaultPerPage10 ? FAULTY_DEFAULT_PER_PAGE : DEFAULT_PER_PAGE;
    const askedPerPage = parsePositiveInteger(given.get('per_page'), 'per_page', defaultPerPage);
    const requestedPerPage = faults.perPage99IsDefault && askedPerPage === 99 ? defaultPerPage : askedPerPage;

    const inFolder = (record: ClientRecord): boolean =>
      record.folder === folder || (faults.deletedStayActive === true && folder === 'active' && record.folder === 'deleted');
    const emailMatches = (have: string, want: string): boolean => {
      if (faults.emailFilterPartial) return have.toLowerCase().includes(want);
      return faults.emailFilterPrefix ? have.toLowerCase().startsWith(want) : have.toLowerCase() === want;
    };

    // The admin-list-hides-assigned fault scopes the admin's list to the clients assigned to no staff member.
    const listable = (r: ClientRecord): boolean =>
      canRead(caller, r) && !(faults.adminListHidesAssigned === true && caller === 'admin' && r.assignedToStaff);
    const matches = (r: ClientRecord): boolean =>
      listable(r) &&
      (email === undefined || emailMatches(r.fields.email, email)) &&
      (username === undefined || r.fields.username.toLowerCase() === username) &&
      (notes === undefined || r.fields.notes.toLowerCase().includes(notes)) &&
      (updatedFrom === undefined || r.updated >= updatedFrom) &&
      (updatedTo === undefined || r.updated <= updatedTo);
    const matched = store
      .all()
      .filter((r) => inFolder(r) && matches(r))
      .sort((a, b) => (faults.listAscending ? a.id - b.id : b.id - a.id));

    // Only the page-zero-unpaged fault lets a page below 1 get here: it is served as page 1 holding every match.
    const unpaged = askedPage < 1;
    const page = unpaged ? 1 : askedPage;
    const served = paginate(matched, page, requestedPerPage, {
      perPageUncapped: faults.perPageUncapped,
      pagesFloor: faults.pagesFloor,
    });
    const { perPage, pages: servedPages } = served;
    const items = unpaged ? matched : served.items;
    const deletedToo = faults.activeTotalCountsDeleted && folder === 'active';
    const counted = faults.totalIsPageSize
      ? items.length
      : deletedToo
        ? matched.length + store.all().filter((r) => r.folder === 'deleted' && matches(r)).length
        : matched.length;
    const total = faults.totalCappedAt100 ? Math.min(counted, 100) : counted;
    const pages = faults.emptyListOnePage && matched.length === 0 ? 1 : servedPages;
    const attributes = { page: String(page), per_page: String(perPage), pages: String(pages), total: String(total) };
    return ok([
      element(
        'clients',
        items.map((record) => clientElement(record, { creditNotDecimal: faults.creditNotDecimal })),
        attributes,
      ),
    ]);
  }

  const methods: ReadonlyMap<string, (request: XmlElement, caller: Caller) => Outcome> = new Map([
    ['client.create', create],
    ['client.update', update],
    ['client.get', get],
    ['client.delete', remove],
    ['client.list', list],
  ]);

  return (body, caller) => {
    try {
      const { method, request } = parseRequestDocument(body);
      const handler = methods.get(method);
      if (handler === undefined) throw new RequestFailure(FailCode.unknownMethod, `Unknown method "${method}"`);
      return handler(request, caller);
    } catch (err) {
      if (err instanceof RequestFailure) return { status: 'fail', code: err.code, message: err.message };
      if (err instanceof PlainFailure) return { status: 'plain', httpStatus: err.httpStatus, text: err.message };
      throw err;
    }
  };
}
