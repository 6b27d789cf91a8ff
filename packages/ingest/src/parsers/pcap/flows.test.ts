import { describe, expect, it } from 'vitest';
import { captureFlows } from './index.js';
import { TCP } from './packet.js';
import { capture, type PacketSpec } from './writer.js';

const T0 = 1_500_000_000_000_000; // epoch µs
const C = { src: '10.0.0.1', dst: '10.0.0.2', srcPort: 40000, dstPort: 80, protocol: 'tcp' } as const;
const S = { src: '10.0.0.2', dst: '10.0.0.1', srcPort: 80, dstPort: 40000, protocol: 'tcp' } as const;
const { SYN, ACK, PSH, FIN, RST } = TCP;

/** A whole HTTP-like exchange: handshake, one request, one answer, both FINs and the last ACK. */
const EXCHANGE: PacketSpec[] = [
  { ...C, micros: T0, flags: SYN, window: 29200, tcpHeader: 40 },
  { ...S, micros: T0 + 1000, flags: SYN | ACK, window: 28960, tcpHeader: 40 },
  { ...C, micros: T0 + 1500, flags: ACK, window: 229, tcpHeader: 32 },
  { ...C, micros: T0 + 2000, flags: PSH | ACK, window: 229, tcpHeader: 32, payload: 100 },
  { ...S, micros: T0 + 4000, flags: ACK, window: 227, tcpHeader: 32 },
  { ...S, micros: T0 + 5000, flags: PSH | ACK, window: 227, tcpHeader: 32, payload: 300 },
  { ...C, micros: T0 + 7000, flags: FIN | ACK, window: 229, tcpHeader: 32 },
  { ...S, micros: T0 + 8000, flags: FIN | ACK, window: 235, tcpHeader: 32 },
  { ...C, micros: T0 + 9000, flags: ACK, window: 229, tcpHeader: 32 },
];

describe('flows: CICFlowMeter features worked out by hand', () => {
  it('a closed TCP exchange gives one flow with every feature as computed on paper', () => {
    const r = captureFlows(capture(EXCHANGE));
    expect(r.flows).toHaveLength(1);
    const f = r.flows[0]!;
    expect(f).toMatchObject({ id: '10.0.0.1-10.0.0.2-40000-80-6', end: 'fin', start: T0, last: T0 + 9000 });
    const x = f.features;
    // Counts and lengths: fwd payloads [0,0,100,0,0], bwd [0,0,300,0].
    expect(x['Flow Duration']).toBe(9000);
    expect([x['Total Fwd Packet'], x['Total Bwd packets']]).toEqual([5, 4]);
    expect([x['Total Length of Fwd Packet'], x['Total Length of Bwd Packet']]).toEqual([100, 300]);
    expect([x['Fwd Packet Length Max'], x['Fwd Packet Length Min'], x['Fwd Packet Length Mean']]).toEqual([100, 0, 20]);
    expect(x['Fwd Packet Length Std']).toBeCloseTo(Math.sqrt(8000 / 4), 9);
    expect([x['Bwd Packet Length Max'], x['Bwd Packet Length Min'], x['Bwd Packet Length Mean']]).toEqual([300, 0, 75]);
    expect(x['Bwd Packet Length Std']).toBeCloseTo(150, 9);
    // Rates over 9 ms.
    expect(x['Flow Bytes/s']).toBeCloseTo(400 / 0.009, 6);
    expect(x['Flow Packets/s']).toBeCloseTo(1000, 6);
    expect(x['Fwd Packets/s']).toBeCloseTo(5 / 0.009, 6);
    expect(x['Bwd Packets/s']).toBeCloseTo(4 / 0.009, 6);
    // Gaps between packets: 1000, 500, 500, 2000, 1000, 2000, 1000, 1000.
    expect([x['Flow IAT Mean'], x['Flow IAT Max'], x['Flow IAT Min']]).toEqual([1125, 2000, 500]);
    expect(x['Flow IAT Std']).toBeCloseTo(Math.sqrt(2375000 / 7), 6);
    // Forward gaps 1500, 500, 5000, 2000; backward 3000, 1000, 3000.
    expect([x['Fwd IAT Total'], x['Fwd IAT Mean'], x['Fwd IAT Max'], x['Fwd IAT Min']]).toEqual([
      9000, 2250, 5000, 500,
    ]);
    expect(x['Fwd IAT Std']).toBeCloseTo(Math.sqrt(11250000 / 3), 6);
    expect([x['Bwd IAT Total'], x['Bwd IAT Max'], x['Bwd IAT Min']]).toEqual([7000, 3000, 1000]);
    expect(x['Bwd IAT Mean']).toBeCloseTo(7000 / 3, 9);
    expect(x['Bwd IAT Std']).toBeCloseTo(Math.sqrt(8000000 / 3 / 2), 6);
    // Flags and headers.
    expect([
      x['Fwd PSH Flags'],
      x['Bwd PSH Flags'],
      x['Fwd URG Flags'],
      x['Fwd RST Flags'],
      x['Bwd RST Flags'],
    ]).toEqual([1, 1, 0, 0, 0]);
    expect([x['Fwd Header Length'], x['Bwd Header Length']]).toEqual([40 + 4 * 32, 40 + 3 * 32]);
    expect([
      x['FIN Flag Count'],
      x['SYN Flag Count'],
      x['RST Flag Count'],
      x['PSH Flag Count'],
      x['ACK Flag Count'],
    ]).toEqual([2, 2, 0, 2, 8]);
    expect([x['URG Flag Count'], x['CWR Flag Count'], x['ECE Flag Count']]).toEqual([0, 0, 0]);
    // All nine payloads [0,0,0,100,0,300,0,0,0].
    expect([x['Packet Length Min'], x['Packet Length Max']]).toEqual([0, 300]);
    expect(x['Packet Length Mean']).toBeCloseTo(400 / 9, 9);
    const variance = (100000 - 9 * (400 / 9) ** 2) / 8;
    expect(x['Packet Length Variance']).toBeCloseTo(variance, 6);
    expect(x['Packet Length Std']).toBeCloseTo(Math.sqrt(variance), 6);
    expect(x['Down/Up Ratio']).toBeCloseTo(0.8, 12);
    expect(x['Average Packet Size']).toBeCloseTo(400 / 9, 9);
    expect([x['Fwd Segment Size Avg'], x['Bwd Segment Size Avg']]).toEqual([20, 75]);
    // No bulk (fewer than four data packets in a row), subflows as CICFlowMeter counts them.
    expect([x['Fwd Bytes/Bulk Avg'], x['Bwd Bytes/Bulk Avg'], x['Fwd Bulk Rate Avg']]).toEqual([0, 0, 0]);
    expect([
      x['Subflow Fwd Packets'],
      x['Subflow Fwd Bytes'],
      x['Subflow Bwd Packets'],
      x['Subflow Bwd Bytes'],
    ]).toEqual([0, 11, 0, 33]);
    // First forward window, last backward window; one forward data packet after the first; min header.
    expect([x['FWD Init Win Bytes'], x['Bwd Init Win Bytes'], x['Fwd Act Data Pkts'], x['Fwd Seg Size Min']]).toEqual([
      29200, 235, 1, 32,
    ]);
    expect([x['Active Mean'], x['Idle Mean'], x['Idle Max']]).toEqual([0, 0, 0]);
    expect([x['ICMP Code'], x['ICMP Type'], x['Total TCP Flow Time']]).toEqual([-1, -1, 9000]);
  });

  it('an RST ends the flow and the next SYN on the same 5-tuple opens another', () => {
    const r = captureFlows(
      capture([
        { ...C, micros: T0, flags: SYN },
        { ...S, micros: T0 + 300, flags: RST | ACK },
        { ...C, micros: T0 + 900, flags: SYN },
        { ...S, micros: T0 + 1000, flags: SYN | ACK },
      ]),
    );
    expect(r.flows.map((f) => [f.end, f.features['Total Fwd Packet'], f.features['Total Bwd packets']])).toEqual([
      ['rst', 1, 1],
      ['end-of-capture', 1, 1],
    ]);
    expect(r.flows[0]!.features['Bwd RST Flags']).toBe(1);
  });

  it('a packet more than 120 s after the flow start opens a new flow with the same orientation', () => {
    const U = { src: '10.0.0.1', dst: '10.0.0.9', srcPort: 5000, dstPort: 53, protocol: 'udp' } as const;
    const B = { src: '10.0.0.9', dst: '10.0.0.1', srcPort: 53, dstPort: 5000, protocol: 'udp' } as const;
    const r = captureFlows(
      capture([
        { ...U, micros: T0, payload: 10 },
        { ...B, micros: T0 + 1e6, payload: 20 },
        { ...B, micros: T0 + 121e6, payload: 30 },
        { ...U, micros: T0 + 122e6, payload: 40 },
      ]),
    );
    expect(r.flows).toHaveLength(2);
    const [a, b] = r.flows as [(typeof r.flows)[0], (typeof r.flows)[0]];
    expect([a.end, a.src, a.features['Flow Duration'], a.features['Total Length of Bwd Packet']]).toEqual([
      'timeout',
      '10.0.0.1',
      1e6,
      20,
    ]);
    expect([b.end, b.src, b.features['Total Fwd Packet'], b.features['Total Length of Fwd Packet']]).toEqual([
      'end-of-capture',
      '10.0.0.1',
      1,
      40,
    ]);
    expect([
      b.features['Total Length of Bwd Packet'],
      b.features['Fwd Seg Size Min'],
      b.features['Total TCP Flow Time'],
    ]).toEqual([30, 8, 0]);
  });

  it('idle gaps over 5 s close active periods', () => {
    const U = { src: '10.0.0.1', dst: '10.0.0.9', srcPort: 5000, dstPort: 514, protocol: 'udp' } as const;
    const times = [0, 1e6, 8e6, 8.5e6, 20e6];
    const r = captureFlows(capture(times.map((t) => ({ ...U, micros: T0 + t, payload: 5 }))));
    const x = r.flows[0]!.features;
    // Active 1 s then 0.5 s (the last period, 20 s, stays open as in CICFlowMeter); idle 7 s and 11.5 s.
    expect([x['Active Mean'], x['Active Max'], x['Active Min']]).toEqual([750000, 1e6, 5e5]);
    expect(x['Active Std']).toBeCloseTo(5e5 / Math.SQRT2, 6);
    expect([x['Idle Mean'], x['Idle Max'], x['Idle Min']]).toEqual([9.25e6, 11.5e6, 7e6]);
  });

  it('four or more data packets within 1 s in one direction form a bulk', () => {
    const times = [0, 1000, 2000, 3000, 4000];
    const r = captureFlows(capture(times.map((t) => ({ ...C, micros: T0 + t, flags: PSH | ACK, payload: 100 }))));
    const x = r.flows[0]!.features;
    // Bulk of packets 1–4 (400 bytes over 3 ms), then packet 5 continues it: 500 bytes, 5 packets, 4 ms.
    expect([x['Fwd Bytes/Bulk Avg'], x['Fwd Packet/Bulk Avg'], x['Fwd Bulk Rate Avg']]).toEqual([500, 5, 125000]);
    expect(x['Bwd Bytes/Bulk Avg']).toBe(0);
  });

  it('ICMP flows carry the first packet’s type and code, and single-packet flows are dropped', () => {
    const I = { src: '10.0.0.1', dst: '10.0.0.2', protocol: 'icmp' } as const;
    const r = captureFlows(
      capture([
        { ...I, micros: T0, icmpType: 8, payload: 56 },
        { src: '10.0.0.2', dst: '10.0.0.1', protocol: 'icmp', micros: T0 + 400, icmpType: 0, payload: 56 },
        { ...C, micros: T0 + 500, flags: SYN },
      ]),
    );
    expect(r.flows).toHaveLength(1);
    expect(r.dropped).toBe(1);
    const x = r.flows[0]!.features;
    expect([x['ICMP Type'], x['ICMP Code'], x['Fwd Header Length'], x['Total Length of Fwd Packet']]).toEqual([
      8, 0, 8, 56,
    ]);
  });
});
