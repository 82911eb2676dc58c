/** Where the CLI writes: stdout for results, stderr for the one line an error gets. Tests pass their own. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** Where a run's progress goes (a live view on a terminal, plain lines in CI); none: no progress. */
  readonly progress?: NodeJS.WriteStream;
}

export const consoleIo: Io = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  progress: process.stdout,
};
