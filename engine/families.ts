/** The check families: one suite file each (`suites/<family>.suite.ts`), in the order reports list them. */
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

/** The block that holds one run's families: `run`, or in a batch of runs `run #3`. */
export function runBlockName(run: number, runs: number): string {
  return runs === 1 ? 'run' : `run #${run}`;
}

/** The family and run of a family's block; undefined for any other block (a run's). */
export function parseFamilyBlock(blockName: string): { readonly family: Family; readonly run: number } | undefined {
  const found = /^(.+?)(?: #(\d+))?$/.exec(blockName);
  const family = FAMILIES.find((name) => name === found?.[1]);
  return family && { family, run: found?.[2] ? Number(found[2]) : 0 };
}
