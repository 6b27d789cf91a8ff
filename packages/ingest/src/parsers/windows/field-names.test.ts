/**
 * Event data names with spaces (Defender's `New Value`, `Product Name`) come out as Sigma rules
 * name them, spaces stripped (Sigma specification, field naming rule 2: `New Value` -> `NewValue`).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPORA, readLines } from '../../internal/corpora.js';
import { parseWindowsFlat, parseWindowsNested } from './index.js';

const system = {
  Provider: { '#attributes': { Name: 'Microsoft-Windows-Windows Defender' } },
  EventID: 5007,
  Channel: 'Microsoft-Windows-Windows Defender/Operational',
  Computer: 'ws01',
  TimeCreated: { '#attributes': { SystemTime: '2020-12-16T08:44:27.222824Z' } },
};
const NEW = 'HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Exclusions\\Paths\\C:\\TOOLS = 0x0';

describe('Windows event data names with spaces', () => {
  it('strips the spaces in evtx_dump EventData members', () => {
    const r = parseWindowsNested({
      Event: { System: system, EventData: { 'Product Name': 'Microsoft Defender Antivirus', 'New Value': NEW } },
    });
    if (!r.ok) throw new Error(r.reason);
    expect(r.value.fields['NewValue']).toBe(NEW);
    expect(r.value.fields['ProductName']).toBe('Microsoft Defender Antivirus');
    expect(Object.keys(r.value.fields).filter((k) => k.includes(' '))).toEqual([]);
  });

  it('strips them in named <Data> items too', () => {
    const r = parseWindowsNested({
      Event: {
        System: system,
        EventData: {
          Data: [
            { '#attributes': { Name: 'Old Value' }, '#text': '' },
            { '#attributes': { Name: 'New Value' }, '#text': NEW },
          ],
        },
      },
    });
    if (!r.ok) throw new Error(r.reason);
    expect(r.value.fields['NewValue']).toBe(NEW);
    expect(r.value.fields['OldValue']).toBe('');
  });

  it('strips them in Winlogbeat event_data and NXLog top-level fields', () => {
    const beat = parseWindowsFlat({
      winlog: {
        channel: 'Microsoft-Windows-Windows Defender/Operational',
        event_id: 5007,
        event_data: { 'New Value': NEW },
      },
    });
    if (!beat.ok) throw new Error(beat.reason);
    expect(beat.value.fields['NewValue']).toBe(NEW);
    const nx = parseWindowsFlat({
      EventID: 5007,
      Channel: 'Microsoft-Windows-Windows Defender/Operational',
      'New Value': NEW,
    });
    if (!nx.ok) throw new Error(nx.reason);
    expect(nx.value.fields['NewValue']).toBe(NEW);
    expect(nx.value.fields['New Value']).toBeUndefined();
  });

  it('keeps both values when the name without spaces is taken, in either order', () => {
    for (const data of [
      { NewValue: 'a', 'New Value': 'b' },
      { 'New Value': 'b', NewValue: 'a' },
    ]) {
      const r = parseWindowsNested({ Event: { System: system, EventData: data } });
      if (!r.ok) throw new Error(r.reason);
      expect(r.value.fields['NewValue']).toBe('a');
      expect(r.value.fields['New Value']).toBe('b');
    }
    const nx = parseWindowsFlat({ EventID: 1, Channel: 'x', 'New Value': 'b', NewValue: 'a' });
    if (!nx.ok) throw new Error(nx.reason);
    expect([nx.value.fields['NewValue'], nx.value.fields['New Value']]).toEqual(['a', 'b']);
  });
});

const SAMPLE = path.join(
  CORPORA,
  'evtx/hayabusa-sample-evtx/EVTX-to-MITRE-Attack/TA0005-Defense Evasion/T1562.001-Impair Defenses-Disable or Modify tool/ID5007-Defender threat exclusion (native).jsonl.gz',
);

describe.skipIf(!existsSync(SAMPLE))('Defender 5007 events of the evtx corpus', { tags: ['corpus'] }, () => {
  it('carry NewValue and OldValue', () => {
    const values = [...readLines(SAMPLE)].map((l) => {
      const r = parseWindowsNested(JSON.parse(l));
      if (!r.ok) throw new Error(r.reason);
      return r.value.fields['NewValue'];
    });
    expect(values).toHaveLength(4);
    expect(values.filter((v) => typeof v === 'string' && v.includes('\\Exclusions\\'))).toHaveLength(3);
  });
});
