/**
 * The basis tables of the FreshBooks and Grow CRM specs (issue "Trust"): every rule the checks enforce resolves, per
 * API, to a promise the documents make (quoted verbatim, with where it stands) or to an assumption the
 * spec records. A promise's quote must really stand in the document it names, and the kind of every
 * rule is pinned here, so the audit table of the issue and the specs cannot drift apart.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findApi } from '../apis/registry.js';
import { BasisBook, type BasisEntry, type Grade } from '../engine/basis.js';
import { PROJECT_ROOT, basisEntries, indexOperations, openPlace } from '../generators/spec.js';
import { compileXsd, loadXsdSpec } from '../generators/xsd.js';

const SHARED = join(PROJECT_ROOT, '..', 'shared');
const REST_SPEC = { api: 'freshbooks-rest', path: 'specs/freshbooks-rest/openapi.yaml' };
const CLASSIC_XSD = 'specs/freshbooks-classic/freshbooks-classic.xsd';
const GROWCRM_SPEC = { api: 'growcrm', path: 'specs/growcrm/openapi.yaml' };

/** The rules of the exchange checks (one per check; `envelope` is the adapters' envelope gap). */
const EXCHANGE_RULES = [
  'transport',
  'not-a-server-error',
  'status-documented',
  'content-type',
  'well-formed-body',
  'duplicate-keys',
  'response-schema',
  'documented-message',
  'envelope',
  'credential-echo',
];
/** What `expected-status` / `expected-outcome` judge against (an Expectation's `rule`). */
const EXPECTATION_RULES = [
  'success',
  'errors/unknown-id',
  'errors/unauthorized',
  'errors/invalid-body',
  'errors/not-permitted',
  'deletion/gone',
  'pagination/per-page-cap',
];
/** The suites' `expectThat(...)` rules. */
const SUITE_RULES = `contract/list-size contract/empty-list contract/empty-list-pages contract/get-id contract/create-echo
  contract/create-verbatim contract/create-stored contract/create-default pagination/total pagination/per-page pagination/pages
  pagination/page-size pagination/no-repeats pagination/each-once pagination/past-the-end pagination/default-per-page
  pagination/default-page-size pagination/order pagination/out-of-range-page filtering/only-matches filtering/all-matches
  filtering/case filtering/total filtering/ids partial-update/applied partial-update/untouched partial-update/repeated
  deletion/kept-as-deleted deletion/fields-intact deletion/active-list deletion/deleted-list deletion/restored
  deletion/restored-unchanged deletion/restored-listed deletion/id-not-reused stateful/fresh-id stateful/get-fields
  stateful/get-visibility stateful/list stateful/restore-fields stateful/deleted-id stateful/deleted-read stateful/deleted-update
  stateful/deleted-list access/list-scope access/unchanged access/subset access/readable
  prerequisite/scope prerequisite/restricted-user`.split(/\s+/);
/** The rules of facets only Grow CRM has so far (required and unique fields, custom fields, sorting, actions). */
const FACET_RULES = `errors/required-field errors/unique errors/custom-field ordering/sorted ordering/default-order
  partial-update/refused-unchanged actions/set-replaces actions/set-clears actions/set-on-create actions/enum-applied
  actions/enum-refused actions/own-ref-kept actions/foreign-ref-refused actions/untouched`.split(/\s+/);
const ALL_RULES = [...new Set([...EXCHANGE_RULES, ...EXPECTATION_RULES, ...SUITE_RULES, ...FACET_RULES])];

interface Audit {
  readonly id: string;
  /** The seed of this API (`000`, `001`): a promise citing a seed cites this one. */
  readonly seed: string;
  /** The spec's operations: every entry on an operation names one of them. */
  readonly operations: () => readonly string[];
  /** Rules that cannot fire for this API (their facet is absent), so none is recorded. Keep it short. */
  readonly exclusions: readonly string[];
  /** Every rule whose basis is a promise; every other recorded rule is an assumption. */
  readonly promises: readonly string[];
  /** Rules only this API's adapter names (a lenient expectation's exact-status rule): known for it alone. */
  readonly ownRules?: readonly string[];
  readonly entries: () => readonly BasisEntry[];
}

/**
 * FreshBooks REST: the grade of every rule its spec records (issue 18's table). Pagination, filtering,
 * partial update, deletion (an update of vis_state) and restore rest on what the documented names mean;
 * only letter case, which 4xx refuses, tie order and the like are open.
 */
const REST_GRADES: Readonly<Record<string, Grade>> = {
  transport: 'shown',
  'well-formed-body': 'shown',
  'response-schema': 'shown',
  envelope: 'shown',
  success: 'shown',
  'content-type': 'meaning',
  'not-a-server-error': 'meaning',
  'status-documented': 'open',
  'duplicate-keys': 'open',
  'credential-echo': 'open',
  'errors/unauthorized': 'stated',
  'errors/unknown-id': 'stated',
  'errors/unknown-id-status': 'open',
  'errors/invalid-body': 'open',
  'contract/list-size': 'meaning',
  'contract/empty-list': 'meaning',
  'contract/empty-list-pages': 'stated',
  'contract/get-id': 'meaning',
  'contract/create-echo': 'shown',
  'contract/create-stored': 'meaning',
  'contract/create-verbatim': 'open',
  'contract/create-default': 'open',
  'prerequisite/scope': 'meaning',
  'pagination/total': 'meaning',
  'pagination/pages': 'meaning',
  'pagination/per-page': 'meaning',
  'pagination/page-size': 'meaning',
  'pagination/no-repeats': 'meaning',
  'pagination/each-once': 'meaning',
  'pagination/past-the-end': 'meaning',
  'pagination/out-of-range-page': 'meaning',
  'pagination/out-of-range-page-status': 'open',
  'pagination/per-page-cap': 'stated',
  'pagination/per-page-cap-status': 'open',
  'pagination/default-per-page': 'shown',
  'pagination/default-page-size': 'shown',
  'pagination/order': 'open',
  'filtering/only-matches': 'meaning',
  'filtering/all-matches': 'meaning',
  'filtering/total': 'meaning',
  'filtering/ids': 'meaning',
  'filtering/case': 'open',
  'partial-update/applied': 'shown',
  'partial-update/untouched': 'shown',
  'partial-update/repeated': 'shown',
  'deletion/active-list': 'meaning',
  'deletion/deleted-list': 'meaning',
  'deletion/kept-as-deleted': 'meaning',
  'deletion/fields-intact': 'meaning',
  'deletion/restored': 'meaning',
  'deletion/restored-unchanged': 'meaning',
  'deletion/restored-listed': 'meaning',
  'deletion/gone': 'open',
  'deletion/id-not-reused': 'open',
  'stateful/fresh-id': 'meaning',
  'stateful/get-fields': 'meaning',
  'stateful/get-visibility': 'meaning',
  'stateful/list': 'meaning',
  'stateful/restore-fields': 'meaning',
  'stateful/deleted-id': 'meaning',
  'stateful/deleted-read': 'meaning',
  'stateful/deleted-update': 'meaning',
  'stateful/deleted-list': 'meaning',
};

/**
 * FreshBooks Classic: the grade of every rule its XSD records (issue 18's table). Paging, the email
 * filter, partial update, the staff scope and a delete's leaving the active list bind; the HTTP status of
 * a fail envelope, whether an unknown element is refused, what else a delete does, letter case and the
 * per_page cap are open. The stateful rules are open because the sequences also read and update deleted
 * clients (see the regrade note: the suite has to split them).
 */
const CLASSIC_GRADES: Readonly<Record<string, Grade>> = {
  transport: 'shown',
  'well-formed-body': 'shown',
  'response-schema': 'shown',
  envelope: 'shown',
  success: 'stated',
  'content-type': 'meaning',
  'not-a-server-error': 'meaning',
  'status-documented': 'open',
  'credential-echo': 'open',
  'errors/unauthorized': 'stated',
  'errors/unknown-id': 'meaning',
  'errors/unknown-id-status': 'open',
  'errors/not-permitted': 'stated',
  'errors/not-permitted-status': 'open',
  'errors/invalid-body': 'open',
  'errors/invalid-body-status': 'open',
  'contract/list-size': 'meaning',
  'contract/empty-list': 'stated',
  'contract/empty-list-pages': 'meaning',
  'contract/get-id': 'stated',
  'contract/create-echo': 'shown',
  'contract/create-stored': 'shown',
  'contract/create-verbatim': 'open',
  'contract/create-default': 'stated',
  'prerequisite/scope': 'stated',
  'prerequisite/restricted-user': 'open',
  'pagination/total': 'shown',
  'pagination/pages': 'shown',
  'pagination/per-page': 'shown',
  'pagination/page-size': 'meaning',
  'pagination/no-repeats': 'meaning',
  'pagination/each-once': 'meaning',
  'pagination/past-the-end': 'meaning',
  'pagination/out-of-range-page': 'meaning',
  'pagination/per-page-cap': 'open',
  'pagination/default-per-page': 'stated',
  'pagination/default-page-size': 'stated',
  'pagination/order': 'stated',
  'filtering/only-matches': 'meaning',
  'filtering/all-matches': 'meaning',
  'filtering/total': 'meaning',
  'filtering/case': 'open',
  'partial-update/applied': 'stated',
  'partial-update/untouched': 'stated',
  'partial-update/repeated': 'stated',
  'deletion/active-list': 'meaning',
  'deletion/kept-as-deleted': 'open',
  'deletion/fields-intact': 'open',
  'deletion/deleted-list': 'open',
  'deletion/gone': 'open',
  'deletion/id-not-reused': 'open',
  'deletion/restored': 'open',
  'deletion/restored-unchanged': 'open',
  'deletion/restored-listed': 'open',
  'stateful/fresh-id': 'meaning',
  'stateful/get-fields': 'meaning',
  'stateful/get-visibility': 'meaning',
  'stateful/list': 'meaning',
  'stateful/restore-fields': 'open',
  // What a delete keeps is not documented: reading, updating, listing a deleted client, or reusing its id.
  'stateful/deleted-id': 'open',
  'stateful/deleted-read': 'open',
  'stateful/deleted-update': 'open',
  'stateful/deleted-list': 'open',
  'access/list-scope': 'stated',
  'access/unchanged': 'stated',
  'access/readable': 'stated',
  'access/subset': 'open',
};

const AUDITS: readonly Audit[] = [
  {
    id: 'freshbooks-rest',
    seed: '001',
    operations: () => [...indexOperations(REST_SPEC).keys()],
    exclusions: [
      // The REST documents describe no second, restricted user (the adapter has no `restricted()`), so
      // the access family, its prerequisite and the refusal it expects never run.
      'access/list-scope',
      'access/unchanged',
      'access/subset',
      'access/readable',
      'prerequisite/restricted-user',
      'errors/not-permitted',
      // No required or unique field, no custom field, no sort column, no action is documented, and no message text.
      ...FACET_RULES,
      'documented-message',
    ],
    // Every rule but the open ones of REST_GRADES (below), which pins each rule's grade.
    promises: Object.keys(REST_GRADES).filter((rule) => REST_GRADES[rule] !== 'open'),
    ownRules: ['pagination/out-of-range-page-status', 'pagination/per-page-cap-status', 'errors/unknown-id-status'],
    entries: () => basisEntries(REST_SPEC),
  },
  {
    id: 'freshbooks-classic',
    seed: '000',
    operations: () => [...loadXsdSpec(CLASSIC_XSD).operations.keys()],
    exclusions: [
      // Classic lists cannot be narrowed to a set of ids (no such filter is documented).
      'filtering/ids',
      // XML bodies have no keys to repeat (the check runs on JSON only).
      'duplicate-keys',
      // No required or unique field, no custom field, no sort column, no action is documented, and no message text.
      ...FACET_RULES,
      'documented-message',
    ],
    // Every rule but the open ones of CLASSIC_GRADES (below), which pins each rule's grade.
    promises: Object.keys(CLASSIC_GRADES).filter((rule) => CLASSIC_GRADES[rule] !== 'open'),
    ownRules: ['errors/unknown-id-status', 'errors/not-permitted-status', 'errors/invalid-body-status'],
    entries: () => loadXsdSpec(CLASSIC_XSD).basisEntries(),
  },
  {
    id: 'growcrm',
    seed: '003',
    operations: () => [...indexOperations(GROWCRM_SPEC).keys()],
    // The access rules are recorded, as not applicable (every key is an administrator's).
    exclusions: [],
    // The binding rules (stated, shown, meaning); tests/spec.growcrm.test.ts pins each one's grade.
    promises: `transport well-formed-body envelope documented-message success errors/unauthorized errors/unknown-id errors/required-field
      errors/unique errors/custom-field contract/list-size contract/empty-list contract/get-id contract/create-echo
      contract/create-stored contract/create-default pagination/page-size pagination/per-page pagination/per-page-cap
      filtering/only-matches filtering/all-matches ordering/sorted ordering/default-order partial-update/applied
      partial-update/untouched partial-update/repeated actions/set-replaces actions/set-clears actions/set-on-create
      actions/enum-applied actions/own-ref-kept deletion/gone deletion/active-list content-type not-a-server-error
      response-schema contract/empty-list-pages pagination/total pagination/pages pagination/no-repeats pagination/each-once
      pagination/past-the-end pagination/out-of-range-page filtering/total prerequisite/scope partial-update/refused-unchanged
      actions/untouched actions/enum-refused actions/foreign-ref-refused stateful/fresh-id stateful/get-fields stateful/list`.split(/\s+/),
    ownRules: ['errors/list-refused-status', 'actions/enum-refused-status', 'actions/foreign-ref-refused-status'],
    entries: () => basisEntries(GROWCRM_SPEC),
  },
];

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();
/** Not a quote: only a stated entry quotes its document (shown and meaning entries say what examples show or a name means). */
const isExample = (entry: BasisEntry): boolean => entry.grade !== 'stated' || /\(example\b/.test(entry.source);

/**
 * FreshBooks REST: the document a source names by its public title. The REST docs' Clients page is the
 * seed 001; its search filters and paging facts are shared/README.md's REST facts; an SDK fixture is its
 * file in reference/rest-json.
 */
function restDocument(source: string): { file: string; kind: 'seed' | 'readme' | 'reference' } | undefined {
  const sections = 'Get Single Client|Create Client|Update Single Client|Delete Single Client|List Clients|every';
  if (new RegExp(`^FreshBooks REST API, Clients: (${sections})\\b`).test(source)) {
    const name = readdirSync(join(SHARED, 'seeds')).find((file) => file.startsWith('001_'));
    return name ? { file: join(SHARED, 'seeds', name), kind: 'seed' } : undefined;
  }
  if (/^FreshBooks REST API, Clients \((search filters|paging)\)/.test(source)) return { file: join(SHARED, 'README.md'), kind: 'readme' };
  const fixture = /^FreshBooks (Java|Python) SDK test fixture ([\w.]+\.json)\b/.exec(source);
  if (!fixture) return undefined;
  const prefix = `amcintosh_freshbooks-${fixture[1]!.toLowerCase()}-sdk__`;
  const name = readdirSync(join(SHARED, 'reference', 'rest-json')).find(
    (file) => file.startsWith(prefix) && file.endsWith(`_${fixture[2]}`),
  );
  return name ? { file: join(SHARED, 'reference', 'rest-json', name), kind: 'reference' } : undefined;
}

/** The document a promise's source names, or undefined when it names none we hold. */
function documentOf(source: string, audit: Audit): { file: string; kind: 'seed' | 'readme' | 'reference' } | undefined {
  const seed = /^seed (\d{3})\b/.exec(source);
  if (seed) {
    expect(seed[1], `${source}: a ${audit.id} promise cites its own seed`).toBe(audit.seed);
    const name = readdirSync(join(SHARED, 'seeds')).find((file) => file.startsWith(`${seed[1]}_`));
    return name ? { file: join(SHARED, 'seeds', name), kind: 'seed' } : undefined;
  }
  if (/^shared\/README\.md, \S/.test(source)) return { file: join(SHARED, 'README.md'), kind: 'readme' };
  const reference = /^shared\/reference\/((?:classic-xml|rest-json)\/[^\s,]+)/.exec(source);
  if (reference) return { file: join(SHARED, 'reference', reference[1]!), kind: 'reference' };
  // The Grow CRM pages are stored under their repository's name: crm-docs/<page>.md.
  const crm = /^shared\/reference\/crm-docs\/([\w-]+\.md)/.exec(source);
  if (crm) return { file: join(SHARED, 'reference', 'crm-docs', `nextloopdevs_growcrm-modules-docs-api__${crm[1]}`), kind: 'reference' };
  if (audit.id === 'freshbooks-rest') return restDocument(source);
  if (audit.id === 'growcrm') return growcrmDocument(source);
  if (audit.id === 'freshbooks-classic') return classicDocument(source);
  return undefined;
}

/** The Grow CRM pages, stored under their repository's name, by the public title a source gives them. */
const GROWCRM_PAGES: Record<string, string> = {
  'Grow CRM API, Getting started': 'getting-started.md',
  'Grow CRM API, Authentication': 'authentication.md',
  'Grow CRM API development guide': 'api-development-guide.md',
};

/**
 * Grow CRM: the document a source names by its public title (the first, where it names several). The
 * Clients page is the seed 003 (its flattened text); reference/crm-docs/clients.md is the same page with
 * its markdown, so a quote may stand in either (see quoteFiles).
 */
function growcrmDocument(source: string): { file: string; kind: 'seed' | 'readme' | 'reference' } | undefined {
  if (/^Grow CRM API, Clients\b/.test(source)) {
    const name = readdirSync(join(SHARED, 'seeds')).find((file) => file.startsWith('003_'));
    return name ? { file: join(SHARED, 'seeds', name), kind: 'seed' } : undefined;
  }
  const title = Object.keys(GROWCRM_PAGES).find((page) => source.startsWith(page));
  if (!title) return undefined;
  return {
    file: join(SHARED, 'reference', 'crm-docs', `nextloopdevs_growcrm-modules-docs-api__${GROWCRM_PAGES[title]}`),
    kind: 'reference',
  };
}

/** The files a quote may stand in: the document's, and for the Grow CRM Clients page also the page itself. */
function quoteFiles(source: string, audit: Audit): string[] {
  const { file } = documentOf(source, audit)!;
  if (audit.id !== 'growcrm' || !/^Grow CRM API, Clients\b/.test(source)) return [file];
  return [file, join(SHARED, 'reference', 'crm-docs', 'nextloopdevs_growcrm-modules-docs-api__clients.md')];
}

/**
 * FreshBooks Classic: the document a source names by its public title (the first, where it names two).
 * The Classic docs' Clients page is the seed 000; its authentication and failure form are shared/README.md's
 * Classic facts; a published example is its file in reference/classic-xml (mattjcowan/FreshBooks.Api).
 */
function classicDocument(source: string): { file: string; kind: 'seed' | 'readme' | 'reference' } | undefined {
  if (/^FreshBooks Classic API, Clients: (client\.(create|update|get|delete|list)|Staff access)\b/.test(source)) {
    const name = readdirSync(join(SHARED, 'seeds')).find((file) => file.startsWith('000_'));
    return name ? { file: join(SHARED, 'seeds', name), kind: 'seed' } : undefined;
  }
  if (/^FreshBooks Classic API \(authentication and errors\)/.test(source)) return { file: join(SHARED, 'README.md'), kind: 'readme' };
  const example = /^FreshBooks Classic API example (client\.[a-z]+) (request|response)\b/.exec(source);
  if (!example) return undefined;
  const file = join(SHARED, 'reference', 'classic-xml', `mattjcowan_FreshBooks.Api__xml_${example[1]}.${example[2]}.xml`);
  return existsSync(file) ? { file, kind: 'reference' } : undefined;
}

describe.each(AUDITS)('the basis of $id', (audit) => {
  let book: BasisBook;
  let entries: readonly BasisEntry[];
  beforeAll(async () => {
    book = (await findApi(audit.id).specView()).basis;
    entries = audit.entries();
  });

  it('the spec view reads the same entries as the loader', () => {
    expect(book.entries).toEqual(entries);
  });

  it('records every rule the checks enforce, but those that cannot fire for this API', () => {
    const missing = [...ALL_RULES, ...(audit.ownRules ?? [])].filter((rule) => !audit.exclusions.includes(rule) && !book.has(rule));
    expect(missing).toEqual([]);
    // An exclusion is a rule nothing records: when the spec starts recording it, drop the exclusion.
    expect(audit.exclusions.filter((rule) => book.has(rule))).toEqual([]);
    expect(audit.exclusions.every((rule) => ALL_RULES.includes(rule))).toBe(true);
  });

  it('names only known rules', () => {
    const unknown = entries.flatMap((entry) => entry.rules).filter((rule) => !ALL_RULES.includes(rule) && !audit.ownRules?.includes(rule));
    expect(unknown).toEqual([]);
  });

  it('rests each rule on the basis the audit table gives it', () => {
    const kinds = Object.fromEntries(
      [...ALL_RULES, ...(audit.ownRules ?? [])]
        .filter((rule) => book.has(rule))
        .map((rule) => [rule, book.of(rule).grade === 'open' ? 'assumption' : 'promise']),
    );
    const expected = Object.fromEntries(Object.keys(kinds).map((rule) => [rule, audit.promises.includes(rule) ? 'promise' : 'assumption']));
    expect(kinds).toEqual(expected);
  });

  it('gives every entry something to say, and every promise a document it stands in', () => {
    for (const entry of entries) {
      expect(entry.says.trim(), JSON.stringify(entry)).not.toBe('');
      expect(entry.source.trim(), JSON.stringify(entry)).not.toBe('');
      expect(entry.rules.length, JSON.stringify(entry)).toBeGreaterThan(0);
    }
    const promises = book.promises();
    expect(promises.length).toBeGreaterThan(0);
    for (const promise of promises) {
      const document = documentOf(promise.source, audit);
      expect(document, `${promise.source}: names no seed, shared/README.md section or reference file`).toBeDefined();
      expect(existsSync(document!.file), document!.file).toBe(true);
    }
  });

  it('quotes each promise verbatim from the document it names (unless it describes an example)', () => {
    const quotes = book.promises().filter((promise) => !isExample(promise));
    expect(quotes.length).toBeGreaterThan(0);
    for (const promise of quotes) {
      const texts = quoteFiles(promise.source, audit).map((file) => oneLine(readFileSync(file, 'utf8')));
      expect(
        texts.some((text) => text.includes(oneLine(promise.says))),
        `"${promise.says}" (${promise.source})`,
      ).toBe(true);
    }
  });

  it('sets the operation of the entries that sit on one, and only those', () => {
    const operations = audit.operations();
    const onOperations = entries.filter((entry) => entry.operation !== undefined);
    expect(onOperations.length).toBeGreaterThan(0);
    expect(entries.some((entry) => entry.operation === undefined)).toBe(true);
    for (const entry of onOperations) expect(operations).toContain(entry.operation);
    // Every operation has at least its success promise beside it.
    for (const operation of operations) {
      expect(
        entries.some((entry) => entry.operation === operation && entry.grade !== 'open' && entry.rules.includes('success')),
        operation,
      ).toBe(true);
    }
    // A choice the documents leave open cites the operation it concerns, never a file of this repository.
    for (const entry of entries.filter((e) => e.grade === 'open' && !e.source.includes(', ')))
      expect(entry.source).toBe(openPlace(entry.operation));
    for (const entry of entries)
      expect(entry.source, entry.says).not.toMatch(/\b(apis|specs|tests|generators)\/|openapi\.yaml|\.xsd\b|tools\.json|\.ts\b/);
  });
});

describe('where the promises stand', () => {
  it('puts the partial-update promises on the update operation of each API', () => {
    const rest = basisEntries(REST_SPEC).find((entry) => entry.rules.includes('partial-update/untouched'));
    expect(rest).toMatchObject({ grade: 'shown', operation: 'updateClient' });
    expect(rest!.source).toMatch(/^FreshBooks REST API, Clients: Update Single Client \(/);
    const classic = loadXsdSpec(CLASSIC_XSD)
      .basisEntries()
      .find((entry) => entry.rules.includes('partial-update/untouched'));
    expect(classic).toEqual({
      grade: 'stated',
      says: 'Any fields not referenced in the request will remain unchanged.',
      source: 'FreshBooks Classic API, Clients: client.update',
      rules: ['partial-update/untouched'],
      operation: 'client.update',
    });
  });

  it('grades every Classic rule as CLASSIC_GRADES says: the fail envelope binds, its HTTP status is open', async () => {
    const book = (await findApi('freshbooks-classic').specView()).basis;
    const recorded = [...new Set(book.entries.flatMap((entry) => entry.rules))].sort();
    expect(recorded).toEqual(Object.keys(CLASSIC_GRADES).sort());
    expect(Object.fromEntries(recorded.map((rule) => [rule, book.of(rule).grade]))).toEqual(CLASSIC_GRADES);
    // A refusal is the documented fail envelope (binding); which HTTP status carries it is each refusal's open `-status` rule.
    for (const rule of ['errors/unknown-id', 'errors/not-permitted']) expect(book.of(rule).grade, rule).not.toBe('open');
    for (const rule of ['errors/unknown-id-status', 'errors/not-permitted-status', 'errors/invalid-body-status'])
      expect(book.of(rule).grade, rule).toBe('open');
    // No pagination, filtering, partial-update or deletion semantics rests on open: only letter case, the
    // undocumented cap, and what a delete does beyond leaving the active list (the model's soft-delete reading).
    const semantic = /^(pagination|filtering|partial-update|deletion)\//;
    expect(recorded.filter((rule) => semantic.test(rule) && book.of(rule).grade === 'open')).toEqual(
      [
        'deletion/deleted-list',
        'deletion/fields-intact',
        'deletion/gone',
        'deletion/id-not-reused',
        'deletion/kept-as-deleted',
        'deletion/restored',
        'deletion/restored-listed',
        'deletion/restored-unchanged',
        'filtering/case',
        'pagination/per-page-cap',
      ].sort(),
    );
    expect(book.of('errors/unauthorized')).toMatchObject({ grade: 'stated', source: 'FreshBooks Classic API (authentication and errors)' });
    expect(book.of('partial-update/untouched')).toMatchObject({
      grade: 'stated',
      source: 'FreshBooks Classic API, Clients: client.update',
    });
    expect(book.of('access/unchanged')).toMatchObject({ grade: 'stated', source: 'FreshBooks Classic API, Clients: Staff access' });
  });

  it('cites the Classic documents by their public names, and every meaning its convention', () => {
    for (const entry of loadXsdSpec(CLASSIC_XSD)
      .basisEntries()
      .filter((e) => e.grade !== 'open')) {
      expect(entry.source, entry.says).toMatch(/^FreshBooks Classic API(, Clients: | \(authentication and errors\)| example client\.)/);
      expect(entry.source, entry.says).not.toMatch(/seed|shared\/|\.xsd/);
      expect(classicDocument(entry.source), entry.source).toBeDefined();
      if (entry.grade === 'meaning') expect(entry.convention, entry.says).toMatch(/RFC \d+|plain reading/);
    }
  });

  it(
    'grades every REST rule as REST_GRADES says: the meaning of page, per_page, total, the filters, an update and a delete by update binds; ' +
      'only case, which 4xx and the like are open',
    async () => {
      const book = (await findApi('freshbooks-rest').specView()).basis;
      const recorded = [...new Set(book.entries.flatMap((entry) => entry.rules))].sort();
      expect(recorded).toEqual(Object.keys(REST_GRADES).sort());
      expect(Object.fromEntries(recorded.map((rule) => [rule, book.of(rule).grade]))).toEqual(REST_GRADES);
      // No pagination, filtering, partial-update or deletion semantics rests on open (which 4xx refuses a page is no semantics).
      const semantic = /^(pagination|filtering|partial-update|deletion|stateful)\//;
      const open = recorded.filter((rule) => semantic.test(rule) && !rule.endsWith('-status') && book.of(rule).grade === 'open');
      expect(open).toEqual(['deletion/gone', 'deletion/id-not-reused', 'filtering/case', 'pagination/order'].sort());
      expect(book.of('errors/unknown-id')).toMatchObject({ grade: 'stated', says: 'Request failed with status_code: 404' });
      expect(book.of('errors/unauthorized')).toMatchObject({ grade: 'stated', says: 'Request failed with status_code: 401' });
      expect(book.of('pagination/per-page-cap')).toMatchObject({ grade: 'stated', source: 'FreshBooks REST API, Clients (paging)' });
    },
  );

  it('cites the REST documents by their public names, and every meaning its convention', () => {
    for (const entry of basisEntries(REST_SPEC).filter((e) => e.grade !== 'open')) {
      expect(entry.source, entry.says).toMatch(/^FreshBooks (REST API, Clients[:( ]|Java SDK test fixture |Python SDK test fixture )/);
      expect(entry.source, entry.says).not.toMatch(/seed|shared\/|\.yaml/);
      expect(restDocument(entry.source), entry.source).toBeDefined();
      if (entry.grade === 'meaning') expect(entry.convention, entry.says).toMatch(/RFC \d+|plain reading/);
    }
  });
});

describe('the loaders', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'clientele-basis-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const openApiWith = (extra: string): { api: string; path: string } => {
    const file = join(dir, `spec-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(
      file,
      `openapi: 3.1.0
info: {title: t, version: '1'}
${extra}
paths:
  /things:
    get:
      operationId: listThings
      x-clientele-basis:
        - grade: stated
          says: "Returns things."
          source: "seed 001, List"
          rules: [success]
      responses:
        '200': {description: ok}
`,
    );
    return { api: 'basis-test', path: relative(PROJECT_ROOT, file) };
  };

  it('reads the root and every operation of an OpenAPI document, in order', () => {
    const source = openApiWith(`x-clientele-basis:
  - grade: open
    says: "  Answers come
      in time. "
    rules: [transport]`);
    expect(basisEntries(source)).toEqual([
      { grade: 'open', says: 'Answers come in time.', source: 'left open by the documents (the API as a whole)', rules: ['transport'] },
      { grade: 'stated', says: 'Returns things.', source: 'seed 001, List', rules: ['success'], operation: 'listThings' },
    ]);
  });

  it('refuses a binding entry without a source, a meaning without its convention, an unknown grade, an entry without rules, and a malformed rule id', () => {
    const basis = (entry: string) => basisEntries(openApiWith(`x-clientele-basis:\n  - ${entry}`));
    expect(() => basis(`grade: stated\n    says: "x"\n    rules: [success]`)).toThrow(/a stated entry must name its source/);
    expect(() => basis(`grade: shown\n    says: "x"\n    rules: [success]`)).toThrow(/a shown entry must name its source/);
    expect(() => basis(`grade: meaning\n    says: "x"\n    source: "y"\n    rules: [success]`)).toThrow(/must name its convention/);
    expect(() => basis(`grade: promise\n    says: "x"\n    source: "y"\n    rules: [success]`)).toThrow(/grade must be one of/);
    expect(() => basis(`grade: stated\n    says: "x"\n    source: "seed 001, y"`)).toThrow(/rules must name/);
    expect(() => basis(`grade: open\n    says: "x"\n    rules: ['Not A Rule']`)).toThrow(/not a rule id/);
    expect(() => basis(`grade: open\n    says: ""\n    rules: [success]`)).toThrow(/says must be/);
    expect(() => basis(`grade: open\n    says: "x"\n    rules: [success]`)).not.toThrow();
  });

  it('reads the XSD appinfo without disturbing its compilation by libxml2', () => {
    const text = readFileSync(join(PROJECT_ROOT, CLASSIC_XSD), 'utf8');
    const spec = compileXsd(join(PROJECT_ROOT, CLASSIC_XSD));
    expect(spec.basisEntries()).toEqual(loadXsdSpec(CLASSIC_XSD).basisEntries());
    expect(spec.validateResponse('client.update', '<response status="ok"/>')).toEqual({ ok: true, errors: [] });
    // A binding entry needs a source: the loader refuses one without, at load.
    const broken = text.replace(/(<c:basis grade="stated" rules="partial-update\/untouched") source="[^"]*"/, '$1');
    expect(broken).not.toBe(text);
    const file = join(dir, 'broken.xsd');
    writeFileSync(file, broken);
    expect(() => compileXsd(file)).toThrow(/a stated entry must name its source/);
  });
});

describe('a rule recorded beside several operations', () => {
  const entry = (grade: Grade, says: string, operation?: string): BasisEntry => ({
    grade,
    says,
    source: 'a public document',
    rules: ['success'],
    ...(operation ? { operation } : {}),
  });
  const book = new BasisBook([
    entry('shown', 'the list answers 200', 'listClients'),
    entry('stated', 'a create answers 201', 'createClient'),
    entry('shown', 'every answer is JSON'),
    entry('open', 'a delete may answer 200 or 204', 'deleteClient'),
  ]);

  it('grounds a verdict on the entry beside its own operation', () => {
    expect(book.of('success', 'createClient').says).toBe('a create answers 201');
    expect(book.of('success', 'listClients').says).toBe('the list answers 200');
  });

  it('falls back to the root entry, then to another operation, never to an open entry over a binding one', () => {
    expect(book.of('success', 'getClient').says).toBe('every answer is JSON');
    expect(book.of('success').says).toBe('every answer is JSON');
    // The delete's own entry is open: a binding entry elsewhere still grounds it, as before.
    expect(book.of('success', 'deleteClient').grade).not.toBe('open');
  });
});
