// `npm run lint`: ESLint with typescript-eslint's type-aware rules, and Prettier's check beside it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // The independent reference servers are kept as their authors wrote them (from the documents alone).
  { ignores: ['node_modules/', 'generated/', 'dist/', 'reports/latest/', '.scratch/', 'tests/fixtures/independent/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      // Sanitising a target's bytes means matching control characters on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    // Test code reads arbitrary JSON answers.
    files: ['tests/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The few plain JavaScript files (the bin shim, this config) are not in the TypeScript project.
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
