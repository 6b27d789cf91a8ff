import { describe, expect, it } from 'vitest';
import { buildMatrix, cellState, techniqueUrl } from './attack';
import { clip, formatAgo, formatBytes, formatCount, formatRate, prettyRaw } from './format';
import { eventIdsQuery, matchedFields } from './highlight';
import { bucketsFor, decodeRange, encodeRange, fromLocalInput, resolveRange, toLocalInput } from './time-range';
import { tlpBadge } from './tlp';

describe('matched field highlighting', () => {
  it('matches rule fields by name, last segment and ECS projection', () => {
    const keys = [
      'EventData.CommandLine',
      'process.command_line',
      'host.name',
      'Image',
      'EventID',
      'event.code',
      'Other',
    ];
    expect(
      [
        ...matchedFields(
          keys,
          ['CommandLine|contains', 'EventID'].map((f) => f.split('|')[0]!),
        ),
      ].sort(),
    ).toEqual(['EventData.CommandLine', 'EventID', 'event.code', 'process.command_line']);
    expect(matchedFields(keys, []).size).toBe(0);
    expect(eventIdsQuery(['ab', 'cd'])).toBe('_id:ab OR _id:cd');
  });
});

describe('ATT&CK matrix', () => {
  it('places techniques under their tactics and finds gaps', () => {
    const { columns, summary } = buildMatrix([
      { id: 'T1003.001', tactics: ['credential-access'], rules: 2, alerts: 10 },
      { id: 'T1110.001', tactics: ['credential-access'], rules: 1, alerts: 0 },
      { id: 'T1048', tactics: ['exfiltration'], rules: 0, alerts: 5 },
      { id: 'T1047', tactics: ['execution', 'lateral-movement'], rules: 1, alerts: 1 },
      { id: 'T9999', tactics: [], rules: 1, alerts: 0 },
    ]);
    expect(summary).toEqual({ covered: 4, observed: 3, gaps: 1 });
    const cred = columns.find((c) => c.tactic === 'credential-access');
    expect(cred?.cells.map((c) => [c.technique.id, c.state, c.heat])).toEqual([
      ['T1003.001', 'detected', 1],
      ['T1110.001', 'covered', 0],
    ]);
    expect(columns.find((c) => c.tactic === 'exfiltration')?.cells[0]?.state).toBe('gap');
    expect(columns.filter((c) => c.cells.some((x) => x.technique.id === 'T1047')).map((c) => c.tactic)).toEqual([
      'execution',
      'lateral-movement',
    ]);
    expect(columns[0]?.tactic).toBe('reconnaissance');
    expect(columns.at(-1)).toMatchObject({ tactic: 'unmapped', title: 'No tactic' });
    expect(cellState({ id: 'x', tactics: [], rules: 0, alerts: 0 })).toBe('gap');
    expect(techniqueUrl('T1003.001')).toBe('https://attack.mitre.org/techniques/T1003/001/');
  });
});

describe('time ranges', () => {
  it('round-trips presets and absolute ranges through the URL', () => {
    const fallback = { kind: 'relative', preset: '24h' } as const;
    expect(decodeRange('7d', fallback)).toEqual({ kind: 'relative', preset: '7d' });
    expect(decodeRange(encodeRange({ kind: 'absolute', from: 5, to: 9 }), fallback)).toEqual({
      kind: 'absolute',
      from: 5,
      to: 9,
    });
    expect(decodeRange('9~5', fallback)).toBe(fallback);
    expect(decodeRange('bogus', fallback)).toBe(fallback);
    expect(resolveRange({ kind: 'relative', preset: '1h' }, 10_000_000)).toEqual({ from: 6_400_000, to: 10_000_000 });
    expect(resolveRange({ kind: 'relative', preset: 'all' }, 10_000_000, 42)).toEqual({ from: 42, to: 10_000_000 });
  });

  it('converts date-time fields and picks readable bucket counts', () => {
    const t = Date.UTC(2024, 4, 1, 12, 30);
    expect(fromLocalInput(toLocalInput(t))).toBe(t);
    expect(fromLocalInput('')).toBeUndefined();
    expect(bucketsFor(0, 3_600_000)).toBe(60);
    expect(bucketsFor(0, 86_400_000)).toBe(96);
    expect(bucketsFor(0, 30 * 86_400_000)).toBe(30);
  });
});

describe('formats and badges', () => {
  it('formats counts, rates, bytes and ages', () => {
    expect(formatCount(1234)).toBe('1,234');
    expect(formatCount(2_500_000)).toBe('2.5 M');
    expect(formatRate(0.25)).toBe('0.25/s');
    expect(formatRate(1530)).toBe('1,530/s');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(300 * 1024 * 1024)).toBe('300 MiB');
    expect(formatAgo(0, 120_000)).toBe('2 min ago');
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(prettyRaw('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyRaw('<13>Jan 1 host msg {')).toBe('<13>Jan 1 host msg {');
    expect(prettyRaw('{broken')).toBe('{broken');
    // 64-bit integers keep every digit (JSON.parse would round them), and strings stay as written.
    const raw = '{"EventRecordID":18446744073709551615,"a":[1, {"b":"x, y: {z}\\"q"}],"e":{},"f":[]}';
    expect(prettyRaw(raw)).toBe(
      '{\n  "EventRecordID": 18446744073709551615,\n  "a": [\n    1,\n    {\n      "b": "x, y: {z}\\"q"\n    }\n  ],\n  "e": {},\n  "f": []\n}',
    );
    expect(JSON.parse(prettyRaw(raw))).toEqual(JSON.parse(raw));
  });

  it('gives TLP 2.0 badges, with TLP:WHITE read as CLEAR', () => {
    expect(tlpBadge('amber+strict')).toMatchObject({ label: 'TLP:AMBER+STRICT', fg: '#FFC000' });
    expect(tlpBadge('TLP:WHITE')?.label).toBe('TLP:CLEAR');
    expect(tlpBadge(undefined)).toBeUndefined();
    expect(tlpBadge('purple')).toBeUndefined();
  });
});
