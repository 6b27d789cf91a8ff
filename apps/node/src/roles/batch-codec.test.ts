import { describe, expect, it } from 'vitest';
import { decodeBlock, encodeBlock, type DeadLetter } from '@intersoc/storage';
import { batchId, decodeBatch, encodeBatch } from './batch-codec.js';
import { eventSubject, hostOf, partitionOfHost } from './partition.js';

const source = { format: 'json', kind: 'file' as const, name: '/x.jsonl' };

describe('event batch codec', () => {
  it('carries blocks and dead letters byte for byte', () => {
    const a = encodeBlock('acme', 20_000, [
      { id: 'a'.repeat(32), time: 1, ingested: 2, source, raw: '{"a":1}' },
      { id: 'b'.repeat(32), time: 3, ingested: 4, source, raw: '{"é":"ü"}', label: 'benign' },
    ]);
    const b = encodeBlock('acme', 20_001, [{ id: 'c'.repeat(32), time: 5, ingested: 6, source, raw: 'x' }]);
    const dead: DeadLetter = {
      tenant: 'acme',
      time: 7,
      source,
      reason: 'bad',
      raw: Buffer.from([0, 255, 10]),
      offset: 9,
    };
    const body = encodeBatch({ blocks: [a, b], deadLetters: [dead] });
    const got = decodeBatch(body);
    expect(got.blocks.map((x) => ({ ...x, data: [...x.data], ids: [...x.ids] }))).toEqual(
      [a, b].map((x) => ({ ...x, data: [...x.data], ids: [...x.ids] })),
    );
    expect(decodeBlock(got.blocks[0]!.codec, got.blocks[0]!.data)[1]).toMatchObject({
      raw: '{"é":"ü"}',
      label: 'benign',
    });
    expect({ ...got.deadLetters[0], raw: [...got.deadLetters[0]!.raw] }).toEqual({ ...dead, raw: [0, 255, 10] });
    expect(batchId(body)).toBe(batchId(encodeBatch({ blocks: [a, b], deadLetters: [dead] })));
  });

  it('refuses bytes that are not a batch, and a truncated one', () => {
    expect(() => decodeBatch(Buffer.from('{"json":true}'))).toThrow(/bad magic/);
    const body = encodeBatch({
      blocks: [encodeBlock('t', 1, [{ id: 'd'.repeat(32), time: 1, ingested: 1, source, raw: 'r' }])],
      deadLetters: [],
    });
    expect(() => decodeBatch(body.subarray(0, body.length - 3))).toThrow(/truncated/);
  });
});

describe('partitions', () => {
  it('sends one host always to one partition, and spreads hosts', () => {
    const hosts = Array.from({ length: 200 }, (_, i) => `ws-${i}.corp.local`);
    const parts = hosts.map((h) => partitionOfHost(h, 16));
    expect(hosts.map((h) => partitionOfHost(h, 16))).toEqual(parts);
    expect(new Set(parts).size).toBe(16);
    expect(parts.every((p) => p >= 0 && p < 16)).toBe(true);
  });

  it('takes host.name, else the transport peer', () => {
    const e = { id: '', time: 0, ingested: 0, tenant: 't', raw: '', fields: {} };
    expect(hostOf({ ...e, source: { ...source, peer: '10.0.0.1' }, ecs: { 'host.name': 'dc1' } })).toBe('dc1');
    expect(hostOf({ ...e, source: { ...source, peer: '10.0.0.1' }, ecs: {} })).toBe('10.0.0.1');
    expect(eventSubject('acme', 'syslog', 3)).toBe('events.acme.syslog.3');
  });
});
