/**
 * @module
 * Answer normalisation: a trainee who types `CORP\DWalsh`, `dwalsh@corp.example.com` or
 * `dwalsh` names the same user; `wks-03.corp.example.com` and `WKS-03` the same host;
 * `attack.t1059.001` and `T1059.001` the same technique. `exact` is KYPO's comparison (the
 * string as typed, only surrounding white space trimmed), kept for imported KYPO levels.
 */
import type { AnswerKind } from '../exercise/schema.js';

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Canonical text of an IPv4 or IPv6 address, or undefined. */
export function canonicalIp(v: string): string | undefined {
  const s = v.trim().replace(/^\[|\]$/g, '');
  const m = IPV4.exec(s);
  if (m) {
    const parts = m.slice(1, 5).map(Number);
    return parts.every((p) => p <= 255) ? parts.join('.') : undefined;
  }
  if (!s.includes(':') || !/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  try {
    // WHATWG URL parsing gives the RFC 5952 form of an IPv6 literal.
    return new URL(`http://[${s}]/`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}

function host(v: string): string {
  let s = v.trim().toLowerCase();
  const ip = canonicalIp(s);
  if (ip) return ip;
  s = s.replace(/^\\\\/, '').replace(/\$$/, '');
  // DOMAIN\HOST and host.fqdn both name the host.
  s = s.slice(s.lastIndexOf('\\') + 1);
  return s.split('.')[0] ?? s;
}

function user(v: string): string {
  let s = v.trim().toLowerCase();
  s = s.slice(s.lastIndexOf('\\') + 1);
  const at = s.indexOf('@');
  return at > 0 ? s.slice(0, at) : s;
}

function technique(v: string): string {
  const s = v
    .trim()
    .toUpperCase()
    .replace(/^ATTACK\./, '');
  const m = /^T?(\d{4})(?:[./](\d{3}))?$/.exec(s);
  return m ? `T${m[1]}${m[2] ? `.${m[2]}` : ''}` : s;
}

function hash(v: string): string {
  return v
    .trim()
    .toLowerCase()
    .replace(/^(md5|sha1|sha-1|sha256|sha-256|sha512|sha-512)[:=]/, '');
}

function num(v: string): string {
  const s = v.trim().replace(/[\s_,]/g, '');
  const n = Number(s);
  return Number.isFinite(n) && s !== '' ? String(n) : s;
}

/** The normal form of an answer of a kind. */
export function normalise(kind: AnswerKind, value: string): string {
  switch (kind) {
    case 'exact':
      return value.trim();
    case 'text':
      return value.trim().replace(/\s+/g, ' ').toLowerCase();
    case 'host':
      return host(value);
    case 'user':
      return user(value);
    case 'ip':
      return canonicalIp(value) ?? value.trim().toLowerCase();
    case 'hash':
      return hash(value);
    case 'technique':
      return technique(value);
    case 'number':
      return num(value);
  }
}

/** Splits a list answer (`a, b; c` or one per line) into its items. */
export function splitList(value: string): string[] {
  return value
    .split(/[\s,;]+/)
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}
