/**
 * The XML codec of the FreshBooks Classic API: documents are read by saxes (strict XML 1.0 with
 * namespaces: one root, nothing after it, only the five predefined entities and character references)
 * and written by fast-xml-parser's builder. Any DTD is refused before a parser sees the text, so entity
 * bombs and external entities never run.
 * A linear scan bounds the document first (nesting depth, element count, text runs, attribute values,
 * start tags), so a hostile body is refused in milliseconds instead of feeding the parser for minutes.
 */
import { XMLBuilder } from 'fast-xml-parser';
import { SaxesParser, type SaxesTagNS } from 'saxes';
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
  const source = text.replace(/^\uFEFF/, '');
  try {
    return { ok: true, value: { text, root: parseTree(source) } satisfies XmlBody };
  } catch (error) {
    if (!(error instanceof MalformedXml)) return { ok: false, error: `XML not decoded: ${(error as Error).message.split('\n')[0]}` };
    // saxes names a broken reference vaguely (a bare '&' only at the end, as an unclosed tag): the
    // reference itself is named when there is one.
    return { ok: false, error: `malformed XML: ${brokenReference(source) ?? error.message}` };
  }
}

/** An element as it is read: its text in parts, since whitespace between child elements is left out once it has some. */
interface OpenElement {
  readonly name: string;
  readonly namespace: string;
  readonly attributes: Record<string, string>;
  readonly children: XmlElement[];
  readonly texts: string[];
  /** Which of `texts` came from CDATA sections (kept even when blank); null while there are none. */
  cdata: Set<number> | null;
}

/** The document's root element, read in one pass; MalformedXml (with its line and column) for anything XML 1.0 refuses. */
function parseTree(source: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true });
  const open: OpenElement[] = [];
  let root: XmlElement | undefined;
  parser.on('error', (error) => {
    // saxes writes `line:column: reason`.
    const [, line, column, reason] = /^(\d+):(\d+): ([^]*)$/.exec(error.message) ?? [];
    throw new MalformedXml(reason === undefined ? error.message : `${reason.replace(/\.$/, '')} (line ${line}, column ${column})`);
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    const attributes: Record<string, string> = {};
    for (const name in tag.attributes) {
      const attribute = tag.attributes[name]!;
      // Namespace declarations are not attributes of the element.
      if (attribute.name !== 'xmlns' && attribute.prefix !== 'xmlns') attributes[name] = attribute.value;
    }
    open.push({ name: tag.local, namespace: tag.uri, attributes, children: [], texts: [], cdata: null });
  });
  parser.on('text', (value) => open[open.length - 1]?.texts.push(value));
  parser.on('cdata', (value) => {
    const top = open[open.length - 1];
    if (!top) return;
    (top.cdata ??= new Set()).add(top.texts.length);
    top.texts.push(value);
  });
  parser.on('closetag', () => {
    const { name, namespace, attributes, children, texts, cdata } = open.pop()!;
    const kept = children.length > 0 ? texts.filter((value, index) => cdata?.has(index) || value.trim() !== '') : texts;
    const text = kept.length === 0 ? '' : kept.length === 1 ? kept[0]! : kept.join('');
    const done: XmlElement = namespace ? { name, namespace, attributes, children, text } : { name, attributes, children, text };
    if (open.length > 0) open[open.length - 1]!.children.push(done);
    else root = done;
  });
  parser.write(source).close();
  if (!root) throw new MalformedXml('no root element');
  return root;
}

/** The first reference outside comments, CDATA sections and processing instructions that XML without a DTD refuses, described. */
function brokenReference(source: string): string | undefined {
  if (!source.includes('&')) return undefined;
  const markup = /<!--[^]*?-->|<!\[CDATA\[[^]*?\]\]>|<\?[^]*?\?>/g;
  let at = 0;
  for (const skipped of [...source.matchAll(markup), undefined]) {
    const end = skipped?.index ?? source.length;
    try {
      checkReferences(source.slice(at, end));
    } catch (error) {
      if (error instanceof MalformedXml) return error.message;
      throw error;
    }
    if (!skipped) break;
    at = end + skipped[0].length;
  }
  return undefined;
}

/** Throws MalformedXml for the first reference in `raw` that XML without a DTD refuses: a bare '&', an unknown entity, a character XML cannot carry. */
function checkReferences(raw: string): void {
  for (const { 0: found, 1: name, 2: semicolon, index } of raw.matchAll(/&([^;&<\s]*)(;?)/g)) {
    if (!name || !semicolon) throw new MalformedXml(`unescaped '&' in "${raw.slice(Math.max(0, index - 20), index + found.length + 20)}"`);
    if (name.startsWith('#')) {
      const code = /^#x[0-9a-fA-F]+$/.test(name) ? parseInt(name.slice(2), 16) : /^#[0-9]+$/.test(name) ? parseInt(name.slice(1), 10) : NaN;
      const char = Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : '';
      if (!char || ILLEGAL_CHARACTER.test(char) || (code >= 0xd800 && code <= 0xdfff))
        throw new MalformedXml(`invalid character reference &${name};`);
    } else if (PREDEFINED_ENTITIES[name] === undefined) throw new MalformedXml(`undefined entity &${name}; (documents carry no DTD)`);
  }
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
