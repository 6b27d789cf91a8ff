import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readRecords } from '../../read-records/index.js';
import { detectFormat } from '../../registry/index.js';
import { pcapFormat, pcapngFormat } from './index.js';
import { TCP } from './packet.js';
import { capture, frame, ipPacket, pcapngFile, type PacketSpec } from './writer.js';

const T0 = Date.UTC(2024, 0, 2, 3, 4, 5) * 1000 + 6;
const A: PacketSpec = {
  micros: T0,
  src: '10.9.0.1',
  dst: '10.9.0.2',
  protocol: 'udp',
  srcPort: 3333,
  dstPort: 53,
  payload: 40,
};
const B: PacketSpec = {
  ...A,
  micros: T0 + 250,
  src: '10.9.0.2',
  dst: '10.9.0.1',
  srcPort: 53,
  dstPort: 3333,
  payload: 90,
};
const dir = mkdtempSync(path.join(tmpdir(), 'pcap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pcap format plug-ins', () => {
  it('are detected by their magic and turn a capture into flow events with ECS and cic.* fields', () => {
    const bytes = capture([A, B]);
    expect(detectFormat(bytes.subarray(0, 32))?.name).toBe('pcap');
    const ng = pcapngFile([A, B].map((p) => ({ micros: p.micros, data: frame(ipPacket(p)) })));
    expect(detectFormat(ng.subarray(0, 32))?.name).toBe('pcapng');
    const results = [...pcapFormat.openBinary!({}).decode(bytes)];
    expect(results).toHaveLength(1);
    const r = results[0]!;
    if (r.ok !== true) throw new Error('expected a flow');
    expect(r.value.time).toBe(Math.floor(T0 / 1000));
    expect(r.value.ecs).toEqual({
      'source.ip': '10.9.0.1',
      'source.port': 3333,
      'destination.ip': '10.9.0.2',
      'destination.port': 53,
      'source.bytes': 40,
      'destination.bytes': 90,
      'network.transport': 'udp',
      'event.duration': 250_000,
      'event.category': 'network',
      'event.action': 'flow',
    });
    expect(r.value.fields).toMatchObject({
      'cic.Flow ID': '10.9.0.1-10.9.0.2-3333-53-17',
      'cic.Timestamp': '2024-01-02 03:04:05.000006',
      'cic.Flow Duration': 250,
      'cic.Flow Bytes/s': 130 / 250e-6,
      'cic.Fwd Header Length': 8,
      'flow.end_reason': 'end-of-capture',
      'network.packets': 2,
    });
    // The stored rendering reads back to the same fields and projection (search re-derives them).
    const back = pcapngFormat.open!({}).parse(r.value.raw!);
    expect(back).toEqual({ ok: true, value: { fields: r.value.fields, ecs: r.value.ecs } });
    expect(pcapFormat.open!({}).parse('{"__proto__": 1, "cic.Protocol": 6}')).toMatchObject({ ok: true });
    expect(pcapFormat.open!({}).parse('nope').ok).toBe(false);
  });

  it('reads .pcap, .pcap.gz and truncated files through readRecords, problems as one record', async () => {
    const bytes = capture([
      A,
      B,
      { ...A, micros: T0 + 900, protocol: 'tcp', flags: TCP.SYN },
      { ...B, micros: T0 + 950, protocol: 'tcp', flags: TCP.RST },
    ]);
    writeFileSync(path.join(dir, 'a.pcap'), bytes);
    writeFileSync(path.join(dir, 'b.pcap.gz'), gzipSync(bytes));
    writeFileSync(path.join(dir, 'c.cap'), bytes.subarray(0, bytes.length - 3));
    const read = async (f: string): Promise<(string | boolean)[]> => {
      const out: (string | boolean)[] = [];
      for await (const r of readRecords(path.join(dir, f)))
        out.push(r.ok ? `${r.format}:${String(r.record.ecs['network.transport'])}` : r.reason);
      return out;
    };
    // Flows come out as they end: the RST closes the TCP flow before the capture's end closes the UDP one.
    expect(await read('a.pcap')).toEqual(['pcap:tcp', 'pcap:udp']);
    expect(await read('b.pcap.gz')).toEqual(['pcap:tcp', 'pcap:udp']);
    const cut = await read('c.cap');
    // The cut loses the RST: the SYN alone is a one-packet flow (not reported), the UDP flow stays.
    expect(cut).toHaveLength(2);
    expect(cut[0]).toBe('pcap:udp');
    expect(cut[1]).toMatch(/^pcap: offset \d+: truncated record: 141 of 144 bytes/);
  });
});
