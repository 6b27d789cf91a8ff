import { describe, expect, it } from 'vitest';
import { parseCidr, cidrContains } from './cidr.js';
import { encodeBase64Offset, expandWindash } from './encode.js';
import { compileGlob } from './glob.js';
import { formatSigmaString, ONE, parseSigmaString, STAR } from './sigma-string.js';

describe('Sigma strings', () => {
  it('applies the escape rules of the specification', () => {
    expect(parseSigmaString('C:\\Windows\\x.exe').parts).toEqual(['C:\\Windows\\x.exe']);
    expect(parseSigmaString('a\\*b').parts).toEqual(['a*b']);
    expect(parseSigmaString('a\\\\*').parts).toEqual(['a\\', STAR]);
    expect(parseSigmaString('a\\\\\\*').parts).toEqual(['a\\*']);
    expect(parseSigmaString('\\\\\\\\').parts).toEqual(['\\\\']);
    expect(parseSigmaString('a?c*').parts).toEqual(['a', ONE, 'c', STAR]);
    expect(formatSigmaString(parseSigmaString('x\\*y*'))).toBe('x\\*y*');
  });
});

describe('glob matching', () => {
  const g = (p: string) => compileGlob(parseSigmaString(p).parts);
  it('handles the common shapes and the general case', () => {
    expect(g('abc')('abc')).toBe(true);
    expect(g('abc')('abcd')).toBe(false);
    expect(g('*.exe')('cmd.exe')).toBe(true);
    expect(g('cmd*')('cmd.exe')).toBe(true);
    expect(g('*md.e*')('cmd.exe')).toBe(true);
    expect(g('a*c')('abbbc')).toBe(true);
    expect(g('a*c')('ac')).toBe(true);
    expect(g('a*bc*bc')('abcbc')).toBe(true);
    expect(g('a*bc*bc')('abc')).toBe(false);
    expect(g('?at')('cat')).toBe(true);
    expect(g('?at')('at')).toBe(false);
    expect(g('*a?c*')('xxabcxx')).toBe(true);
    expect(g('*a?c*')('xxacxx')).toBe(false);
    expect(g('a*?')('a')).toBe(false);
    expect(g('a*?')('ab')).toBe(true);
    expect(g('')('')).toBe(true);
  });

  it('stays linear on adversarial patterns', () => {
    const pattern = g(`${'*a'.repeat(30)}*b`);
    const text = 'a'.repeat(50_000);
    expect(pattern(text)).toBe(false);
  });
});

describe('encodings', () => {
  it('base64offset produces the three shifted forms', () => {
    const r = encodeBase64Offset(parseSigmaString('http'));
    expect(r.ok && r.value).toEqual(['aHR0c', 'h0dH', 'odHRw']);
    // Each form occurs in the encoding of the text at the matching offset.
    for (const prefix of ['', 'x', 'xy']) {
      const enc = Buffer.from(`${prefix}http://`).toString('base64');
      expect(r.ok && r.value.some((v) => enc.includes(v))).toBe(true);
    }
  });

  it('windash swaps flag dashes only', () => {
    const r = expandWindash(parseSigmaString(' -enc a-b'));
    expect(r.ok && r.value.map((s) => s.parts.join(''))).toEqual([
      ' -enc a-b',
      ' /enc a-b',
      ' \u2013enc a-b',
      ' \u2014enc a-b',
      ' \u2015enc a-b',
    ]);
  });
});

describe('CIDR', () => {
  it('matches IPv4 and IPv6 ranges', () => {
    const v4 = parseCidr('10.0.0.0/8');
    expect(v4.ok && cidrContains(v4.value, '10.1.2.3')).toBe(true);
    expect(v4.ok && cidrContains(v4.value, '11.1.2.3')).toBe(false);
    expect(v4.ok && cidrContains(v4.value, '::ffff:10.9.9.9')).toBe(true);
    const v6 = parseCidr('fe80::/10');
    expect(v6.ok && cidrContains(v6.value, 'fe80::1')).toBe(true);
    expect(v6.ok && cidrContains(v6.value, 'fec0::1')).toBe(false);
    const host = parseCidr('2001:db8::1');
    expect(host.ok && cidrContains(host.value, '2001:0db8:0:0:0:0:0:1')).toBe(true);
    expect(parseCidr('10.0.0.0/33').ok).toBe(false);
    expect(parseCidr('nope').ok).toBe(false);
  });
});
