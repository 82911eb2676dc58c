/**
 * Ctrl-C and SIGTERM (what CI sends on cancel): the first stops the run (no new check starts, the
 * running one stops at its next request), cleanup and the report follow, and the exit code says which
 * signal it was (130, 143); a second one exits at once.
 */
export type StopSignal = 'SIGINT' | 'SIGTERM';

export const SIGNAL_EXIT: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

export class Interrupts {
  signal?: StopSignal;
  /** When the first signal came (epoch ms): the cleanup's time is counted from it. */
  signalledAt = 0;
  private readonly handlers = new Map<StopSignal, () => void>();

  constructor(private readonly onFirst: (signal: StopSignal) => void) {}

  install(): void {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const handler = () => this.receive(signal);
      this.handlers.set(signal, handler);
      process.on(signal, handler);
    }
  }

  /** A signal: the first stops the run, a second exits at once. Also a signal held while the code loaded. */
  receive(signal: StopSignal): void {
    if (this.signal) process.exit(SIGNAL_EXIT[signal]);
    this.signal = signal;
    this.signalledAt = Date.now();
    this.onFirst(signal);
  }

  uninstall(): void {
    for (const [signal, handler] of this.handlers) process.off(signal, handler);
    this.handlers.clear();
  }
}
