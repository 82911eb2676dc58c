/**
 * Validators for every request body and response schema in an OpenAPI spec. The same `ValidatorSet`
 * interface is served two ways: from the standalone module `npm run generate` writes
 * (`standaloneValidators`, what the suites use), or compiled in memory (`compile-validators.ts`, which
 * loads ajv's compiler). The test suite runs against both, so the generated code is held to the same
 * contract.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ValidateFunction, ErrorObject } from 'ajv/dist/2020.js';
import type { SchemaLocation, ValidationResult } from '../engine/checks/types.js';
import { ConfigError, InternalError } from '../engine/failures.js';
import { PROJECT_ROOT, indexOperations, type JsonSchema, type SpecSource } from './spec.js';

export type { ValidationResult };

export interface ValidatorSet {
  readonly keys: readonly string[];
  has(key: string): boolean;
  validate(key: string, data: unknown): ValidationResult;
}

export function responseKey(operationId: string, status: string | number): string {
  return `response:${operationId}:${status}`;
}
export function requestKey(operationId: string): string {
  return `request:${operationId}`;
}
/** Standalone modules export identifiers, not keys. */
export function exportName(key: string): string {
  return key.replace(/[^A-Za-z0-9]/g, '_');
}

export function generatedValidatorsPath(api: string): string {
  return join(PROJECT_ROOT, 'generated', api, 'validators.js');
}

/** Every schema of the spec, keyed as above, with its own `$id` so standalone code can name it. */
export function collectSchemas(source: SpecSource): Map<string, JsonSchema> {
  const schemas = new Map<string, JsonSchema>();
  for (const op of indexOperations(source).values()) {
    if (op.requestSchema) schemas.set(requestKey(op.operationId), op.requestSchema);
    for (const response of op.responses.values()) {
      if (response.schema) schemas.set(responseKey(op.operationId, response.status), response.schema);
    }
  }
  return schemas;
}

function formatErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).slice(0, 10).map((e) => {
    const extra = e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : '';
    return `${e.instancePath || '/'} ${e.message ?? e.keyword}${extra}`;
  });
}

/** Where each problem is, for grading it by the schema node it breaks (every problem, not only the ten shown). */
function locationsOf(errors: readonly ErrorObject[] | null | undefined): SchemaLocation[] {
  return (errors ?? []).map((e) => ({
    instancePath: e.instancePath,
    ...(e.keyword === 'required' ? { missingProperty: String(e.params.missingProperty) } : {}),
  }));
}

export function wrapValidators(functions: Map<string, ValidateFunction>): ValidatorSet {
  return {
    keys: [...functions.keys()],
    has: (key) => functions.has(key),
    validate(key, data) {
      const fn = functions.get(key);
      if (!fn) throw new InternalError(`no validator for ${key}`);
      const ok = fn(data) as boolean;
      if (ok) return { ok, errors: [] };
      return { ok, errors: formatErrors(fn.errors), locations: locationsOf(fn.errors) };
    },
  };
}

const loaded = new Map<string, Promise<ValidatorSet>>();

/** The standalone module `npm run generate` wrote for `api`, holding a validator for each of `keys`; loaded once. */
export function loadStandalone(api: string, keys: () => Iterable<string>): Promise<ValidatorSet> {
  let set = loaded.get(api);
  if (!set) {
    set = (async () => {
      const file = generatedValidatorsPath(api);
      if (!existsSync(file)) throw new ConfigError(`generated validators missing (${file}); run npm run generate`);
      const module = (await import(pathToFileURL(file).href)) as Record<string, ValidateFunction>;
      const functions = new Map<string, ValidateFunction>();
      for (const key of keys()) {
        const fn = module[exportName(key)];
        if (!fn) throw new ConfigError(`generated validators are stale (${key} missing); run npm run generate`);
        functions.set(key, fn);
      }
      return wrapValidators(functions);
    })();
    loaded.set(api, set);
  }
  return set;
}

export function standaloneValidators(source: SpecSource): Promise<ValidatorSet> {
  return loadStandalone(source.api, () => collectSchemas(source).keys());
}
