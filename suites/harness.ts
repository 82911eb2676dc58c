/**
 * The one place the suites meet vitest, on the worker side of the boundary. What crosses it: the run
 * configs (`inject('clientele')`, JSON) in, each check's `CheckMeta` (task meta, JSON) out. On this
 * side, each run gets one `RunContext`, held by a worker-scoped fixture (`runs`), so nothing of it
 * lives at module level. A suite file defines its family (`family()`); `registerRuns()` (suites/run.ts)
 * gives each run one block with its families side by side. `check()` is a vitest test: it waits for a
 * slot of its run (`--concurrency`), opens the API on a session of its own, and turns what its body
 * throws into a typed result: passed, failed (a broken promise), warned (only broken assumptions),
 * blocked (a prerequisite failed), skipped, or errored. Nothing a check reports depends on which
 * checks ran beside it: its scopes are named after it, and work checks share (a prerequisite's probe)
 * runs on a session of its own, counted in the first check that declares it.
 * Suite files import this module, the port, the model and fast-check.
 */
import { test as vitestTest, describe, inject } from 'vitest';
import { openClientSession, serveRun, type ServedRun } from '../apis/open.js';
import type { ClientApi } from '../port/port.js';
import { INTERRUPT_CHANNEL, type RunConfig, type RunRequest } from '../engine/config.js';
import type { ExchangeLog } from '../engine/exchange-log.js';
import { FAMILIES, familyBlockName, runBlockName, type Family } from '../engine/families.js';
import { ConformanceFailure, TargetUnreachableError, describeError } from '../engine/failures.js';
import { toFailureRecord } from '../engine/failure-record.js';
import { PropertyError, type CaseLanes, type LanedRun } from '../engine/property.js';
import { checkId, type FailureRecord } from '../engine/records.js';
import type { Redactor } from '../engine/redact.js';
import { RunContext } from '../engine/run-context.js';
import { RunStopped } from '../engine/guard.js';
import type { Tally } from '../engine/verdicts.js';
import type { Session } from '../engine/session.js';
import type { Facet, OperationUse } from '../engine/coverage.js';
import { documentedFacets } from './facets.js';

/** What a check leaves for the collector. JSON only: it crosses from the worker to the main process. */
export interface CheckMeta {
  family: Family;
  /** What the check proves, as one sentence; its title (the test's name) is the short form. */
  claim: string;
  /** Which run of the batch the check belongs to. */
  run: number;
  requests: number;
  failure?: FailureRecord;
  warnings?: number;
  /** The rule ids the check evaluated. */
  rules?: string[];
  boundary?: { cases: number; requests: number; ms: number };
  /** How long the check ran once it had its slot (vitest's duration counts the wait too). */
  ms?: number;
  rateLimit?: { retries: number; waitedMs: number };
  /** Set when the check could not judge the target: it crashed, or the target went away. */
  error?: { kind: 'internal' | 'unreachable'; message: string };
  skipped?: string;
  /** `by`: the prerequisite check that failed; absent when the run itself stopped (budget, unresponsive target, interrupt). */
  blocked?: { by?: string; reason: string };
  /** What the check's exchanges exercised of the documented surface, operation by operation (coverage). */
  exercised?: OperationUse[];
  /** The semantic facets the check judged (coverage). */
  facets?: Facet[];
}

/** What a run leaves on its block for the collector: the semantic facets its API's documents promise. */
export interface RunBlockMeta {
  documentedFacets?: Facet[];
}

declare module 'vitest' {
  interface TaskMeta {
    clientele?: CheckMeta;
    clienteleRun?: RunBlockMeta;
  }
}

/**
 * The runs this vitest run carries, each opened when its block starts: its target served (an embedded
 * one started on this thread, `serveRun`) and its context made for the config that reaches it.
 */
class RunContexts {
  private readonly byTag = new Map<string, { readonly context: RunContext; readonly served: ServedRun }>();

  /** Opens a run when its block starts (once: its block's `beforeAll`). */
  async open(request: RunRequest): Promise<{ context: RunContext; config: RunConfig }> {
    const served = await serveRun(request);
    const context = new RunContext(served.config);
    this.byTag.set(request.runTag, { context, served });
    return { context, config: served.config };
  }

  /** Stops the runs with these tags (the runner's interrupt): their checks still to start are blocked, the running ones stop. */
  interrupt(runTags: readonly string[]): void {
    for (const tag of runTags) this.byTag.get(tag)?.context.guard.stop('the run was interrupted');
  }

  /** The run is over (its block ended): what it shares goes now (its cleanup first, on a target still up), then the target it started. */
  async release(runTag: string): Promise<void> {
    const open = this.byTag.get(runTag);
    this.byTag.delete(runTag);
    await open?.context.close();
    await open?.served.close();
  }

  async closeAll(): Promise<void> {
    const tags = [...this.byTag.keys()];
    await Promise.all(tags.map((tag) => this.release(tag)));
  }
}

/** vitest's `test` with the worker's run contexts as a fixture: hooks and checks receive them explicitly. */
const test = vitestTest.extend(
  'runs',
  { scope: 'worker' },
  // vitest reads which fixtures a fixture needs from its destructuring: this one needs none.
  // eslint-disable-next-line no-empty-pattern
  async ({}, { onCleanup }) => {
    const runs = new RunContexts();
    const interrupts = new BroadcastChannel(INTERRUPT_CHANNEL);
    interrupts.onmessage = (event) => runs.interrupt((event as MessageEvent<string[]>).data);
    // Closed with the worker's fixtures (an unref'd channel with a listener cost a run 300 MB and a second).
    onCleanup(() => {
      interrupts.close();
      return runs.closeAll();
    });
    return runs;
  },
);

/**
 * Work several checks of a run rely on and that is done once (a prerequisite's probe): it runs on a
 * session and adapter of its own, whose clients are cleaned up when the run ends, and its requests and
 * judgements count in the first check that declares it (`needs`/`uses`).
 */
export interface SharedWork<T> {
  /** Unique in the run. */
  readonly key: string;
  /** Made with the target to itself: no other check sends meanwhile. */
  readonly alone?: boolean;
  make(run: CheckRun): Promise<T>;
}

type SharedOutcome<T> = { readonly session: Session } & (
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown }
);

/**
 * What a run's checks declare at registration, in the order they register: which check owns each
 * shared work (the first to declare it) and the scope prefix the work's clients get. Made per run
 * when its block is collected, so the same checks give the same owners whatever runs first.
 */
class SharedWorkPlan {
  private readonly owners = new Map<string, { owner: string; prefix: string }>();
  /** Shared work made alone, with the family of the check that declared it first: made before any check starts. */
  readonly aloneFirst: { readonly work: SharedWork<unknown>; readonly family: Family }[] = [];

  declare(key: string, checkId: string): void {
    if (!this.owners.has(key)) this.owners.set(key, { owner: checkId, prefix: `s${this.owners.size + 1}` });
  }

  /** Shared work made alone: made in the run's first moments, when it waits for no check's slot. */
  declareAlone(work: SharedWork<unknown>, checkId: string, family: Family): void {
    if (!this.owners.has(work.key)) this.aloneFirst.push({ work, family });
    this.declare(work.key, checkId);
  }

  ownerOf(key: string): string | undefined {
    return this.owners.get(key)?.owner;
  }

  prefixOf(key: string): string {
    const planned = this.owners.get(key);
    if (!planned) throw new Error(`shared work ${key} was used by a check that did not declare it`);
    return planned.prefix;
  }
}

/** The most lanes one check's property cases take at once; each beyond the first takes a free slot of the run. */
const MAX_LANES = 8;

/** What a check body gets: the run's config and context, the API on a session of its own, and fresh scopes for the clients it creates. */
export class CheckRun implements LanedRun<CheckRun> {
  private scopes = 0;
  /** The shared work this check awaited, for its accounting and for finding where a failure was seen. */
  private readonly awaited = new Map<string, SharedOutcome<unknown>>();
  /** The requests the lanes of this check's property cases sent, cleanup included. */
  private laneRequests = 0;
  /** The check runs alone: nothing of it goes side by side (its cases, its creates), as at --concurrency 1. */
  private runsAlone = false;

  readonly lanes: CaseLanes<CheckRun> = { each: (cases, body) => this.eachCase(cases, body) };

  constructor(
    readonly config: RunConfig,
    readonly context: RunContext,
    readonly api: ClientApi,
    readonly family: Family,
    private readonly plan: SharedWorkPlan,
    /** What this check's scope names start with: the family and the check's place in it (and a lane's case). */
    private scopePrefix: string,
    /** The check a lane runs cases of: shared work is awaited, and counted, there. */
    private readonly parent?: CheckRun,
  ) {}

  get log(): ExchangeLog {
    return this.api.session.log;
  }

  /** The tally of this check: the rules it evaluated, the warnings it met. */
  get tally(): Tally | undefined {
    return this.api.session.tally;
  }

  /** Whether the check runs alone (`CheckOptions.alone`): its cases, and the clients it creates, go one at a time. */
  get alone(): boolean {
    return this.parent?.alone ?? this.runsAlone;
  }

  set alone(value: boolean) {
    this.runsAlone = value;
  }

  /** Requests this check's lanes sent, their cleanup included. */
  get requestsOnLanes(): number {
    return this.laneRequests;
  }

  /** The check judges these semantic facets (coverage): named before the judgement, so a failed one counts too. */
  judged(...facets: readonly Facet[]): void {
    this.tally?.judged(...facets);
  }

  /** Ends the check as skipped: the API's documents promise nothing to judge here, or the target has nothing to read. */
  skip(reason: string): never {
    throw new SkipCheck(reason);
  }

  /** A scope no other check or property case of this run uses, named after this check, so lists can be confined to it. */
  scope(): string {
    this.scopes += 1;
    return `${this.scopePrefix}-${this.scopes}`;
  }

  /**
   * Runs property cases side by side: the first lane on this check's slot, one more on each slot of the
   * run free meanwhile (up to MAX_LANES), each lane taking the next case when it is done with one. A
   * lane has an API session of its own, a fresh tally per case (counted here in the order of the cases,
   * whichever lane ran them) and scopes named after the case; it cleans up what it created at the end.
   */
  private async eachCase(cases: readonly string[], body: (index: number, lane: CheckRun) => Promise<void>): Promise<number> {
    const tallies: Tally[] = [];
    const lanes: CheckRun[] = [];
    const running: Promise<void>[] = [];
    let next = 0;
    let requests = 0;
    const lane = async (release?: () => void): Promise<void> => {
      try {
        // The lane's session shares what the check's own prepared (an adapter's reading of the target).
        const { api } = await openClientSession(this.context, this.config, this.api.session);
        const on = new CheckRun(this.config, this.context, api, this.family, this.plan, this.scopePrefix, this);
        lanes.push(on);
        while (next < cases.length) {
          const index = next++;
          on.scopePrefix = `${this.scopePrefix}-${cases[index]}`;
          on.scopes = 0;
          tallies[index] = api.session.newTally();
          const before = on.log.total;
          widen();
          try {
            await body(index, on);
          } finally {
            requests += on.log.total - before;
          }
        }
      } finally {
        release?.();
      }
    };
    const widen = () => {
      while (running.length < MAX_LANES && next < cases.length) {
        const release = this.context.slots.tryAcquire();
        if (!release) return;
        running.push(lane(release));
      }
    };
    running.push(lane());
    let failed: unknown;
    for (let i = 0; i < running.length; i++) await running[i]!.catch((error: unknown) => (failed ??= error));
    await Promise.all(
      lanes.map(async (on) => {
        const cleanup = on.api.session.newTally();
        await on.api.cleanup().catch(() => undefined);
        await on.api.close();
        tallies.push(cleanup);
        this.laneRequests += on.log.total;
      }),
    );
    for (const tally of tallies) if (tally) this.tally?.absorb(tally);
    if (failed) throw failed;
    return requests;
  }

  /** How shared work the check declared (`uses`, `needs`) came out, made by the first check of the run that needs it. */
  async outcomeOf<T>(work: SharedWork<T>): Promise<SharedOutcome<T>> {
    if (this.parent) return this.parent.outcomeOf(work);
    const outcome = await sharedOutcome(this.context, this.config, this.family, this.plan, work);
    this.awaited.set(work.key, outcome);
    return outcome;
  }

  /** The shared work this check owns: what it sent and judged is counted here. */
  owned(checkId: string): SharedOutcome<unknown>[] {
    return [...this.awaited.entries()].filter(([key]) => this.plan.ownerOf(key) === checkId).map(([, outcome]) => outcome);
  }

  /** The session whose log holds the exchange a failure names: this check's, or that of shared work it awaited. */
  sessionOf(failure: ConformanceFailure): Session {
    const culprit = failure.details.exchanges?.at(-1)?.request;
    const sessions = [this.api.session, ...[...this.awaited.values()].map((outcome) => outcome.session)];
    return (
      (culprit && sessions.find((session) => session.log.snapshot().some((exchange) => exchange.request === culprit))) ?? this.api.session
    );
  }
}

/** Shared work, made once per run on a session and adapter of its own (cleaned up when the run ends). */
function sharedOutcome<T>(
  context: RunContext,
  config: RunConfig,
  family: Family,
  plan: SharedWorkPlan,
  work: SharedWork<T>,
): Promise<SharedOutcome<T>> {
  const prefix = plan.prefixOf(work.key);
  return context.once(`shared:${work.key}`, async (): Promise<SharedOutcome<T>> => {
    const { api, session } = await openClientSession(context, config);
    context.onClose(async () => {
      await api.cleanup().catch(() => undefined);
      await api.close();
    });
    const run = new CheckRun(config, context, api, family, plan, prefix);
    const release = work.alone ? await context.slots.acquireAll() : undefined;
    try {
      return { ok: true, value: await work.make(run), session };
    } catch (error) {
      return { ok: false, error, session };
    } finally {
      release?.();
    }
  });
}

class SkipCheck extends Error {
  override readonly name = 'SkipCheck';
}

/**
 * A behaviour other checks rely on (the scope filter confines a list; the restricted credential works).
 * It runs once per run, as shared work; when it fails, its dependants are reported `blocked` with the
 * reason, and its own check (see `prerequisiteCheck`) fails: fix that one first.
 */
export interface Prerequisite {
  /** The family, short title and full claim of the check that reports it. */
  readonly family: Family;
  readonly name: string;
  readonly claim: string;
  /** Throws a ConformanceFailure when the behaviour is not there; skips (run.skip) when it cannot be judged. */
  probe(run: CheckRun): Promise<void>;
}

type PrerequisiteOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly failure: ConformanceFailure }
  | { readonly ok: 'unknown'; readonly reason: string };

function prerequisiteWork(prerequisite: Prerequisite): SharedWork<void> {
  return { key: `prerequisite:${checkId(prerequisite.family, prerequisite.name)}`, make: (run) => prerequisite.probe(run) };
}

/** A prerequisite's outcome, probed once per run by the first check that needs it. */
async function prerequisiteOutcome(prerequisite: Prerequisite, run: CheckRun): Promise<PrerequisiteOutcome> {
  const outcome = await run.outcomeOf(prerequisiteWork(prerequisite));
  if (outcome.ok) return { ok: true };
  if (outcome.error instanceof SkipCheck) return { ok: 'unknown', reason: outcome.error.message };
  if (outcome.error instanceof ConformanceFailure) return { ok: false, failure: outcome.error };
  throw outcome.error;
}

interface SuiteEnv {
  /** The run as the runner asked for it: what registers depends on it alone (its target may be still to start). */
  readonly request: RunRequest;
  /** The run's config, its target where it listens; set once the run's block starts. */
  readonly config: RunConfig;
  /** The run's context; set once the run's block starts. */
  readonly context: RunContext;
  readonly family: Family;
  /** Which run of the batch this is (0 for a single run). */
  readonly run: number;
  /** The shared work of the run, by owner. */
  readonly plan: SharedWorkPlan;
  /** How many checks of the family registered before: names the next one's scopes. */
  checks: number;
  /** Shared work that, when it comes out true, makes every check of the run run alone (`registerRuns`). */
  readonly aloneWhen?: SharedWork<boolean>;
}

interface CheckOptions {
  /** What the check proves, in one sentence (reports print it under the short title). */
  readonly claim: string;
  /** Creates, updates or deletes on the target: skipped under `--read-only`. */
  readonly writes: boolean;
  /** Behaviours this check relies on; when one fails, the check is blocked instead of failing for its sake. */
  readonly needs?: readonly Prerequisite[];
  /** Shared work the check relies on beyond its prerequisites: the first check of the run to declare a piece counts its requests and judgements. */
  readonly uses?: readonly SharedWork<unknown>[];
  /**
   * The check judges something every client of the target takes part in (the ids the server hands out
   * next, a count over every client): no other check of the run sends while it runs, and its cases run
   * one at a time. Every check is alone when the run's `aloneWhen` came out true.
   */
  readonly alone?: boolean;
}

/** A family's checks, as its suite file defines them; registered once per run that covers the family (`registerRuns`). */
export interface FamilyDefinition {
  readonly name: Family;
  readonly define: (env: SuiteEnv) => void;
}

export function family(name: Family, define: (env: SuiteEnv) => void): FamilyDefinition {
  return { name, define };
}

/**
 * Registers the runs this vitest run carries (`SuiteRunner.runBatch`), one after the other: each gets
 * a block whose families run side by side, their checks taking turns on the run's slots. The run's
 * context opens with the block and closes after its last check. `aloneWhen`: shared work, made with the
 * target to itself before any check starts, that says the checks cannot share it (a server that hands
 * out ids again lets one check's create take the id of another's client): each then runs alone.
 */
export function registerRuns(families: readonly FamilyDefinition[], options: { aloneWhen?: SharedWork<boolean> } = {}): void {
  const configs = inject('clientele');
  const ordered = [...families].sort((a, b) => FAMILIES.indexOf(a.name) - FAMILIES.indexOf(b.name));
  configs.forEach((request, run) => {
    const mine = ordered.filter((definition) => request.families.includes(definition.name));
    if (mine.length === 0) return;
    let opened: { context: RunContext; config: RunConfig } | undefined;
    const plan = new SharedWorkPlan();
    const envs: SuiteEnv[] = [];
    describe(runBlockName(run, configs.length), () => {
      test.beforeAll(async ({ runs }) => {
        const { context, config } = (opened = await runs.open(request));
        // Collected by now: the guard projects the run's pace over every check it registered.
        context.guard.planChecks(envs.reduce((sum, env) => sum + env.checks, 0));
        // Shared work made alone goes first, while no check holds a slot: it would wait for every one.
        for (const { work, family } of plan.aloneFirst) await sharedOutcome(context, config, family, plan, work);
      });
      test.afterAll(({ runs }, block) => {
        const facets = opened?.context.documentedFacets;
        if (facets) block.meta.clienteleRun = { documentedFacets: [...facets] };
        return runs.release(request.runTag);
      });
      const open = () => {
        if (!opened) throw new Error('run context not open');
        return opened;
      };
      for (const definition of mine) {
        const env: SuiteEnv = {
          request,
          get config() {
            return open().config;
          },
          family: definition.name,
          run,
          plan,
          checks: 0,
          ...(options.aloneWhen ? { aloneWhen: options.aloneWhen } : {}),
          get context() {
            return open().context;
          },
        };
        envs.push(env);
        describe.concurrent(familyBlockName(definition.name, run, configs.length), () => definition.define(env));
      }
    });
  });
}

/** The first of these prerequisites that failed, as the reason a check is blocked. */
async function blockedBy(needs: readonly Prerequisite[], run: CheckRun, redactor: Redactor): Promise<CheckMeta['blocked']> {
  for (const prerequisite of needs) {
    const outcome = await prerequisiteOutcome(prerequisite, run);
    if (outcome.ok !== false) continue;
    const by = checkId(prerequisite.family, prerequisite.name);
    return { by, reason: redactor.text(`blocked: the prerequisite ${by} failed (${outcome.failure.message}); fix it first`) };
  }
  return undefined;
}

/** The check that reports a prerequisite: it fails (and names itself as what to fix first) when the behaviour is not there. */
export function prerequisiteCheck(env: SuiteEnv, prerequisite: Prerequisite, options: Omit<CheckOptions, 'claim'>): void {
  if (prerequisite.family !== env.family) throw new Error(`prerequisite ${prerequisite.name} belongs to ${prerequisite.family}`);
  // It declares its probe (and so owns it, registered before its dependants) only where this run registers it.
  check(
    env,
    prerequisite.name,
    { ...options, claim: prerequisite.claim, needs: [], uses: [prerequisiteWork(prerequisite)] },
    async (run) => {
      const outcome = await prerequisiteOutcome(prerequisite, run);
      if (outcome.ok === false) throw outcome.failure;
      if (outcome.ok === 'unknown') run.skip(outcome.reason);
    },
  );
}

export function check(env: SuiteEnv, name: string, options: CheckOptions, body: (run: CheckRun) => Promise<void>): void {
  const id = checkId(env.family, name);
  // Another shard's check is not registered at all: this run neither runs nor reports it.
  if (env.request.checks && !env.request.checks.includes(id)) return;
  env.checks += 1;
  const scopePrefix = `${env.family}-${env.checks}`;
  for (const prerequisite of options.needs ?? []) env.plan.declare(prerequisiteWork(prerequisite).key, id);
  for (const work of options.uses ?? []) env.plan.declare(work.key, id);
  // Under --read-only nothing is created: no id to hand out again, and no probe either.
  const gate = env.request.readOnly ? undefined : env.aloneWhen;
  if (gate) env.plan.declareAlone(gate, id, env.family);
  test(name, async ({ task, skip, signal }) => {
    const meta: CheckMeta = { family: env.family, claim: options.claim, run: env.run, requests: 0 };
    task.meta.clientele = meta;
    const context = env.context;
    const guard = context.guard;
    if (options.writes && env.config.readOnly) {
      meta.skipped = 'writes to the target (--read-only)';
      guard.checkEnded(false, 0, false);
      skip();
      return;
    }
    const redactor = context.redactor;
    // An interrupt cancels the run: checks waiting for a slot never start, the running ones stop at their next request.
    signal.addEventListener('abort', () => guard.stop('the run was interrupted'), { once: true });
    // Made before any check began (`declareAlone`). One that could not tell keeps the check alone.
    const gated = gate && (await sharedOutcome(context, env.config, env.family, env.plan, gate));
    const alone = options.alone === true || (gated !== undefined && (!gated.ok || gated.value));
    const release = alone ? await context.slots.acquireAll() : await context.slots.acquire();
    if (guard.stopped) {
      release();
      meta.blocked = { reason: `blocked: ${guard.stopped}` };
      guard.checkEnded(false, 0, false);
      skip();
      return;
    }
    guard.checkBegan();
    const started = performance.now();
    let api: ClientApi | undefined;
    let run: CheckRun | undefined;
    let outcome: 'skip' | undefined;
    try {
      api = (await openClientSession(context, env.config)).api;
      context.documentedFacets ??= documentedFacets(api);
      run = new CheckRun(env.config, context, api, env.family, env.plan, scopePrefix);
      run.alone = alone;
      // Made already: awaited again on the check's run, so the check that owns it counts its requests.
      if (gate) await run.outcomeOf(gate);
      outcome = await judge(env, options, body, run, meta);
    } catch (error) {
      throw crashed(meta, error, redactor);
    } finally {
      // Touch only what the check created, and delete it as the API deletes, also when it failed.
      await api?.cleanup().catch(() => undefined);
      await api?.close();
      release();
      if (run) account(meta, run, id);
      meta.ms = Math.round(performance.now() - started);
      guard.checkEnded(run !== undefined && !meta.skipped && !meta.blocked && !meta.error, meta.requests);
    }
    if (outcome === 'skip') skip();
  });
}

/** Adds up what the check sent and judged, and the shared work it owns, into its meta. */
function account(meta: CheckMeta, run: CheckRun, id: string): void {
  const tally = run.tally!;
  let requests = run.log.total + run.requestsOnLanes;
  for (const owned of run.owned(id)) {
    requests += owned.session.log.total;
    tally.absorb(owned.session.tally!);
  }
  meta.exercised = tally.surface.toJSON();
  if (tally.facets.size > 0) meta.facets = [...tally.facets.values()];
  meta.requests = requests;
  meta.rules = [...tally.rules];
  if (tally.warningCount) meta.warnings = tally.warningCount;
  if (tally.boundary.cases) meta.boundary = { ...tally.boundary, ms: Math.round(tally.boundary.ms) };
  if (tally.rateLimit.retries) meta.rateLimit = { ...tally.rateLimit };
  if (!meta.failure && !meta.blocked && !meta.skipped && !meta.error) {
    const [warning] = tally.warnings;
    if (warning) meta.failure = toFailureRecord(warning, sceneOf(run, warning));
  }
}

function sceneOf(run: CheckRun, failure: ConformanceFailure) {
  return {
    session: run.sessionOf(failure),
    config: run.config,
    family: run.family,
    redactor: run.context.redactor,
    tally: run.tally!,
  };
}

/** Runs a check's body and writes its verdict into `meta`; 'skip' when the check ends skipped or blocked. */
async function judge(
  env: SuiteEnv,
  options: CheckOptions,
  body: (run: CheckRun) => Promise<void>,
  run: CheckRun,
  meta: CheckMeta,
): Promise<'skip' | undefined> {
  const context = env.context;
  try {
    const blocked = await blockedBy(options.needs ?? [], run, context.redactor);
    if (blocked) {
      meta.blocked = blocked;
      return 'skip';
    }
  } catch (error) {
    if (!(error instanceof RunStopped)) throw error;
    meta.blocked = { reason: `blocked: ${error.message}` };
    return 'skip';
  }
  try {
    await body(run);
    return undefined;
  } catch (error) {
    if (error instanceof SkipCheck) {
      meta.skipped = error.message;
      return 'skip';
    }
    const stopped = error instanceof PropertyError ? error.cause : error;
    if (stopped instanceof RunStopped) {
      // The run stopped under this check: what it found so far stands only if it was a failure.
      meta.blocked = { reason: `blocked: ${stopped.message}` };
      return 'skip';
    }
    if (error instanceof ConformanceFailure) {
      const tally = run.tally!;
      // A broken assumption thrown outside a property (which would have recorded it) is a warning too.
      if (tally.isWarning(error)) {
        tally.warn(error);
        meta.failure = toFailureRecord(tally.warnings[0]!, sceneOf(run, tally.warnings[0]!));
        return undefined;
      }
      meta.failure = toFailureRecord(error, sceneOf(run, error));
      throw new CheckFailed(context.redactor.text(`${error.rule}: ${error.message}`), { cause: error });
    }
    throw error;
  }
}

/** A check that found a broken promise: vitest marks it failed; its record is in the meta already. */
class CheckFailed extends Error {
  override readonly name = 'CheckFailed';
}

/** A check that could not judge the target: it crashed (our bug) or the target went away. */
function crashed(meta: CheckMeta, error: unknown, redactor: Redactor): Error {
  if (error instanceof CheckFailed) return error;
  const cause = error instanceof PropertyError ? error.cause : error;
  const seedNote = error instanceof PropertyError ? ` (seed ${error.seed}, path ${error.path})` : '';
  meta.error = {
    kind: cause instanceof TargetUnreachableError ? 'unreachable' : 'internal',
    message: redactor.text(describeError(cause) + seedNote),
  };
  return new Error(meta.error.message);
}
