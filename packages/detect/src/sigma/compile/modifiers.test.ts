import { describe, expect, it } from 'vitest';
import { detectionMatcher as m, rejectionOf, ruleSetFrom } from '../internal/fixtures.js';

const sel = (body: string) => `    sel:\n${body}    condition: sel\n`;

describe('plain values', () => {
  it('compares case-insensitively, numbers by string form, with wildcards', () => {
    const t = m(sel("        Image: 'C:\\Windows\\System32\\whoami.exe'\n        EventID: 1\n"));
    expect(t({ Image: 'c:\\windows\\system32\\WHOAMI.exe', EventID: 1 })).toBe(true);
    expect(t({ Image: 'c:\\windows\\system32\\WHOAMI.exe', EventID: '1' })).toBe(true);
    expect(t({ Image: 'c:\\windows\\system32\\whoami.exe', EventID: 2 })).toBe(false);
    const w = m(sel("        Name: 'prog?.e*'\n"));
    expect(w({ Name: 'progA.exe' })).toBe(true);
    expect(w({ Name: 'prog.exe' })).toBe(false);
  });

  it('keeps the spelling of plain YAML numbers', () => {
    const t = m(sel('        Flags: 0x10\n'));
    expect(t({ Flags: '0x10' })).toBe(true);
    expect(t({ Flags: 16 })).toBe(false);
  });

  it('null matches a missing or null field, empty string only an empty value', () => {
    const n = m(sel('        A: null\n'));
    expect(n({})).toBe(true);
    expect(n({ A: null })).toBe(true);
    expect(n({ A: '' })).toBe(false);
    const e = m(sel("        A: ''\n"));
    expect(e({ A: '' })).toBe(true);
    expect(e({})).toBe(false);
  });

  it('lists are OR, maps are AND, arrays in events match any element', () => {
    const t = m(sel('        A:\n            - x\n            - y\n        B: z\n'));
    expect(t({ A: 'y', B: 'z' })).toBe(true);
    expect(t({ A: 'y', B: 'q' })).toBe(false);
    expect(t({ A: ['q', 'x'], B: 'z' })).toBe(true);
  });

  it('keyword lists search every field, |all AND-links them', () => {
    const k = m('    keywords:\n        - mimikatz\n        - "event::clear"\n    condition: keywords\n');
    expect(k({ Msg: 'running MIMIKATZ now' })).toBe(true);
    expect(k({ Msg: 'nothing' })).toBe(false);
    const all = m("    kw:\n        '|all':\n            - Oab\n            - ' -ExternalUrl '\n    condition: kw\n");
    expect(all({ a: 'set-oabvirtualdirectory -externalurl x' })).toBe(true);
    expect(all({ a: 'set-oabvirtualdirectory' })).toBe(false);
  });

  it('falls back to ECS names; field names are case-sensitive', () => {
    const yaml =
      "title: t\nlogsource: {}\ndetection:\n    sel:\n        process.command_line|contains: 'whoami'\n    condition: sel\n";
    const { ruleSet } = ruleSetFrom(yaml);
    expect(ruleSet.match({ fields: {}, ecs: { 'process.command_line': 'cmd /c whoami' } })).toHaveLength(1);
    expect(ruleSet.match({ fields: {}, ecs: { 'process.command_line': 'cmd /c dir' } })).toHaveLength(0);
    const ci = m(sel("        commandline|contains: 'whoami'\n"));
    expect(ci({ commandline: 'cmd /c whoami' })).toBe(true);
    expect(ci({ CommandLine: 'cmd /c whoami' })).toBe(false);
  });
});

describe('string modifiers', () => {
  it('contains, startswith, endswith', () => {
    expect(m(sel("        A|contains: 'mid'\n"))({ A: 'xxMIDxx' })).toBe(true);
    expect(m(sel("        A|startswith: 'pre'\n"))({ A: 'prefix' })).toBe(true);
    expect(m(sel("        A|startswith: 'pre'\n"))({ A: 'xprefix' })).toBe(false);
    expect(m(sel("        A|endswith: '.exe'\n"))({ A: 'a.EXE' })).toBe(true);
    expect(m(sel("        A|endswith: '.exe'\n"))({ A: 'a.exe.txt' })).toBe(false);
  });

  it('all AND-links the values', () => {
    const t = m(sel("        A|contains|all:\n            - ' -a '\n            - ' -b '\n"));
    expect(t({ A: 'x -b  -a y' })).toBe(true);
    expect(t({ A: 'x -a y' })).toBe(false);
  });

  it('exists checks presence only', () => {
    const yes = m(sel('        A|exists: true\n'));
    const no = m(sel('        A|exists: false\n'));
    expect(yes({ A: null })).toBe(true);
    expect(yes({})).toBe(false);
    expect(no({})).toBe(true);
  });

  it('cased compares case-sensitively', () => {
    const t = m(sel("        A|cased: 'CaSe'\n"));
    expect(t({ A: 'CaSe' })).toBe(true);
    expect(t({ A: 'case' })).toBe(false);
  });

  it('neq negates the whole item', () => {
    const t = m(sel('        A|neq:\n            - x\n            - y\n'));
    expect(t({ A: 'z' })).toBe(true);
    expect(t({ A: 'x' })).toBe(false);
    expect(t({ A: 'Y' })).toBe(false);
  });

  it('windash matches every dash variant of a flag', () => {
    const t = m(sel("        CommandLine|windash|contains: ' -enc '\n"));
    for (const d of ['-', '/', '\u2013', '\u2014', '\u2015'])
      expect(t({ CommandLine: `powershell ${d}enc AAA` })).toBe(true);
    expect(t({ CommandLine: 'powershell +enc AAA' })).toBe(false);
  });

  it('re, with i/m/s flags and PCRE inline flags, on RE2', () => {
    expect(m(sel("        A|re: '^ab+c$'\n"))({ A: 'abbc' })).toBe(true);
    expect(m(sel("        A|re: '^ab+c$'\n"))({ A: 'ABBC' })).toBe(false);
    expect(m(sel("        A|re|i: '^ab+c$'\n"))({ A: 'ABBC' })).toBe(true);
    expect(m(sel("        A|re: '(?i)^ab+c$'\n"))({ A: 'ABBC' })).toBe(true);
    expect(m(sel("        A|re|m: '^two$'\n"))({ A: 'one\ntwo\nthree' })).toBe(true);
    expect(m(sel("        A|re: '^two$'\n"))({ A: 'one\ntwo\nthree' })).toBe(false);
    expect(m(sel("        A|re|s: 'one.two'\n"))({ A: 'one\ntwo' })).toBe(true);
    expect(m(sel("        A|re: 'one.two'\n"))({ A: 'one\ntwo' })).toBe(false);
    expect(m(sel("        A|re: 'end\\Z'\n"))({ A: 'the end\n' })).toBe(true);
  });

  it('base64 and base64offset', () => {
    const b = m(sel("        A|base64: 'http://'\n"));
    expect(b({ A: 'aHR0cDovLw==' })).toBe(true);
    const o = m(sel("        A|base64offset|contains: 'http://'\n"));
    for (const prefix of ['', 'a', 'ab']) {
      expect(o({ A: `x${Buffer.from(`${prefix}http://evil`).toString('base64')}x` })).toBe(true);
    }
    expect(o({ A: Buffer.from('ftp://evil').toString('base64') })).toBe(false);
  });

  it('utf16le/wide, utf16be and utf16 before base64', () => {
    const enc = (s: string, e: BufferEncoding) => Buffer.from(s, e).toString('base64');
    expect(m(sel("        A|wide|base64: 'cmd'\n"))({ A: enc('cmd', 'utf16le') })).toBe(true);
    expect(m(sel("        A|utf16le|base64: 'cmd'\n"))({ A: enc('cmd', 'utf16le') })).toBe(true);
    const be = Buffer.from('cmd', 'utf16le').swap16().toString('base64');
    expect(m(sel("        A|utf16be|base64: 'cmd'\n"))({ A: be })).toBe(true);
    const bom = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('cmd', 'utf16le')]).toString('base64');
    expect(m(sel("        A|utf16|base64: 'cmd'\n"))({ A: bom })).toBe(true);
    const ps = Buffer.from('IEX (New-Object Net.WebClient)', 'utf16le').toString('base64');
    expect(m(sel("        A|wide|base64offset|contains: 'New-Object'\n"))({ A: `-enc ${ps}` })).toBe(true);
  });

  it('lt, lte, gt, gte compare numbers', () => {
    expect(m(sel('        N|lt: 10\n'))({ N: 9 })).toBe(true);
    expect(m(sel('        N|lt: 10\n'))({ N: '10' })).toBe(false);
    expect(m(sel('        N|lte: 10\n'))({ N: '10' })).toBe(true);
    expect(m(sel('        N|gt: 10\n'))({ N: 10.5 })).toBe(true);
    expect(m(sel('        N|gte: 10\n'))({ N: 'abc' })).toBe(false);
  });

  it('minute, hour, day, week, month, year read date parts (UTC)', () => {
    const t = '2024-03-15T13:45:00Z';
    expect(m(sel('        T|minute: 45\n'))({ T: t })).toBe(true);
    expect(m(sel('        T|hour: 13\n'))({ T: t })).toBe(true);
    expect(m(sel('        T|day: 15\n'))({ T: t })).toBe(true);
    expect(m(sel('        T|week: 11\n'))({ T: t })).toBe(true);
    expect(m(sel('        T|month: 3\n'))({ T: t })).toBe(true);
    expect(m(sel('        T|year: 2024\n'))({ T: t })).toBe(true);
    expect(m(sel('        T|hour: 12\n'))({ T: t })).toBe(false);
  });

  it('cidr for IPv4 and IPv6', () => {
    const t = m(sel("        Ip|cidr:\n            - '10.0.0.0/8'\n            - 'fd00::/8'\n"));
    expect(t({ Ip: '10.2.3.4' })).toBe(true);
    expect(t({ Ip: 'fd12::1' })).toBe(true);
    expect(t({ Ip: '192.168.1.1' })).toBe(false);
  });

  it('expand resolves placeholders from configuration, and rejects unresolved ones', () => {
    const rule = "        Host|expand: '%DomainControllers%'\n";
    const t = m(sel(rule), { placeholders: { DomainControllers: ['dc1', 'dc-*'] } });
    expect(t({ Host: 'DC1' })).toBe(true);
    expect(t({ Host: 'dc-paris' })).toBe(true);
    expect(t({ Host: 'ws1' })).toBe(false);
    const literal = m(sel("        Host: '%DomainControllers%'\n"));
    expect(literal({ Host: '%DomainControllers%' })).toBe(true);
    expect(rejectionOf(`title: t\nlogsource: {}\ndetection:\n${sel(rule)}`)).toMatch(
      /placeholder %DomainControllers% has no configured value/,
    );
  });

  it('fieldref compares two fields, also with neq and contains', () => {
    const eq = m(sel('        TargetUserName|fieldref: SubjectUserName\n'));
    expect(eq({ TargetUserName: 'Bob', SubjectUserName: 'bob' })).toBe(true);
    expect(eq({ TargetUserName: 'Bob', SubjectUserName: 'alice' })).toBe(false);
    const neq = m(sel('        TargetUserName|fieldref|neq: SubjectUserName\n'));
    expect(neq({ TargetUserName: 'Bob', SubjectUserName: 'alice' })).toBe(true);
    const contains = m(sel('        CommandLine|fieldref|contains: Image\n'));
    expect(contains({ CommandLine: '"c:\\x.exe" -a', Image: 'C:\\x.exe' })).toBe(true);
  });

  it('rejects unknown modifiers and invalid combinations with a reason', () => {
    const r = (body: string) => rejectionOf(`title: t\nlogsource: {}\ndetection:\n${sel(body)}`);
    expect(r('        A|bogus: x\n')).toMatch(/unknown modifier "bogus"/);
    expect(r("        A|contains|re: 'x'\n")).toMatch(/re modifier only applies to unmodified values/);
    expect(r("        A|base64: 'a*'\n")).toMatch(/wildcards is not allowed/);
    expect(r("        A|re: '(a)\\1'\n")).toMatch(/back-references/);
    expect(r("        A|re: 'a(?=b)'\n")).toMatch(/look-around/);
    expect(r("        A|gt: 'abc'\n")).toMatch(/needs a number/);
    expect(r("        A|cidr: '10.0.0.0/99'\n")).toMatch(/prefix length/);
  });
});
