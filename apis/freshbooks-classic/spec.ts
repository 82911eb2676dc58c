/** Where this API's spec, the single source of truth, lives: named here once, read by the descriptor, the adapter and the reference. */
export const SPEC = { api: 'freshbooks-classic', kind: 'xsd', path: 'specs/freshbooks-classic/freshbooks-classic.xsd' } as const;
