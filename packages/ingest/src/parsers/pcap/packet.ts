/**
 * @module
 * Frame decoding down to the transport header: Ethernet (with stacked 802.1Q/802.1ad tags),
 * Linux cooked capture v1 and v2, raw IP and BSD loopback; IPv4 and IPv6 (extension headers
 * skipped); TCP, UDP, ICMP and ICMPv6. IPv4 and IPv6 fragments are reassembled before the
 * transport header is read. Non-IP frames are skipped; short or malformed ones are problems.
 * Nothing here throws on hostile bytes.
 */
import type { Frame } from './capture.js';

/** What the flow assembler needs from one IP packet. */
export interface Packet {
  /** Epoch microseconds. */
  readonly micros: number;
  readonly src: string;
  readonly dst: string;
  /** IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ...). */
  readonly protocol: number;
  readonly srcPort: number;
  readonly dstPort: number;
  /** TCP flags byte plus CWR/ECE (bits 7/6), 0 for other protocols. */
  readonly flags: number;
  /** TCP window field, 0 for other protocols. */
  readonly window: number;
  /** Transport header bytes (TCP data offset, 8 for UDP and ICMP, 0 otherwise). */
  readonly headerLength: number;
  /** Transport payload bytes, from the IP lengths (not the captured length). */
  readonly payloadLength: number;
  /** ICMP type and code, -1 for other protocols. */
  readonly icmpType: number;
  readonly icmpCode: number;
}

/** A decoded packet, a frame with no IP packet to count (`skip`), or a problem. */
export type DecodeResult =
  | { readonly ok: true; readonly packet: Packet }
  | { readonly ok: 'skip'; readonly reason: string }
  | { readonly ok: false; readonly reason: string };

/** TCP flag bits as in the header's flags byte. */
export const TCP = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16, URG: 32, ECE: 64, CWR: 128 } as const;

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;
const VLAN_TAGS = new Set([0x8100, 0x88a8, 0x9100]);

/** Link-layer types (LINKTYPE_*) this decoder understands. */
export const LINK_TYPES = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LOOP: 108,
  SLL: 113,
  IPV4: 228,
  IPV6: 229,
  SLL2: 276,
} as const;

const FRAGMENT_TTL_MICROS = 30e6;
const MAX_PENDING_DATAGRAMS = 4096;

interface Pending {
  readonly first: number;
  readonly parts: { readonly offset: number; readonly bytes: Uint8Array }[];
  /** Payload length, known once the last fragment (more-fragments clear) arrived; -1 before. */
  total: number;
}

/** IP fragments waiting for the rest of their datagram, per capture. */
export class Reassembler {
  private readonly pending = new Map<string, Pending>();

  /** Adds a fragment; returns the whole payload once every byte up to the last fragment arrived. */
  add(key: string, micros: number, offset: number, more: boolean, bytes: Uint8Array): Uint8Array | undefined {
    if (this.pending.size >= MAX_PENDING_DATAGRAMS) this.expire(micros, true);
    let p = this.pending.get(key);
    if (p === undefined) {
      p = { first: micros, parts: [], total: -1 };
      this.pending.set(key, p);
    }
    p.parts.push({ offset, bytes });
    if (!more) p.total = offset + bytes.length;
    if (p.total < 0) return undefined;
    p.parts.sort((a, b) => a.offset - b.offset);
    let covered = 0;
    for (const part of p.parts) {
      if (part.offset > covered) return undefined;
      covered = Math.max(covered, part.offset + part.bytes.length);
    }
    if (covered < p.total) return undefined;
    const out = new Uint8Array(p.total);
    for (const part of p.parts) out.set(part.bytes.subarray(0, Math.max(0, p.total - part.offset)), part.offset);
    this.pending.delete(key);
    return out;
  }

  /** Drops datagrams older than the fragment lifetime (all of the oldest half when `force`). */
  expire(micros: number, force = false): void {
    let n = 0;
    for (const [k, p] of this.pending) {
      if (micros - p.first > FRAGMENT_TTL_MICROS || (force && n++ < MAX_PENDING_DATAGRAMS / 2)) this.pending.delete(k);
    }
  }
}

/**
 * Decodes one frame down to the transport header.
 * @example
 * const r = decodeFrame(frame, new Reassembler()); if (r.ok === true) flows.add(r.packet);
 */
export function decodeFrame(frame: Frame, frags: Reassembler): DecodeResult {
  const d = frame.data;
  let at: number;
  let etherType: number;
  switch (frame.linkType) {
    case LINK_TYPES.ETHERNET:
      if (d.length < 14) return { ok: false, reason: 'truncated Ethernet header' };
      etherType = u16(d, 12);
      at = 14;
      while (VLAN_TAGS.has(etherType)) {
        if (d.length < at + 4) return { ok: false, reason: 'truncated VLAN tag' };
        etherType = u16(d, at + 2);
        at += 4;
      }
      break;
    case LINK_TYPES.SLL:
      if (d.length < 16) return { ok: false, reason: 'truncated Linux cooked header' };
      etherType = u16(d, 14);
      at = 16;
      break;
    case LINK_TYPES.SLL2:
      if (d.length < 20) return { ok: false, reason: 'truncated Linux cooked v2 header' };
      etherType = u16(d, 0);
      at = 20;
      break;
    case LINK_TYPES.NULL:
    case LINK_TYPES.LOOP: {
      if (d.length < 4) return { ok: false, reason: 'truncated loopback header' };
      // The address family is in host byte order for NULL and network order for LOOP.
      const le = d[0] !== 0;
      const af = le ? (d[0] ?? 0) : (d[3] ?? 0);
      etherType = af === 2 ? ETH_IPV4 : af === 24 || af === 28 || af === 30 ? ETH_IPV6 : -1;
      at = 4;
      break;
    }
    case LINK_TYPES.RAW:
    case 12:
    case 14:
    case LINK_TYPES.IPV4:
    case LINK_TYPES.IPV6:
      at = 0;
      etherType = d.length > 0 && (d[0] ?? 0) >> 4 === 6 ? ETH_IPV6 : ETH_IPV4;
      break;
    default:
      return { ok: 'skip', reason: `link type ${frame.linkType} is not supported` };
  }
  if (etherType === ETH_IPV4) return ipv4(frame.micros, d, at, frags);
  if (etherType === ETH_IPV6) return ipv6(frame.micros, d, at, frags);
  return { ok: 'skip', reason: `not IP (ethertype 0x${etherType.toString(16)})` };
}

function ipv4(micros: number, d: Uint8Array, at: number, frags: Reassembler): DecodeResult {
  if (d.length < at + 20) return { ok: false, reason: 'truncated IPv4 header' };
  const b0 = d[at] ?? 0;
  if (b0 >> 4 !== 4) return { ok: false, reason: `IP version ${b0 >> 4} in an IPv4 frame` };
  const ihl = (b0 & 15) * 4;
  // A total length of 0 is TCP segmentation offload seen on the sender: the frame holds the datagram.
  const field = u16(d, at + 2);
  const total = field === 0 ? d.length - at : field;
  if (ihl < 20 || total < ihl) return { ok: false, reason: `bad IPv4 lengths (header ${ihl}, total ${total})` };
  if (d.length < at + ihl) return { ok: false, reason: 'truncated IPv4 options' };
  const fragField = u16(d, at + 6);
  const more = (fragField & 0x2000) !== 0;
  const offset = (fragField & 0x1fff) * 8;
  const protocol = d[at + 9] ?? 0;
  const src = ipv4Text(d, at + 12);
  const dst = ipv4Text(d, at + 16);
  let payload = d.subarray(at + ihl, Math.min(d.length, at + total));
  let payloadLength = total - ihl;
  if (more || offset > 0) {
    // A fragment must be whole to be reassembled (a snap length cut makes it useless).
    if (at + total > d.length) return { ok: false, reason: 'truncated IPv4 fragment' };
    const key = `4|${src}|${dst}|${protocol}|${u16(d, at + 4)}`;
    const whole = frags.add(key, micros, offset, more, payload);
    if (whole === undefined) return { ok: 'skip', reason: 'IPv4 fragment held for reassembly' };
    payload = whole;
    payloadLength = whole.length;
  }
  return transport(micros, src, dst, protocol, payload, payloadLength);
}

function ipv6(micros: number, d: Uint8Array, at: number, frags: Reassembler): DecodeResult {
  if (d.length < at + 40) return { ok: false, reason: 'truncated IPv6 header' };
  if ((d[at] ?? 0) >> 4 !== 6) return { ok: false, reason: 'IP version mismatch in an IPv6 frame' };
  const payloadLen = u16(d, at + 4);
  let next = d[at + 6] ?? 0;
  const src = ipv6Text(d, at + 8);
  const dst = ipv6Text(d, at + 24);
  const end = at + 40 + payloadLen;
  let p = at + 40;
  for (let hops = 0; hops < 16; hops++) {
    if (next === 0 || next === 43 || next === 60 || next === 51) {
      if (d.length < p + 8) return { ok: false, reason: 'truncated IPv6 extension header' };
      const len = next === 51 ? ((d[p + 1] ?? 0) + 2) * 4 : ((d[p + 1] ?? 0) + 1) * 8;
      next = d[p] ?? 0;
      p += len;
    } else if (next === 44) {
      if (d.length < p + 8) return { ok: false, reason: 'truncated IPv6 fragment header' };
      const field = u16(d, p + 2);
      const proto = d[p] ?? 0;
      const id = u16(d, p + 4) * 65536 + u16(d, p + 6);
      if (end > d.length) return { ok: false, reason: 'truncated IPv6 fragment' };
      const part = d.subarray(p + 8, end);
      const whole = frags.add(`6|${src}|${dst}|${id}`, micros, field & 0xfff8, (field & 1) !== 0, part);
      if (whole === undefined) return { ok: 'skip', reason: 'IPv6 fragment held for reassembly' };
      return transport(micros, src, dst, proto, whole, whole.length);
    } else break;
  }
  if (p > end) return { ok: false, reason: 'IPv6 extension headers overrun the payload' };
  return transport(micros, src, dst, next, d.subarray(p, Math.min(d.length, end)), end - p);
}

function transport(
  micros: number,
  src: string,
  dst: string,
  protocol: number,
  t: Uint8Array,
  length: number,
): DecodeResult {
  let srcPort = 0;
  let dstPort = 0;
  let flags = 0;
  let window = 0;
  let headerLength = 0;
  let icmpType = -1;
  let icmpCode = -1;
  if (protocol === 6) {
    if (t.length < 20) return { ok: false, reason: 'truncated TCP header' };
    headerLength = ((t[12] ?? 0) >> 4) * 4;
    if (headerLength < 20) return { ok: false, reason: `bad TCP data offset ${headerLength}` };
    srcPort = u16(t, 0);
    dstPort = u16(t, 2);
    flags = t[13] ?? 0;
    window = u16(t, 14);
  } else if (protocol === 17) {
    if (t.length < 8) return { ok: false, reason: 'truncated UDP header' };
    srcPort = u16(t, 0);
    dstPort = u16(t, 2);
    headerLength = 8;
  } else if (protocol === 1 || protocol === 58) {
    if (t.length < 4) return { ok: false, reason: 'truncated ICMP header' };
    headerLength = 8;
    icmpType = t[0] ?? 0;
    icmpCode = t[1] ?? 0;
  }
  // One object literal with a fixed shape (a spread here made every packet an order slower).
  const packet: Packet = {
    micros,
    src,
    dst,
    protocol,
    srcPort,
    dstPort,
    flags,
    window,
    headerLength,
    payloadLength: Math.max(0, length - headerLength),
    icmpType,
    icmpCode,
  };
  return { ok: true, packet };
}

function u16(d: Uint8Array, at: number): number {
  return ((d[at] ?? 0) << 8) | (d[at + 1] ?? 0);
}

function ipv4Text(d: Uint8Array, at: number): string {
  return `${d[at] ?? 0}.${d[at + 1] ?? 0}.${d[at + 2] ?? 0}.${d[at + 3] ?? 0}`;
}

/** RFC 5952 text: lower case, leading zeros dropped, the longest run of ≥ 2 zero groups as `::`. */
export function ipv6Text(d: Uint8Array, at: number): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push(u16(d, at + i * 2));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}
