/**
 * @module
 * IPv4/IPv6 address and CIDR parsing into compact numeric forms: IPv4 as an unsigned 32-bit
 * number, IPv6 as a BigInt. Shared by the pattern matcher (ISSUBSET/ISSUPERSET) and the
 * indicator indexes. Malformed input gives undefined, never an exception.
 */

/** A parsed network: family, base address (masked) and prefix length. */
export type Network =
  | { readonly family: 4; readonly base: number; readonly prefix: number }
  | { readonly family: 6; readonly base: bigint; readonly prefix: number };

/** Parses dotted-quad IPv4 into an unsigned 32-bit number. */
export function parseIPv4(s: string): number | undefined {
  let n = 0;
  let parts = 0;
  let cur = -1;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (cur < 0 || cur > 255 || parts === 4) return undefined;
      n = n * 256 + cur;
      parts++;
      cur = -1;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && cur === 0) return undefined; // no leading zeros (octal ambiguity)
      cur = (cur < 0 ? 0 : cur) * 10 + (c - 48);
      digits++;
      if (digits > 3) return undefined;
    } else return undefined;
  }
  return parts === 4 ? n : undefined;
}

/** Formats an unsigned 32-bit number as dotted quad. */
export function formatIPv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Parses an IPv6 address (with `::`, and an embedded IPv4 tail) into a 128-bit BigInt. */
export function parseIPv6(input: string): bigint | undefined {
  let s = input;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (s.length < 2 || !s.includes(':')) return undefined;
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.indexOf('.', lastColon) > 0) {
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [(v4 >>> 16) & 0xffff, v4 & 0xffff];
    s = s.slice(0, lastColon);
    // '::1.2.3.4' and 'a::1.2.3.4' leave a single trailing ':' that belongs to '::'.
    if (s.endsWith(':')) s += ':';
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parse(halves[0] as string);
  const rest = halves.length === 2 ? parse(halves[1] as string) : [];
  if (!head || !rest) return undefined;
  const total = head.length + rest.length + tail.length;
  let groups: number[];
  if (halves.length === 2) {
    if (total > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - total).fill(0), ...rest, ...tail];
  } else {
    if (total !== 8) return undefined;
    groups = [...head, ...tail];
  }
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

/** Canonical (RFC 5952) text of a 128-bit address. */
export function formatIPv6(v: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

const MASK128 = (1n << 128n) - 1n;

/** Parses an address or CIDR (`10.0.0.0/8`, `2001:db8::/32`); a bare address is a /32 or /128. */
export function parseNetwork(s: string): Network | undefined {
  const slash = s.indexOf('/');
  const addr = slash >= 0 ? s.slice(0, slash) : s;
  const bits = slash >= 0 ? s.slice(slash + 1) : undefined;
  if (bits !== undefined && !/^\d{1,3}$/.test(bits)) return undefined;
  const v4 = parseIPv4(addr);
  if (v4 !== undefined) {
    const prefix = bits === undefined ? 32 : Number(bits);
    if (prefix > 32) return undefined;
    return { family: 4, base: maskV4(v4, prefix), prefix };
  }
  const v6 = parseIPv6(addr);
  if (v6 === undefined) return undefined;
  const prefix = bits === undefined ? 128 : Number(bits);
  if (prefix > 128) return undefined;
  return { family: 6, base: maskV6(v6, prefix), prefix };
}

/** Masks an IPv4 number to its first `prefix` bits. */
export function maskV4(v: number, prefix: number): number {
  if (prefix <= 0) return 0;
  if (prefix >= 32) return v >>> 0;
  return (v & (0xffffffff << (32 - prefix))) >>> 0;
}

/** Masks an IPv6 BigInt to its first `prefix` bits. */
export function maskV6(v: bigint, prefix: number): bigint {
  if (prefix <= 0) return 0n;
  if (prefix >= 128) return v;
  return v & (MASK128 ^ ((1n << BigInt(128 - prefix)) - 1n));
}

/** True when network `inner` lies within `outer` (same family, longer or equal prefix). */
export function networkContains(outer: Network, inner: Network): boolean {
  if (outer.family !== inner.family || inner.prefix < outer.prefix) return false;
  if (outer.family === 4) return maskV4(inner.base as number, outer.prefix) === outer.base;
  return maskV6(inner.base as bigint, outer.prefix) === outer.base;
}

/** True when two networks are the same (so `198.51.100.1` equals `198.51.100.1/32`). */
export function networkEquals(a: Network, b: Network): boolean {
  return a.family === b.family && a.prefix === b.prefix && a.base === b.base;
}
