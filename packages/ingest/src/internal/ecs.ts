/**
 * @module
 * Helpers that fill the ECS projection: only meaningful values are kept (no empty strings, no
 * `-` placeholders, no non-finite numbers), ports and pids become numbers, paths give names.
 */
import type { EcsField } from '@intersoc/core';

/** A writable ECS projection while a parser builds it. */
export type EcsBuilder = { -readonly [K in EcsField]?: string | number };

/** Sets an ECS field when `v` is a meaningful string or finite number and the field is not set yet. */
export function putEcs(ecs: EcsBuilder, field: EcsField, v: unknown): void {
  if (ecs[field] !== undefined) return;
  if (typeof v === 'string') {
    if (v.length === 0 || v === '-' || v === '?' || v === '(null)') return;
    ecs[field] = v;
  } else if (typeof v === 'number') {
    if (Number.isFinite(v)) ecs[field] = v;
  }
}

/** Like `putEcs` but overwrites. */
export function setEcs(ecs: EcsBuilder, field: EcsField, v: unknown): void {
  if (typeof v === 'string' ? v.length > 0 && v !== '-' : typeof v === 'number' && Number.isFinite(v)) {
    ecs[field] = v as string | number;
  }
}

/** Parses a decimal or `0x` hex integer; undefined when it is not one. */
export function toInt(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? v : undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > 20) return undefined;
  let n: number;
  if (v.length > 2 && v.charCodeAt(0) === 48 && (v.charCodeAt(1) | 32) === 120) {
    n = parseInt(v.slice(2), 16);
    if (!isHex(v, 2)) return undefined;
  } else {
    if (!isDigits(v)) return undefined;
    n = Number(v);
  }
  return Number.isSafeInteger(n) ? n : undefined;
}

function isDigits(s: string): boolean {
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  if (i >= s.length) return false;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function isHex(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i) | 32;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return s.length > from;
}

/** A TCP/UDP port number 0-65535 from a number or numeric string. */
export function toPort(v: unknown): number | undefined {
  const n = toInt(v);
  return n !== undefined && n >= 0 && n <= 65535 ? n : undefined;
}

/** Strips the IPv4-mapped IPv6 prefix Windows uses (`::ffff:10.0.0.1`). */
export function cleanIp(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.length === 0 || v === '-') return undefined;
  if (v.length > 7 && v.charCodeAt(0) === 58 && v.startsWith('::ffff:') && v.indexOf('.') > 0) return v.slice(7);
  return v;
}

/** The last path segment of a Windows or POSIX path. */
export function baseName(path: string): string {
  let i = path.length - 1;
  for (; i >= 0; i--) {
    const c = path.charCodeAt(i);
    if (c === 92 || c === 47) break;
  }
  return i < 0 ? path : path.slice(i + 1);
}

/** Sets `<prefix>.executable` and `<prefix>.name` from an executable path. */
export function putExecutable(ecs: EcsBuilder, which: 'process' | 'process.parent', path: unknown): void {
  if (typeof path !== 'string' || path.length === 0 || path === '-' || path === '?') return;
  if (which === 'process') {
    putEcs(ecs, 'process.executable', path);
    putEcs(ecs, 'process.name', baseName(path));
  } else {
    putEcs(ecs, 'process.parent.executable', path);
    putEcs(ecs, 'process.parent.name', baseName(path));
  }
}

const HASH_KINDS = new Map<string, 'md5' | 'sha1' | 'sha256' | 'imphash'>([
  ['MD5', 'md5'],
  ['SHA1', 'sha1'],
  ['SHA256', 'sha256'],
  ['IMPHASH', 'imphash'],
]);

/**
 * Parses Sysmon-style `MD5=..,SHA256=..,IMPHASH=..` hash lists into `<of>.hash.*` and
 * `<of>.pe.imphash`: `file` for a file an event names, `process` for the image of a process start.
 */
export function putHashes(ecs: EcsBuilder, hashes: unknown, of: 'file' | 'process' = 'file'): void {
  if (typeof hashes !== 'string' || hashes.length === 0) return;
  let start = 0;
  while (start < hashes.length) {
    let end = hashes.indexOf(',', start);
    if (end < 0) end = hashes.length;
    const eq = hashes.indexOf('=', start);
    if (eq > start && eq < end) {
      const kind = HASH_KINDS.get(hashes.slice(start, eq).trim().toUpperCase());
      if (kind !== undefined) {
        const field: EcsField = kind === 'imphash' ? `${of}.pe.imphash` : `${of}.hash.${kind}`;
        putEcs(
          ecs,
          field,
          hashes
            .slice(eq + 1, end)
            .trim()
            .toLowerCase(),
        );
      }
    }
    start = end + 1;
  }
}

/** Splits `DOMAIN\user` into user.domain and user.name. */
export function putDomainUser(ecs: EcsBuilder, v: unknown): void {
  if (typeof v !== 'string' || v.length === 0 || v === '-') return;
  const i = v.indexOf('\\');
  if (i > 0) {
    putEcs(ecs, 'user.domain', v.slice(0, i));
    putEcs(ecs, 'user.name', v.slice(i + 1));
  } else {
    putEcs(ecs, 'user.name', v);
  }
}

const TRANSPORTS = new Map<string, string>([
  ['1', 'icmp'],
  ['6', 'tcp'],
  ['17', 'udp'],
  ['58', 'ipv6-icmp'],
  ['47', 'gre'],
  ['132', 'sctp'],
]);

/** Normalises a transport given as IANA number or name to lower-case ECS `network.transport`. */
export function transportName(v: unknown): string | undefined {
  if (typeof v === 'number') return TRANSPORTS.get(String(v));
  if (typeof v !== 'string' || v.length === 0 || v === '-') return undefined;
  return TRANSPORTS.get(v) ?? v.toLowerCase();
}
