/** Where this API's spec, the single source of truth, lives: named here once, read by the descriptor, the adapter and the reference. */
export const SPEC = { api: 'freshbooks-rest', kind: 'openapi', path: 'specs/freshbooks-rest/openapi.yaml' } as const;
