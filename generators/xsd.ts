/**
 * Loads the XML Schema of an XML API and compiles it with libxml2 (libxml2-wasm): real XSD
 * validation, not an imitation. The schema is "chameleon" (no targetNamespace), so each root element
 * an operation expects is compiled twice, through small wrapper schemas that `xs:include` it: once in
 * the API's namespace and once in no namespace. The operation table is read from the schema's own
 * `xs:appinfo`, and simple types are described for value generation.
 */
import { readFileSync } from 'node:fs';
import { TextMemo } from '../engine/memo.js';
import { isAbsolute, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ParseOption,
  XmlBufferInputProvider,
  XmlDocument,
  XmlLibError,
  XsdValidator,
  xmlRegisterInputProvider,
  type ErrorDetail,
} from 'libxml2-wasm';
import type { BasisEntry } from '../engine/basis.js';
import { ConfigError, InternalError } from '../engine/failures.js';
import { decodeXml, refuseDtd, type XmlBody, type XmlElement } from '../protocols/xml/codec.js';
import { PROJECT_ROOT, basisEntry, oneLineText, openPlace } from './spec.js';
import { openOfAll } from './schema-grades.js';
import type { ValidationResult } from './validators.js';

interface XsdOperation {
  readonly name: string;
  /** The complex type of the `<request>` element. */
  readonly requestType: string;
  /** The complex type of the `<response status="ok">` element. */
  readonly responseType: string;
  /** Every documented HTTP status, e.g. `['200', '401']`. */
  readonly statuses: readonly string[];
  /** The statuses that carry a documented XML body (the others, like 401, are not checked). */
  readonly bodyStatuses: readonly string[];
  /** Media types a documented body may come as (any of them conforms). */
  readonly mediaTypes: readonly string[];
}

export interface XsdSpec {
  readonly operations: ReadonlyMap<string, XsdOperation>;
  /** The complex type of the `<response status="fail">` envelope. */
  readonly failType: string;
  /** The namespace a document may be in besides none. */
  readonly namespace: string;
  /** Validates a response document (raw text): status="fail" against the fail envelope, anything else against the operation's ok response. */
  validateResponse(operation: string, text: string): ValidationResult;
  validateRequest(operation: string, text: string): ValidationResult;
  /**
   * A JSON-Schema-like description {type:'string', minLength?, maxLength?, pattern?, enum?, format?} of the
   * simple type of element `element` inside complex type `typeName`, for value generation.
   */
  stringSchema(typeName: string, element: string): Record<string, unknown>;
  /** The element names a complex type allows (e.g. the fields of a client). */
  elementNames(typeName: string): readonly string[];
  /** The element names a complex type allows at any depth, through the complex types its elements have (coverage). */
  elementTree(typeName: string): readonly string[];
  /**
   * What each rule rests on, as the schema records it in its `xs:appinfo`: `c:basis` entries (a grade,
   * what the documents say or show, the source), in document order; those inside a `c:operation` of the
   * operation table carry its name.
   */
  basisEntries(): BasisEntry[];
}

const XS = 'http://www.w3.org/2001/XMLSchema';
const CLIENTELE_XSD = 'urn:clientele:xsd';
const MAX_ERRORS = 20;

// One provider for the whole process: libxml2 has a small fixed table of input callbacks. It serves
// only the schema files compiled here, from memory, so an include can never reach anything else.
const schemaFiles = new XmlBufferInputProvider({});
let providerRegistered = false;

function serveSchema(url: string, text: string): void {
  if (!providerRegistered) {
    if (!xmlRegisterInputProvider(schemaFiles)) throw new InternalError('libxml2 refused another input provider');
    providerRegistered = true;
  }
  schemaFiles.addBuffer(url, new TextEncoder().encode(text));
}

function displayPath(path: string): string {
  const inProject = relative(PROJECT_ROOT, path);
  return inProject && !inProject.startsWith('..') && !isAbsolute(inProject) ? inProject : path;
}

function oneLine(message: string): string {
  return message.replace(/\s+/g, ' ').trim();
}

function describeDetail(detail: ErrorDetail): string {
  return detail.line > 0 ? `line ${detail.line}: ${oneLine(detail.message)}` : oneLine(detail.message);
}

function libxmlErrors(error: unknown): string[] {
  if (error instanceof XmlLibError && error.details.length > 0) return error.details.slice(0, MAX_ERRORS).map(describeDetail);
  return [oneLine(error instanceof Error ? error.message : String(error))];
}

function xsChildren(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((child) => child.namespace === XS && child.name === name);
}

function descendants(el: XmlElement, keep: (el: XmlElement) => boolean, out: XmlElement[] = []): XmlElement[] {
  for (const child of el.children) {
    if (keep(child)) out.push(child);
    descendants(child, keep, out);
  }
  return out;
}

/** The c:basis elements of the schema's xs:appinfo blocks, in document order. */
function readBasis(schema: XmlElement, file: string): BasisEntry[] {
  const entries: BasisEntry[] = [];
  const walk = (el: XmlElement, inAppinfo: boolean, operation: string | undefined): void => {
    for (const child of el.children) {
      const appinfo = inAppinfo || (child.namespace === XS && child.name === 'appinfo');
      const ours = appinfo && child.namespace === CLIENTELE_XSD;
      if (ours && child.name === 'basis') {
        const place = operation ?? 'document';
        const where = `XSD ${file}: c:basis #${entries.length + 1} (${place})`;
        const { grade, source, convention, rules } = child.attributes;
        entries.push(
          basisEntry({ grade, says: child.text, source, convention, rules: rules ?? '' }, where, openPlace(operation), operation),
        );
        continue;
      }
      walk(child, appinfo, ours && child.name === 'operation' ? child.attributes.name : operation);
    }
  };
  walk(schema, false, undefined);
  return entries;
}

/** The `c:open` note in a declaration's own xs:annotation/xs:appinfo, if any. */
function openNote(declaration: XmlElement | undefined): string | undefined {
  const annotation = declaration && xsChildren(declaration, 'annotation')[0];
  if (!annotation) return undefined;
  const note = xsChildren(annotation, 'appinfo')
    .flatMap((appinfo) => appinfo.children)
    .find((el) => el.namespace === CLIENTELE_XSD && el.name === 'open');
  return note ? oneLineText(note.text) : undefined;
}

/**
 * For each element name, why the spec leaves it open (its declaration's `c:open`, or its type's), where
 * every declaration of that name does; a name with one declaration the examples show is not listed.
 */
function openElements(schema: XmlElement, types: ReadonlyMap<string, XmlElement>): Map<string, string> {
  const byName = new Map<string, (string | undefined)[]>();
  for (const declaration of descendants(schema, (el) => el.namespace === XS && el.name === 'element')) {
    const name = declaration.attributes.name;
    if (!name) continue;
    const type = declaration.attributes.type;
    const why = openNote(declaration) ?? (type ? openNote(types.get(type)) : undefined);
    byName.set(name, [...(byName.get(name) ?? []), why]);
  }
  const open = new Map<string, string>();
  for (const [name, notes] of byName) if (notes.every((why) => why !== undefined)) open.set(name, notes[0]!);
  return open;
}

/** The element a libxml2 validity error names (`Element '{ns}credit': ...`), without its namespace. */
function elementOf(message: string): string | undefined {
  return /Element '(?:\{[^}]*\})?([^']+)'/.exec(message)?.[1];
}

interface OperationTable {
  readonly namespace: string;
  readonly failType: string;
  readonly operations: Map<string, XsdOperation>;
}

function readOperationTable(schema: XmlElement, file: string): OperationTable {
  const api = descendants(schema, (el) => el.namespace === CLIENTELE_XSD && el.name === 'api')[0];
  if (!api) throw new ConfigError(`XSD ${file} has no operation table (xs:appinfo/c:api in ${CLIENTELE_XSD})`);
  const namespace = api.attributes.namespace;
  const failType = api.children.find((el) => el.name === 'failEnvelope')?.attributes.type;
  if (!namespace || !failType) throw new ConfigError(`XSD ${file}: c:api needs a namespace attribute and a c:failEnvelope type`);
  const operations = new Map<string, XsdOperation>();
  for (const op of api.children.filter((el) => el.namespace === CLIENTELE_XSD && el.name === 'operation')) {
    const { name, requestType, responseType } = op.attributes;
    if (!name || !requestType || !responseType) throw new ConfigError(`XSD ${file}: c:operation needs name, requestType and responseType`);
    const statuses = op.children.filter((el) => el.name === 'status');
    const mediaTypes = new Set<string>();
    for (const status of statuses) {
      for (const type of (status.attributes.mediaTypes ?? '').split(/\s+/).filter(Boolean)) mediaTypes.add(type.toLowerCase());
    }
    operations.set(name, {
      name,
      requestType,
      responseType,
      statuses: statuses.map((status) => status.attributes.code ?? ''),
      bodyStatuses: statuses.filter((status) => status.attributes.mediaTypes?.trim()).map((status) => status.attributes.code ?? ''),
      mediaTypes: [...mediaTypes],
    });
  }
  if (operations.size === 0) throw new ConfigError(`XSD ${file}: the operation table lists no operation`);
  return { namespace, failType, operations };
}

/**
 * A wrapper schema (built as a libxml2 tree, not as text) that includes the chameleon schema and
 * declares one root element of one of its types, in `namespace` or in none.
 */
function compileRoot(schemaUrl: string, rootName: string, typeName: string, namespace: string | undefined): XsdValidator {
  const wrapper = XmlDocument.create();
  try {
    const schema = wrapper.createRoot('schema', XS, 'xs');
    schema.setAttr('elementFormDefault', 'qualified');
    let typeRef = typeName;
    if (namespace !== undefined) {
      schema.setAttr('targetNamespace', namespace);
      schema.addNsDeclaration(namespace, 'api');
      typeRef = `api:${typeName}`;
    }
    schema.addElement('include', 'xs').setAttr('schemaLocation', schemaUrl);
    const root = schema.addElement('element', 'xs');
    root.setAttr('name', rootName);
    root.setAttr('type', typeRef);
    return XsdValidator.fromDoc(wrapper);
  } finally {
    wrapper.dispose();
  }
}

type Direction = 'request' | 'response' | 'fail';

/** Documents up to about this long (the key adds the direction and operation) have their verdicts remembered, up to `MEMO_LIMIT` of them (a few MiB at most). */
const MEMO_KEY = 2048;
const MEMO_LIMIT = 256;

/** Compiles an XSD file (any path); `loadXsdSpec` is the cached way in for the project's specs. */
export function compileXsd(path: string): XsdSpec {
  const file = displayPath(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`XSD ${file} cannot be read: ${oneLine((error as Error).message)}`);
  }
  const decoded = decodeXml(text);
  if (!decoded.ok) throw new ConfigError(`XSD ${file} is not well-formed XML: ${decoded.error}`);
  const schema = (decoded.value as XmlBody).root;
  if (schema.namespace !== XS || schema.name !== 'schema')
    throw new ConfigError(`XSD ${file} is not an XML Schema (root is not xs:schema)`);
  if (schema.attributes.targetNamespace !== undefined) {
    throw new ConfigError(`XSD ${file} must have no targetNamespace: it is included as a chameleon schema`);
  }
  const table = readOperationTable(schema, file);
  const basis = readBasis(schema, file);

  const complexTypes = new Map(xsChildren(schema, 'complexType').map((el) => [el.attributes.name ?? '', el]));
  const simpleTypes = new Map(xsChildren(schema, 'simpleType').map((el) => [el.attributes.name ?? '', el]));
  const openByElement = openElements(schema, new Map([...simpleTypes, ...complexTypes]));
  for (const op of table.operations.values()) {
    for (const type of [op.requestType, op.responseType]) {
      if (!complexTypes.has(type))
        throw new ConfigError(`XSD ${file}: operation ${op.name} names the type ${type}, which the schema does not define`);
    }
  }
  if (!complexTypes.has(table.failType)) throw new ConfigError(`XSD ${file}: the fail envelope type ${table.failType} is not defined`);

  const schemaUrl = pathToFileURL(path).href;
  serveSchema(schemaUrl, text);
  // Every root is compiled now, so a schema that does not compile fails at load, not mid-run.
  const validators = new Map<string, XsdValidator>();
  const key = (direction: Direction, operation: string, namespace: string | undefined) => `${direction} ${operation} ${namespace ?? ''}`;
  try {
    for (const namespace of [table.namespace, undefined]) {
      const fail = compileRoot(schemaUrl, 'response', table.failType, namespace);
      validators.set(key('fail', '', namespace), fail);
      for (const op of table.operations.values()) {
        validators.set(key('request', op.name, namespace), compileRoot(schemaUrl, 'request', op.requestType, namespace));
        validators.set(key('response', op.name, namespace), compileRoot(schemaUrl, 'response', op.responseType, namespace));
      }
    }
  } catch (error) {
    for (const validator of validators.values()) validator.dispose();
    const detail = error instanceof XmlLibError ? (error.details.find((d) => d.level >= 2) ?? error.details[0]) : undefined;
    const where = detail && detail.line > 0 ? `line ${detail.line}: ` : '';
    throw new ConfigError(`XSD ${file} does not compile: ${where}${oneLine(detail?.message ?? (error as Error).message)}`);
  }

  // Many answers are the same text (every delete's and update's `<response status="ok"/>`): a short
  // document's verdict, a function of the document alone, is looked up rather than parsed again.
  const verdicts = new TextMemo<ValidationResult>(MEMO_LIMIT, MEMO_KEY);
  function validate(direction: 'request' | 'response', operation: string, document: string): ValidationResult {
    return verdicts.get(`${direction} ${operation}\n${document}`, () => validateNow(direction, operation, document));
  }

  function validateNow(direction: 'request' | 'response', operation: string, document: string): ValidationResult {
    if (!table.operations.has(operation)) throw new InternalError(`XSD ${file} has no operation ${operation}`);
    const refusal = refuseDtd(document);
    if (refusal) return { ok: false, errors: [refusal] };
    let doc: XmlDocument;
    try {
      // The same UTF-8 bytes fromString would hand libxml2, encoded natively: fromString encodes them a
      // character at a time in JavaScript (about a tenth of every validation).
      doc = XmlDocument.fromBuffer(Buffer.from(document, 'utf8'), { option: ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE });
    } catch (error) {
      return { ok: false, errors: libxmlErrors(error) };
    }
    try {
      const root = doc.root;
      const namespace = root.namespaceUri || undefined;
      if (namespace !== undefined && namespace !== table.namespace) {
        return {
          ok: false,
          errors: [`line ${root.line}: the root element is in the namespace ${namespace}; expected ${table.namespace} or none`],
        };
      }
      const failed = direction === 'response' && root.attr('status')?.value === 'fail';
      const validator = validators.get(failed ? key('fail', '', namespace) : key(direction, operation, namespace))!;
      validator.validate(doc);
      return { ok: true, errors: [] };
    } catch (error) {
      const errors = libxmlErrors(error);
      const locations = errors.map((message) => ({ element: elementOf(message) }));
      const open = openOfAll(locations, ({ element }) => {
        const why = element === undefined ? undefined : openByElement.get(element);
        return why === undefined ? undefined : { why, node: `left open by the documents (element ${element})` };
      });
      return { ok: false, errors, locations, ...(open ? { open } : {}) };
    } finally {
      doc.dispose();
    }
  }

  function complexType(typeName: string): XmlElement {
    const type = complexTypes.get(typeName);
    if (!type) throw new InternalError(`XSD ${file} defines no complex type ${typeName}`);
    return type;
  }

  function simpleSchema(typeRef: string, seen: readonly string[] = []): Record<string, unknown> {
    if (seen.includes(typeRef)) throw new InternalError(`XSD ${file}: type ${typeRef} derives from itself`);
    if (typeRef.startsWith('xs:')) return builtinSchema(typeRef);
    const simple = simpleTypes.get(typeRef);
    if (simple) return restrictionSchema(simple, [...seen, typeRef]);
    // A complex type with simple content (a value with attributes) is described by its value.
    const base = complexTypes
      .get(typeRef)
      ?.children.find((el) => el.name === 'simpleContent')
      ?.children.find((el) => el.name === 'extension')?.attributes.base;
    if (base) return simpleSchema(base, [...seen, typeRef]);
    throw new InternalError(`XSD ${file}: ${typeRef} is not a simple type`);
  }

  function restrictionSchema(simple: XmlElement, seen: readonly string[]): Record<string, unknown> {
    const restriction = xsChildren(simple, 'restriction')[0];
    if (!restriction?.attributes.base) throw new InternalError(`XSD ${file}: simple type ${simple.attributes.name} is not a restriction`);
    const described: Record<string, unknown> = { ...simpleSchema(restriction.attributes.base, seen) };
    const facet = (name: string) => xsChildren(restriction, name).map((el) => el.attributes.value ?? '');
    for (const name of ['minLength', 'maxLength'] as const) {
      const value = facet(name)[0];
      if (value !== undefined) described[name] = Number(value);
    }
    const length = facet('length')[0];
    if (length !== undefined) described.minLength = described.maxLength = Number(length);
    const enumeration = facet('enumeration');
    if (enumeration.length > 0) described.enum = enumeration;
    const patterns = facet('pattern');
    if (patterns.length > 0) {
      // Patterns of one step are alternatives, steps of derivation all apply; XSD patterns are anchored.
      const own = patterns.length === 1 ? patterns[0] : patterns.map((p) => `(?:${p})`).join('|');
      const inherited = typeof described.pattern === 'string' ? described.pattern.replace(/^\^|\$$/g, '') : undefined;
      described.pattern = inherited ? `^(?=${inherited}$)(?:${own})$` : `^(?:${own})$`;
    }
    const format = descendants(simple, (el) => el.namespace === CLIENTELE_XSD && el.name === 'format')[0]?.text.trim();
    if (format) described.format = format;
    return described;
  }

  return {
    operations: table.operations,
    failType: table.failType,
    namespace: table.namespace,
    validateResponse: (operation, document) => validate('response', operation, document),
    validateRequest: (operation, document) => validate('request', operation, document),
    stringSchema(typeName, element) {
      const declaration = descendants(
        complexType(typeName),
        (el) => el.namespace === XS && el.name === 'element' && el.attributes.name === element,
      )[0];
      if (!declaration) throw new InternalError(`XSD ${file}: complex type ${typeName} has no element ${element}`);
      const type = declaration.attributes.type;
      if (type) return simpleSchema(type);
      const inline = xsChildren(declaration, 'simpleType')[0];
      if (inline) return restrictionSchema(inline, []);
      throw new InternalError(`XSD ${file}: element ${element} of ${typeName} has no simple type`);
    },
    basisEntries: () => basis.map((entry) => ({ ...entry, rules: [...entry.rules] })),
    elementTree(typeName) {
      const names = new Set<string>();
      const walk = (name: string, seen: readonly string[]) => {
        if (seen.includes(name) || !complexTypes.has(name)) return;
        for (const element of descendants(complexType(name), (el) => el.namespace === XS && el.name === 'element')) {
          if (element.attributes.name) names.add(element.attributes.name);
          if (element.attributes.type) walk(element.attributes.type, [...seen, name]);
        }
      };
      walk(typeName, []);
      return [...names];
    },
    elementNames(typeName) {
      const names = descendants(complexType(typeName), (el) => el.namespace === XS && el.name === 'element').map(
        (el) => el.attributes.name ?? '',
      );
      return [...new Set(names.filter(Boolean))];
    },
  };
}

/** The lexical forms of the built-in types the schema uses, as string descriptions. */
function builtinSchema(typeRef: string): Record<string, unknown> {
  switch (typeRef) {
    case 'xs:string':
    case 'xs:normalizedString':
    case 'xs:token':
      return { type: 'string' };
    case 'xs:positiveInteger':
      return { type: 'string', pattern: '^[1-9][0-9]*$' };
    case 'xs:nonNegativeInteger':
      return { type: 'string', pattern: '^(?:0|[1-9][0-9]*)$' };
    case 'xs:integer':
      return { type: 'string', pattern: '^-?(?:0|[1-9][0-9]*)$' };
    case 'xs:decimal':
      return { type: 'string', pattern: '^-?[0-9]+(?:\\.[0-9]+)?$' };
    case 'xs:boolean':
      return { type: 'string', enum: ['true', 'false'] };
    case 'xs:anyURI':
      return { type: 'string', format: 'uri' };
    default:
      throw new InternalError(`no string description for the built-in type ${typeRef}`);
  }
}

const loaded = new Map<string, XsdSpec>();

/** The compiled XSD at `path` (relative to the project root), compiled once per process. */
export function loadXsdSpec(path: string): XsdSpec {
  let spec = loaded.get(path);
  if (!spec) {
    spec = compileXsd(join(PROJECT_ROOT, path));
    loaded.set(path, spec);
  }
  return spec;
}
