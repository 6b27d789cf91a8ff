/**
 * @module
 * IPv4 and IPv6 addresses and CIDR ranges for the `cidr` modifier, without dependencies:
 * addresses become 128-bit bigints (IPv4 as IPv4-mapped IPv6), ranges a masked prefix.
 */
import { fail, ok, type Result } from '@intersoc/core';

/** A parsed CIDR range. */
export interface CidrRange {
  readonly v4: boolean;
  readonly network: bigint;
  readonly mask: bigint;
}

const ALL = (1n << 128n) - 1n;
const V4_PREFIX = 0xffffn << 32n;

/** Parses an IPv4 or IPv6 address (IPv6 may embed a dotted IPv4 tail or a `%zone`). */
export function parseIp(text: string): { v4: boolean; value: bigint } | undefined {
  const s = text.trim();
  if (s.includes(':')) {
    const v = parseV6(s.replace(/%.*$/, '').replace(/^\[|\]$/g, ''));
    return v === undefined ? undefined : { v4: false, value: v };
  }
  const v4 = parseV4(s);
  return v4 === undefined ? undefined : { v4: true, value: V4_PREFIX | v4 };
}

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseV6(s: string): bigint | undefined {
  let tail: bigint[] = [];
  let text = s;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [v4 >> 16n, v4 & 0xffffn];
    text = `${text.slice(0, lastColon + 1)}0:0`;
    tail.length = 2;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (h: string | undefined): bigint[] | undefined => {
    if (!h) return [];
    const out: bigint[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(BigInt(`0x${g}`));
    }
    return out;
  };
  const left = parse(halves[0]);
  const right = parse(halves[1]);
  if (!left || !right) return undefined;
  let groups: bigint[];
  if (halves.length === 2) {
    const fill = 8 - left.length - right.length;
    if (fill < 1) return undefined;
    groups = [...left, ...new Array<bigint>(fill).fill(0n), ...right];
  } else {
    groups = left;
  }
  if (groups.length !== 8) return undefined;
  if (tail.length === 2) {
    groups[6] = tail[0] as bigint;
    groups[7] = tail[1] as bigint;
  }
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** Parses `a.b.c.d/n`, `x::y/n` or a bare address (a /32 or /128). */
export function parseCidr(text: string): Result<CidrRange> {
  const [addr = '', bits] = text.trim().split('/');
  const ip = parseIp(addr);
  if (!ip) return fail(`"${text}" is not an IPv4 or IPv6 address or range`);
  const max = ip.v4 ? 32 : 128;
  const n = bits === undefined ? max : Number(bits);
  if (!Number.isInteger(n) || n < 0 || n > max || (bits !== undefined && !/^\d+$/.test(bits))) {
    return fail(`"${text}" has an invalid prefix length`);
  }
  const prefix = ip.v4 ? 96 + n : n;
  const mask = prefix === 0 ? 0n : (ALL << BigInt(128 - prefix)) & ALL;
  return ok({ v4: ip.v4, network: ip.value & mask, mask });
}

/** True when the address text lies in the range. */
export function cidrContains(range: CidrRange, address: string): boolean {
  const ip = parseIp(address);
  if (!ip) return false;
  return (ip.value & range.mask) === range.network;
}
