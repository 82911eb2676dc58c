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
import type { BasisBook, BasisEntry } from '../engine/basis.js';
import { PROJECT_ROOT, basisEntries, indexOperations } from '../generators/spec.js';
import { compileXsd, loadXsdSpec } from '../generators/xsd.js';

const SHARED = join(PROJECT_ROOT, '..', 'shared');
const REST_SPEC = { api: 'freshbooks-rest', path: 'apis/freshbooks-rest/openapi.yaml' };
const CLASSIC_XSD = 'apis/freshbooks-classic/freshbooks-classic.xsd';
const GROWCRM_SPEC = { api: 'growcrm', path: 'apis/growcrm/openapi.yaml' };

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
  stateful/get-visibility stateful/list stateful/restore-fields access/list-scope access/unchanged access/subset access/readable
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
  readonly entries: () => readonly BasisEntry[];
}

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
    promises: [
      'transport',
      'well-formed-body',
      'envelope',
      'success',
      'contract/get-id',
      'contract/create-echo',
      'contract/create-stored',
      'contract/empty-list',
      'contract/empty-list-pages',
      'prerequisite/scope',
      'filtering/only-matches',
      'filtering/all-matches',
      'partial-update/applied',
      'partial-update/untouched',
      'partial-update/repeated',
      'deletion/active-list',
      'errors/unauthorized',
      'errors/unknown-id',
    ],
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
    promises: [
      'transport',
      'well-formed-body',
      'envelope',
      'success',
      'errors/unauthorized',
      'contract/list-size',
      'contract/empty-list',
      'contract/get-id',
      'contract/create-echo',
      'contract/create-stored',
      'contract/create-default',
      'prerequisite/scope',
      'pagination/total',
      'pagination/per-page',
      'pagination/pages',
      'pagination/page-size',
      'pagination/no-repeats',
      'pagination/each-once',
      'pagination/default-per-page',
      'pagination/default-page-size',
      'pagination/order',
      'filtering/all-matches',
      'filtering/total',
      'partial-update/applied',
      'partial-update/untouched',
      'partial-update/repeated',
      'deletion/active-list',
      'access/list-scope',
      'access/unchanged',
      'access/readable',
    ],
    entries: () => loadXsdSpec(CLASSIC_XSD).basisEntries(),
  },
  {
    id: 'growcrm',
    seed: '003',
    operations: () => [...indexOperations(GROWCRM_SPEC).keys()],
    // The access rules are recorded, as not applicable (every key is an administrator's).
    exclusions: [],
    promises: `transport well-formed-body envelope documented-message success errors/unauthorized errors/unknown-id errors/required-field
      errors/unique errors/custom-field contract/list-size contract/empty-list contract/get-id contract/create-echo
      contract/create-stored contract/create-default pagination/page-size pagination/per-page pagination/per-page-cap
      filtering/only-matches filtering/all-matches ordering/sorted ordering/default-order partial-update/applied
      partial-update/untouched partial-update/repeated actions/set-replaces actions/set-clears actions/set-on-create
      actions/enum-applied actions/own-ref-kept deletion/gone deletion/active-list`.split(/\s+/),
    entries: () => basisEntries(GROWCRM_SPEC),
  },
];

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();
const isExample = (entry: BasisEntry): boolean => /\(example\b/.test(entry.source);

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
  return undefined;
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
    const missing = ALL_RULES.filter((rule) => !audit.exclusions.includes(rule) && !book.has(rule));
    expect(missing).toEqual([]);
    // An exclusion is a rule nothing records: when the spec starts recording it, drop the exclusion.
    expect(audit.exclusions.filter((rule) => book.has(rule))).toEqual([]);
    expect(audit.exclusions.every((rule) => ALL_RULES.includes(rule))).toBe(true);
  });

  it('names only known rules', () => {
    const unknown = entries.flatMap((entry) => entry.rules).filter((rule) => !ALL_RULES.includes(rule));
    expect(unknown).toEqual([]);
  });

  it('rests each rule on the basis the audit table gives it', () => {
    const kinds = Object.fromEntries(
      ALL_RULES.filter((rule) => book.has(rule)).map((rule) => [rule, book.of(rule).grade === 'open' ? 'assumption' : 'promise']),
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
      const { file } = documentOf(promise.source, audit)!;
      expect(oneLine(readFileSync(file, 'utf8')), `"${promise.says}" (${promise.source})`).toContain(oneLine(promise.says));
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
    // An assumption stands in the spec, at its place.
    const specPath = findApi(audit.id).spec.path;
    for (const entry of entries.filter((e) => e.grade === 'open'))
      expect(entry.source).toBe(`${specPath}, ${entry.operation ?? 'document'}`);
  });
});

describe('where the promises stand', () => {
  it('puts the partial-update promises on the update operation of each API', () => {
    const rest = basisEntries(REST_SPEC).find((entry) => entry.rules.includes('partial-update/untouched'));
    expect(rest).toMatchObject({ grade: 'shown', operation: 'updateClient' });
    expect(rest!.source).toMatch(/^seed 001, Update Single Client \(example/);
    const classic = loadXsdSpec(CLASSIC_XSD)
      .basisEntries()
      .find((entry) => entry.rules.includes('partial-update/untouched'));
    expect(classic).toEqual({
      grade: 'stated',
      says: 'Any fields not referenced in the request will remain unchanged.',
      source: 'seed 000, client.update',
      rules: ['partial-update/untouched'],
      operation: 'client.update',
    });
  });

  it('keeps the form of a Classic refusal an assumption, where no document says how it is answered', async () => {
    const book = (await findApi('freshbooks-classic').specView()).basis;
    for (const rule of [
      'errors/unknown-id',
      'errors/invalid-body',
      'errors/not-permitted',
      'filtering/only-matches',
      'pagination/per-page-cap',
    ]) {
      expect(book.of(rule).grade, rule).toBe('open');
    }
    expect(book.of('errors/unauthorized')).toMatchObject({ grade: 'stated', source: 'shared/README.md, Facts (Classic)' });
  });

  it('keeps what the REST documents leave open an assumption (letter case, the restore), and grounds 401 and 404 in the reference fixtures', async () => {
    const book = (await findApi('freshbooks-rest').specView()).basis;
    for (const rule of ['filtering/case', 'errors/invalid-body', 'deletion/restored', 'pagination/per-page-cap']) {
      expect(book.of(rule).grade, rule).toBe('open');
    }
    expect(book.of('errors/unknown-id')).toMatchObject({ grade: 'stated', says: 'Request failed with status_code: 404' });
    expect(book.of('errors/unauthorized')).toMatchObject({ grade: 'stated', says: 'Request failed with status_code: 401' });
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
      { grade: 'open', says: 'Answers come in time.', source: `${source.path}, document`, rules: ['transport'] },
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
