/** An embedded target: a server of one API running in this process on 127.0.0.1 with an ephemeral port. */
export interface RunningTarget {
  /** Base URL to hand to `clientele run --target`, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  close(): Promise<void>;
}

export interface TargetCredentials {
  readonly token: string;
  readonly accountId: string;
  /** A restricted user's token, for targets that have one (Classic staff). */
  readonly staffToken?: string;
}

/** A deliberately faulty variant of a reference target. A check is real only if some mutant fails it. */
export interface Mutant<Faults> {
  readonly id: string;
  /** One line: what is wrong with this variant. */
  readonly description: string;
  readonly faults: Faults;
  /** True when the fault breaks every response (wrong content type, malformed body), so any check fails on it. */
  readonly global?: boolean;
  /** True when the fault breaks only an open rule (a choice the docs leave to the implementer): a run warns and fails nothing. */
  readonly open?: boolean;
  /** True when only the boundary phase's edge cases reach the fault; the random cases never do. */
  readonly boundaryOnly?: boolean;
}

/** The faults of the catalogue's mutant with this id; none for the reference (no id). */
export function faultsOf<Faults>(catalogue: readonly Mutant<Faults>[], mutantId: string | undefined): Faults | undefined {
  if (mutantId === undefined) return undefined;
  const mutant = catalogue.find((candidate) => candidate.id === mutantId);
  // Serving the reference under a mistyped mutant id would report that mutant as surviving.
  if (mutant === undefined) throw new Error(`unknown mutant '${mutantId}'`);
  return mutant.faults;
}
