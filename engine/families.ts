/** The check families: one vitest suite file each (`suites/<family>.suite.ts`), in the order they run. */
export const FAMILIES = [
  'contract',
  'pagination',
  'ordering',
  'filtering',
  'partial-update',
  'actions',
  'deletion',
  'stateful',
  'access',
] as const;
export type Family = (typeof FAMILIES)[number];

/** Names a family once had; `--only` still accepts them. */
export const FAMILY_ALIASES: Readonly<Record<string, Family>> = { 'soft-delete': 'deletion' };

/** A family's block in a vitest run: its name, or in a batch of runs its name and run (`contract #3`). */
export function familyBlockName(family: Family, run: number, runs: number): string {
  return runs === 1 ? family : `${family} #${run}`;
}

/** Which run of a batch a family's block belongs to (0 in a run of its own). */
export function runOfBlock(blockName: string): number {
  const found = / #(\d+)$/.exec(blockName);
  return found ? Number(found[1]) : 0;
}
