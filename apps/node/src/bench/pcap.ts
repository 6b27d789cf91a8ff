/**
 * @module
 * `bench pcap`: packet captures to CICFlowMeter flows with their CIC-IDS2017 features (the
 * ingest pcap reader: container, link layer, IP with fragment reassembly, transport, flow
 * assembly, features), in MB/s over the 28 Mordor captures held in memory. The baseline is a
 * plain pass over the same bytes that only walks the packet headers (record or block headers,
 * then the Ethernet type, IP protocol and ports of each frame), in the same run: the ratio says
 * what the flow work costs on top of reading the packets at all.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { captureFlows } from '@intersoc/ingest';
import { benchResult, type BenchModule, type BenchOptions, type BenchResult } from './types.js';

/** Walks every frame's headers down to the ports, returning a checksum so the work is kept. */
export function walkHeaders(b: Uint8Array): number {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let sum = 0;
  const frame = (at: number, len: number): void => {
    if (len < 38) return;
    const type = v.getUint16(at + 12);
    if (type !== 0x0800) return;
    const ihl = (v.getUint8(at + 14) & 15) * 4;
    if (len < 14 + ihl + 4) return;
    sum = (sum + v.getUint8(at + 23) + v.getUint16(at + 14 + ihl) + v.getUint16(at + 16 + ihl)) | 0;
  };
  if (v.getUint32(0, true) === 0x0a0d0d0a) {
    for (let at = 0; at + 12 <= b.length;) {
      const len = v.getUint32(at + 4, true);
      if (len < 12 || at + len > b.length) break;
      if (v.getUint32(at, true) === 6) frame(at + 28, Math.min(v.getUint32(at + 20, true), len - 32));
      at += len;
    }
    return sum;
  }
  for (let at = 24; at + 16 <= b.length;) {
    const incl = v.getUint32(at + 8, true);
    if (at + 16 + incl > b.length) break;
    frame(at + 16, incl);
    at += 16 + incl;
  }
  return sum;
}

function timed(passes: number, fn: () => number): { seconds: number; sink: number } {
  let sink = 0;
  const start = performance.now();
  for (let i = 0; i < passes; i++) sink += fn();
  return { seconds: (performance.now() - start) / 1000, sink };
}

async function run(o: BenchOptions): Promise<BenchResult> {
  const dir = path.join(o.corpora, 'network', 'mordor-pcaps');
  if (!existsSync(dir)) throw new Error(`bench pcap needs ${dir}`);
  const files = readdirSync(dir)
    .filter((f) => /\.(cap|pcap|pcapng)$/.test(f))
    .sort()
    .map((f) => readFileSync(path.join(dir, f)));
  const bytes = files.reduce((a, f) => a + f.length, 0);
  const passes = o.quick ? 2 : 20;
  // Warm both paths (JIT) before measuring.
  for (const f of files) {
    captureFlows(f);
    walkHeaders(f);
  }
  let flows = 0;
  let packets = 0;
  const flowRun = timed(passes, () => {
    flows = 0;
    packets = 0;
    for (const f of files) {
      const r = captureFlows(f);
      flows += r.flows.length;
      packets += r.packets;
    }
    return flows;
  });
  const walkRun = timed(passes, () => files.reduce((a, f) => a + walkHeaders(f), 0));
  const mbps = (s: number): number => Math.round(((bytes * passes) / 1e6 / s) * 100) / 100;
  o.log(`${files.length} captures, ${bytes} bytes, ${packets} packets, ${flows} flows, ${passes} passes`);
  return benchResult({
    name: 'pcap',
    unit: 'MB/s',
    value: mbps(flowRun.seconds),
    baseline_value: mbps(walkRun.seconds),
    cores: 1,
    extra: {
      input: 'network/mordor-pcaps (28 captures, in memory)',
      bytes,
      passes,
      packets,
      flows,
      packets_per_s: Math.round((packets * passes) / flowRun.seconds),
      flows_per_s: Math.round((flows * passes) / flowRun.seconds),
      baseline_packets_per_s: Math.round((packets * passes) / walkRun.seconds),
      baseline: 'header walk (record/block headers, Ethernet type, IP protocol, ports) over the same bytes',
      checksum: walkRun.sink,
    },
  });
}

/** The pcap benchmark. */
export const bench: BenchModule = {
  description: 'pcap/pcapng → CICFlowMeter flows with CIC-IDS2017 features, MB/s vs a header walk',
  run,
};
