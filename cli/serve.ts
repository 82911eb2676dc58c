/**
 * `clientele serve --api NAME [--mutant ID] [--port P | --stdio]`: one embedded reference target (or a
 * mutant) on its own, for trying clientele, developing a client against a faithful server, or showing
 * a mutant. It prints where it listens and the credentials to use (the token too: it is the served
 * target's own, made for this start, not a secret of the user's), and stops on SIGINT or SIGTERM.
 */
import type { ApiDescriptor } from '../apis/descriptor.js';
import { EXIT, UsageError } from '../engine/failures.js';
import { shellQuote } from '../protocols/http/curl.js';
import type { CliOptions } from './args.js';
import type { Io } from './io.js';

export async function serve(options: CliOptions, api: ApiDescriptor, io: Io): Promise<number> {
  const embedded = await api.embedded();
  if (options.mutant !== undefined && !embedded.mutants.some((m) => m.id === options.mutant)) {
    throw new UsageError(`unknown --mutant '${options.mutant}' for ${api.id} (see clientele mutants --api ${api.id})`);
  }
  if (options.stdio) {
    if (!embedded.serveStdio) throw new UsageError(`--stdio: ${api.id} is served over HTTP only (use --port)`);
    // stdout is the protocol's from here on: nothing else may be written to it.
    await embedded.serveStdio(options.mutant);
    return EXIT.ok;
  }
  const started = await embedded.start(options.mutant, options.port);
  const address = started.address.kind === 'url' ? started.address.url : started.address.command;
  // Everything a run needs, the target's required custom fields too (Grow CRM's reference has one).
  const settings = [
    ...started.credentials.map((c) => `--${api.credentials.find((o) => o.key === c.key)?.flag ?? c.key} ${c.value}`),
    ...Object.entries(started.customFields ?? {}).map(([name, value]) => `--custom-field ${shellQuote(`${name}=${value}`)}`),
  ].join(' ');
  io.out(`${api.id} ${options.mutant ? `mutant ${options.mutant}` : 'reference'} listening on ${address}`);
  io.out(`try: npx clientele run --api ${api.id} --target ${address} ${settings}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await started.close();
  io.out('stopped');
  return EXIT.ok;
}
