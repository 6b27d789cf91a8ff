/**
 * Every workspace uses what it declares: each runtime dependency is imported by the package's own
 * code (a dependency only its tests import belongs in devDependencies, one nothing imports goes),
 * and no package keeps two libraries for one job. The other direction, imports that the package
 * does not declare, is dependency-cruiser's rule `declared-dependencies` (`npm run lint`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCE = /\.(ts|tsx|mts|js|mjs|cjs)$/;
/** Libraries that do the same job: a package declares at most one of each group. */
const SAME_JOB: readonly (readonly string[])[] = [['js-yaml', 'yaml']];

interface Workspace {
  readonly dir: string;
  readonly dependencies: readonly string[];
  readonly devDependencies: readonly string[];
}

function workspaces(): Workspace[] {
  const root = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
  return root.workspaces
    .flatMap((w) =>
      w.endsWith('/*') ? readdirSync(path.join(ROOT, w.slice(0, -2))).map((d) => `${w.slice(0, -2)}/${d}`) : [w],
    )
    .map((dir) => {
      const pkg = JSON.parse(readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
      };
      return {
        dir,
        dependencies: Object.keys(pkg.dependencies ?? {}),
        devDependencies: Object.keys(pkg.devDependencies ?? {}),
      };
    });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name === 'dist') return [];
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return SOURCE.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The npm package an import specifier names (`@scope/name` or `name`), or undefined for relative and built-in ones. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier))
    return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Packages imported by a workspace's code, split into code that ships and tests. */
function imports(dir: string): { runtime: Set<string>; tests: Set<string> } {
  const runtime = new Set<string>();
  const tests = new Set<string>();
  for (const file of sourceFiles(path.join(ROOT, dir))) {
    const text = readFileSync(file, 'utf8');
    const info = ts.preProcessFile(text, true, true);
    const into = /\.test\.[a-z]+$/.test(file) ? tests : runtime;
    // `createRequire(import.meta.url)('x')` loads JSON-only packages; preProcessFile sees plain `require` only.
    const required = [...text.matchAll(/createRequire\([^)]*\)\(\s*['"]([^'"]+)['"]/g)].map((m) => m[1] ?? '');
    for (const spec of [...info.importedFiles.map((f) => f.fileName), ...required]) {
      const name = packageOf(spec);
      if (name !== undefined) into.add(name);
    }
  }
  return { runtime, tests };
}

describe('declared dependencies', () => {
  const all = workspaces();

  it('finds every workspace and its imports', () => {
    expect(all.map((w) => w.dir)).toEqual(expect.arrayContaining(['packages/core', 'packages/detect', 'apps/node']));
    expect(imports('packages/detect').runtime).toContain('@intersoc/core');
  });

  it('every runtime dependency is imported by the code that ships', () => {
    const unused: string[] = [];
    for (const w of all) {
      // The tests workspace ships nothing: its dependencies are what its tests import.
      const used = w.dir === 'tests' ? imports(w.dir).tests : imports(w.dir).runtime;
      for (const d of w.dependencies) {
        if (!used.has(d)) unused.push(`${w.dir}: ${d}`);
      }
    }
    expect(unused, 'drop these, or move them to devDependencies when only tests use them').toEqual([]);
  });

  it('no package declares two libraries for the same job', () => {
    const doubled = all.flatMap((w) => {
      const declared = new Set([...w.dependencies, ...w.devDependencies]);
      return SAME_JOB.filter((group) => group.filter((g) => declared.has(g)).length > 1).map(
        (group) => `${w.dir}: ${group.join(' and ')}`,
      );
    });
    expect(doubled).toEqual([]);
  });
});
