/** How a run gets its target and config: an external URL with the user's credentials, or an embedded reference or mutant. */
import { randomBytes } from 'node:crypto';
import { credentialsFrom, type ApiDescriptor, type EmbeddedTarget, type StartedTarget } from '../apis/descriptor.js';
import { isLoopback, type Credential, type EmbeddedServe, type RunConfig, type RunRequest, type TargetAddress } from '../engine/config.js';
import { UsageError } from '../engine/failures.js';
import { shellQuote } from '../protocols/http/curl.js';
import type { CliOptions } from './args.js';
import { slowEnoughForDistance } from './preflight.js';

function makeConfig<T extends TargetAddress | EmbeddedServe>(
  options: CliOptions,
  api: Pick<ApiDescriptor, 'id' | 'families'>,
  target: T,
  credentials: readonly Credential[],
  replayPrefix: string,
  unauthenticated = options.unauthenticated,
  targetCustomFields: Readonly<Record<string, string>> = {},
): Omit<RunConfig, 'target'> & { readonly target: T } {
  // The embedded target's own custom fields, unless the command line names them otherwise.
  const customFields = { ...targetCustomFields, ...options.customFields };
  return {
    api: api.id,
    target,
    ...(unauthenticated ? { unauthenticatedTarget: unauthenticated } : {}),
    credentials,
    ...(Object.keys(customFields).length > 0 ? { customFields } : {}),
    seed: options.seed,
    runs: options.runs,
    concurrency: options.concurrency ?? defaultConcurrency(target),
    readOnly: options.readOnly,
    strict: options.strict,
    ...(options.minCoverage ? { minCoverage: true } : {}),
    boundary: options.boundary,
    // A family the API's documents give nothing to run is left out of its report, not listed as skipped.
    families: options.families.filter((family) => api.families.includes(family)),
    runTag: randomBytes(4).toString('hex'),
    timeoutMs: options.timeoutMs,
    maxBodyBytes: options.maxBodyBytes,
    // --max-duration bounds the whole invocation, every API of `npm start` included.
    deadline: options.startedAt + options.maxDurationMs,
    ...(options.ratePerSecond ? { ratePerSecond: options.ratePerSecond } : {}),
    replayPrefix: `${replayPrefix}${options.runsGiven ? ` --runs ${options.runs}` : ''}`,
  };
}

/**
 * How many checks send at once when the user does not say. A target in clientele's own thread (the
 * embedded reference) gets one. A server of its own on this machine, on loopback or a command over
 * stdio, gets three: it computes one check's answer while clientele judges another's (on two cores,
 * against the served references, two were 11-21% faster than one, three another 0-8% faster than two,
 * four slower than three, `bench/like-for-like.ts`; the MCP reference over stdio took 2.9-3.2 s at
 * three, 3.8-4.0 s at one). A remote target's answers take their time on the way, which many checks in
 * flight overlap.
 */
export function defaultConcurrency(target: TargetAddress | EmbeddedServe): number {
  if (target.kind === 'embedded') return ONE;
  if (target.kind === 'command') return BESIDE;
  return isLoopback(target.url) ? BESIDE : FAR;
}
const ONE = 1;
const BESIDE = 3;
const FAR = 48;

/**
 * The same choice from what the preflight saw: a loopback address can front a distant server, and a
 * distant server answers slowly while the other processes of this machine leave its cores alone
 * (`othersBusyShare`; unknown: as if they did). A slow answer while they kept the cores busy waited for
 * one, as a server on a loaded machine does: one then, as when no answer was seen. A server that
 * answers fast is on this machine: three. A shard's busy neighbours are most likely its siblings,
 * starting as it does: their load says nothing about the target (taken for one, four shards of a run
 * 20 ms away each sent one request at a time, 4.3 times slower together than one process).
 */
export function concurrencyAt(seen: { fastestAnswerMs: number; othersBusyShare: number | undefined }, shard = false): number {
  if (seen.fastestAnswerMs === Infinity || (!shard && (seen.othersBusyShare ?? 0) >= BUSY)) return ONE;
  return slowEnoughForDistance(seen.fastestAnswerMs) ? FAR : BESIDE;
}
/** Other processes busy this share of the cores' time or more: a slow answer waited for a core. */
const BUSY = 0.5;

/** The config for a run against the user's own server (a URL, or a command over stdio); a missing required option is a usage error naming it. */
export function externalConfig(options: CliOptions, api: ApiDescriptor, target: TargetAddress): RunConfig {
  for (const option of api.credentials) {
    if (option.required && !options.credentials[option.key]) {
      throw new UsageError(
        `${target.kind === 'url' ? '--target' : '--command'} needs --${option.flag} for --api ${api.id}${option.env ? ` (or ${option.env})` : ''}`,
      );
    }
  }
  const flags = [
    ...api.credentials
      .filter((option) => options.credentials[option.key])
      .map((option) => ` --${option.flag} ${option.secret ? `"$${option.env}"` : options.credentials[option.key]}`),
    ...Object.entries(options.customFields).map(([name, value]) => ` --custom-field ${shellQuote(`${name}=${value}`)}`),
  ].join('');
  if (target.kind === 'command' && api.transport !== 'mcp')
    throw new UsageError(`--command starts a server over stdio; --api ${api.id} is reached over HTTP (use --target URL)`);
  // A vendor's production API deserves care: writing checks need an explicit yes there. A command runs here.
  const readOnly = options.readOnly || (!options.allowWrites && target.kind === 'url' && !isLoopback(target.url));
  const where = target.kind === 'url' ? `--target ${target.url}` : `--command ${JSON.stringify(target.command)}`;
  const replay = `npx clientele run --api ${api.id} ${where}${flags}${options.allowWrites ? ' --allow-writes' : ''}`;
  return makeConfig({ ...options, readOnly }, api, target, credentialsFrom(api.credentials, options.credentials), replay);
}

/** The embedded reference (or a mutant) as a command the run starts over stdio, and its twin without credentials. */
function overStdio(api: ApiDescriptor, embedded: EmbeddedTarget, mutantId: string | undefined): StartedTarget {
  if (!embedded.stdioCommand) throw new UsageError(`--stdio: ${api.id} is reached over HTTP only`);
  return {
    address: { kind: 'command', command: embedded.stdioCommand(mutantId) },
    unauthenticated: { kind: 'command', command: embedded.stdioCommand(mutantId, true) },
    credentials: credentialsFrom(api.credentials, { accountId: 'ABC123' }),
    // The run stops each process it started; nothing runs here.
    close: async () => undefined,
  };
}

/** The API's embedded target, once `mutantId` (when given) is known to be one of its mutants. */
async function embeddedOf(api: ApiDescriptor, mutantId: string | undefined): Promise<EmbeddedTarget> {
  const embedded = await api.embedded();
  if (mutantId !== undefined && !embedded.mutants.some((m) => m.id === mutantId)) {
    throw new UsageError(`unknown --mutant '${mutantId}' for ${api.id} (see clientele mutants --api ${api.id})`);
  }
  return embedded;
}

/** Starts the embedded reference (or a mutant) of an API, in this thread, and the config to run against it. */
export async function embeddedRun(
  options: CliOptions,
  api: ApiDescriptor,
  mutantId: string | undefined,
): Promise<{ target: StartedTarget; config: RunConfig }> {
  const embedded = await embeddedOf(api, mutantId);
  const target = options.stdio ? overStdio(api, embedded, mutantId) : await embedded.start(mutantId);
  const replay = embeddedReplay(api, mutantId, options.stdio);
  return {
    target,
    config: makeConfig(options, api, target.address, target.credentials, replay, target.unauthenticated, target.customFields),
  };
}

/**
 * The run of an embedded reference (or a mutant) the worker that runs the checks starts, on its own
 * thread (`apis/open.ts` `serveRun`), with the credentials made here: this thread knows every secret
 * it redacts. Over stdio the target is a process of its own: `embeddedRun`.
 */
export async function embeddedRequest(options: CliOptions, api: ApiDescriptor, mutantId: string | undefined): Promise<RunRequest> {
  if (options.stdio) return (await embeddedRun(options, api, mutantId)).config;
  const embedded = await embeddedOf(api, mutantId);
  const target: EmbeddedServe = { kind: 'embedded', ...(mutantId ? { mutant: mutantId } : {}) };
  return makeConfig(
    options,
    api,
    target,
    credentialsFrom(api.credentials, embedded.credentialValues()),
    embeddedReplay(api, mutantId, false),
  );
}

/** The command line that runs the embedded reference (or a mutant) again. */
function embeddedReplay(api: ApiDescriptor, mutantId: string | undefined, stdio: boolean): string {
  return `npx clientele run --api ${api.id}${stdio ? ' --stdio' : ''}${mutantId ? ` --mutant ${mutantId}` : ''}`;
}
