import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusDir } from '../internal/corpus.js';
import { loadWarninglists, WarninglistIndex } from './warninglists.js';

const dir = corpusDir('cti', 'misp-warninglists', 'lists');

describe.skipIf(!existsSync(dir))('MISP warninglists (corpus)', { tags: ['corpus'] }, () => {
  const lists = loadWarninglists(dir);
  const idx = new WarninglistIndex(lists);
  it('loads the 15 lists', () => expect(idx.size).toBe(15));
  it('matches cidr lists for IPv4 and IPv6', () => {
    expect(idx.check('10.1.2.3', 'ip-dst')).toContain('List of RFC 1918 CIDR blocks');
    expect(idx.check('fe80::1', 'ip-src').length).toBe(1);
    expect(idx.check('2001:db8::5', 'ip-dst').length).toBe(1);
    expect(idx.check('8.8.8.8', 'ip-dst').some((n) => /DNS/i.test(n))).toBe(true);
    expect(idx.check('198.51.100.77|443', 'ip-dst|port').length).toBeGreaterThan(0);
    expect(idx.check('93.184.216.34', 'ip-dst')).toEqual([]);
  });
  it('matches hostname lists on subdomains and URLs', () => {
    expect(idx.check('https://bit.ly/abc', 'url').length).toBe(1);
    expect(idx.check('x.bit.ly', 'domain').length).toBe(1);
    expect(idx.check('evil.example', 'domain')).toEqual([]);
  });
  it('matches string lists exactly, per attribute type', () => {
    const empty = 'd41d8cd98f00b204e9800998ecf8427e';
    expect(idx.check(empty, 'md5').some((n) => /empty/i.test(n))).toBe(true);
    expect(idx.check(empty, 'ip-dst')).toEqual([]);
    expect(idx.check(`empty.txt|${empty}`, 'filename|md5').length).toBeGreaterThan(0);
    expect(idx.check('0123456789abcdef0123456789abcdef', 'md5')).toEqual([]);
  });
});

describe('substring and regex lists', () => {
  const idx = new WarninglistIndex([
    { name: 'sub', type: 'substring', list: ['google'], matching_attributes: ['domain'] },
    { name: 're', type: 'regex', list: ['/^test-[0-9]+\\.example$/i'] },
  ]);
  it('matches', () => {
    expect(idx.check('mail.GOOGLE.com', 'domain')).toEqual(['sub']);
    expect(idx.check('TEST-42.example')).toEqual(['re']);
    expect(idx.check('test-x.example')).toEqual([]);
  });
});
