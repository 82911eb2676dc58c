/**
 * The output schemas the server advertises in `tools/list`, compiled once per adapter. Where a tool
 * advertises one, the MCP specification says its structured results conform to it; clientele holds the
 * server to what it advertises as well as to what is documented (`self-description/own-output-schema`,
 * an assumption in tools.json, since the seed says nothing of advertised schemas).
 */
import { createRequire } from 'node:module';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { Answer, Session } from '../../engine/session.js';
import { ConformanceFailure } from '../../engine/failures.js';
import { currentTally } from '../../engine/verdicts.js';

const addFormats = createRequire(import.meta.url)('ajv-formats') as typeof import('ajv-formats').default;

const RULE = 'self-description/own-output-schema';
/** Bounded: a server whose cursor never ends gets this many pages. */
const MAX_PAGES = 50;

type Json = Record<string, unknown>;

export class AdvertisedOutputs {
  private loading?: Promise<ReadonlyMap<string, ValidateFunction>>;

  constructor(
    private readonly session: Session,
    private readonly auth: () => Json,
  ) {}

  /** Warns (the rule's basis decides) when a successful result's JSON breaks the schema its tool advertises. */
  async judge(tool: string, answer: Answer, payload: unknown): Promise<void> {
    const validate = (await this.validators()).get(tool);
    const tally = currentTally();
    if (!validate) return;
    tally?.evaluated(RULE);
    if (validate(payload)) return;
    const first = validate.errors?.[0];
    tally?.warn(
      new ConformanceFailure(RULE, `${tool} answered a result its own advertised outputSchema does not allow: ${first?.instancePath || '/'} ${first?.message ?? ''}`.trim(), {
        operation: tool,
        expected: 'a result the outputSchema in tools/list allows',
        actual: (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; '),
        exchanges: [answer.exchange],
      }),
    );
  }

  private validators(): Promise<ReadonlyMap<string, ValidateFunction>> {
    this.loading ??= this.load().catch(() => new Map());
    return this.loading;
  }

  private async load(): Promise<ReadonlyMap<string, ValidateFunction>> {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validators = new Map<string, ValidateFunction>();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await this.session.call('tools/list', { method: 'tools/list', body: JSON.stringify(cursor ? { cursor } : {}), ...this.auth() }, { outcome: 'ok', why: 'tools/list succeeds', rule: 'self-description/operations' });
      const result = ((answer.body as Json | undefined)?.result ?? {}) as Json;
      for (const tool of Array.isArray(result.tools) ? (result.tools as Json[]) : []) {
        const schema = tool?.outputSchema;
        if (typeof tool?.name !== 'string' || !schema || typeof schema !== 'object') continue;
        const { $schema: _dialect, ...rest } = schema as Json;
        try {
          validators.set(tool.name, ajv.compile(rest));
        } catch {
          // A schema that does not compile is no promise the server can be held to here.
        }
      }
      cursor = typeof result.nextCursor === 'string' && result.nextCursor !== '' ? result.nextCursor : undefined;
      if (!cursor) break;
    }
    return validators;
  }
}
