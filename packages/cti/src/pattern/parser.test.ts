import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusDir } from '../internal/corpus.js';
import { configurePatternLimits, DEFAULT_PATTERN_LIMITS } from './limits.js';
import { comparisons, parsePattern } from './parser.js';

interface Cases {
  valid: { pattern: string }[];
  invalid: { pattern: string; expected_error_prefix: string }[];
}

for (const version of ['2.1', '2.0'] as const) {
  const file = path.join(corpusDir('cti'), `patterns/stix${version.replace('.', '')}-patterns-oasis-validator.json`);
  describe.skipIf(!existsSync(file))(`OASIS STIX ${version} pattern cases (corpus)`, { tags: ['corpus'] }, () => {
    const cases = JSON.parse(readFileSync(file, 'utf8')) as Cases;
    it('has the expected number of cases', () => {
      expect(cases.valid.length + cases.invalid.length).toBe(version === '2.1' ? 87 : 82);
    });
    it.each(cases.valid.map((c) => [c.pattern]))('valid: %s', (p) => {
      const r = parsePattern(p, { version });
      expect(r.ok ? 'ok' : r.reason.message).toBe('ok');
    });
    it.each(cases.invalid.map((c) => [c.pattern, c.expected_error_prefix]))('invalid: %s', (p, prefix) => {
      const r = parsePattern(p, { version });
      expect(r.ok).toBe(false);
      // Error texts that name a line and column, a hash or a qualifier follow the reference validator.
      if (!r.ok) expect(`FAIL: ${r.reason.message}`.startsWith(prefix.split('.')[0] as string)).toBe(true);
    });
  });
}

describe('parsePattern', () => {
  it('builds the tree', () => {
    const r = parsePattern(
      "[ipv4-addr:value = '198.51.100.1' OR ipv4-addr:value NOT ISSUBSET '10.0.0.0/8'] WITHIN 5 SECONDS",
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.root.kind).toBe('qualified');
    const cs = comparisons(r.value.root);
    expect(cs.map((c) => [c.operator, c.negated])).toEqual([
      ['=', false],
      ['ISSUBSET', true],
    ]);
  });
  it('parses paths with quoting and indexes', () => {
    const r = parsePattern("[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(comparisons(r.value.root)[0]?.path.steps).toEqual([
      { kind: 'key', key: 'extensions' },
      { kind: 'key', key: 'windows-pebinary-ext' },
      { kind: 'key', key: 'sections' },
      { kind: 'index', index: '*' },
      { kind: 'key', key: 'entropy' },
    ]);
  });
  it('supports EXISTS only in 2.1', () => {
    expect(parsePattern('[NOT EXISTS windows-registry-key:values]').ok).toBe(true);
    expect(parsePattern('[EXISTS windows-registry-key:values]', { version: '2.0' }).ok).toBe(false);
  });
  it('reports the position of an error', () => {
    const r = parsePattern('[file:size = ]');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatchObject({ line: 1, column: 13 });
  });
  it('decodes escaped quotes and backslashes', () => {
    const r = parsePattern("[file:name = 'a\\'b\\\\c']");
    expect(r.ok).toBe(true);
    if (r.ok) expect(comparisons(r.value.root)[0]?.value).toMatchObject({ value: "a'b\\c" });
  });
  it('rejects keywords in lower case', () => {
    expect(parsePattern("[file:name = 'a'] within 2 seconds").ok).toBe(false);
  });
});

describe('parsePattern limits', () => {
  const ip = "ipv4-addr:value = '198.51.100.1'";
  it('rejects deep nesting with an error instead of exhausting the stack', () => {
    for (const p of [
      `${'('.repeat(3000)}[${ip}]${')'.repeat(3000)}`,
      `[${'('.repeat(3000)}${ip}${')'.repeat(3000)}]`,
    ]) {
      const r = parsePattern(p);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason.message).toMatch(/nests deeper than 100 levels/);
    }
    expect(parsePattern(`${'('.repeat(50)}[${'('.repeat(40)}${ip}${')'.repeat(40)}]${')'.repeat(50)}`).ok).toBe(true);
  });
  it('limits the comparison terms and the length, configurably', () => {
    const terms = (n: number) => `[${Array.from({ length: n }, (_, i) => `file:name = 'f${i}'`).join(' OR ')}]`;
    expect(parsePattern(terms(1000)).ok).toBe(true);
    const r = parsePattern(terms(20_000), { limits: { ...DEFAULT_PATTERN_LIMITS, maxLength: 1e7 } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.message).toMatch(/more than 1000 comparison terms/);
    const set = `[file:name IN (${Array.from({ length: 1001 }, (_, i) => `'f${i}'`).join(', ')})]`;
    expect(parsePattern(set).ok).toBe(false);
    expect(parsePattern(set, { limits: { ...DEFAULT_PATTERN_LIMITS, maxComparisons: 2000 } }).ok).toBe(true);
    const long = `[file:name = '${'a'.repeat(70_000)}']`;
    const l = parsePattern(long);
    expect(l.ok ? '' : l.reason.message).toMatch(/the limit is 65536/);
    try {
      configurePatternLimits({ maxLength: 100_000 });
      expect(parsePattern(long).ok).toBe(true);
    } finally {
      configurePatternLimits();
    }
    expect(() => configurePatternLimits({ maxDepth: 0 })).toThrow(/positive integer/);
  });
});
