/** Where this API's spec, the single source of truth, lives: named here once, read by the descriptor, the adapter and the reference. */
export const SPEC = { api: 'freshbooks-mcp', kind: 'mcp-tools', path: 'specs/freshbooks-mcp/tools.json' } as const;
