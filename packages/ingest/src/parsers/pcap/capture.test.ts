import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCapture } from './capture.js';
import { captureFlows } from './index.js';
import { decodeFrame, LINK_TYPES, Reassembler, TCP, type Packet } from './packet.js';
import { capture, frame, ipPacket, ipv4, LINK_OF, pcapFile, pcapngFile, type Link, type PacketSpec } from './writer.js';

const T0 = 1_600_000_000_123_456;
const SYN: PacketSpec = {
  micros: T0,
  src: '192.168.1.10',
  dst: '8.8.8.8',
  protocol: 'tcp',
  srcPort: 51000,
  dstPort: 443,
  flags: TCP.SYN,
  window: 64240,
  tcpHeader: 32,
};
const V6: PacketSpec = {
  micros: T0 + 7,
  src: '2001:db8::1',
  dst: '2001:db8:0:1::2',
  protocol: 'udp',
  srcPort: 5353,
  dstPort: 53,
  payload: 33,
};

function packets(bytes: Uint8Array): Packet[] {
  const frags = new Reassembler();
  const out: Packet[] = [];
  for (const item of readCapture(bytes)) {
    if (!item.ok) throw new Error(item.reason);
    const r = decodeFrame(item.frame, frags);
    if (r.ok === true) out.push(r.packet);
  }
  return out;
}

const EXPECTED_SYN = {
  micros: T0,
  src: '192.168.1.10',
  dst: '8.8.8.8',
  protocol: 6,
  srcPort: 51000,
  dstPort: 443,
  flags: TCP.SYN,
  window: 64240,
  headerLength: 32,
  payloadLength: 0,
  icmpType: -1,
  icmpCode: -1,
};
const EXPECTED_V6 = {
  micros: T0 + 7,
  src: '2001:db8::1',
  dst: '2001:db8:0:1::2',
  protocol: 17,
  srcPort: 5353,
  dstPort: 53,
  headerLength: 8,
  payloadLength: 33,
};

describe('pcap: containers and link layers', () => {
  it.each(['ethernet', 'vlan', 'qinq', 'sll', 'sll2', 'raw'] satisfies Link[])(
    'decodes IPv4/TCP and IPv6/UDP over %s',
    (link) => {
      const got = packets(capture([SYN, V6], link));
      expect(got[0]).toEqual(EXPECTED_SYN);
      expect(got[1]).toMatchObject(EXPECTED_V6);
    },
  );

  it('reads big-endian and nanosecond pcap, and pcapng with µs and ns resolution, to the same packets', () => {
    const frames = [SYN, V6].map((p) => ({ micros: p.micros, data: frame(ipPacket(p)) }));
    for (const bytes of [
      pcapFile(frames, { bigEndian: true }),
      pcapFile(frames, { nanos: true }),
      pcapFile(frames, { bigEndian: true, nanos: true }),
      pcapngFile(frames, LINK_TYPES.ETHERNET, 6),
      pcapngFile(frames, LINK_TYPES.ETHERNET, 9),
      pcapngFile(
        frames.map((f) => ({ ...f, data: frame(ipPacket(f.micros === T0 ? SYN : V6), 'sll') })),
        LINK_OF.sll,
        9,
      ),
    ]) {
      const got = packets(bytes);
      expect(got[0]).toEqual(EXPECTED_SYN);
      expect(got[1]).toMatchObject(EXPECTED_V6);
    }
  });

  it('reassembles IPv4 fragments that arrive out of order', () => {
    const udp = ipPacket({ ...V6, src: '10.1.1.1', dst: '10.1.1.2', payload: 2992 }).subarray(20); // UDP header + 2992
    const parts = [
      { off: 1480, more: true },
      { off: 0, more: true },
      { off: 2960, more: false },
    ].map(({ off, more }, i) => ({
      micros: T0 + i,
      data: frame(ipv4('10.1.1.1', '10.1.1.2', 17, udp.subarray(off, Math.min(udp.length, off + 1480)), 77, off, more)),
    }));
    const got = packets(pcapFile(parts));
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ src: '10.1.1.1', srcPort: 5353, dstPort: 53, payloadLength: 2992, micros: T0 + 2 });
  });

  it('skips non-IP frames and reports a truncated capture after the flows before the cut', () => {
    const arp = new Uint8Array(42);
    new DataView(arp.buffer).setUint16(12, 0x0806);
    const pk = (i: number): PacketSpec => ({
      ...SYN,
      micros: T0 + i * 10,
      flags: i % 2 ? TCP.SYN | TCP.ACK : TCP.ACK,
      src: i % 2 ? '8.8.8.8' : '192.168.1.10',
      dst: i % 2 ? '192.168.1.10' : '8.8.8.8',
      srcPort: i % 2 ? 443 : 51000,
      dstPort: i % 2 ? 51000 : 443,
    });
    const whole = pcapFile([
      { micros: T0, data: arp },
      ...[0, 1, 2, 3].map((i) => ({ micros: T0 + i * 10, data: frame(ipPacket(pk(i))) })),
    ]);
    const cut = whole.subarray(0, whole.length - 5);
    const r = captureFlows(cut);
    expect([r.frames, r.skipped, r.packets, r.flows.length]).toEqual([4, 1, 3, 1]);
    expect(r.problems.join()).toMatch(/truncated record/);
    // A frame cut by the snap length inside the TCP header is a problem, not a crash.
    const short = pcapFile([{ micros: T0, data: frame(ipPacket(SYN)).subarray(0, 40) }]);
    expect(captureFlows(short)).toMatchObject({ frames: 1, bad: 1, flows: [] });
    expect(captureFlows(new Uint8Array([1, 2, 3])).problems[0]).toMatch(/unknown magic/);
  });

  it('never throws on random bytes or on corrupted captures (fuzz)', () => {
    const good = capture([SYN, V6, { ...SYN, micros: T0 + 99, flags: TCP.RST }]);
    const goodNg = pcapngFile([{ micros: T0, data: frame(ipPacket(SYN)) }]);
    const run = (bytes: Uint8Array): void => {
      const r = captureFlows(bytes);
      expect(r.frames).toBeGreaterThanOrEqual(0);
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (b) => run(b)),
      { numRuns: 2000 },
    );
    for (const base of [good, goodNg]) {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(base.length - 1), fc.nat(255)), { maxLength: 12 }),
          fc.nat(base.length),
          (edits, cut) => {
            const b = base.slice(0, Math.max(4, cut));
            for (const [at, v] of edits) if (at < b.length) b[at] = v;
            run(b);
          },
        ),
        { numRuns: 3000 },
      );
    }
  });
});
