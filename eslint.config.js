// ESLint flat config: typescript-eslint's type-checked rules that matter for a server.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', 'coverage/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/internal/*', '!./**', '!../**'], message: 'internals are private to their package' },
          ],
        },
      ],
    },
  },
  {
    // Domain packages never import the API, the dashboard or the app; core does no I/O.
    files: ['packages/**/*.ts'],
    ignores: ['packages/api/**', 'packages/web/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@intersoc/api', '@intersoc/web', '@intersoc/node'],
              message: 'domain packages must not depend on api, web or apps',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            'node:fs',
            'node:fs/promises',
            'node:net',
            'node:dgram',
            'node:http',
            'node:child_process',
            'node:worker_threads',
          ].map((name) => ({ name, message: 'core does no I/O' })),
          patterns: [{ group: ['@intersoc/*'], message: 'core depends on no other package' }],
        },
      ],
    },
  },
);
