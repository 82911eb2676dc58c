/**
 * `clientele serve --api NAME [--mutant ID] [--port P | --stdio]`: one embedded reference target (or a
 * mutant) on its own, for trying clientele, developing a client against a faithful server, or showing
 * a mutant. It prints where it listens and the credentials to use (the token too: it is the served
 * target's own, made for this start, not a secret of the user's), and stops on SIGINT, SIGTERM or
 * SIGHUP, or when the process that started it is gone.
 */
import type { ApiDescriptor } from '../apis/descriptor.js';
import { EXIT, UsageError } from '../engine/failures.js';
import { shellQuote } from '../protocols/http/curl.js';
import type { CliOptions } from './args.js';
import type { Io } from './io.js';

export async function serve(options: CliOptions, api: ApiDescriptor, io: Io): Promise<number> {
  // Watched from the first moment: a signal that comes while the server starts stops it once it is up.
  const stop = watchStop();
  try {
    const embedded = await api.embedded();
    if (options.mutant !== undefined && !embedded.mutants.some((m) => m.id === options.mutant)) {
      throw new UsageError(`unknown --mutant '${options.mutant}' for ${api.id} (see clientele mutants --api ${api.id})`);
    }
    if (options.stdio) {
      if (!embedded.serveStdio) throw new UsageError(`--stdio: ${api.id} is served over HTTP only (use --port)`);
      // Over stdio the client closing stdin ends the server, whoever started it.
      stop.cancel();
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
    const why = await stop.reason;
    await started.close();
    // After a hangup or the parent's death no one reads the output any more: writing could only fail.
    if (why === 'signal') io.out('stopped');
    return EXIT.ok;
  } finally {
    stop.cancel();
  }
}

/** How often a served target looks whether the process that started it is still there. */
const PARENT_POLL_MS = 500;

type StopReason = 'signal' | 'hangup' | 'orphaned';

/**
 * Why the server should stop, once it should: SIGINT or SIGTERM, SIGHUP (its terminal closed), or the
 * process that started it gone. `npx clientele serve` is a child of npm: killed without a chance to
 * pass a signal on (SIGKILL, a crash), npm would leave it running with no one to stop it. The process
 * is then handed to an ancestor that adopts orphans, so its parent changes, which a poll sees.
 */
function watchStop(): { reason: Promise<StopReason>; cancel(): void } {
  const parent = process.ppid;
  let watch: NodeJS.Timeout | undefined;
  let settle: (why: StopReason) => void = () => undefined;
  const reason = new Promise<StopReason>((resolve) => (settle = resolve));
  const handlers: Record<string, () => void> = {
    SIGINT: () => stop('signal'),
    SIGTERM: () => stop('signal'),
    SIGHUP: () => stop('hangup'),
  };
  function cancel(): void {
    clearInterval(watch);
    for (const [signal, handler] of Object.entries(handlers)) process.off(signal, handler);
  }
  function stop(why: StopReason): void {
    cancel();
    settle(why);
  }
  for (const [signal, handler] of Object.entries(handlers)) process.once(signal, handler);
  // A parent of 0 or 1 is no one's to outlive (a container's first process, or one already orphaned).
  if (parent > 1) {
    watch = setInterval(() => {
      if (process.ppid !== parent || !alive(parent)) stop('orphaned');
    }, PARENT_POLL_MS);
    // The watch alone keeps nothing running: the server does.
    watch.unref();
  }
  return { reason, cancel };
}

/** Whether a process exists (one this process may not signal still does). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
