/**
 * The XML codec of the FreshBooks Classic API, on fast-xml-parser. Decoding is strict where the parser
 * is lenient (one root, no junk after it, only the five predefined entities and character references)
 * and refuses any DTD before a parser sees the text, so entity bombs and external entities never run.
 * A linear scan bounds the document first (nesting depth, element count, text runs, attribute values,
 * start tags), so a hostile body is refused in milliseconds instead of feeding the parser for minutes.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Decoded } from '../../engine/checks/types.js';

export interface XmlElement {
  /** The local name, without prefix. */
  readonly name: string;
  /** The namespace URI; absent for an element in no namespace. */
  readonly namespace?: string;
  /** Attributes by their name as written (namespace declarations left out), values entity-decoded. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own text (CDATA included), entity-decoded; whitespace between child elements left out. */
  readonly text: string;
}

export interface XmlBody {
  /** The document exactly as received. */
  readonly text: string;
  readonly root: XmlElement;
}

export type XmlContent = string | { readonly [name: string]: XmlContent | readonly XmlContent[] };

export const DOCTYPE_REFUSED =
  'DOCTYPE refused: FreshBooks responses carry no DTD (entity expansion and external entities are never processed)';

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
// Characters XML 1.0 cannot carry, not even as a character reference.
const ILLEGAL_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z_][A-Za-z0-9_.-]*)?$/;

class MalformedXml extends Error {}

/**
 * Why a document must not reach a parser: any `<!` markup other than a comment or CDATA section is
 * DTD syntax (DOCTYPE, ENTITY, ELEMENT, ATTLIST). An unterminated comment or CDATA section is refused
 * too, so no parser can read past the point where this scan stopped.
 */
export function refuseDtd(text: string): string | undefined {
  let at = text.indexOf('<!');
  while (at >= 0) {
    let resume: number;
    if (text.startsWith('<!--', at)) {
      const end = text.indexOf('-->', at + 4);
      if (end < 0) return 'malformed XML: unterminated comment';
      resume = end + 3;
    } else if (text.startsWith('<![CDATA[', at)) {
      const end = text.indexOf(']]>', at + 9);
      if (end < 0) return 'malformed XML: unterminated CDATA section';
      resume = end + 3;
    } else {
      return DOCTYPE_REFUSED;
    }
    at = text.indexOf('<!', resume);
  }
  return undefined;
}

export interface XmlLimits {
  /** The deepest nesting of elements accepted (the root is level 1). */
  readonly maxDepth: number;
  /** The most elements in one document. */
  readonly maxElements: number;
  /** The longest run of character data between two pieces of markup, CDATA section, comment or processing instruction. */
  readonly maxTextLength: number;
  /** The longest attribute value, as written. */
  readonly maxAttributeLength: number;
  /** The longest start or end tag, attribute values left out (names, spacing, the number of attributes). */
  readonly maxTagLength: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = {
  maxDepth: 256,
  maxElements: 1_000_000,
  maxTextLength: 1024 * 1024,
  maxAttributeLength: 1024 * 1024,
  maxTagLength: 64 * 1024,
};

const LESS_THAN = 0x3c;
const GREATER_THAN = 0x3e;
const SLASH = 0x2f;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;

/**
 * The first bound the document breaks, or undefined. One pass with indexOf and charCodeAt: linear in the
 * text, no recursion, no copy of any part of it (a 7 MB attribute value is measured, never sliced). Runs
 * after refuseDtd, so every `<!` is a terminated comment or CDATA section. Malformed markup it cannot
 * read is left to the validator, once what remains is shorter than the bound that would apply.
 */
export function scanXmlBounds(text: string, limits: XmlLimits = DEFAULT_XML_LIMITS): string | undefined {
  const textBound = `a text run longer than ${limits.maxTextLength} characters`;
  const tagBound = `a tag longer than ${limits.maxTagLength} characters outside its attribute values`;
  const length = text.length;
  let depth = 0;
  let elements = 0;
  let at = 0;
  while (at < length) {
    const open = text.indexOf('<', at);
    if ((open < 0 ? length : open) - at > limits.maxTextLength) return textBound;
    if (open < 0) return undefined;
    // Comments, CDATA sections and processing instructions: their content is a run of text.
    const [opener, closer] = text.startsWith('<!--', open)
      ? ['<!--', '-->']
      : text.startsWith('<![CDATA[', open)
        ? ['<![CDATA[', ']]>']
        : text.startsWith('<?', open)
          ? ['<?', '?>']
          : ['', ''];
    if (opener) {
      const end = text.indexOf(closer, open + opener.length);
      if ((end < 0 ? length : end) - open - opener.length > limits.maxTextLength) return textBound;
      if (end < 0) return undefined;
      at = end + closer.length;
      continue;
    }
    if (text.charCodeAt(open + 1) === SLASH) {
      const end = text.indexOf('>', open + 2);
      if ((end < 0 ? length : end) - open > limits.maxTagLength) return tagBound;
      if (end < 0) return undefined;
      if (depth > 0) depth -= 1;
      at = end + 1;
      continue;
    }
    // A start tag: names and spacing count against the tag bound, each quoted value against the attribute bound.
    let i = open + 1;
    let outside = 1;
    for (; i < length; i += 1) {
      const c = text.charCodeAt(i);
      if (c === GREATER_THAN) break;
      if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
        const close = text.indexOf(c === DOUBLE_QUOTE ? '"' : "'", i + 1);
        if ((close < 0 ? length : close) - i - 1 > limits.maxAttributeLength)
          return `an attribute value longer than ${limits.maxAttributeLength} characters`;
        if (close < 0) return undefined;
        i = close;
      } else if (c === LESS_THAN) {
        // Not a start tag after all (a stray '<', which the validator refuses): scanning goes on from here.
        break;
      } else if (++outside > limits.maxTagLength) {
        return tagBound;
      }
    }
    if (i >= length) return undefined;
    if (text.charCodeAt(i) === LESS_THAN) {
      at = i;
      continue;
    }
    elements += 1;
    if (elements > limits.maxElements) return `more than ${limits.maxElements} elements`;
    if (text.charCodeAt(i - 1) !== SLASH) {
      depth += 1;
      if (depth > limits.maxDepth) return `nesting deeper than ${limits.maxDepth} levels`;
    }
    at = i + 1;
  }
  return undefined;
}

const PARSER_OPTIONS = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Entities are decoded here, not by the parser: only the predefined five and character references.
  processEntities: false,
  htmlEntities: false,
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
} as const;

// fast-xml-parser has a nesting bound of its own (100 by default); it is set to ours, which the scan
// enforces first, so the failure names clientele's bound.
const parsers = new Map<number, XMLParser>();
function parserFor(maxDepth: number): XMLParser {
  let parser = parsers.get(maxDepth);
  if (!parser) {
    parser = new XMLParser({ ...PARSER_OPTIONS, maxNestedTags: maxDepth });
    parsers.set(maxDepth, parser);
  }
  return parser;
}

type OrderedNode = Record<string, unknown>;

export function decodeXml(text: string, limits: Partial<XmlLimits> = {}): Decoded {
  // Not text.trim(): no copy of the body just to learn it is blank.
  if (!/\S/.test(text)) return { ok: false, error: 'empty body' };
  const refusal = refuseDtd(text);
  if (refusal) return { ok: false, error: refusal };
  const bounds = { ...DEFAULT_XML_LIMITS, ...limits };
  const bound = scanXmlBounds(text, bounds);
  if (bound) return { ok: false, error: `${bound} (a bound clientele sets on XML bodies)` };
  const illegal = ILLEGAL_CHARACTER.exec(text);
  if (illegal)
    return {
      ok: false,
      error: `malformed XML: illegal character U+${illegal[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`,
    };
  // XML parsers see a single line feed for every line break.
  const source = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const verdict = XMLValidator.validate(source);
  if (verdict !== true) {
    return { ok: false, error: `malformed XML: ${verdict.err.msg} (line ${verdict.err.line}, column ${verdict.err.col})` };
  }
  try {
    checkEpilog(source);
    const nodes = parserFor(bounds.maxDepth).parse(source) as OrderedNode[];
    const roots = nodes.filter((node) => elementName(node) !== undefined);
    if (roots.length !== 1) throw new MalformedXml(`expected one root element, found ${roots.length}`);
    return { ok: true, value: { text, root: toElement(roots[0]!, new Map([['xml', XML_NAMESPACE]])) } satisfies XmlBody };
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    return { ok: false, error: error instanceof MalformedXml ? `malformed XML: ${message}` : `XML not decoded: ${message}` };
  }
}

function elementName(node: OrderedNode): string | undefined {
  return Object.keys(node).find((key) => key !== ':@' && key !== '#text' && key !== '#cdata');
}

function toElement(node: OrderedNode, outerScope: ReadonlyMap<string, string>): XmlElement {
  const qualifiedName = elementName(node)!;
  const rawAttributes = (node[':@'] ?? {}) as Record<string, string>;
  const scope = new Map(outerScope);
  const attributes: Record<string, string> = {};
  for (const [name, raw] of Object.entries(rawAttributes)) {
    if (raw.includes('<')) throw new MalformedXml(`'<' in the value of attribute ${name} of <${qualifiedName}>`);
    // Attribute-value normalization: literal tabs and line breaks read as spaces.
    const value = decodeReferences(raw.replace(/[\t\n]/g, ' '));
    if (name === 'xmlns') scope.set('', value);
    else if (name.startsWith('xmlns:')) scope.set(name.slice(6), value);
    else attributes[name] = value;
  }
  for (const name of Object.keys(attributes)) {
    const prefix = name.includes(':') ? name.slice(0, name.indexOf(':')) : undefined;
    if (prefix !== undefined && !scope.get(prefix)) throw new MalformedXml(`unbound namespace prefix ${prefix} on attribute ${name}`);
  }
  const colon = qualifiedName.indexOf(':');
  const prefix = colon >= 0 ? qualifiedName.slice(0, colon) : '';
  const namespace = scope.get(prefix) || undefined;
  if (prefix && !namespace) throw new MalformedXml(`unbound namespace prefix ${prefix} on <${qualifiedName}>`);

  const children: XmlElement[] = [];
  const textParts: { readonly value: string; readonly cdata: boolean }[] = [];
  for (const child of node[qualifiedName] as OrderedNode[]) {
    if ('#text' in child) {
      const raw = String(child['#text']);
      if (raw.includes(']]>')) throw new MalformedXml(`']]>' in the text of <${qualifiedName}>`);
      textParts.push({ value: decodeReferences(raw), cdata: false });
    } else if ('#cdata' in child) {
      for (const part of child['#cdata'] as OrderedNode[]) textParts.push({ value: String(part['#text'] ?? ''), cdata: true });
    } else if (elementName(child) !== undefined) {
      children.push(toElement(child, scope));
    }
  }
  const kept = children.length > 0 ? textParts.filter((part) => part.cdata || part.value.trim() !== '') : textParts;
  const element: XmlElement = {
    name: colon >= 0 ? qualifiedName.slice(colon + 1) : qualifiedName,
    ...(namespace === undefined ? {} : { namespace }),
    attributes,
    children,
    text: kept.map((part) => part.value).join(''),
  };
  return element;
}

function decodeReferences(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([^;&<\s]*)(;?)/g, (_match, name: string, semicolon: string) => {
    if (!name || !semicolon) throw new MalformedXml(`unescaped '&' in "${raw.slice(0, 40)}"`);
    if (name.startsWith('#')) {
      const code = /^#x[0-9a-fA-F]+$/.test(name) ? parseInt(name.slice(2), 16) : /^#[0-9]+$/.test(name) ? parseInt(name.slice(1), 10) : NaN;
      const char = Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : '';
      if (!char || ILLEGAL_CHARACTER.test(char) || (code >= 0xd800 && code <= 0xdfff))
        throw new MalformedXml(`invalid character reference &${name};`);
      return char;
    }
    const value = PREDEFINED_ENTITIES[name];
    if (value === undefined) throw new MalformedXml(`undefined entity &${name}; (documents carry no DTD)`);
    return value;
  });
}

/**
 * fast-xml-parser's validator stops at the end of the root element; anything after it but whitespace,
 * comments and processing instructions makes the document malformed.
 */
function checkEpilog(source: string): void {
  const after = (marker: string, from: number): number => {
    const found = source.indexOf(marker, from);
    if (found < 0) throw new MalformedXml(`unterminated markup at offset ${from}`);
    return found + marker.length;
  };
  let at = 0;
  let depth = 0;
  let rootSeen = false;
  while (at < source.length) {
    const open = source.indexOf('<', at);
    if (rootSeen && depth === 0) {
      const gap = source.slice(at, open < 0 ? source.length : open);
      if (gap.trim() !== '') throw new MalformedXml('content after the root element');
    }
    if (open < 0) return;
    if (source.startsWith('<!--', open)) at = after('-->', open + 4);
    else if (source.startsWith('<![CDATA[', open)) at = after(']]>', open + 9);
    else if (source.startsWith('<?', open)) at = after('?>', open + 2);
    else if (source.startsWith('</', open)) {
      at = after('>', open + 2);
      depth -= 1;
    } else {
      if (rootSeen && depth === 0) throw new MalformedXml('a second root element');
      const end = startTagEnd(source, open);
      rootSeen = true;
      if (source[end - 1] !== '/') depth += 1;
      at = end + 1;
    }
  }
}

/** The index of the `>` closing the start tag at `open`; quoted attribute values may hold `>`. */
function startTagEnd(source: string, open: number): number {
  let quote: string | undefined;
  for (let i = open + 1; i < source.length; i += 1) {
    const char = source[i];
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '>') return i;
  }
  throw new MalformedXml(`unterminated start tag at offset ${open}`);
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
  '\t': '&#9;',
  '\n': '&#10;',
};

function escapeText(value: unknown): string {
  const text = String(value);
  checkCharacters(text);
  // Line breaks in text survive as they are, except \r, which a parser would turn into \n.
  return text.replace(/[&<>"'\r]/g, (char) => ESCAPES[char]!);
}

function escapeAttribute(value: unknown): string {
  const text = String(value);
  checkCharacters(text);
  // Tabs and line breaks in attributes would read back as spaces unless written as references.
  return text.replace(/[&<>"'\r\t\n]/g, (char) => ESCAPES[char]!);
}

function checkCharacters(text: string): void {
  const illegal = ILLEGAL_CHARACTER.exec(text);
  if (illegal)
    throw new RangeError(`XML cannot carry the character U+${illegal[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  format: false,
  suppressEmptyNode: false,
  suppressBooleanAttributes: false,
  // Escaping is done by the processors below, which also keep \r, tabs and line breaks intact.
  processEntities: false,
  tagValueProcessor: (_name, value) => escapeText(value),
  attributeValueProcessor: (_name, value) => escapeAttribute(value),
});

function checkName(name: string): string {
  if (!XML_NAME.test(name)) throw new RangeError(`not an XML name: ${JSON.stringify(name)}`);
  return name;
}

function toBuilderContent(content: XmlContent | readonly XmlContent[]): unknown {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map(toBuilderContent);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(content as Record<string, XmlContent | readonly XmlContent[]>))
    out[checkName(name)] = toBuilderContent(value);
  return out;
}

/**
 * A whole document: the XML declaration, then `root` with its attributes and content. A string is an
 * element's text, an object its child elements in key order, an array repeats an element.
 */
export function buildXml(
  root: string,
  attributes: Readonly<Record<string, string>>,
  content: { readonly [name: string]: XmlContent | readonly XmlContent[] },
): string {
  const rootNode: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(attributes)) rootNode[`@_${checkName(name)}`] = value;
  Object.assign(rootNode, toBuilderContent(content));
  return builder.build({ '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' }, [checkName(root)]: rootNode }) as string;
}

export function childElement(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((child) => child.name === name);
}

export function childText(el: XmlElement, name: string): string | undefined {
  return childElement(el, name)?.text;
}
