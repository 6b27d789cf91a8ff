/** Dependency rules: no cycles, domain packages point one way, core is I/O-free. */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'domain-not-to-app',
      comment: 'domain packages never import api, web or apps',
      severity: 'error',
      from: {
        path: '^packages/(core|storage|bus|ingest|detect|cti|evtx|federation|simulate|correlate|cases|cascade|respond|text|privacy|learn)/',
      },
      // Another package is reached through its node_modules link (preserveSymlinks), a relative path through its folder.
      to: { path: '^(packages/(api|web)|apps)/|^node_modules/@intersoc/(api|web|node)/' },
    },
    {
      name: 'core-is-leaf',
      severity: 'error',
      from: { path: '^packages/core/src', pathNot: '\\.test\\.ts$' },
      to: { path: '^packages/(?!core/)|^node_modules/@intersoc/(?!core/)' },
    },
    {
      name: 'no-internal-across-packages',
      severity: 'error',
      from: { path: '^packages/([^/]+)/' },
      to: { path: '^packages/([^/]+)/src/internal/', pathNot: '^packages/$1/' },
    },
    {
      name: 'declared-dependencies',
      comment:
        'a package imports only what its own package.json declares: runtime code from dependencies, tests from ' +
        'dependencies or devDependencies (workspace hoisting must not make an undeclared import work)',
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'no-dev-dependency-at-runtime',
      comment:
        'runtime code must not import a devDependency: it is absent when the package is installed for production',
      severity: 'error',
      from: { path: '^(packages|apps)/[^/]+/src/', pathNot: '\\.test\\.ts$|/internal/(testing|fixtures)\\.ts$' },
      to: { dependencyTypes: ['npm-dev'] },
    },
    {
      name: 'resolvable',
      comment: 'every import resolves (a typo or a missing install is an error, not a silently skipped edge)',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Only our build output: another package's dist is reached through node_modules/@intersoc and must stay
    // visible (excluding every dist/ once hid all imports of workspace packages and of vitest).
    exclude: { path: '^(packages/[^/]+/|apps/[^/]+/|tests/)dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    // Each module is checked against the package.json nearest to it, not the root's (hoisting hid undeclared imports).
    combinedDependencies: false,
    // Workspace packages resolve through their node_modules link, so they are checked like any npm package.
    preserveSymlinks: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'types', 'default'] },
  },
};
