/** Dependency rules: no cycles, domain packages point one way, core is I/O-free. */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'domain-not-to-app',
      comment: 'domain packages never import api, web or apps',
      severity: 'error',
      from: { path: '^packages/(core|storage|bus|ingest|detect|cti|evtx|federation|simulate|correlate|cases)/' },
      to: { path: '^(packages/(api|web)|apps)/' },
    },
    {
      name: 'core-is-leaf',
      severity: 'error',
      from: { path: '^packages/core/src', pathNot: '\\.test\\.ts$' },
      to: { path: '^packages/(?!core/)' },
    },
    {
      name: 'no-internal-across-packages',
      severity: 'error',
      from: { path: '^packages/([^/]+)/' },
      to: { path: '^packages/([^/]+)/src/internal/', pathNot: '^packages/$1/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    combinedDependencies: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'types', 'default'] },
  },
};
