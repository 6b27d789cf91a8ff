/**
 * @module
 * Longest-prefix index of IPv4/IPv6 addresses and CIDRs. Equivalent to a prefix trie but laid
 * out as one hash map per prefix length present: a lookup masks the address once per length
 * (at most 33 for IPv4, usually a handful) and does a map probe, so a million networks cost
 * one map entry each instead of a trie node per bit.
 */
import { maskV4, maskV6, parseIPv4, parseIPv6, parseNetwork } from '@intersoc/cti';

/** Ordinals of the indicators stored under one key. */
export type Slot = number | number[];

/** Adds an ordinal to a slot map entry, keeping single ordinals unboxed. */
export function addToSlot<K>(map: Map<K, Slot>, key: K, ordinal: number): void {
  const cur = map.get(key);
  if (cur === undefined) map.set(key, ordinal);
  else if (typeof cur === 'number') map.set(key, [cur, ordinal]);
  else cur.push(ordinal);
}

/** Appends a slot's ordinals to `out`. */
export function pushSlot(slot: Slot | undefined, out: number[]): void {
  if (slot === undefined) return;
  if (typeof slot === 'number') out.push(slot);
  else out.push(...slot);
}

/** The CIDR/address index. */
export class IpIndex {
  private readonly v4 = new Map<number, Map<number, Slot>>();
  private readonly v6 = new Map<number, Map<bigint, Slot>>();
  private v4Lengths: number[] = [];
  private v6Lengths: number[] = [];
  private count = 0;

  /** Number of networks added. */
  get size(): number {
    return this.count;
  }

  /** Adds an address or CIDR; returns false when it does not parse. */
  add(text: string, ordinal: number): boolean {
    const n = parseNetwork(text);
    if (!n) return false;
    this.count++;
    if (n.family === 4) {
      let m = this.v4.get(n.prefix);
      if (!m) {
        m = new Map();
        this.v4.set(n.prefix, m);
        this.v4Lengths = [...this.v4.keys()].sort((a, b) => b - a);
      }
      addToSlot(m, n.base, ordinal);
    } else {
      let m = this.v6.get(n.prefix);
      if (!m) {
        m = new Map();
        this.v6.set(n.prefix, m);
        this.v6Lengths = [...this.v6.keys()].sort((a, b) => b - a);
      }
      addToSlot(m, n.base, ordinal);
    }
    return true;
  }

  /** Appends the ordinals of every network containing `ip`, most specific first. */
  lookup(ip: string, out: number[]): void {
    const v4 = parseIPv4(ip);
    if (v4 !== undefined) {
      for (const len of this.v4Lengths) pushSlot(this.v4.get(len)?.get(maskV4(v4, len)), out);
      return;
    }
    if (this.v6Lengths.length === 0 || !ip.includes(':')) return;
    const v6 = parseIPv6(ip);
    if (v6 === undefined) return;
    for (const len of this.v6Lengths) pushSlot(this.v6.get(len)?.get(maskV6(v6, len)), out);
  }
}
