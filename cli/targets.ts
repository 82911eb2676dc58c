/** How a run gets its target and config: an external URL with the user's credentials, or an embedded reference or mutant. */
import { randomBytes } from 'node:crypto';
import { credentialsFrom, type ApiDescriptor, type StartedTarget } from '../apis/descriptor.js';
import type { Credential, RunConfig, TargetAddress } from '../engine/config.js';
import { UsageError } from '../engine/failures.js';
import type { CliOptions } from './args.js';

export function makeConfig(options: CliOptions, api: string, target: TargetAddress, credentials: readonly Credential[], replayPrefix: string): RunConfig {
  return {
    api,
    target,
    credentials,
    seed: options.seed,
    runs: options.runs,
    readOnly: options.readOnly,
    strict: options.strict,
    boundary: options.boundary,
    families: options.families,
    runTag: randomBytes(4).toString('hex'),
    timeoutMs: options.timeoutMs,
    maxBodyBytes: options.maxBodyBytes,
    // --max-duration bounds the whole invocation, every API of `npm start` included.
    deadline: options.startedAt + options.maxDurationMs,
    ...(options.ratePerSecond ? { ratePerSecond: options.ratePerSecond } : {}),
    replayPrefix: `${replayPrefix}${options.runsGiven ? ` --runs ${options.runs}` : ''}`,
  };
}

/** Whether a URL's host is this machine: a run may write there without --allow-writes. */
export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The config for a run against the user's own server; a missing required option is a usage error naming it. */
export function externalConfig(options: CliOptions, api: ApiDescriptor, url: string): RunConfig {
  for (const option of api.credentials) {
    if (option.required && !options.credentials[option.key]) {
      throw new UsageError(`--target needs --${option.flag} for --api ${api.id}${option.env ? ` (or ${option.env})` : ''}`);
    }
  }
  const flags = api.credentials
    .filter((option) => options.credentials[option.key])
    .map((option) => ` --${option.flag} ${option.secret ? `"$${option.env}"` : options.credentials[option.key]}`)
    .join('');
  // A vendor's production API deserves care: writing checks need an explicit yes there.
  const readOnly = options.readOnly || (!options.allowWrites && !isLoopback(url));
  const replay = `npx clientele run --api ${api.id} --target ${url}${flags}${options.allowWrites ? ' --allow-writes' : ''}`;
  return makeConfig({ ...options, readOnly }, api.id, { kind: 'url', url }, credentialsFrom(api.credentials, options.credentials), replay);
}

/** Starts the embedded reference (or a mutant) of an API and the config to run against it. */
export async function embeddedRun(options: CliOptions, api: ApiDescriptor, mutantId: string | undefined): Promise<{ target: StartedTarget; config: RunConfig }> {
  const embedded = await api.embedded();
  if (mutantId !== undefined && !embedded.mutants.some((m) => m.id === mutantId)) {
    throw new UsageError(`unknown --mutant '${mutantId}' for ${api.id} (see clientele mutants --api ${api.id})`);
  }
  const target = await embedded.start(mutantId);
  const replay = `npx clientele run --api ${api.id}${mutantId ? ` --mutant ${mutantId}` : ''}`;
  return { target, config: makeConfig(options, api.id, target.address, target.credentials, replay) };
}
