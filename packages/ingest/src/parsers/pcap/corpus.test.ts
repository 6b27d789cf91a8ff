import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPORA } from '../../internal/corpora.js';
import { listFiles } from '../../internal/corpora.js';
import { detectFormat } from '../../registry/index.js';
import { CIC_FEATURES } from './flows.js';
import { captureFlows, flowEvent } from './index.js';

const DIR = path.join(CORPORA, 'network/mordor-pcaps');
const HEADER = path.join(CORPORA, 'ml/cicids2017-improved-sample/data_header_reference.csv');

describe.skipIf(!existsSync(HEADER))('pcap features: the CIC-IDS2017 (improved) columns', { tags: ['corpus'] }, () => {
  it('names every numeric column of the training CSVs, in their order', () => {
    const columns = readFileSync(HEADER, 'utf8').trim().split(',');
    const identity = new Set(['id', 'Flow ID', 'Src IP', 'Src Port', 'Dst IP', 'Dst Port', 'Protocol', 'Timestamp']);
    const labels = new Set(['Label', 'Attempted Category']);
    expect(columns.filter((c) => !identity.has(c) && !labels.has(c))).toEqual([...CIC_FEATURES]);
  });
});

/** Frames counted by walking record headers only (pcap) or enhanced packet blocks (pcapng). */
function walkFrames(b: Buffer): number {
  let n = 0;
  if (b.readUInt32LE(0) === 0x0a0d0d0a) {
    for (let at = 0; at + 12 <= b.length;) {
      const len = b.readUInt32LE(at + 4);
      if (len < 12 || at + len > b.length) break;
      if (b.readUInt32LE(at) === 6) n++;
      at += len;
    }
    return n;
  }
  for (let at = 24; at + 16 <= b.length; n++) {
    const next = at + 16 + b.readUInt32LE(at + 8);
    if (next > b.length) break;
    at = next;
  }
  return n;
}

describe.skipIf(!existsSync(DIR))(`pcap corpus: Mordor captures (${DIR})`, { tags: ['corpus'] }, () => {
  it('reads all 28 captures into sane, stable flows with finite CIC features', () => {
    const files = [...listFiles(DIR, '.cap'), ...listFiles(DIR, '.pcapng')];
    expect(files).toHaveLength(28);
    const total = { frames: 0, bad: 0, flows: 0, packetsInFlows: 0, dropped: 0 };
    const ends: Record<string, number> = {};
    const problems: string[] = [];
    for (const file of files) {
      const bytes = readFileSync(file);
      expect(detectFormat(bytes.subarray(0, 64), file)?.name).toBe(file.endsWith('.pcapng') ? 'pcapng' : 'pcap');
      const r = captureFlows(bytes);
      expect(r.frames, file).toBe(walkFrames(bytes));
      // Every IP packet is in exactly one reported flow or in a dropped single-packet flow.
      const inFlows = r.flows.reduce((a, f) => a + f.features['Total Fwd Packet'] + f.features['Total Bwd packets'], 0);
      expect(inFlows + r.dropped, file).toBe(r.packets);
      for (const f of r.flows) {
        for (const name of CIC_FEATURES) {
          const v = f.features[name];
          if (!Number.isFinite(v) || (v < 0 && !name.startsWith('ICMP'))) problems.push(`${file} ${f.id} ${name}=${v}`);
        }
        expect(f.features['Flow Duration']).toBe(f.last - f.start);
        const ev = flowEvent(f);
        expect(ev.ecs['source.ip']).toBe(f.src);
        expect(ev.fields['cic.Flow Duration']).toBe(f.features['Flow Duration']);
        ends[f.end] = (ends[f.end] ?? 0) + 1;
      }
      total.frames += r.frames;
      total.bad += r.bad;
      total.flows += r.flows.length;
      total.packetsInFlows += inFlows;
      total.dropped += r.dropped;
    }
    console.log(`pcap corpus: ${files.length} captures, ${JSON.stringify(total)}, ends ${JSON.stringify(ends)}`);
    expect(problems.slice(0, 5)).toEqual([]);
    // Figures measured when this test was written (stable: the reader is deterministic).
    expect(total).toEqual({ frames: 9146, bad: 0, flows: 195, packetsInFlows: 9141, dropped: 5 });
    expect(ends).toEqual({ 'end-of-capture': 91, rst: 53, timeout: 22, fin: 29 });
  });
});
