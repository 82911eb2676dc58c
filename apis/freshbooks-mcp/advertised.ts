/**
 * What the server advertises in `tools/list`. Where a tool advertises an output schema, the MCP
 * specification says its structured results conform to it ("Servers MUST provide structured results
 * that conform to this schema"); clientele holds the server to what it advertises as well as to what is
 * documented (`self-description/own-output-schema`, graded in tools.json).
 */
import { createRequire } from 'node:module';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { Answer, Session } from '../../engine/session.js';
import { ConformanceFailure } from '../../engine/failures.js';

const addFormats = createRequire(import.meta.url)('ajv-formats') as typeof import('ajv-formats').default;

const RULE = 'self-description/own-output-schema';
/** Bounded: a server whose cursor never ends gets this many pages. */
const MAX_PAGES = 50;

type Json = Record<string, unknown>;

/**
 * What the server advertises in `tools/list`, every `nextCursor` page read: what the drift check
 * compares with tools.json, and the output schemas results are held to. Fetched once per check for
 * judging results (`Session.prepare`); `list()` always asks anew (the drift check's own evidence) and
 * refreshes this adapter's copy.
 */
export class AdvertisedTools {
  private listing?: Promise<ReadonlyMap<string, Json>>;
  private compiled?: Promise<ReadonlyMap<string, ValidateFunction>>;

  constructor(
    private readonly session: Session,
    private readonly auth: () => Json,
  ) {}

  /** Every advertised tool by name, asked for now; a failed tools/list throws its ConformanceFailure. */
  list(): Promise<ReadonlyMap<string, Json>> {
    const listing = this.fetch();
    this.listing = listing;
    this.compiled = undefined;
    return listing;
  }

  /** Fails, or warns (the rule's basis decides), when a successful result's JSON breaks the schema its tool advertises. */
  async judge(tool: string, answer: Answer, payload: unknown): Promise<void> {
    const validate = (await this.validators()).get(tool);
    const tally = this.session.tally;
    if (!validate) return;
    tally?.evaluated(RULE);
    if (validate(payload)) return;
    const first = validate.errors?.[0];
    const failure = new ConformanceFailure(
      RULE,
      `${tool} answered a result its own advertised outputSchema does not allow: ${first?.instancePath || '/'} ${first?.message ?? ''}`.trim(),
      {
        operation: tool,
        expected: 'a result the outputSchema in tools/list allows',
        actual: (validate.errors ?? [])
          .slice(0, 5)
          .map((e) => `${e.instancePath || '/'} ${e.message}`)
          .join('; '),
        exchanges: [answer.exchange],
      },
    );
    if (tally?.isWarning(failure)) tally.warn(failure);
    else throw failure;
  }

  private validators(): Promise<ReadonlyMap<string, ValidateFunction>> {
    // Read once per check, its lanes' sessions included: a check's requests do not depend on its lanes.
    this.compiled ??= (this.listing ?? this.session.prepare('mcp tools/list', () => this.fetch())).then(compile, () => new Map());
    return this.compiled;
  }

  private async fetch(): Promise<ReadonlyMap<string, Json>> {
    const tools = new Map<string, Json>();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await this.session.call(
        'tools/list',
        { method: 'tools/list', body: JSON.stringify(cursor ? { cursor } : {}), ...this.auth() },
        { outcome: 'ok', why: 'tools/list succeeds', rule: 'self-description/operations' },
      );
      const result = ((answer.body as Json | undefined)?.result ?? {}) as Json;
      for (const tool of Array.isArray(result.tools) ? (result.tools as Json[]) : [])
        if (typeof tool?.name === 'string') tools.set(tool.name, tool);
      cursor = typeof result.nextCursor === 'string' && result.nextCursor !== '' ? result.nextCursor : undefined;
      if (!cursor) break;
    }
    return tools;
  }
}

/**
 * Compiled advertised schemas by their text: every family of every run opens an adapter that reads
 * tools/list again, and a server advertises the same few schemas each time. Bounded, as a server may
 * advertise anything.
 */
const COMPILED = new Map<string, ValidateFunction | undefined>();
const MAX_COMPILED = 256;
let ajv: Ajv2020 | undefined;

/** The advertised output schemas that compile; one that does not is no promise the server can be held to here. */
function compile(tools: ReadonlyMap<string, Json>): ReadonlyMap<string, ValidateFunction> {
  const validators = new Map<string, ValidateFunction>();
  for (const [name, tool] of tools) {
    const schema = tool.outputSchema;
    if (!schema || typeof schema !== 'object') continue;
    const text = JSON.stringify(schema);
    if (!COMPILED.has(text)) {
      if (COMPILED.size >= MAX_COMPILED) {
        COMPILED.clear();
        ajv = undefined; // it keeps what it compiled too
      }
      COMPILED.set(text, compileOne(schema as Json));
    }
    const validate = COMPILED.get(text);
    if (validate) validators.set(name, validate);
  }
  return validators;
}

function compileOne(schema: Json): ValidateFunction | undefined {
  if (!ajv) {
    ajv = new Ajv2020({ strict: false, allErrors: true, addUsedSchema: false });
    addFormats(ajv);
  }
  const { $schema: _dialect, $id: _id, ...rest } = schema;
  try {
    return ajv.compile(rest);
  } catch {
    return undefined;
  }
}
