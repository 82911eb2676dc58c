/**
 * What the running check has seen so far: the rules it evaluated (for the promises matrix) and the
 * broken assumptions (warnings), which never stop a check, so a warning cannot hide a failure found
 * later. Each check sends through a session of its own, which holds its tally (`Session.tally`).
 */
import type { BasisBook } from './basis.js';
import { severityOf } from './basis.js';
import type { ConformanceFailure } from './failures.js';
import { SurfaceTally, facetKey, type Facet } from './coverage.js';

const MAX_WARNINGS = 50;

export class Tally {
  readonly rules = new Set<string>();
  readonly warnings: ConformanceFailure[] = [];
  warningCount = 0;
  /** The boundary phases of the check's properties: cases run, requests sent, time taken. */
  readonly boundary = { cases: 0, requests: 0, ms: 0 };
  /** Rate-limit answers (a 429, a 503 with Retry-After) waited out and retried: not failures within the budget. */
  readonly rateLimit = { retries: 0, waitedMs: 0 };
  /** What the check's exchanges exercised of the documented surface (coverage). */
  readonly surface = new SurfaceTally();
  /** The semantic facets the check judged, by key. */
  readonly facets = new Map<string, Facet>();

  constructor(readonly basis: BasisBook) {}

  evaluated(rule: string): void {
    this.rules.add(rule);
  }

  /** Whether a broken rule is only a warning here (its basis is open). */
  isWarning(failure: ConformanceFailure): boolean {
    return severityOf(failure.basisIn(this.basis)) === 'warning';
  }

  /** The check judged these facets (a filter's soundness, a sort order, a deletion path). */
  judged(...facets: readonly Facet[]): void {
    for (const facet of facets) this.facets.set(facetKey(facet), facet);
  }

  rateLimited(retries: number, waitedMs: number): void {
    this.rateLimit.retries += retries;
    this.rateLimit.waitedMs += waitedMs;
  }

  boundaryPhase(cases: number, requests: number, ms: number): void {
    this.boundary.cases += cases;
    this.boundary.requests += requests;
    this.boundary.ms += ms;
  }

  warn(failure: ConformanceFailure): void {
    this.warningCount++;
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push(failure);
  }

  /** Counts what another tally saw here too (a property case run on a lane, shared work this check owns). */
  absorb(other: Tally): void {
    for (const rule of other.rules) this.evaluated(rule);
    for (const warning of other.warnings) this.warn(warning);
    this.warningCount += other.warningCount - other.warnings.length;
    this.surface.merge(other.surface.toJSON());
    this.judged(...other.facets.values());
    this.rateLimited(other.rateLimit.retries, other.rateLimit.waitedMs);
  }
}

/** What carries the tally of the check running now: the check's run, or the session it sends through. */
export interface Tallied {
  readonly tally?: Tally;
}
