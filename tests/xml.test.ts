/**
 * The XML codec (`protocols/xml/codec.ts`): round trips, strict XML 1.0 (one root, nothing after it,
 * only the predefined entities), namespaces, and the refusal of any DTD before a parser runs (entity
 * bombs, external entities).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_XML_LIMITS,
  DOCTYPE_REFUSED,
  buildXml,
  childElement,
  childText,
  decodeXml,
  scanXmlBounds,
  type XmlBody,
  type XmlElement,
} from '../protocols/xml/codec.js';

function decodeOk(text: string, limits?: Parameters<typeof decodeXml>[1]): XmlElement {
  const decoded = decodeXml(text, limits);
  if (!decoded.ok) throw new Error(`expected a decoded document, got: ${decoded.error}`);
  return (decoded.value as XmlBody).root;
}

function decodeError(text: string, limits?: Parameters<typeof decodeXml>[1]): string {
  const decoded = decodeXml(text, limits);
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
    const text = buildXml(
      'request',
      { method: 'client.create', note: tricky },
      {
        client: { first_name: tricky, last_name: '  spaced  ', mobile: '', notes: 'line one\nline two\r\nthree\ttab' },
      },
    );
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
    const root = decodeOk(
      buildXml(
        'response',
        { status: 'ok' },
        {
          clients: { client: [{ client_id: '2' }, { client_id: '1' }] },
        },
      ),
    );
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

  it('says where a document breaks: the line and column, or the text around a bare &', () => {
    expect(decodeError('<response status="ok">\n  <client></response>')).toMatch(/^malformed XML: .* \(line 2, column \d+\)$/);
    expect(decodeError(`<response status="ok"><error>${'x'.repeat(100)} fish & chips</error></response>`)).toBe(
      `malformed XML: unescaped '&' in "${'x'.repeat(14)} fish & chips</error></resp"`,
    );
    // An & in a comment or a CDATA section is text, not a reference.
    expect(decodeOk('<r><!-- a & b --><![CDATA[c & d]]></r>').text).toBe('c & d');
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
    const client = {
      client_id: '1',
      first_name: 'Jane',
      last_name: 'Doe',
      organization: 'ABC Corp & Sons',
      email: 'janedoe@freshbooks.com',
      notes: 'x'.repeat(100),
    };
    const count = 25_000;
    const text = buildXml('response', { status: 'ok' }, { clients: { client: Array.from({ length: count }, () => client) } });
    expect(text.length).toBeGreaterThan(5_000_000);
    const root = decodeOk(text);
    const clients = childElement(root, 'clients')!;
    expect(clients.children).toHaveLength(count);
    expect(childText(clients.children[count - 1]!, 'organization')).toBe('ABC Corp & Sons');
  });
});

describe('decodeXml bounds (a linear scan before any parser)', () => {
  const MiB = 1024 * 1024;
  const timed = (text: string): { error: string; ms: number } => {
    const start = performance.now();
    const error = decodeError(text);
    return { error, ms: performance.now() - start };
  };

  it('refuses a 7 MB attribute value naming the bound, within a second', () => {
    const text = `<response status="ok" note="${'x'.repeat(7_000_000)}"/>`;
    const { error, ms } = timed(text);
    expect(error).toBe(
      `an attribute value longer than ${DEFAULT_XML_LIMITS.maxAttributeLength} characters (a bound clientele sets on XML bodies)`,
    );
    expect(ms).toBeLessThan(1_000);
    // Single quotes, an unterminated value, a value behind a stray '<' or deep in the document: the same.
    for (const other of [
      `<response status='ok' note='${'y'.repeat(2 * MiB)}'/>`,
      `<response status="ok" note="${'x'.repeat(2 * MiB)}`,
      `<response status="ok"><a <b note="${'x'.repeat(2 * MiB)}"/></a></response>`,
      `<response status="ok">${'<client><id>1</id></client>'.repeat(1000)}<client note="${'&amp;'.repeat(MiB)}"/></response>`,
    ]) {
      expect(timed(other).error).toMatch(/^an attribute value longer than/);
      expect(timed(other).ms).toBeLessThan(1_000);
    }
  });

  it('accepts an attribute value at the bound', () => {
    const root = decodeOk(`<r a="${'x'.repeat(64 * 1024)}"/>`, { maxAttributeLength: 64 * 1024 });
    expect(root.attributes.a).toHaveLength(64 * 1024);
    expect(decodeXml(`<r a="${'x'.repeat(64 * 1024 + 1)}"/>`, { maxAttributeLength: 64 * 1024 }).ok).toBe(false);
  });

  it('refuses 10,000 levels of nesting naming the bound; accepts 256 levels', () => {
    const nested = (depth: number) => '<a>'.repeat(depth) + '</a>'.repeat(depth);
    const { error, ms } = timed(nested(10_000));
    expect(error).toBe(`nesting deeper than ${DEFAULT_XML_LIMITS.maxDepth} levels (a bound clientele sets on XML bodies)`);
    expect(ms).toBeLessThan(1_000);
    let element = decodeOk(nested(DEFAULT_XML_LIMITS.maxDepth));
    let depth = 1;
    while (element.children.length) {
      element = element.children[0]!;
      depth += 1;
    }
    expect(depth).toBe(DEFAULT_XML_LIMITS.maxDepth);
    expect(decodeError(nested(DEFAULT_XML_LIMITS.maxDepth + 1))).toMatch(/^nesting deeper than 256 levels/);
    // Empty elements do not nest; closing tags unwind.
    expect(decodeOk(`<r>${'<a/>'.repeat(1000)}${'<b><c/></b>'.repeat(1000)}</r>`).children).toHaveLength(2000);
  });

  it('refuses a text run, CDATA section, comment or processing instruction beyond the text bound', () => {
    const long = 'x'.repeat(DEFAULT_XML_LIMITS.maxTextLength + 1);
    for (const text of [
      `<r>${long}</r>`,
      `<r><![CDATA[${long}]]></r>`,
      `<r><!--${long}--></r>`,
      `<?pi ${long}?><r/>`,
      `<r/>${' '.repeat(DEFAULT_XML_LIMITS.maxTextLength + 1)}`,
    ]) {
      const { error, ms } = timed(text);
      expect(error).toBe(`a text run longer than ${DEFAULT_XML_LIMITS.maxTextLength} characters (a bound clientele sets on XML bodies)`);
      expect(ms).toBeLessThan(1_000);
    }
    expect(decodeOk(`<r>${'x'.repeat(DEFAULT_XML_LIMITS.maxTextLength)}</r>`).text).toHaveLength(DEFAULT_XML_LIMITS.maxTextLength);
  });

  it('refuses a start or end tag too long outside its values: a huge name, or a great many attributes', () => {
    const tagBound = `a tag longer than ${DEFAULT_XML_LIMITS.maxTagLength} characters outside its attribute values (a bound clientele sets on XML bodies)`;
    expect(timed(`<r${'x'.repeat(MiB)}/>`).error).toBe(tagBound);
    expect(timed(`<r ${Array.from({ length: 20_000 }, (_, i) => `a${i}="v"`).join(' ')}/>`).error).toBe(tagBound);
    expect(timed(`<r ${'a='.repeat(MiB)}"x"/>`).error).toBe(tagBound);
    expect(timed(`<r></r${' '.repeat(MiB)}>`).error).toBe(tagBound);
    expect(decodeOk(`<r ${Array.from({ length: 1000 }, (_, i) => `a${i}="v"`).join(' ')}/>`).attributes.a999).toBe('v');
  });

  it('refuses more elements than the bound', () => {
    const text = `<r>${'<a/>'.repeat(10)}</r>`;
    expect(decodeError(text, { maxElements: 10 })).toBe('more than 10 elements (a bound clientele sets on XML bodies)');
    expect(decodeOk(text, { maxElements: 11 }).children).toHaveLength(10);
  });

  it('scans in linear time without copying: refusing a 7 MB attribute 100 times keeps the heap flat', () => {
    const text = `<response status="ok" note="${'x'.repeat(7_000_000)}"/>`;
    (globalThis as { gc?: () => void }).gc?.();
    const before = process.memoryUsage().heapUsed;
    const start = performance.now();
    for (let i = 0; i < 100; i += 1) expect(scanXmlBounds(text)).toMatch(/^an attribute value longer than/);
    expect(performance.now() - start).toBeLessThan(2_000);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(20 * MiB);
  });

  it('finds nothing to refuse in documents within bounds', () => {
    const client = { client_id: '1', notes: 'x'.repeat(100) };
    const text = buildXml('response', { status: 'ok' }, { clients: { client: Array.from({ length: 1000 }, () => client) } });
    expect(scanXmlBounds(text)).toBeUndefined();
    expect(scanXmlBounds(`<?xml version="1.0"?><!-- c --><r a='"' b="'"><![CDATA[<x>]]></r>`)).toBeUndefined();
  });
});
