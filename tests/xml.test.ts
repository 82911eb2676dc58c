/**
 * The XML codec (`protocols/xml/codec.ts`): round trips, strictness where fast-xml-parser is lenient,
 * namespaces, and the refusal of any DTD before a parser runs (entity bombs, external entities).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DOCTYPE_REFUSED,
  buildXml,
  childElement,
  childText,
  decodeXml,
  type XmlBody,
  type XmlElement,
} from '../protocols/xml/codec.js';

function decodeOk(text: string): XmlElement {
  const decoded = decodeXml(text);
  if (!decoded.ok) throw new Error(`expected a decoded document, got: ${decoded.error}`);
  return (decoded.value as XmlBody).root;
}

function decodeError(text: string): string {
  const decoded = decodeXml(text);
  if (decoded.ok) throw new Error(`expected a decoding error for ${JSON.stringify(text.slice(0, 80))}`);
  return decoded.error;
}

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<response status="ok"><error>&lol9;</error></response>`;

const EXTERNAL_ENTITY = `<?xml version="1.0"?>
<!DOCTYPE response [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<response status="fail"><error>&secret;</error><code>1</code></response>`;

describe('buildXml then decodeXml', () => {
  it('gives back every text and attribute value, escaped characters and non-ASCII included', () => {
    const tricky = `Zoë & <Ann> "the" 'best' ]]> ✓ 😀`;
    const text = buildXml('request', { method: 'client.create', note: tricky }, {
      client: { first_name: tricky, last_name: '  spaced  ', mobile: '', notes: 'line one\nline two\r\nthree\ttab' },
    });
    expect(text.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    const root = decodeOk(text);
    expect(root.name).toBe('request');
    expect(root.attributes).toEqual({ method: 'client.create', note: tricky });
    const client = childElement(root, 'client')!;
    expect(childText(client, 'first_name')).toBe(tricky);
    expect(childText(client, 'last_name')).toBe('  spaced  ');
    expect(childText(client, 'mobile')).toBe('');
    expect(childText(client, 'notes')).toBe('line one\nline two\r\nthree\ttab');
  });

  it('repeats an element for an array and keeps the order of keys', () => {
    const root = decodeOk(buildXml('response', { status: 'ok' }, {
      clients: { client: [{ client_id: '2' }, { client_id: '1' }] },
    }));
    const clients = childElement(root, 'clients')!;
    expect(clients.children.map((c) => childText(c, 'client_id'))).toEqual(['2', '1']);
  });

  it('round-trips any string XML can carry (property)', () => {
    const special = fc.constantFrom('&', '<', '>', '"', "'", '\r', '\n', '\t', ' ', 'é', '😀', ']]>', '&amp;', '&#65;');
    const value = fc.string({ unit: fc.oneof(special, fc.string({ unit: 'grapheme', maxLength: 1 })), maxLength: 30 });
    fc.assert(
      fc.property(value, value, (text, attribute) => {
        const root = decodeOk(buildXml('r', { a: attribute }, { v: text }));
        expect(root.attributes.a).toBe(attribute);
        expect(childText(root, 'v')).toBe(text);
      }),
      { seed: 20240611, numRuns: 300 },
    );
  });

  it('refuses names and characters XML cannot carry', () => {
    expect(() => buildXml('bad name', {}, {})).toThrow(/not an XML name/);
    expect(() => buildXml('r', {}, { v: 'nul\u0000' })).toThrow(/U\+0000/);
  });
});

describe('decodeXml', () => {
  it('keeps values as strings, resolves namespaces and leaves out whitespace between elements', () => {
    const root = decodeOk(`<?xml version="1.0" encoding="utf-8"?>
<response xmlns="http://www.freshbooks.com/api/" xmlns:x="urn:x" status="ok">
  <client_id>013</client_id>
  <x:extra x:flag="1">a<![CDATA[ <b> ]]>c</x:extra>
  <plain xmlns="">t</plain>
</response>`);
    expect(root).toMatchObject({ name: 'response', namespace: 'http://www.freshbooks.com/api/', attributes: { status: 'ok' }, text: '' });
    expect(childText(root, 'client_id')).toBe('013');
    expect(childElement(root, 'extra')).toMatchObject({ namespace: 'urn:x', attributes: { 'x:flag': '1' }, text: 'a <b> c' });
    expect(childElement(root, 'plain')!.namespace).toBeUndefined();
    expect(childElement(root, 'missing')).toBeUndefined();
  });

  it('decodes the five predefined entities and character references, nothing else', () => {
    expect(decodeOk('<a>&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x1F600;</a>').text).toBe(`<>&"'AB😀`);
    expect(decodeError('<a>&nbsp;</a>')).toMatch(/undefined entity &nbsp;/);
    expect(decodeError('<a>&#0;</a>')).toMatch(/invalid character reference/);
  });

  it.each([
    ['an unescaped &', '<response status="ok"><error>fish & chips</error></response>'],
    ['an unescaped & in an attribute', '<response status="a & b"/>'],
    ['a truncated document', '<response status="ok"><client><client_id>13</client_id>'],
    ['a mismatched tag', '<response status="ok"><client></response></client>'],
    ['junk', 'this is not XML'],
    ['junk after the root', '<response status="ok"/>trailing junk'],
    ['two roots', '<response status="ok"/><response status="ok"/>'],
    ['a < in an attribute', '<response status="<"/>'],
    ['an unbound prefix', '<fb:response status="ok"/>'],
    ['an unterminated comment', '<response status="ok"><!-- no end</response>'],
    ['an illegal character', '<response status="ok">\u0001</response>'],
  ])('refuses %s', (_why, text) => {
    expect(decodeError(text)).toMatch(/^malformed XML: /);
  });

  it('refuses an empty body', () => {
    expect(decodeXml('')).toEqual({ ok: false, error: 'empty body' });
    expect(decodeXml(' \n ')).toEqual({ ok: false, error: 'empty body' });
  });

  it('refuses a billion-laughs DOCTYPE and an external entity before any parser runs', () => {
    expect(decodeError(BILLION_LAUGHS)).toBe(DOCTYPE_REFUSED);
    expect(decodeError(EXTERNAL_ENTITY)).toBe(DOCTYPE_REFUSED);
    expect(decodeError('<!doctype response><response status="ok"/>')).toBe(DOCTYPE_REFUSED);
    expect(decodeError('<response status="ok"><!ENTITY x "y"></response>')).toBe(DOCTYPE_REFUSED);
    expect(DOCTYPE_REFUSED).not.toContain('\n');
  });

  it('does not mistake DOCTYPE text in a comment or a CDATA section for a DTD', () => {
    expect(decodeOk('<a><!-- <!DOCTYPE a> --></a>').text).toBe('');
    expect(decodeOk('<a><![CDATA[<!DOCTYPE a>]]></a>').text).toBe('<!DOCTYPE a>');
  });

  it('keeps the heap flat while refusing a billion-laughs document 1,000 times', () => {
    (globalThis as { gc?: () => void }).gc?.();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 1000; i += 1) expect(decodeXml(BILLION_LAUGHS).ok).toBe(false);
    (globalThis as { gc?: () => void }).gc?.();
    const growth = process.memoryUsage().heapUsed - before;
    expect(growth).toBeLessThan(20 * 1024 * 1024);
  });

  it('decodes a 5 MB document', () => {
    const client = { client_id: '1', first_name: 'Jane', last_name: 'Doe', organization: 'ABC Corp & Sons', email: 'janedoe@freshbooks.com', notes: 'x'.repeat(100) };
    const count = 25_000;
    const text = buildXml('response', { status: 'ok' }, { clients: { client: Array.from({ length: count }, () => client) } });
    expect(text.length).toBeGreaterThan(5_000_000);
    const root = decodeOk(text);
    const clients = childElement(root, 'clients')!;
    expect(clients.children).toHaveLength(count);
    expect(childText(clients.children[count - 1]!, 'organization')).toBe('ABC Corp & Sons');
  });
});
