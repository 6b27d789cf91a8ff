// @ts-check
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { closingLine, main, notRun, verdict } from './test-report.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCRIPT = path.join(ROOT, '.ci', 'test-report.mjs');
const tmp = mkdtempSync(path.join(tmpdir(), 'intersoc-ci-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A report shaped like Vitest's JSON reporter output. */
function report(tests) {
  return {
    numPassedTests: tests.filter((t) => t.status === 'passed').length,
    numFailedTests: tests.filter((t) => t.status === 'failed').length,
    testResults: [{ name: path.join(ROOT, 'packages/x/src/a.test.ts'), status: 'passed', assertionResults: tests }],
  };
}
const corpusSkip = { fullName: 'MISP feed fixture (corpus) reads events', status: 'skipped', tags: ['corpus'] };
const plainSkip = { fullName: 'parser later', status: 'todo', tags: [] };
const passed = { fullName: 'parser parses', status: 'passed', tags: ['corpus'] };

function run(r, corpora) {
  const file = path.join(tmp, `r-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(r));
  return spawnSync(process.execPath, [SCRIPT, '--report', file, '--corpora', corpora], { encoding: 'utf8' });
}

describe('.ci/test-report.mjs', () => {
  it('lists every test that did not run, by file and name, and none that ran', () => {
    const tests = notRun(report([corpusSkip, plainSkip, passed]), ROOT);
    expect(tests).toEqual([
      { file: 'packages/x/src/a.test.ts', name: corpusSkip.fullName, status: 'skipped', tags: ['corpus'] },
      { file: 'packages/x/src/a.test.ts', name: plainSkip.fullName, status: 'todo', tags: [] },
    ]);
    const { lines } = verdict(tests, { corpora: '/c', corporaPresent: false });
    expect(lines[0]).toBe('2 test(s) did not run:');
    expect(lines[1]).toBe(`  skipped: packages/x/src/a.test.ts > ${corpusSkip.fullName} [corpus]`);
  });

  it('fails when the corpora are present and a corpus test skipped; passes other skips', () => {
    const corpora = mkdtempSync(path.join(tmp, 'corpora-'));
    const bad = run(report([corpusSkip, passed]), corpora);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain(corpusSkip.fullName);
    expect(bad.stdout).toMatch(/error: 1 corpus test\(s\) did not run although the corpora are present/);
    const fine = run(report([plainSkip, passed]), corpora);
    expect(fine.status).toBe(0);
    expect(fine.stdout).toContain(plainSkip.fullName);
  });

  it('lets corpus tests skip where the corpora folder is absent', () => {
    const r = run(report([corpusSkip]), path.join(tmp, 'no-such-folder'));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`skipped: packages/x/src/a.test.ts > ${corpusSkip.fullName}`);
  });

  it('ends with the closing line, counting a file that failed outside its tests as a failure', () => {
    const r = report([passed, { fullName: 'x fails', status: 'failed', tags: [] }]);
    expect(closingLine(r)).toBe('1 passed, 1 failed');
    const hook = {
      numPassedTests: 3,
      numFailedTests: 0,
      testResults: [
        { name: 'a.test.ts', status: 'passed', assertionResults: [passed, passed, passed] },
        { name: 'b.test.ts', status: 'failed', message: 'beforeAll threw', assertionResults: [plainSkip] },
      ],
    };
    expect(closingLine(hook)).toBe('3 passed, 1 failed');
    const out = run(hook, path.join(tmp, 'no-such-folder'));
    expect(out.stdout.trimEnd().split('\n').at(-1)).toBe('3 passed, 1 failed');
  });

  it('refuses a missing or malformed report', () => {
    const lines = [];
    expect(main(['--report', path.join(tmp, 'none.json')], {}, (l) => lines.push(l))).toBe(2);
    const garbage = path.join(tmp, 'garbage.json');
    writeFileSync(garbage, '{"foo":1}');
    expect(main(['--report', garbage], {}, (l) => lines.push(l))).toBe(2);
    expect(lines.join('\n')).toMatch(/no test report[\s\S]*not a Vitest JSON report/);
  });
});

/** Test files under `dir`. */
function testFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(p).isDirectory()) return testFiles(p);
    return name.endsWith('.test.ts') ? [p] : [];
  });
}

describe('corpus tests carry the corpus tag', () => {
  it('every conditional suite or test in a file that reads the corpora is tagged corpus', () => {
    const files = ['packages', 'apps', 'tests'].flatMap((d) => testFiles(path.join(ROOT, d)));
    const readers = files.filter((f) => /shared\/corpora|corpusDir\(|\bCORPORA\b/.test(readFileSync(f, 'utf8')));
    expect(readers.length).toBeGreaterThan(10);
    const untagged = [];
    for (const f of readers) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/\b(describe|it|test)\.(skipIf|runIf)\((!?)/g)) {
        // runIf(!present) runs only where the corpus is absent (a placeholder saying so): not a corpus test.
        if (m[2] === 'runIf' && m[3] === '!') continue;
        // A suite that needs more than the corpora (a tool CI does not install) says so just above.
        const before = text.slice(0, m.index).split('\n').slice(-2).join('\n');
        if (/Not a corpus test/i.test(before)) continue;
        // The options object sits between the title and the body: look up to the body's arrow.
        const call = text.slice(m.index, text.indexOf('=>', m.index));
        if (!/tags:\s*\[[^\]]*'corpus'/.test(call)) {
          const line = text.slice(0, m.index).split('\n').length;
          untagged.push(`${path.relative(ROOT, f)}:${line}`);
        }
      }
    }
    expect(untagged, "add { tags: ['corpus'] } to these suites").toEqual([]);
  });
});
