import { describe, expect, it } from 'vitest';
import { compileSafeRegex, requiredRegexLiterals, translatePcre } from './safe-regex.js';

const flags = { i: false, m: false, s: false };

describe('rule regular expressions', () => {
  it('run catastrophic patterns in linear time (no backtracking engine)', () => {
    const evil = ['(a+)+$', '(a|aa)+$', '^(a|a?)+$', '(.*a){20}$', '^(([a-z])+.)+[A-Z]([a-z])+$', '^(\\w+\\s?)*$'];
    const text = `${'a'.repeat(30_000)}!`;
    for (const p of evil) {
      const r = compileSafeRegex(p, flags);
      expect(r.ok, p).toBe(true);
      // A backtracking engine needs astronomically many steps here; RE2 returns at once.
      if (r.ok) expect(r.value.test(text)).toBe(false);
    }
  });

  it('accepts PCRE inline flags and translates \\Z', () => {
    const r = compileSafeRegex('(?i)^powershell', flags);
    expect(r.ok && r.value.test('PowerShell.exe')).toBe(true);
    expect(translatePcre('abc\\Z')).toBe('abc\\n?\\z');
    expect(translatePcre('abc\\\\Z')).toBe('abc\\\\Z');
  });

  it('rejects constructs without a linear-time guarantee', () => {
    for (const p of ['(a)\\1', '(?=a)', '(?!a)b', '(?<=a)b', '(?<!a)b', '(?>a)', 'a++']) {
      const r = compileSafeRegex(p, flags);
      expect(r.ok, p).toBe(false);
    }
    expect(compileSafeRegex('a'.repeat(10_000), flags).ok).toBe(false);
    expect(compileSafeRegex('(unclosed', flags).ok).toBe(false);
  });

  it('extracts literals that every match must contain', () => {
    expect(requiredRegexLiterals('\\\\(venv|python(.+)?)\\\\lib\\\\site-packages\\\\')).toEqual([
      '\\lib\\site-packages\\',
    ]);
    expect(requiredRegexLiterals('foo.*bar|bazzz')).toEqual(['foo', 'bazzz']);
    expect(requiredRegexLiterals('ab?cdef')).toEqual(['cdef']);
    expect(requiredRegexLiterals('(?i)Invoke-Mimikatz')).toEqual(['invoke-mimikatz']);
    expect(requiredRegexLiterals('[abc]+x')).toBeUndefined();
    expect(requiredRegexLiterals('abc|x')).toBeUndefined();
  });
});
