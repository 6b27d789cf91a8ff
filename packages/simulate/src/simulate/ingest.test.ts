import type { RecordParser } from '@intersoc/core';
import { getFormat, scoreFormats } from '@intersoc/ingest';
import { describe, expect, it } from 'vitest';
import { simulate } from './simulate.js';

const START = Date.UTC(2024, 4, 7, 6); // Tuesday 06:00 UTC: the morning logons fall inside

describe('simulated records through the ingest format plug-ins', () => {
  it('parses every record with the plug-in of its format, at its own time', () => {
    const parsers = new Map<string, RecordParser>();
    const failures: string[] = [];
    const counts = new Map<string, number>();
    for (const r of simulate({ seed: 11, hours: 8, start: START })) {
      let parser = parsers.get(r.source);
      if (parser === undefined) {
        const plugin = getFormat(r.format);
        if (plugin?.open === undefined) throw new Error(`no text plug-in for ${r.format}`);
        parser = plugin.open({ name: r.source });
        parsers.set(r.source, parser);
      }
      const res = parser.parse(r.record);
      if (res.ok !== true) {
        failures.push(`${r.source}: ${res.ok === 'skip' ? 'skipped' : res.reason} :: ${r.record.slice(0, 160)}`);
        continue;
      }
      if (res.value.time !== r.time) failures.push(`${r.source}: time ${String(res.value.time)} != ${r.time}`);
      counts.set(r.format, (counts.get(r.format) ?? 0) + 1);
    }
    expect(failures.slice(0, 10)).toEqual([]);
    for (const f of ['windows', 'syslog', 'auditd', 'zeek']) expect(counts.get(f) ?? 0, f).toBeGreaterThan(100);
  });

  it('auto-detects the right format from the first record of each stream', () => {
    const firsts = new Map<string, { format: string; record: string }>();
    for (const r of simulate({ seed: 12, hours: 24, start: START, intensity: 0.3 })) {
      if (!firsts.has(r.source)) firsts.set(r.source, { format: r.format, record: r.record });
    }
    const wrong: string[] = [];
    for (const [source, first] of firsts) {
      const best = scoreFormats(first.record, source)[0]?.format.name;
      if (best !== first.format) wrong.push(`${source}: detected ${String(best)}, is ${first.format}`);
    }
    expect(wrong).toEqual([]);
    expect(firsts.size).toBeGreaterThan(15);
  });

  it('projects the fields detections rely on for a credential dump', () => {
    const windows = getFormat('windows')?.open?.({ name: 'demo' });
    if (windows === undefined) throw new Error('windows plug-in missing');
    let checked = 0;
    for (const r of simulate({ seed: 13, hours: 24, start: START, intensity: 0.2 })) {
      if (r.label !== 'T1003.001' || !r.record.includes('"EventID":1,')) continue;
      const res = windows.parse(r.record);
      expect(res.ok).toBe(true);
      if (res.ok !== true) continue;
      // One entity model: host.name is the short lower-case name, host.hostname the full one.
      expect(res.value.ecs['host.name']).toBe(r.host.toLowerCase());
      expect(res.value.ecs['host.hostname']).toBe(`${r.host}.corp.example.com`);
      expect(String(res.value.ecs['process.command_line'])).toMatch(/lsass|MiniDump|sekurlsa/i);
      expect(res.value.ecs['process.parent.name']).toBeDefined();
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });
});
