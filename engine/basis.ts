/**
 * What a verdict rests on. Every rule a check enforces resolves, per API, to a basis its spec records,
 * graded by what the documents give it:
 *
 * - `stated`: a sentence of the docs, quoted, with where it stands;
 * - `shown`: what every example in the docs shows (a field's type, the envelope, the status printed);
 * - `meaning`: what a documented name means wherever HTTP APIs use it (`per_page`, a filter, an update),
 *   citing the name and the convention (an RFC, a framework the docs name, the plain reading);
 * - `open`: a real choice the docs leave to the implementer (letter case, which 4xx, tie order).
 *
 * The first three break as failures (exit 1); `open` breaks as a warning, which changes the exit code
 * only under `--strict`.
 */
export const GRADES = ['stated', 'shown', 'meaning', 'open'] as const;
export type Grade = (typeof GRADES)[number];
/** The grades whose broken rules fail the run. */
export type BindingGrade = Exclude<Grade, 'open'>;

export interface Basis {
  readonly grade: Grade;
  /** `stated`: the documented sentence, quoted as the document has it; otherwise what the examples show, the name means, or the choice left open. */
  readonly says: string;
  /** Where: a public document's title and section, or the spec's own place for an `open` entry. */
  readonly source: string;
  /** `meaning`: the convention that gives the documented name its meaning (an RFC, a named framework, the plain reading). */
  readonly convention?: string;
}

/** One entry of an API's basis table, as its spec records it beside the operation it concerns. */
export interface BasisEntry extends Basis {
  /** The rule ids this entry grounds (`partial-update/untouched`, `errors/unknown-id`, `content-type`, ...). */
  readonly rules: readonly string[];
  readonly operation?: string;
}

export type Severity = 'failure' | 'warning';

export function severityOf(basis: Basis): Severity {
  return basis.grade === 'open' ? 'warning' : 'failure';
}

/** Whether a grade makes a broken rule fail the run. */
function binds(grade: Grade): grade is BindingGrade {
  return grade !== 'open';
}

/** An entry whose broken rules fail the run: a row of the traceability matrix. */
export type BindingEntry = BasisEntry & { readonly grade: BindingGrade };

/** What a rule rests on when an API's spec records nothing for it: never a failure. */
function unrecorded(rule: string): Basis {
  return { grade: 'open', says: `no document states what rule ${rule} checks`, source: 'nowhere (not recorded in the spec)' };
}

/** The stronger of two grades: a binding grade outranks `open`, and among binding ones the spec's order (stated first) wins. */
function outranks(a: Grade, b: Grade): boolean {
  return GRADES.indexOf(a) < GRADES.indexOf(b);
}

/** An API's basis table: every rule id to what it rests on, per operation where the spec says it per operation. */
export class BasisBook {
  private readonly byRule = new Map<string, BasisEntry[]>();

  constructor(readonly entries: readonly BasisEntry[]) {
    for (const entry of entries) {
      for (const rule of entry.rules) {
        const known = this.byRule.get(rule);
        if (known) known.push(entry);
        else this.byRule.set(rule, [entry]);
      }
    }
  }

  has(rule: string): boolean {
    return this.byRule.has(rule);
  }

  /**
   * What a rule rests on for one operation: an entry recorded beside that operation, else one at the
   * spec's root, else one beside another operation (a create's 201 never quotes the list's 200 while the
   * create has its own). A binding entry outranks an open one wherever it stands, as it always has: the
   * operation only chooses which binding quote grounds the verdict. Among equals, stated outranks shown.
   */
  of(rule: string, operation?: string): Basis {
    const entries = this.byRule.get(rule);
    if (!entries) return unrecorded(rule);
    const nearness = (entry: BasisEntry) =>
      entry.operation === undefined ? 1 : operation !== undefined && entry.operation === operation ? 0 : 2;
    const best = entries.reduce((a, b) => {
      if (binds(a.grade) !== binds(b.grade)) return binds(b.grade) ? b : a;
      const [na, nb] = [nearness(a), nearness(b)];
      if (na !== nb) return nb < na ? b : a;
      return outranks(b.grade, a.grade) ? b : a;
    });
    const { grade, says, source, convention } = best;
    return { grade, says, source, ...(convention ? { convention } : {}) };
  }

  /** The binding entries (stated, shown, meaning), in the spec's order: the rows of the traceability matrix. */
  promises(): readonly BindingEntry[] {
    return this.entries.filter((entry): entry is BindingEntry => binds(entry.grade));
  }
}
