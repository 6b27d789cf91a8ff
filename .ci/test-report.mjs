#!/usr/bin/env node
// @ts-check
/**
 * @module
 * Reads Vitest's JSON report after the CI run. Prints every test that did not run (skipped or
 * todo) by file and name, and then the closing line `N passed, N failed`. Exits 1 when the shared
 * corpora are present but a test tagged `corpus` did not run: corpus tests skip only where the
 * folder is absent, so such a skip means a moved file or a wrong path, not a green run.
 *
 * Usage: node .ci/test-report.mjs [--report FILE] [--corpora DIR]
 * (defaults: `.vitest-report.json`, and `$INTERSOC_CORPORA` or `../shared/corpora` beside the repo).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The tag that marks tests reading the shared corpora (declared in vitest.config.mjs). */
export const CORPUS_TAG = 'corpus';

const NOT_RUN = new Set(['skipped', 'pending', 'todo']);

/**
 * @typedef {{ fullName?: string, title?: string, status?: string, tags?: string[] }} TestResult
 * @typedef {{ name: string, status?: string, message?: string, assertionResults?: TestResult[] }} FileResult
 * @typedef {{ numPassedTests?: number, numFailedTests?: number, testResults?: FileResult[] }} Report
 * @typedef {{ file: string, name: string, status: string, tags: readonly string[] }} NotRun
 */

/**
 * Checks the shape and returns the report.
 * @param {unknown} json
 * @returns {Report & { testResults: FileResult[] }}
 */
function asReport(json) {
  const r = /** @type {Report} */ (json);
  if (!r || !Array.isArray(r.testResults)) throw new Error('not a Vitest JSON report (no testResults)');
  return /** @type {Report & { testResults: FileResult[] }} */ (r);
}

/**
 * Tests of a report that did not run, with files relative to `root`.
 * @param {unknown} json
 * @param {string} root
 * @returns {NotRun[]}
 */
export function notRun(json, root) {
  /** @type {NotRun[]} */
  const out = [];
  for (const file of asReport(json).testResults) {
    for (const t of file.assertionResults ?? []) {
      const status = t.status ?? 'skipped';
      if (!NOT_RUN.has(status)) continue;
      out.push({
        file: path.relative(root, file.name),
        name: t.fullName ?? t.title ?? '(unnamed)',
        status,
        tags: t.tags ?? [],
      });
    }
  }
  return out;
}

/**
 * `N passed, N failed`. A file that failed outside its tests (a hook, an import) counts as one
 * failure, since Vitest counts no failed test for it.
 * @param {unknown} json
 */
export function closingLine(json) {
  const r = asReport(json);
  const broken = r.testResults.filter(
    (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((t) => t.status === 'failed'),
  ).length;
  return `${r.numPassedTests ?? 0} passed, ${(r.numFailedTests ?? 0) + broken} failed`;
}

/**
 * The lines about tests that did not run, and whether CI may pass.
 * @param {NotRun[]} tests
 * @param {{ corpora: string, corporaPresent: boolean }} env
 * @returns {{ ok: boolean, lines: string[] }}
 */
export function verdict(tests, env) {
  const lines = [`${tests.length} test(s) did not run${tests.length > 0 ? ':' : ''}`];
  for (const t of tests) {
    const tags = t.tags.length > 0 ? ` [${t.tags.join(', ')}]` : '';
    lines.push(`  ${t.status}: ${t.file} > ${t.name}${tags}`);
  }
  const corpus = tests.filter((t) => t.tags.includes(CORPUS_TAG));
  if (corpus.length === 0 || !env.corporaPresent) return { ok: true, lines };
  lines.push(
    `error: ${corpus.length} corpus test(s) did not run although the corpora are present at ${env.corpora}; ` +
      'a corpus test may skip only where the folder is absent (check the paths it reads)',
  );
  return { ok: false, lines };
}

/**
 * Command-line entry; returns the exit code (2: no usable report).
 * @param {readonly string[]} argv
 * @param {NodeJS.ProcessEnv} env
 * @param {(line: string) => void} print
 */
export function main(argv, env, print) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const arg = (/** @type {string} */ name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const reportFile = path.resolve(root, arg('--report') ?? '.vitest-report.json');
  const corpora = path.resolve(root, arg('--corpora') ?? env['INTERSOC_CORPORA'] ?? '../shared/corpora');
  if (!existsSync(reportFile)) {
    print(`error: no test report at ${reportFile} (the test runner did not finish)`);
    return 2;
  }
  let v;
  let closing;
  try {
    const json = JSON.parse(readFileSync(reportFile, 'utf8'));
    v = verdict(notRun(json, root), { corpora, corporaPresent: existsSync(corpora) });
    closing = closingLine(json);
  } catch (err) {
    print(`error: cannot read ${reportFile}: ${/** @type {Error} */ (err).message}`);
    return 2;
  }
  for (const l of v.lines) print(l);
  print(closing);
  return v.ok ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2), process.env, (l) => process.stdout.write(`${l}\n`));
}
