/**
 * The coverage section: what the run exercised set against what the spec documents, criterion by
 * criterion, and the test coverage level it reached. The criteria and their levels are those of
 * Martin-Lopez, Segura and Ruiz-Cortes ("Test Coverage Criteria for RESTful Web APIs", 2019), read for
 * any protocol (a JSON-RPC error code is a status there, an envelope verdict too); operation flows are
 * the semantic facets, each a documented sequence of operations a check judged.
 */
import { facetKey, type DocumentedSurface, type Facet, type FacetKind, type RunExercised } from '../engine/coverage.js';
import type { Family } from '../engine/families.js';
import type { CheckResult, CoverageCriterion, CoverageReport, CriterionName, FacetCoverage, OperationCoverage } from './model.js';

/** Which level each criterion belongs to: a level is reached when its criteria and every lower level's are complete. */
export const CRITERIA: readonly { readonly name: CriterionName; readonly level: number; readonly what: string }[] = [
  { name: 'paths', level: 1, what: 'paths requested' },
  { name: 'operations', level: 2, what: 'operations answered with a documented success' },
  { name: 'content-types', level: 3, what: 'documented request and response media types used' },
  { name: 'parameters', level: 4, what: 'documented parameters sent' },
  { name: 'status-classes', level: 4, what: 'classes of documented statuses observed' },
  { name: 'parameter-values', level: 5, what: 'values of enum and boolean parameters sent' },
  { name: 'statuses', level: 5, what: 'documented statuses, error codes and verdicts observed' },
  { name: 'properties', level: 6, what: 'documented response properties seen present and not null' },
  { name: 'flows', level: 7, what: 'semantic facets judged (documented operation flows)' },
];

/** The family whose checks judge a facet kind: where to look when one went unjudged. */
const FAMILY_OF: Readonly<Record<FacetKind, readonly Family[]>> = {
  filter: ['filtering'],
  sort: ['ordering'],
  'page-size': ['pagination'],
  paging: ['pagination'],
  update: ['partial-update'],
  action: ['actions'],
  deletion: ['deletion'],
  restore: ['deletion'],
  access: ['access', 'contract'],
};

const LOST: readonly CheckResult['status'][] = ['skipped', 'blocked', 'errored'];

/** How many of the first items a criterion names as missing. */
const NAMED = 8;

type Answer = OperationCoverage['answers'][number];

/** The answers the documents allow in place of this one: one of them seen covers it. */
function alternativesOf(operation: OperationCoverage, answer: Answer): Answer[] {
  return operation.answers.filter((other) => other.alternativeOf === answer.key);
}

/** Why an operation counts as not exercised; undefined when it was. */
function operationWhy(calls: number, succeeded: number, lost: number): string | undefined {
  if (succeeded > 0) return undefined;
  if (calls > 0) return `called ${calls === 1 ? 'once' : `${calls} times`}; no answer was a documented success`;
  return `never called${lost > 0 ? `; ${lost === 1 ? '1 check' : `${lost} checks`} did not run to the end` : ''}`;
}

export function coverageSection(surface: DocumentedSurface, exercised: RunExercised, checks: readonly CheckResult[]): CoverageReport {
  const lost = checks.filter((check) => LOST.includes(check.status));
  const operations = surface.operations.map((documented): OperationCoverage => {
    const use = exercised.operations.find((candidate) => candidate.operation === documented.id);
    const calls = use?.calls ?? 0;
    const succeeded = use?.succeeded ?? 0;
    const seenProperties = new Set(use?.properties ?? []);
    const why = operationWhy(calls, succeeded, lost.length);
    return {
      id: documented.id,
      ...(documented.method ? { method: documented.method } : {}),
      ...(documented.path ? { path: documented.path } : {}),
      calls,
      succeeded,
      exercised: succeeded > 0,
      ...(why ? { why } : {}),
      params: documented.params.map((param) => {
        const sent = use?.params.find((candidate) => candidate.name === param.name);
        return {
          name: param.name,
          in: param.in,
          sent: sent !== undefined,
          classes: [...(sent?.classes ?? [])],
          ...(param.values ? { values: { documented: [...param.values], sent: [...(sent?.values ?? [])] } } : {}),
        };
      }),
      answers: documented.answers.map((answer) => ({
        key: answer.key,
        kind: answer.kind,
        seen: use?.answers.includes(answer.key) ?? false,
        ...(answer.unreachable ? { unreachable: answer.unreachable } : {}),
        ...(answer.alternativeOf ? { alternativeOf: answer.alternativeOf } : {}),
      })),
      ...(documented.properties
        ? { properties: { documented: documented.properties.length, missing: documented.properties.filter((p) => !seenProperties.has(p)) } }
        : {}),
      contentTypes: {
        request: { documented: [...documented.requestTypes], used: [...(use?.requestTypes ?? [])] },
        response: { documented: [...documented.responseTypes], used: [...(use?.responseTypes ?? [])] },
      },
    };
  });
  const facets = facetCoverage(exercised, checks);
  return summarize(operations, facets, lost, exercised.documentedFacets !== undefined);
}

function facetCoverage(exercised: RunExercised, checks: readonly CheckResult[]): FacetCoverage[] {
  const judged = new Map(exercised.facets.map((entry) => [facetKey(entry.facet), entry]));
  return (exercised.documentedFacets ?? []).map((facet: Facet) => {
    const entry = judged.get(facetKey(facet));
    if (entry) return { ...facet, judged: true, checks: [...entry.checks] };
    // A check that did not run, or that failed (it stops at its first broken rule), may have judged it.
    const cost = checks.filter(
      (check) => FAMILY_OF[facet.kind].includes(check.family) && (LOST.includes(check.status) || check.status === 'failed'),
    );
    const why =
      cost.length > 0
        ? `not judged: ${cost.map((check) => `${check.id} ${check.status === 'failed' ? 'failed first' : `was ${check.status}`}`).join('; ')}`
        : 'not judged: no case of this run drew it (another seed or more --runs may)';
    return { ...facet, judged: false, checks: [], why };
  });
}

/** The criteria counted over the operations and facets, the level reached and what the next one lacks. */
export function summarize(
  operations: readonly OperationCoverage[],
  facets: readonly FacetCoverage[],
  lost: readonly Pick<CheckResult, 'id' | 'status' | 'note'>[],
  facetsKnown: boolean,
): CoverageReport {
  const counts = new Map<CriterionName, { covered: number; total: number; missing: string[] }>(
    CRITERIA.map((criterion) => [criterion.name, { covered: 0, total: 0, missing: [] }]),
  );
  const add = (criterion: CriterionName, name: string, covered: boolean) => {
    const count = counts.get(criterion)!;
    count.total += 1;
    if (covered) count.covered += 1;
    else count.missing.push(name);
  };
  const paths = new Map<string, boolean>();
  for (const operation of operations) {
    const path = operation.path ?? 'the endpoint';
    paths.set(path, (paths.get(path) ?? false) || operation.calls > 0);
    add('operations', operation.id, operation.exercised);
    for (const [direction, types] of Object.entries(operation.contentTypes))
      if (types.documented.length > 0)
        add(
          'content-types',
          `${operation.id} ${direction}`,
          types.used.some((type) => types.documented.includes(type)),
        );
    for (const param of operation.params) {
      add('parameters', `${operation.id} ${param.name}`, param.sent);
      for (const value of param.values?.documented ?? [])
        add('parameter-values', `${operation.id} ${param.name}=${value}`, param.values!.sent.includes(value));
    }
    // An answer and those the documents allow in its place count once: one of them seen covers it.
    const required = operation.answers.filter((answer) => !answer.unreachable && !answer.alternativeOf);
    for (const answer of required) {
      const group = alternativesOf(operation, answer);
      const name = group.length > 0 ? `${answer.key} (or ${group.map((other) => other.key).join(', ')})` : answer.key;
      add('statuses', `${operation.id} ${name}`, answer.seen || group.some((other) => other.seen));
    }
    const classes = new Map<string, boolean>();
    for (const answer of operation.answers.filter((answer) => answer.kind === 'status' && !answer.unreachable)) {
      const kind = `${answer.key[0]}xx`;
      classes.set(kind, (classes.get(kind) ?? false) || answer.seen);
    }
    for (const [kind, seen] of classes) add('status-classes', `${operation.id} ${kind}`, seen);
    if (operation.properties) {
      const count = counts.get('properties')!;
      count.total += operation.properties.documented;
      count.covered += operation.properties.documented - operation.properties.missing.length;
      count.missing.push(...operation.properties.missing.map((property) => `${operation.id} ${property}`));
    }
  }
  for (const [path, covered] of paths) add('paths', path, covered);
  for (const facet of facets) add('flows', facetKey(facet), facet.judged);
  const criteria: CoverageCriterion[] = CRITERIA.map((criterion) => {
    const { covered, total, missing } = counts.get(criterion.name)!;
    return {
      name: criterion.name,
      level: criterion.level,
      what: criterion.what,
      covered,
      total,
      ...(missing.length > 0 ? { missing: missing.slice(0, NAMED), more: Math.max(0, missing.length - NAMED) } : {}),
      ...(criterion.name === 'flows' && !facetsKnown ? { unknown: 'no check opened the API, so the documented facets are unknown' } : {}),
    };
  });
  const complete = (level: number) => criteria.filter((c) => c.level === level).every((c) => c.covered === c.total && !c.unknown);
  let level = 0;
  while (level < 7 && complete(level + 1)) level++;
  const next =
    level < 7
      ? {
          level: level + 1,
          missing: criteria
            .filter((c) => c.level === level + 1 && (c.covered < c.total || c.unknown))
            .map(
              (c) =>
                c.unknown ?? `${c.name}: ${c.total - c.covered} of ${c.total} (${[...(c.missing ?? [])].join(', ')}${c.more ? ', …' : ''})`,
            ),
        }
      : undefined;
  return {
    level,
    ...(next ? { next } : {}),
    criteria,
    operations: [...operations],
    facets: [...facets],
    lost: lost.map((check) => ({ check: check.id, status: check.status, ...(check.note ? { note: check.note } : {}) })),
  };
}

/** The documented operations not exercised, and the answers one can bring about (an alternative of each aside) not seen. */
export function unexercised(coverage: CoverageReport): { operations: string[]; statuses: string[] } {
  const operations = coverage.operations.filter((operation) => !operation.exercised).map((operation) => operation.id);
  const statuses = coverage.operations.flatMap((operation) =>
    operation.answers
      .filter((answer) => !answer.seen && !answer.unreachable && !answer.alternativeOf)
      .filter((answer) => !alternativesOf(operation, answer).some((other) => other.seen))
      .map((answer) => `${operation.id} ${answer.key}`),
  );
  return { operations, statuses };
}

/** What `--min-coverage` asks for: every documented operation, and every status one can bring about, exercised. */
export function belowMinimum(coverage: CoverageReport): string | undefined {
  const { operations, statuses } = unexercised(coverage);
  if (operations.length === 0 && statuses.length === 0) return undefined;
  const parts = [
    operations.length > 0 ? `${operations.length === 1 ? 'operation' : 'operations'} ${operations.join(', ')}` : '',
    statuses.length > 0
      ? `${statuses.length === 1 ? 'status' : 'statuses'} ${statuses.slice(0, NAMED).join(', ')}${statuses.length > NAMED ? ', …' : ''}`
      : '',
  ].filter(Boolean);
  return `coverage below --min-coverage: ${parts.join('; ')} never exercised`;
}

/** The coverage of a run put together from its shards' (`clientele merge`): an item is covered when any shard covered it. */
export function mergeCoverage(coverages: readonly CoverageReport[], checks: readonly CheckResult[]): CoverageReport | undefined {
  const [first] = coverages;
  if (!first) return undefined;
  const lost = checks.filter((check) => LOST.includes(check.status));
  const union = <T>(lists: readonly (readonly T[])[]): T[] => [...new Set(lists.flat())];
  const operations = first.operations.map((operation): OperationCoverage => {
    const same = coverages.map((coverage) => coverage.operations.find((other) => other.id === operation.id) ?? operation);
    const calls = same.reduce((sum, other) => sum + other.calls, 0);
    const succeeded = same.reduce((sum, other) => sum + other.succeeded, 0);
    const { why: _why, ...rest } = operation;
    const why = operationWhy(calls, succeeded, lost.length);
    return {
      ...rest,
      calls,
      succeeded,
      exercised: succeeded > 0,
      ...(why ? { why } : {}),
      params: operation.params.map((param, i) => ({
        ...param,
        sent: same.some((other) => other.params[i]?.sent),
        classes: union(same.map((other) => other.params[i]?.classes ?? [])),
        ...(param.values
          ? { values: { documented: param.values.documented, sent: union(same.map((other) => other.params[i]?.values?.sent ?? [])) } }
          : {}),
      })),
      answers: operation.answers.map((answer, i) => ({ ...answer, seen: same.some((other) => other.answers[i]?.seen) })),
      ...(operation.properties
        ? {
            properties: {
              documented: operation.properties.documented,
              missing: operation.properties.missing.filter((property) =>
                same.every((other) => other.properties?.missing.includes(property)),
              ),
            },
          }
        : {}),
      contentTypes: {
        request: {
          documented: operation.contentTypes.request.documented,
          used: union(same.map((other) => other.contentTypes.request.used)),
        },
        response: {
          documented: operation.contentTypes.response.documented,
          used: union(same.map((other) => other.contentTypes.response.used)),
        },
      },
    };
  });
  const facetsKnown = (coverage: CoverageReport) => !coverage.criteria.some((criterion) => criterion.unknown);
  // A shard none of whose checks opened the API does not know the documented facets; another may.
  const known = coverages.find(facetsKnown) ?? first;
  const facets = known.facets.map((facet) => {
    const same = coverages.flatMap((coverage) => coverage.facets.filter((other) => facetKey(other) === facetKey(facet)));
    const judged = same.some((other) => other.judged);
    const { why, ...rest } = facet;
    return {
      ...rest,
      judged,
      checks: union(same.map((other) => other.checks)),
      ...(judged ? {} : { why: same.find((other) => other.why)?.why ?? why ?? 'not judged' }),
    };
  });
  return summarize(operations, facets, lost, facetsKnown(known));
}
