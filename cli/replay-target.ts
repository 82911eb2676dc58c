/**
 * Where `clientele replay` sends a report's recorded requests: `--target URL`, or the server the report
 * names (a URL, a command over stdio, or an embedded reference or mutant, started again here).
 */
import { credentialsFrom, type ApiDescriptor } from '../apis/descriptor.js';
import type { Credential, RunTarget, TargetAddress } from '../engine/config.js';
import { UsageError } from '../engine/failures.js';
import type { RecordedStep } from '../engine/records.js';
import { oneLine, visible } from '../reports/render.js';
import { isLoopback } from '../engine/config.js';

/** One server to replay one failure against; `close` stops what was started for it. */
export interface OpenedTarget {
  readonly address: TargetAddress;
  readonly credentials: readonly Credential[];
  close(): Promise<void>;
}

export interface Destination {
  /** How the output names it. */
  readonly label: string;
  /** Whether it is a server clientele starts (fresh for each failure, so one replay's clients never meet another's). */
  readonly embedded: boolean;
  open(): Promise<OpenedTarget>;
}

/** What the report says of where it ran, and what the replay was asked. */
export interface DestinationInput {
  readonly reportTarget: string;
  /** Where the report's run ran, as data; reports written before it was kept have only the label. */
  readonly where?: RunTarget;
  /** The report's replay line (`npx clientele run ... --stdio ...`): it tells an embedded run over stdio. */
  readonly replayLine: string;
  readonly target?: string;
  /**
   * By descriptor key; asked only for a server someone else runs (an embedded one makes its own, and a
   * config file's token variables need not be set for it).
   */
  readonly credentials: () => Readonly<Record<string, string | undefined>>;
  readonly steps: readonly RecordedStep[];
  /** `--allow-writes`: the requests may write to a target off this machine. */
  readonly allowWrites: boolean;
}

const COMMAND_LABEL = 'command: ';

export function destination(api: ApiDescriptor, input: DestinationInput): Destination {
  if (input.target !== undefined) return external(api, input, { kind: 'url', url: checkedUrl(input.target) }, '--target');
  const where = input.where;
  if (where?.kind === 'embedded') return embeddedDestination(api, where.mutant, where.stdio === true);
  if (where?.kind === 'url') return external(api, input, { kind: 'url', url: checkedUrl(where.url) }, where.url);
  if (where?.kind === 'command') {
    if (api.transport !== 'mcp')
      throw new UsageError(`the report names a command, but --api ${api.id} is reached over HTTP; pass --target URL`);
    return external(api, input, where, "the report's --command");
  }
  // A report from before `where` was kept: its label, read back.
  const label = input.reportTarget;
  if (label.startsWith(COMMAND_LABEL)) {
    if (api.transport !== 'mcp')
      throw new UsageError(`the report names a command, but --api ${api.id} is reached over HTTP; pass --target URL`);
    return external(api, input, { kind: 'command', command: label.slice(COMMAND_LABEL.length) }, "the report's --command");
  }
  if (/^https?:\/\//i.test(label)) return external(api, input, { kind: 'url', url: checkedUrl(label) }, label);
  const embedded = /^(?:embedded(?: \S+)? reference|(?:embedded \S+ )?mutant (\S+))$/.exec(label);
  if (!embedded)
    throw new UsageError(
      `the report's target '${oneLine(visible(label)).slice(0, 120)}' is no server to replay against; pass --target URL`,
    );
  return embeddedDestination(api, embedded[1], /\s--stdio\b/.test(input.replayLine));
}

function checkedUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--target is not a URL: ${oneLine(visible(text)).slice(0, 120)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--target must be an http or https URL, not ${url.protocol}`);
  return text;
}

/** A server someone else runs: it needs the credentials the API requires and those the requests name. */
function external(api: ApiDescriptor, input: DestinationInput, address: TargetAddress, where: string): Destination {
  const named = new Set(input.steps.flatMap((step) => credentialKeys(step)));
  const values = input.credentials();
  for (const option of api.credentials) {
    if ((option.required || named.has(option.key)) && !values[option.key]) {
      throw new UsageError(
        `replaying against ${oneLine(visible(where)).slice(0, 120)} needs --${option.flag} for --api ${api.id}${option.env ? ` (or ${option.env})` : ''}`,
      );
    }
  }
  // A recorded case creates, changes and deletes clients, and a replay does not clean up after it:
  // a vendor's server off this machine gets those requests only when the user says so, as `run` asks.
  if (address.kind === 'url' && !isLoopback(address.url) && !input.allowWrites) {
    throw new UsageError(
      `replaying against ${oneLine(visible(where)).slice(0, 120)} sends the recorded creates, updates and deletes there; pass --allow-writes to let it`,
    );
  }
  const credentials = credentialsFrom(api.credentials, values);
  const label = address.kind === 'url' ? address.url : `${COMMAND_LABEL}${address.command}`;
  // Nothing to stop: a command's process belongs to the session's transport, which closes it.
  return { label, embedded: false, open: async () => ({ address, credentials, close: async () => undefined }) };
}

function embeddedDestination(api: ApiDescriptor, mutantId: string | undefined, stdio: boolean): Destination {
  const what = `embedded ${api.id} ${mutantId ? `mutant ${mutantId}` : 'reference'}`;
  return {
    label: `${what}${stdio ? ' over stdio' : ''}, started again`,
    embedded: true,
    async open() {
      const target = await api.embedded();
      if (mutantId !== undefined && !target.mutants.some((mutant) => mutant.id === mutantId)) {
        throw new UsageError(
          `the report's mutant '${oneLine(visible(mutantId))}' is not one of ${api.id}'s (see clientele mutants --api ${api.id})`,
        );
      }
      if (stdio && target.stdioCommand) {
        // A stdio server holds its own credentials: the recorded requests carry none.
        return { address: { kind: 'command', command: target.stdioCommand(mutantId) }, credentials: [], close: async () => undefined };
      }
      const started = await target.start(mutantId);
      return { address: started.address, credentials: started.credentials, close: () => started.close() };
    },
  };
}

/** The credential keys a recorded request refers to. */
function credentialKeys(step: RecordedStep): string[] {
  const auth = step.request.auth;
  if (!auth) return [];
  const ref = auth.scheme === 'bearer' ? auth.token : auth.user;
  return 'credential' in ref ? [ref.credential] : [];
}
