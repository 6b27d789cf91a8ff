/**
 * @module
 * Normalisation of observable values, applied identically to indicators and to event fields so
 * index lookups are exact-match: lower-case domains without a trailing dot, canonical IPs,
 * lower-case hex hashes, URLs with a lower-case scheme and host.
 */
import type { HashAlgorithm, IocKind } from './types.js';
import { formatIPv4, formatIPv6, parseNetwork } from './ip.js';

const HEX = /^[0-9a-fA-F]+$/;

/** The algorithm of a hex hash by its length, or undefined. */
export function hashAlgorithm(hex: string): HashAlgorithm | undefined {
  if (!HEX.test(hex)) return undefined;
  switch (hex.length) {
    case 32:
      return 'MD5';
    case 40:
      return 'SHA-1';
    case 64:
      return 'SHA-256';
    case 128:
      return 'SHA-512';
    default:
      return undefined;
  }
}

/** Canonical text of an address or CIDR (`10.0.0.0/8`, `2001:db8::/32`, bare address without /32). */
export function normaliseIp(s: string): string | undefined {
  const n = parseNetwork(s.trim());
  if (!n) return undefined;
  const full = n.family === 4 ? n.prefix === 32 : n.prefix === 128;
  const addr = n.family === 4 ? formatIPv4(n.base) : formatIPv6(n.base);
  return full ? addr : `${addr}/${n.prefix}`;
}

/** Lower-case domain without trailing dot; undefined when it is not a plausible host name. */
export function normaliseDomain(s: string): string | undefined {
  const d = s.trim().replace(/\.$/, '').toLowerCase();
  if (d.length === 0 || d.length > 253 || !d.includes('.') || /[\s/:@]/.test(d)) return undefined;
  return d;
}

/** URL with lower-case scheme and host and no fragment; undefined when unparseable. */
export function normaliseUrl(s: string): string | undefined {
  const t = s.trim();
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^#]*)/.exec(t);
  if (!m) return undefined;
  return `${(m[1] as string).toLowerCase()}://${(m[2] as string).toLowerCase()}${m[3] as string}`;
}

/** Lower-case email address. */
export function normaliseEmail(s: string): string | undefined {
  const e = s.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e) ? e : undefined;
}

/** Normalises a value of a kind; undefined when the value is not of that kind. */
export function normaliseValue(kind: IocKind, value: string): string | undefined {
  switch (kind) {
    case 'ip':
      return normaliseIp(value);
    case 'domain':
      return normaliseDomain(value);
    case 'url':
      return normaliseUrl(value);
    case 'email':
      return normaliseEmail(value);
    case 'hash':
      return hashAlgorithm(value.trim()) ? value.trim().toLowerCase() : undefined;
    default:
      return undefined;
  }
}
