/**
 * The FreshBooks Classic XML Schema (`specs/freshbooks-classic/freshbooks-classic.xsd`) compiled by
 * libxml2: the reference examples in `shared/reference/classic-xml/` in both namespace forms, broken
 * copies of them, the operation table, the string descriptions, and a malformed schema.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { xmlSpecView } from '../port/xml-spec-view.js';
import { ConfigError } from '../engine/failures.js';
import { PROJECT_ROOT } from '../generators/spec.js';
import type { WireResponse } from '../engine/exchange.js';
import { compileXsd, loadXsdSpec } from '../generators/xsd.js';
import { DOCTYPE_REFUSED, decodeXml } from '../protocols/xml/codec.js';

const FRESHBOOKS_NS = 'http://www.freshbooks.com/api/';
const EXAMPLE_DIR = join(PROJECT_ROOT, '..', 'shared', 'reference', 'classic-xml');
/** The XSD, relative to the project root, as the API descriptor names it. */
const XSD = 'specs/freshbooks-classic/freshbooks-classic.xsd';
const OPERATIONS = ['client.create', 'client.update', 'client.get', 'client.delete', 'client.list'];
/** The 4xx statuses the operation table lists with an XML body: a fail envelope's HTTP status is open. */
const FAIL_STATUSES = ['400', '403', '404', '409', '410', '422'];

interface Example {
  readonly file: string;
  readonly operation: string;
  readonly direction: 'request' | 'response';
  readonly text: string;
}

/** Each `client.*` example, without the `# SOURCE` line added on top of the verbatim document. */
const examples: Example[] = readdirSync(EXAMPLE_DIR)
  .map((file) => ({ file, match: /(client\.[a-z]+)\.(request|response|req|res)\.xml$/.exec(file) }))
  .filter(({ match }) => match !== null)
  .map(({ file, match }) => {
    const text = readFileSync(join(EXAMPLE_DIR, file), 'utf8');
    expect(text.startsWith('# SOURCE')).toBe(true);
    return {
      file,
      operation: match![1]!,
      direction: match![2]!.startsWith('req') ? 'request' : 'response',
      text: text.slice(text.indexOf('\n') + 1),
    };
  });

const example = (operation: string, direction: Example['direction'], namespaced: boolean): string => {
  const found = examples.find(
    (e) => e.operation === operation && e.direction === direction && e.text.includes(`xmlns="${FRESHBOOKS_NS}"`) === namespaced,
  );
  if (!found) throw new Error(`no ${direction} example of ${operation}`);
  return found.text;
};

/** Moves a document between the FreshBooks namespace and none, by its root's default namespace. */
function toggleNamespace(text: string): string {
  const declaration = ` xmlns="${FRESHBOOKS_NS}"`;
  if (text.includes(declaration)) return text.replace(declaration, '');
  return text.replace(/<(request|response)\b/, `<$1${declaration}`);
}

function inNamespace(text: string, namespace: string): string {
  return text.replace(` xmlns="${FRESHBOOKS_NS}"`, '').replace(/<(request|response)\b/, `<$1 xmlns="${namespace}"`);
}

const spec = loadXsdSpec(XSD);
const validate = (e: Pick<Example, 'operation' | 'direction'>, text: string) =>
  e.direction === 'request' ? spec.validateRequest(e.operation, text) : spec.validateResponse(e.operation, text);

describe('the FreshBooks Classic XSD', () => {
  it('compiles with libxml2 and is cached', () => {
    expect(loadXsdSpec(XSD)).toBe(spec);
    // The path is the project-relative one: compiling the absolute file directly gives the same table.
    const direct = compileXsd(join(PROJECT_ROOT, XSD));
    expect(direct).not.toBe(spec);
    expect([...direct.operations.keys()]).toEqual([...spec.operations.keys()]);
  });

  it('names a missing project file by its project-relative path', () => {
    expect(() => loadXsdSpec('apis/no-such-api/absent.xsd')).toThrow(ConfigError);
    expect(() => loadXsdSpec('apis/no-such-api/absent.xsd')).toThrow(/^XSD apis\/no-such-api\/absent\.xsd cannot be read/);
  });

  it('has a request and a response example of every operation', () => {
    for (const operation of OPERATIONS) {
      expect(
        examples.some((e) => e.operation === operation && e.direction === 'request'),
        operation,
      ).toBe(true);
      expect(
        examples.some((e) => e.operation === operation && e.direction === 'response'),
        operation,
      ).toBe(true);
    }
    expect(examples.length).toBeGreaterThanOrEqual(16);
  });

  describe.each(examples.map((e) => [e.file, e] as const))('%s', (_file, e) => {
    it(`validates as the ${e.direction} of ${e.operation}`, () => {
      expect(validate(e, e.text)).toEqual({ ok: true, errors: [] });
    });

    it('still validates with its namespace added or removed', () => {
      const toggled = toggleNamespace(e.text);
      expect(toggled).not.toBe(e.text);
      expect(validate(e, toggled)).toEqual({ ok: true, errors: [] });
    });

    it('does not validate in a foreign namespace', () => {
      const result = validate(e, inNamespace(e.text, 'urn:example:other'));
      expect(result.ok).toBe(false);
      expect(result.errors.join('\n')).toMatch(/namespace urn:example:other/);
    });
  });

  it('validates a fail envelope, in either namespace form, for every operation', () => {
    const fail =
      '<?xml version="1.0" encoding="utf-8"?>\n<response status="fail">\n  <error>Client not found.</error>\n  <code>40010</code>\n</response>';
    for (const operation of OPERATIONS) {
      expect(spec.validateResponse(operation, fail)).toEqual({ ok: true, errors: [] });
      expect(spec.validateResponse(operation, toggleNamespace(fail))).toEqual({ ok: true, errors: [] });
    }
  });

  it.each([
    ['a fail envelope without <code>', 'client.get', '<response status="fail"><error>Nope</error></response>', /code/],
    ['a fail envelope without <error>', 'client.get', '<response status="fail"><code>1</code></response>', /error/],
    [
      'a fail envelope with a code that is not digits',
      'client.get',
      '<response status="fail"><error>Nope</error><code>E1</code></response>',
      /E1/,
    ],
    ['a response without a status', 'client.delete', '<response/>', /status/],
    ['a response with another status', 'client.delete', '<response status="maybe"/>', /maybe/],
    [
      'an empty ok response with content',
      'client.delete',
      '<response status="ok"><client_id>1</client_id></response>',
      /content is not allowed/,
    ],
    ['a create response without client_id', 'client.create', '<response status="ok"/>', /client_id/],
  ])('refuses %s', (_why, operation, text, mention) => {
    const result = spec.validateResponse(operation, text);
    expect(result.ok).toBe(false);
    expect(result.errors.join('\n')).toMatch(mention);
  });

  it('refuses broken copies of the reference responses, naming the line', () => {
    const get = example('client.get', 'response', true);
    const renamed = spec.validateResponse('client.get', get.replace(/first_name>/g, 'firstname>'));
    expect(renamed.ok).toBe(false);
    expect(renamed.errors[0]).toMatch(/^line \d+: .*firstname.*not expected/);

    const notAnId = spec.validateResponse('client.get', get.replace('<client_id>13</client_id>', '<client_id>thirteen</client_id>'));
    expect(notAnId.ok).toBe(false);
    expect(notAnId.errors.join('\n')).toMatch(/thirteen/);

    const list = example('client.list', 'response', false);
    const noPages = spec.validateResponse('client.list', list.replace(' pages="1"', ''));
    expect(noPages.ok).toBe(false);
    expect(noPages.errors.join('\n')).toMatch(/pages/);

    const negativeTotal = spec.validateResponse('client.list', list.replace('total="2"', 'total="-2"'));
    expect(negativeTotal.ok).toBe(false);

    const badFolder = spec.validateResponse('client.get', get.replace('<folder>active</folder>', '<folder>trash</folder>'));
    expect(badFolder.ok).toBe(false);

    // Namespaced root, child in no namespace: the namespace decision holds for every element.
    const mixed = spec.validateResponse(
      'client.create',
      `<response xmlns="${FRESHBOOKS_NS}" status="ok"><client_id xmlns="">13</client_id></response>`,
    );
    expect(mixed.ok).toBe(false);
  });

  it('refuses broken copies of the reference requests', () => {
    expect(
      spec.validateRequest('client.update', '<request method="client.update"><client><first_name>A</first_name></client></request>').ok,
    ).toBe(false);
    expect(spec.validateRequest('client.get', '<request method="client.delete"><client_id>13</client_id></request>').ok).toBe(false);
    expect(
      spec.validateRequest(
        'client.create',
        example('client.create', 'request', false).replace('<email>janedoe@freshbooks.com</email>', '<email>not an email</email>'),
      ).ok,
    ).toBe(false);
    expect(spec.validateRequest('client.list', '<request method="client.list"><per_page>0</per_page></request>').ok).toBe(false);
  });

  it('refuses a document with a DOCTYPE before libxml2 parses it, and reports malformed XML', () => {
    const withDtd =
      '<!DOCTYPE response [<!ENTITY x SYSTEM "file:///etc/passwd">]><response status="fail"><error>&x;</error><code>1</code></response>';
    expect(spec.validateResponse('client.get', withDtd)).toEqual({ ok: false, errors: [DOCTYPE_REFUSED] });
    const truncated = spec.validateResponse('client.get', '<response status="ok"><client>');
    expect(truncated.ok).toBe(false);
    expect(truncated.errors.every((line) => !line.includes('\n'))).toBe(true);
  });

  it('lists the five operations with 200, 401 and the 4xx statuses a fail envelope may take, and XML media types', () => {
    expect([...spec.operations.keys()].sort()).toEqual([...OPERATIONS].sort());
    for (const op of spec.operations.values()) {
      expect(op.statuses).toEqual(['200', '400', '401', '403', '404', '409', '410', '422']);
      // Every status but the 401 (whose body is not documented) carries an XML body: the envelope is judged whatever its status.
      expect(op.bodyStatuses).toEqual(['200', ...FAIL_STATUSES]);
      expect(op.mediaTypes).toEqual(['application/xml', 'text/xml']);
    }
    expect(spec.operations.get('client.get')).toMatchObject({ requestType: 'ClientGetRequest', responseType: 'ClientGetResponse' });
    expect(spec.failType).toBe('FailResponse');
    expect(spec.namespace).toBe(FRESHBOOKS_NS);
  });

  it('keeps no "Assumption:" note: what the documents leave open is a c:open node or an open basis entry', () => {
    const text = readFileSync(join(PROJECT_ROOT, XSD), 'utf8');
    expect(text).not.toMatch(/Assumption/i);
    // Length limits, character sets and the code's digits are open; the types every example fixes are not.
    const open = [...text.matchAll(/<xs:simpleType name="(\w+)">\s*<xs:annotation>(?:(?!<\/xs:annotation>)[\s\S])*<c:open>/g)].map(
      (m) => m[1],
    );
    expect(open.sort()).toEqual(
      [
        'PersonName',
        'OrganizationName',
        'EmailAddress',
        'Username',
        'PhoneNumber',
        'NotesText',
        'AddressLine',
        'PostalCode',
        'LanguageCode',
        'CurrencyCode',
        'VatText',
        'ErrorCode',
      ].sort(),
    );
  });

  it('grades a response-schema violation by the element it breaks: open nodes warn, what the examples show fails', () => {
    const get = example('client.get', 'response', true);
    const fail = (body: string) => `<response status="fail">${body}</response>`;
    const judged = (operation: string, text: string) => {
      const result = spec.validateResponse(operation, text);
      expect(result.ok, text).toBe(false);
      return result.open === undefined ? 'shown' : 'open';
    };
    // Shown: every example has them, with these types.
    expect(judged('client.get', get.replace('<credit currency="USD" deprecated="true">123.45</credit>', '<credit>lots</credit>'))).toBe(
      'shown',
    );
    expect(judged('client.get', fail('<error>Nope</error>'))).toBe('shown');
    expect(judged('client.get', get.replace('<client_id>13</client_id>', '<client_id>thirteen</client_id>'))).toBe('shown');
    expect(judged('client.get', get.replace('<folder>active</folder>', '<folder>trash</folder>'))).toBe('shown');
    expect(judged('client.get', get.replace('<notes></notes>', '<notes></notes><password>seCret!7</password>'))).toBe('shown');
    expect(judged('client.update', '<response status="ok"><client_id>13</client_id></response>')).toBe('shown');
    // Open: what no example fixes (the code's digits, lengths, the characters of phones and postal codes).
    expect(judged('client.get', fail('<error>Nope</error><code>E1</code>'))).toBe('open');
    expect(judged('client.get', get.replace('<first_name>Jane</first_name>', `<first_name>${'J'.repeat(101)}</first_name>`))).toBe('open');
    expect(judged('client.get', get.replace('(555) 123-4567', '555_123_4567'))).toBe('open');
    expect(judged('client.get', get.replace('<p_code>553132</p_code>', '<p_code>55!3132</p_code>'))).toBe('open');
    // One shown problem beside an open one fails the whole answer.
    expect(
      judged('client.get', get.replace('(555) 123-4567', '555_123_4567').replace('<client_id>13</client_id>', '<client_id>x</client_id>')),
    ).toBe('shown');
  });

  it('describes simple types as string schemas for value generation', () => {
    const email = spec.stringSchema('Client', 'email');
    expect(email).toMatchObject({ type: 'string', maxLength: 255, format: 'email' });
    const pattern = new RegExp(email.pattern as string);
    expect(pattern.test('janedoe@freshbooks.com')).toBe(true);
    expect(pattern.test('janedoe')).toBe(false);
    expect(spec.stringSchema('ClientCreateFields', 'first_name')).toEqual({ type: 'string', maxLength: 100 });
    expect(spec.stringSchema('Client', 'folder')).toEqual({ type: 'string', enum: ['active', 'archived', 'deleted'] });
    expect(spec.stringSchema('Client', 'credit')).toMatchObject({ type: 'string', pattern: expect.any(String) });
    expect(() => spec.stringSchema('Client', 'links')).toThrow(/not a simple type/);
    expect(() => spec.stringSchema('Client', 'nope')).toThrow(/no element nope/);
  });

  it('names the elements a complex type allows', () => {
    const fields = spec.elementNames('Client');
    expect(fields).toContain('client_id');
    expect(fields).toContain('folder');
    expect(fields).not.toContain('password');
    expect(spec.elementNames('ClientCreateFields')).not.toContain('client_id');
    expect(spec.elementNames('FailResponse')).toEqual(['error', 'code']);
  });
});

describe('a broken XSD', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clientele-xsd-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const original = readFileSync(join(PROJECT_ROOT, XSD), 'utf8');

  it.each([
    ['is not well-formed', original.slice(0, original.length / 2), /is not well-formed XML/],
    ['refers to a type it does not define', original.replace('type="ClientId"/>', 'type="NoSuchType"/>'), /does not compile: .*NoSuchType/],
    [
      'names an operation type it does not define',
      original.replace('responseType="ClientGetResponse"', 'responseType="Missing"'),
      /names the type Missing/,
    ],
    ['has a targetNamespace', original.replace('version="2.1"', 'version="2.1" targetNamespace="urn:x"'), /must have no targetNamespace/],
  ])('throws a one-line ConfigError when it %s', (name, text, message) => {
    const file = join(dir, `${name.replace(/\W+/g, '-')}.xsd`);
    writeFileSync(file, text);
    let thrown: unknown;
    try {
      compileXsd(file);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).toContain(file);
    expect((thrown as Error).message).not.toContain('\n');
  });

  it('throws a ConfigError naming a missing file', () => {
    expect(() => compileXsd(join(dir, 'absent.xsd'))).toThrow(ConfigError);
    expect(() => compileXsd(join(dir, 'absent.xsd'))).toThrow(/absent\.xsd cannot be read/);
  });
});

describe('xmlSpecView', () => {
  const answer = (httpStatus: number | undefined, body: string): WireResponse => ({
    ...(httpStatus === undefined ? {} : { httpStatus }),
    headers: { 'content-type': 'application/xml' },
    body,
    truncated: false,
  });

  it('serves statuses, media types, validation and the envelope verdict from the XSD', async () => {
    const view = await xmlSpecView(XSD);
    expect(view.documentedStatuses('client.get')).toEqual(['200', '400', '401', '403', '404', '409', '410', '422']);
    expect(view.documentedStatuses('client.nope')).toEqual([]);
    const okText = example('client.get', 'response', false);
    expect(view.mediaTypes('client.get', answer(200, okText))).toEqual(['application/xml', 'text/xml']);
    expect(view.mediaTypes('client.get', answer(401, ''))).toEqual([]);
    // A fail envelope at a 4xx is decoded and judged like one at 200.
    expect(view.mediaTypes('client.get', answer(404, ''))).toEqual(['application/xml', 'text/xml']);
    // No HTTP status, no documented body: the XSD keys its answers by HTTP status.
    expect(view.mediaTypes('client.get', answer(undefined, okText))).toEqual([]);

    const ok = view.decode({ httpStatus: 200, headers: {}, body: okText, truncated: false });
    expect(ok.ok).toBe(true);
    const body = ok.ok ? ok.value : undefined;
    expect(view.validate('client.get', answer(200, okText), body)).toEqual({ ok: true, errors: [] });
    expect(view.validate('client.get', answer(401, okText), body)).toBeUndefined();
    expect(view.validate('client.list', answer(200, okText), body)?.ok).toBe(false);
    expect(view.outcome(answer(200, okText), body)).toBe('ok');

    const failText = '<response status="fail"><error>Nope</error><code>1</code></response>';
    const fail = decodeXml(failText);
    expect(fail.ok && view.outcome(answer(200, failText), fail.value)).toBe('fail');
    expect(fail.ok && view.validate('client.get', answer(200, failText), fail.value)).toEqual({ ok: true, errors: [] });
    const neither = decodeXml('<response status="maybe"/>');
    expect(neither.ok && view.outcome(answer(200, '<response status="maybe"/>'), neither.value)).toBeUndefined();
    expect(view.outcome(answer(200, 'not a body'), 'not a body')).toBeUndefined();
    expect(view.validate('client.get', answer(200, 'not a body'), 'not a body')).toEqual({
      ok: false,
      errors: ['the body is not a decoded XML document'],
    });

    expect(view.decode({ httpStatus: 200, headers: {}, body: '', truncated: false })).toEqual({ ok: false, error: 'empty body' });
  });

  it('runs the HTTP checks and the envelope verdict, and no JSON-RPC check', async () => {
    const view = await xmlSpecView(XSD);
    expect(view.checks.map((check) => check.name)).toEqual([
      'transport',
      'not-a-server-error',
      'expected-status',
      'status-documented',
      'content-type',
      'well-formed-body',
      'response-schema',
      'expected-outcome',
    ]);
  });
});
