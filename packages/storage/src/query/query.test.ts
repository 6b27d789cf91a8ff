import { describe, expect, it } from 'vitest';
import type { FieldValue } from '@intersoc/core';
import { compileQuery, indexTerms, parseQuery, toFtsMatch, type QueryDoc } from './index.js';
import { globMatch } from './glob.js';

function doc(fields: Record<string, FieldValue>): QueryDoc {
  return { get: (f) => fields[f], values: () => Object.values(fields) };
}
const ev = doc({
  'host.name': 'WKS-01',
  'process.command_line': 'powershell.exe -enc SQBFAFgA',
  'process.executable': 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
  'destination.port': 445,
  EventID: 4688,
  '@timestamp': '2024-05-01T10:00:00Z',
  tags: ['a', 'b'],
});
const q = (s: string): boolean => compileQuery(parseQuery(s))(ev);

describe('query language', () => {
  it('matches fields case-insensitively, by string form', () => {
    expect(q('host.name:wks-01')).toBe(true);
    expect(q('EventID:4688')).toBe(true);
    expect(q('EventID:4624')).toBe(false);
    expect(q('tags:b')).toBe(true);
    expect(q('missing:x')).toBe(false);
  });
  it('matches full text exactly as lower-casing every value does, non-ASCII values included', () => {
    const t = (text: string, values: FieldValue[]): boolean =>
      compileQuery(parseQuery(text))({ get: () => undefined, values: () => values });
    expect(t('mimikatz', ['C:\\Tools\\MiMiKaTz.exe'])).toBe(true);
    expect(t('mimikatz', ['xmimikatzx', 'mimi katz', 42, null])).toBe(false);
    expect(t('mimikatz', [['a', null, 'MIMIKATZ']])).toBe(true);
    expect(t('4688', [4688])).toBe(true);
    // U+212A KELVIN SIGN lower-cases to an ASCII k: the value is not ASCII, so it is tested exactly.
    expect(t('kerberos', ['\u212Aerberos ticket'])).toBe(true);
    expect(t('"ticket k"', ['kerberos TICKET \u212A'])).toBe(true);
    expect(t('ünïcode', ['ÜNÏCODE'])).toBe(true);
    expect(t('a.b', ['A.B'])).toBe(true);
    expect(t('"a.b"', ['AxB'])).toBe(false);
  });
  it('supports wildcards, Windows paths and quoted values', () => {
    expect(q('process.command_line:*-enc*')).toBe(true);
    expect(q('process.executable:C:\\Windows\\System32\\*\\powershell.exe')).toBe(true);
    expect(q('process.executable:"c:\\windows\\system32\\windowspowershell\\v1.0\\powershell.exe"')).toBe(true);
    expect(q('host.name:WKS-0?')).toBe(true);
    expect(q('host.name:WKS-0')).toBe(false);
  });
  it('supports ranges, comparisons and existence', () => {
    expect(q('destination.port:[1 TO 1023]')).toBe(true);
    expect(q('destination.port:{445 TO *}')).toBe(false);
    expect(q('destination.port:>=445')).toBe(true);
    expect(q('destination.port:< 100')).toBe(false);
    expect(q('@timestamp:[2024-04-30 TO 2024-05-02]')).toBe(true);
    expect(q('host.name:*')).toBe(true);
    expect(q('user.name:*')).toBe(false);
  });
  it('supports full text words, phrases and wildcards', () => {
    expect(q('powershell')).toBe(true);
    expect(q('powers')).toBe(false);
    expect(q('power*')).toBe(true);
    expect(q('"-enc sqbf"')).toBe(true);
    expect(q('mimikatz')).toBe(false);
  });
  it('combines with AND, OR, NOT, minus and parentheses; AND binds tighter', () => {
    expect(q('powershell AND host.name:WKS-01')).toBe(true);
    expect(q('powershell host.name:other')).toBe(false);
    expect(q('mimikatz OR EventID:4688')).toBe(true);
    expect(q('NOT mimikatz')).toBe(true);
    expect(q('-powershell')).toBe(false);
    expect(q('mimikatz OR powershell AND host.name:other')).toBe(false);
    expect(q('(mimikatz OR powershell) AND (EventID:1 OR EventID:4688)')).toBe(true);
    expect(q('')).toBe(true);
  });
  it('rejects malformed queries with the offset', () => {
    for (const bad of ['(a', 'a)', 'x:[1 TO', 'x:[1 2]', '"open', 'AND', 'a OR', 'x:']) {
      expect(() => parseQuery(bad), bad).toThrow(/query: .* at offset \d+/);
    }
    expect(() => parseQuery('('.repeat(1000))).toThrow(/nested too deeply/);
    expect(() => parseQuery('a '.repeat(5000))).toThrow(/longer than/);
  });
});

describe('index pruning plan', () => {
  const plan = (s: string): string | undefined => {
    const p = indexTerms(parseQuery(s));
    return p && toFtsMatch(p);
  };
  it('uses complete tokens only', () => {
    expect(plan('host.name:WKS-01')).toBe('("wks" AND "01")');
    expect(plan('process.command_line:*-enc*')).toBe('"enc"*');
    expect(plan('process.command_line:*enc*')).toBeUndefined();
    expect(plan('process.executable:*\\powershell.exe')).toBe('("powershell" AND "exe")');
    expect(plan('power*')).toBe('"power"*');
    expect(plan('"ll.ex"')).toBeUndefined();
    expect(plan('a OR NOT b')).toBeUndefined();
    expect(plan('a NOT b')).toBe('"a"');
    expect(plan('(a OR b) c')).toBe('(("a" OR "b") AND "c")');
    expect(plan('_label:T1003.001')).toBeUndefined();
    expect(plan('_label:T1003.001 AND lsass')).toBe('"lsass"');
  });
});

describe('globMatch', () => {
  it('has no catastrophic backtracking', () => {
    const text = 'a'.repeat(20_000);
    expect(globMatch('*a*a*a*a*a*a*a*a*a*b', text)).toBe(false);
    expect(globMatch('a*', text)).toBe(true);
    expect(globMatch('?', 'x')).toBe(true);
    expect(globMatch('', '')).toBe(true);
  });
});
