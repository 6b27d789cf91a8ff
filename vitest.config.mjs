import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'tests/**/*.test.ts', '.ci/*.test.mjs'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // `.ci/skipped.mjs` fails CI when a corpus test skips although ../shared/corpora is present.
    tags: [{ name: 'corpus', description: 'reads ../shared/corpora; may skip only where that folder is absent' }],
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
  },
});
