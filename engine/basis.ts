/**
 * What a verdict rests on. Every rule a check enforces resolves, per API, to a basis its spec records:
 * a `promise` (a sentence of the seed or the fuller reference docs, quoted, with where it stands) or an
 * `assumption` (what the spec assumed where the documents are silent). A broken promise is a failure
 * (exit 1); a broken assumption is a warning, which changes the exit code only under `--strict`.
 */
export type BasisKind = 'promise' | 'assumption';

export interface Basis {
  readonly kind: BasisKind;
  /** The documented sentence, quoted as the document has it; or what the spec assumed. */
  readonly says: string;
  /** Where: `seed 000, client.update`, `shared/reference/crm-docs/clients.md, Set tags`, or the spec's own place for an assumption. */
  readonly source: string;
}

/** One entry of an API's basis table, as its spec records it beside the operation it concerns. */
export interface BasisEntry extends Basis {
  /** The rule ids this entry grounds (`partial-update/untouched`, `errors/unknown-id`, `content-type`, ...). */
  readonly rules: readonly string[];
  readonly operation?: string;
}

export type Severity = 'failure' | 'warning';

export function severityOf(basis: Basis): Severity {
  return basis.kind === 'promise' ? 'failure' : 'warning';
}

/** What a rule rests on when an API's spec records nothing for it: never a failure. */
export function unrecorded(rule: string): Basis {
  return { kind: 'assumption', says: `no document states what rule ${rule} checks`, source: 'nowhere (not recorded in the spec)' };
}

/** An API's basis table: every rule id to what it rests on. */
export class BasisBook {
  private readonly byRule = new Map<string, BasisEntry>();

  constructor(readonly entries: readonly BasisEntry[]) {
    for (const entry of entries) {
      for (const rule of entry.rules) {
        // A promise outranks an assumption recorded for the same rule elsewhere in the spec.
        const known = this.byRule.get(rule);
        if (!known || (known.kind === 'assumption' && entry.kind === 'promise')) this.byRule.set(rule, entry);
      }
    }
  }

  has(rule: string): boolean {
    return this.byRule.has(rule);
  }

  of(rule: string): Basis {
    const entry = this.byRule.get(rule);
    return entry ? { kind: entry.kind, says: entry.says, source: entry.source } : unrecorded(rule);
  }

  /** The documented promises, in the spec's order: the rows of the traceability matrix. */
  promises(): readonly BasisEntry[] {
    return this.entries.filter((entry) => entry.kind === 'promise');
  }
}
