import { describe, expect, it } from 'vitest';
import { decodeBlock, encodeBlock, type BlockEvent } from './block.js';

const src = { format: 'json', kind: 'file', name: '/tmp/a.json' } as const;

describe('block codec', () => {
  it('round-trips envelopes, raw records with any characters, labels and contexts', () => {
    const events: BlockEvent[] = [
      { id: 'a'.repeat(32), time: 1000, ingested: 2000, source: src, raw: '{"a":"line\\nbreak"}', label: 'benign' },
      {
        id: 'b'.repeat(32),
        time: 900,
        ingested: 2000,
        source: { ...src, peer: '10.0.0.1' },
        raw: 'ünïcödé 🚀 \n\r\t\0',
        context: '#fields\ta\tb',
      },
      {
        id: 'c'.repeat(32),
        time: 1100,
        ingested: 2001,
        source: src,
        raw: '',
        label: 'T1003.001',
        context: '#fields\ta\tb',
      },
    ];
    const block = encodeBlock('t1', 5, events);
    expect(block).toMatchObject({ tenant: 't1', day: 5, tMin: 900, tMax: 1100, count: 3 });
    expect(block.ids).toHaveLength(48);
    expect(Buffer.from(block.ids).toString('hex')).toBe('a'.repeat(32) + 'b'.repeat(32) + 'c'.repeat(32));
    expect(decodeBlock(block.codec, block.data)).toEqual(events);
  });

  it('compresses repetitive log text', () => {
    const events: BlockEvent[] = Array.from({ length: 500 }, (_, i) => ({
      id: i.toString(16).padStart(32, '0'),
      time: i,
      ingested: i,
      source: src,
      raw: `{"EventID":4624,"Channel":"Security","TargetUserName":"user${i % 7}","LogonType":3}`,
    }));
    const block = encodeBlock('t', 0, events);
    expect(block.data.length * 5).toBeLessThan(block.rawBytes);
    expect(decodeBlock(block.codec, block.data).map((e) => e.raw)).toEqual(events.map((e) => e.raw));
  });

  it('rejects unknown codecs', () => {
    expect(() => decodeBlock(99, new Uint8Array())).toThrow(/codec/);
  });
});
