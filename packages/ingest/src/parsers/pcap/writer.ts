/**
 * @module
 * A small capture writer: IPv4/IPv6 packets with TCP, UDP or ICMP headers, wrapped in Ethernet
 * (optionally VLAN-tagged), Linux cooked v1/v2 or raw IP, written as pcap (either byte order,
 * micro- or nanosecond) or pcapng. It builds exact captures for tests, fixtures and benchmarks,
 * whose flow features can be worked out by hand.
 */
import { LINK_TYPES, TCP } from './packet.js';

/** One packet to write. Addresses with ':' are IPv6. */
export interface PacketSpec {
  /** Epoch microseconds. */
  readonly micros: number;
  readonly src: string;
  readonly dst: string;
  readonly protocol: 'tcp' | 'udp' | 'icmp';
  readonly srcPort?: number;
  readonly dstPort?: number;
  /** TCP flags, e.g. `TCP.SYN | TCP.ACK`. */
  readonly flags?: number;
  readonly window?: number;
  /** TCP header length (20–60, multiple of 4); 20 by default. */
  readonly tcpHeader?: number;
  readonly payload?: number;
  readonly icmpType?: number;
  readonly icmpCode?: number;
}

/** A link-layer frame with its time. */
export interface FrameSpec {
  readonly micros: number;
  readonly data: Uint8Array;
}

/** Link-layer framing for `frame`. */
export type Link = 'ethernet' | 'vlan' | 'qinq' | 'sll' | 'sll2' | 'raw';

/** The LINKTYPE_* of each framing. */
export const LINK_OF: Record<Link, number> = {
  ethernet: LINK_TYPES.ETHERNET,
  vlan: LINK_TYPES.ETHERNET,
  qinq: LINK_TYPES.ETHERNET,
  sll: LINK_TYPES.SLL,
  sll2: LINK_TYPES.SLL2,
  raw: LINK_TYPES.RAW,
};

/** The IP datagram (header, transport header, zero payload) of a packet. */
export function ipPacket(p: PacketSpec): Uint8Array {
  const payload = p.payload ?? 0;
  const proto = p.protocol === 'tcp' ? 6 : p.protocol === 'udp' ? 17 : p.src.includes(':') ? 58 : 1;
  const thl = p.protocol === 'tcp' ? (p.tcpHeader ?? 20) : 8;
  const t = new Uint8Array(thl + payload);
  const dv = new DataView(t.buffer);
  if (p.protocol === 'icmp') {
    t[0] = p.icmpType ?? 8;
    t[1] = p.icmpCode ?? 0;
  } else {
    dv.setUint16(0, p.srcPort ?? 0);
    dv.setUint16(2, p.dstPort ?? 0);
  }
  if (p.protocol === 'udp') dv.setUint16(4, 8 + payload);
  if (p.protocol === 'tcp') {
    t[12] = (thl / 4) << 4;
    t[13] = p.flags ?? TCP.ACK;
    dv.setUint16(14, p.window ?? 0);
  }
  return p.src.includes(':') ? ipv6(p.src, p.dst, proto, t) : ipv4(p.src, p.dst, proto, t, 1, 0, false);
}

/** An IPv4 datagram around `payload`, with fragment fields. */
export function ipv4(
  src: string,
  dst: string,
  proto: number,
  payload: Uint8Array,
  id: number,
  fragOffset: number,
  more: boolean,
): Uint8Array {
  const d = new Uint8Array(20 + payload.length);
  const dv = new DataView(d.buffer);
  d[0] = 0x45;
  dv.setUint16(2, d.length);
  dv.setUint16(4, id);
  dv.setUint16(6, (more ? 0x2000 : 0) | (fragOffset / 8));
  d[8] = 64;
  d[9] = proto;
  d.set(src.split('.').map(Number), 12);
  d.set(dst.split('.').map(Number), 16);
  d.set(payload, 20);
  return d;
}

function ipv6(src: string, dst: string, proto: number, payload: Uint8Array): Uint8Array {
  const d = new Uint8Array(40 + payload.length);
  const dv = new DataView(d.buffer);
  d[0] = 0x60;
  dv.setUint16(4, payload.length);
  d[6] = proto;
  d[7] = 64;
  d.set(ipv6Bytes(src), 8);
  d.set(ipv6Bytes(dst), 24);
  d.set(payload, 40);
  return d;
}

function ipv6Bytes(text: string): Uint8Array {
  const [head = '', tail] = text.split('::');
  const a = head === '' ? [] : head.split(':');
  const b = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...a, ...Array<string>(8 - a.length - b.length).fill('0'), ...b];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => new DataView(out.buffer).setUint16(i * 2, parseInt(g, 16)));
  return out;
}

/** Wraps an IP datagram in a link-layer header. */
export function frame(ip: Uint8Array, link: Link = 'ethernet'): Uint8Array {
  const type = (ip[0] ?? 0) >> 4 === 6 ? 0x86dd : 0x0800;
  const header =
    link === 'ethernet'
      ? 14
      : link === 'vlan'
        ? 18
        : link === 'qinq'
          ? 22
          : link === 'sll'
            ? 16
            : link === 'sll2'
              ? 20
              : 0;
  const d = new Uint8Array(header + ip.length);
  const dv = new DataView(d.buffer);
  if (link === 'ethernet') dv.setUint16(12, type);
  else if (link === 'vlan') {
    dv.setUint16(12, 0x8100);
    dv.setUint16(14, 42);
    dv.setUint16(16, type);
  } else if (link === 'qinq') {
    dv.setUint16(12, 0x88a8);
    dv.setUint16(14, 7);
    dv.setUint16(16, 0x8100);
    dv.setUint16(18, 42);
    dv.setUint16(20, type);
  } else if (link === 'sll') dv.setUint16(14, type);
  else if (link === 'sll2') dv.setUint16(0, type);
  d.set(ip, header);
  return d;
}

/** Options of a classic pcap file. */
export interface PcapOptions {
  readonly linkType?: number;
  readonly bigEndian?: boolean;
  readonly nanos?: boolean;
}

/** A classic pcap file. */
export function pcapFile(frames: readonly FrameSpec[], o: PcapOptions = {}): Uint8Array {
  const le = !o.bigEndian;
  const size = 24 + frames.reduce((a, f) => a + 16 + f.data.length, 0);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, o.nanos ? 0xa1b23c4d : 0xa1b2c3d4, le);
  dv.setUint16(4, 2, le);
  dv.setUint16(6, 4, le);
  dv.setUint32(16, 65535, le);
  dv.setUint32(20, o.linkType ?? LINK_TYPES.ETHERNET, le);
  let at = 24;
  for (const f of frames) {
    dv.setUint32(at, Math.floor(f.micros / 1e6), le);
    const us = f.micros % 1e6;
    dv.setUint32(at + 4, o.nanos ? us * 1000 : us, le);
    dv.setUint32(at + 8, f.data.length, le);
    dv.setUint32(at + 12, f.data.length, le);
    out.set(f.data, at + 16);
    at += 16 + f.data.length;
  }
  return out;
}

/** A pcapng file with one section and one interface (`tsresol` 6 = µs, 9 = ns). */
export function pcapngFile(
  frames: readonly FrameSpec[],
  linkType: number = LINK_TYPES.ETHERNET,
  tsresol = 6,
): Uint8Array {
  const blocks: Uint8Array[] = [];
  const block = (type: number, body: Uint8Array): void => {
    const len = 12 + ((body.length + 3) & ~3);
    const b = new Uint8Array(len);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, type, true);
    dv.setUint32(4, len, true);
    b.set(body, 8);
    dv.setUint32(len - 4, len, true);
    blocks.push(b);
  };
  const shb = new Uint8Array(16);
  new DataView(shb.buffer).setUint32(0, 0x1a2b3c4d, true);
  new DataView(shb.buffer).setUint16(4, 1, true);
  new DataView(shb.buffer).setBigInt64(8, -1n, true);
  block(0x0a0d0d0a, shb);
  const idb = new Uint8Array(20);
  const idv = new DataView(idb.buffer);
  idv.setUint16(0, linkType, true);
  idv.setUint32(4, 65535, true);
  idv.setUint16(8, 9, true); // if_tsresol
  idv.setUint16(10, 1, true);
  idb[12] = tsresol;
  block(1, idb); // options end with opt_endofopt (zeros)
  for (const f of frames) {
    const body = new Uint8Array(20 + f.data.length);
    const dv = new DataView(body.buffer);
    const ticks = BigInt(f.micros) * 10n ** BigInt(tsresol - 6);
    dv.setUint32(4, Number(ticks >> 32n), true);
    dv.setUint32(8, Number(ticks & 0xffffffffn), true);
    dv.setUint32(12, f.data.length, true);
    dv.setUint32(16, f.data.length, true);
    body.set(f.data, 20);
    block(6, body);
  }
  const out = new Uint8Array(blocks.reduce((a, b) => a + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** Packets → Ethernet (or another framing) pcap in one step. */
export function capture(
  packets: readonly PacketSpec[],
  link: Link = 'ethernet',
  o: Omit<PcapOptions, 'linkType'> = {},
): Uint8Array {
  return pcapFile(
    packets.map((p) => ({ micros: p.micros, data: frame(ipPacket(p), link) })),
    { ...o, linkType: LINK_OF[link] },
  );
}
