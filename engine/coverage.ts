/**
 * What a run exercised of what the spec documents. A spec view describes its API's surface (operations,
 * parameters, answers, response properties) and reads each exchange as what it exercised; the session
 * adds that into the check's tally, the suites add the semantic facets they judged, and the report sets
 * the sum against the surface (`reports/coverage.ts`). Protocol-neutral: every spec kind speaks it.
 */
import type { Expectation } from './exchange.js';

/** A parameter value's class, as the case that sent it meant it (an edge the schema allows is `boundary`). */
export type ValueClass = 'valid' | 'boundary' | 'invalid';

export interface DocumentedParameter {
  readonly name: string;
  readonly in: 'query' | 'path' | 'body' | 'argument';
  /** Every value it may take, where that is a finite set (an enum, a boolean), as text. */
  readonly values?: readonly string[];
  /** The schema's edges, where it has them: a value on one is a `boundary` value. */
  readonly bounds?: { readonly minimum?: number; readonly maximum?: number; readonly minLength?: number; readonly maxLength?: number };
}

/** One documented answer of an operation: an HTTP status (`200`, `4XX`), a JSON-RPC error code or an envelope verdict. */
export interface DocumentedAnswer {
  readonly key: string;
  readonly kind: 'status' | 'rpc-code' | 'outcome';
  /** Why no client request can be expected to bring this answer (a server fault, a catch-all range); absent when one can. */
  readonly unreachable?: string;
  /**
   * The documents allow this answer in place of another (`fail`: any of these statuses may carry a fail
   * envelope; `200`: a create may answer 201 instead): the other is covered when either is seen.
   */
  readonly alternativeOf?: string;
}

export interface DocumentedOperation {
  readonly id: string;
  readonly method?: string;
  /** The path template (HTTP), or the one endpoint every operation shares. */
  readonly path?: string;
  readonly params: readonly DocumentedParameter[];
  readonly answers: readonly DocumentedAnswer[];
  /** The success answers' property paths (`client.billing.city`, `clients[].id`); absent where the spec kind is not read for them. */
  readonly properties?: readonly string[];
  readonly requestTypes: readonly string[];
  readonly responseTypes: readonly string[];
}

/** Everything the spec documents that a run can exercise, operation by operation. */
export interface DocumentedSurface {
  readonly operations: readonly DocumentedOperation[];
}

/** What one exchange exercised, as its spec view reads it. */
export interface Exercised {
  readonly operation: string;
  /** The parameters sent; `value` only for those with a finite documented set of values. */
  readonly params: readonly { readonly name: string; readonly class: ValueClass; readonly value?: string }[];
  /** The documented answers the answer matched (a status and an envelope verdict can both match). */
  readonly answers: readonly string[];
  /** The answer was a documented success. */
  readonly succeeded: boolean;
  /** Documented property paths present (and not null) in the answer. */
  readonly properties: readonly string[];
  readonly requestType?: string;
  readonly responseType?: string;
}

/** What a check exercised of one operation: plain JSON (it crosses from the worker to the report). */
export interface OperationUse {
  readonly operation: string;
  readonly calls: number;
  readonly succeeded: number;
  readonly params: readonly { readonly name: string; readonly classes: readonly ValueClass[]; readonly values: readonly string[] }[];
  readonly answers: readonly string[];
  readonly properties: readonly string[];
  readonly requestTypes: readonly string[];
  readonly responseTypes: readonly string[];
}

/**
 * A semantic promise judged: a filter's soundness, a sort column in one order, an action value, a
 * deletion path. `kind` groups them (the family that judges them), `subject` names what, `aspect` how.
 */
export interface Facet {
  readonly kind: FacetKind;
  readonly subject: string;
  readonly aspect?: string;
}

export const FACET_KINDS = ['filter', 'sort', 'page-size', 'paging', 'update', 'action', 'deletion', 'restore', 'access'] as const;
export type FacetKind = (typeof FACET_KINDS)[number];

export function facetKey(facet: Facet): string {
  return [facet.kind, facet.subject, facet.aspect].filter((part) => part !== undefined).join(' ');
}

/** The class of what a case sent, from what it expected of the answer: a case that expects a refusal sent something invalid. */
export function caseClass(expect: Expectation | undefined): ValueClass {
  if (!expect) return 'valid';
  if (expect.outcome === 'fail' || (expect.rpcCodes?.length ?? 0) > 0) return 'invalid';
  const statuses = expect.httpStatuses ?? [];
  return statuses.length > 0 && statuses.every((status) => status >= 400) ? 'invalid' : 'valid';
}

/** A valid value on one of its schema's edges is a boundary value. */
export function valueClass(parameter: DocumentedParameter | undefined, value: unknown, meant: ValueClass): ValueClass {
  const bounds = parameter?.bounds;
  if (meant !== 'valid' || !bounds) return meant;
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : undefined;
  if (number !== undefined && (number === bounds.minimum || number === bounds.maximum)) return 'boundary';
  if (typeof value === 'string' && (value.length === bounds.minLength || value.length === bounds.maxLength)) return 'boundary';
  return meant;
}

/** A documented parameter as a case sent it: its value's class, and the value itself where the documents list every value it may take. */
export function paramUse(parameter: DocumentedParameter, value: unknown, meant: ValueClass): Exercised['params'][number] {
  const text = value === null || typeof value === 'object' ? undefined : String(value);
  return {
    name: parameter.name,
    class: valueClass(parameter, value, meant),
    ...(parameter.values && text !== undefined && parameter.values.includes(text) ? { value: text } : {}),
  };
}

/**
 * An operation's documented property paths (`client.billing.city`, `clients[].id`) as a tree: a key
 * per object member, `[]` for any item of a list. An answer is walked along it, so nothing the documents
 * do not name is visited, and a branch whose paths have all been seen is left (a list's other items).
 */
export class PropertyTree {
  private readonly members: Map<string, number>[] = [new Map()];
  private readonly items: number[] = [-1];
  private readonly parents: number[] = [-1];
  /** The documented path a node is, when it is one (a member; never a bare `[]`). */
  private readonly paths: (string | undefined)[] = [undefined];
  /** How many documented paths each node and those below it hold. */
  private readonly held: number[] = [0];

  constructor(paths: Iterable<string>) {
    for (const path of paths) {
      let node = 0;
      let member = false;
      for (const segment of path.split('.')) {
        const [, key, brackets] = /^(.*?)((?:\[\])*)$/.exec(segment)!;
        // A list at the top (`[].id`) has no key before its brackets.
        if (key !== '') node = this.member(node, key);
        for (let i = 0; i < brackets!.length / 2; i++) node = this.item(node);
        member = brackets === '';
      }
      if (!member || this.paths[node] !== undefined) continue;
      this.paths[node] = path;
      for (let at = node; at >= 0; at = this.parents[at]!) this.held[at]! += 1;
    }
  }

  /** The documented paths present and not null in a JSON value; bounded in depth (8) and in items per list (50). */
  present(value: unknown): string[] {
    const found: string[] = [];
    if (this.held[0] === 0) return found;
    this.walk(value, 0, 0, { found, left: this.held.slice(), seen: new Uint8Array(this.held.length) });
    return found;
  }

  private walk(value: unknown, node: number, depth: number, state: { found: string[]; left: number[]; seen: Uint8Array }): void {
    if (value === null || value === undefined || depth > 8 || state.left[node] === 0) return;
    if (Array.isArray(value)) {
      const items = this.items[node]!;
      if (items < 0) return;
      for (let i = 0; i < value.length && i < 50 && state.left[items]! > 0; i++) this.walk(value[i], items, depth + 1, state);
      return;
    }
    if (typeof value !== 'object') return;
    for (const [key, child] of this.members[node]!) {
      if (!Object.hasOwn(value, key)) continue;
      const member = (value as Record<string, unknown>)[key];
      if (member === null || member === undefined) continue;
      const path = this.paths[child];
      if (path !== undefined && state.seen[child] === 0) {
        state.seen[child] = 1;
        state.found.push(path);
        for (let at = child; at >= 0; at = this.parents[at]!) state.left[at]! -= 1;
      }
      this.walk(member, child, depth + 1, state);
    }
  }

  private member(node: number, key: string): number {
    const known = this.members[node]!.get(key);
    if (known !== undefined) return known;
    const made = this.add(node);
    this.members[node]!.set(key, made);
    return made;
  }

  private item(node: number): number {
    if (this.items[node]! < 0) this.items[node] = this.add(node);
    return this.items[node]!;
  }

  private add(parent: number): number {
    this.members.push(new Map());
    this.items.push(-1);
    this.parents.push(parent);
    this.paths.push(undefined);
    this.held.push(0);
    return this.members.length - 1;
  }
}

/** A check's exercised surface as it adds up, operation by operation. */
export class SurfaceTally {
  private readonly uses = new Map<
    string,
    {
      calls: number;
      succeeded: number;
      params: Map<string, { classes: Set<ValueClass>; values: Set<string> }>;
      answers: Set<string>;
      properties: Set<string>;
      requestTypes: Set<string>;
      responseTypes: Set<string>;
    }
  >();

  private use(operation: string) {
    let use = this.uses.get(operation);
    if (!use) {
      use = {
        calls: 0,
        succeeded: 0,
        params: new Map(),
        answers: new Set(),
        properties: new Set(),
        requestTypes: new Set(),
        responseTypes: new Set(),
      };
      this.uses.set(operation, use);
    }
    return use;
  }

  /** One exchange: one call of its operation. Every exchange comes through here: no use is built to be merged. */
  add(exercised: Exercised): void {
    const use = this.use(exercised.operation);
    use.calls += 1;
    if (exercised.succeeded) use.succeeded += 1;
    for (const param of exercised.params) {
      let seen = use.params.get(param.name);
      if (!seen) use.params.set(param.name, (seen = { classes: new Set(), values: new Set() }));
      seen.classes.add(param.class);
      if (param.value !== undefined) seen.values.add(param.value);
    }
    for (const answer of exercised.answers) use.answers.add(answer);
    for (const property of exercised.properties) use.properties.add(property);
    if (exercised.requestType) use.requestTypes.add(exercised.requestType);
    if (exercised.responseType) use.responseTypes.add(exercised.responseType);
  }

  /** Adds uses up: another tally's (shared work a check owns), or one exchange's. */
  merge(uses: readonly OperationUse[]): void {
    for (const other of uses) {
      const use = this.use(other.operation);
      use.calls += other.calls;
      use.succeeded += other.succeeded;
      for (const param of other.params) {
        let seen = use.params.get(param.name);
        if (!seen) use.params.set(param.name, (seen = { classes: new Set(), values: new Set() }));
        for (const kind of param.classes) seen.classes.add(kind);
        for (const value of param.values) seen.values.add(value);
      }
      for (const answer of other.answers) use.answers.add(answer);
      for (const property of other.properties) use.properties.add(property);
      for (const type of other.requestTypes) use.requestTypes.add(type);
      for (const type of other.responseTypes) use.responseTypes.add(type);
    }
  }

  toJSON(): OperationUse[] {
    return [...this.uses.entries()].map(([operation, use]) => ({
      operation,
      calls: use.calls,
      succeeded: use.succeeded,
      params: [...use.params.entries()].map(([name, seen]) => ({ name, classes: [...seen.classes], values: [...seen.values] })),
      answers: [...use.answers],
      properties: [...use.properties],
      requestTypes: [...use.requestTypes],
      responseTypes: [...use.responseTypes],
    }));
  }
}

/** What a whole run exercised: its checks' uses added up, each judged facet with the checks that judged it. */
export interface RunExercised {
  readonly operations: readonly OperationUse[];
  readonly facets: readonly { readonly facet: Facet; readonly checks: readonly string[] }[];
  /** The facets the API's documents promise; absent when no check opened the API. */
  readonly documentedFacets?: readonly Facet[];
}

/** Adds the checks' uses and facets up into what the run exercised. */
export function runExercised(
  checks: readonly { readonly id: string; readonly exercised?: readonly OperationUse[]; readonly facets?: readonly Facet[] }[],
  documentedFacets?: readonly Facet[],
): RunExercised {
  const surface = new SurfaceTally();
  const facets = new Map<string, { facet: Facet; checks: string[] }>();
  for (const check of checks) {
    surface.merge(check.exercised ?? []);
    for (const facet of check.facets ?? []) {
      const key = facetKey(facet);
      const entry = facets.get(key) ?? { facet, checks: [] };
      if (!entry.checks.includes(check.id)) entry.checks.push(check.id);
      facets.set(key, entry);
    }
  }
  return { operations: surface.toJSON(), facets: [...facets.values()], ...(documentedFacets ? { documentedFacets } : {}) };
}
