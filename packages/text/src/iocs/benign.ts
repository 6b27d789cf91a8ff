/**
 * @module
 * Known-benign values: the MISP warninglists (when a folder of them is given: the node's, or the
 * shared corpus's), and, always, the special-purpose address ranges of RFC 6890 that can never be
 * an attacker's public infrastructure (private, loopback, link-local, multicast, unspecified).
 * Each drop says why: `warninglist: <list name>` or `special-purpose address: <range>`.
 */
import { existsSync } from 'node:fs';
import { loadWarninglists, maskV4, maskV6, parseIPv4, parseIPv6, parseNetwork, WarninglistIndex } from '@intersoc/cti';
import type { IocType } from './types.js';

/** MISP attribute types a warninglist may name, per indicator type. */
const MISP_TYPES: Readonly<Record<IocType, readonly string[]>> = {
  'ipv4-addr': ['ip-dst', 'ip-src', 'ip-dst|port', 'domain|ip'],
  'ipv6-addr': ['ip-dst', 'ip-src', 'ip-dst|port', 'domain|ip'],
  'domain-name': ['domain', 'hostname', 'domain|ip'],
  url: ['url', 'uri', 'link'],
  'email-addr': ['email', 'email-src', 'email-dst'],
  md5: ['md5', 'filename|md5'],
  sha1: ['sha1', 'filename|sha1'],
  sha256: ['sha256', 'filename|sha256'],
  sha512: ['sha512', 'filename|sha512'],
  'file-name': ['filename'],
  'windows-registry-key': ['regkey'],
  cve: ['vulnerability'],
  'btc-address': ['btc'],
};

const SPECIAL_V4: readonly [string, string][] = [
  ['0.0.0.0/8', 'this network (RFC 1122)'],
  ['10.0.0.0/8', 'private (RFC 1918)'],
  ['100.64.0.0/10', 'shared address space (RFC 6598)'],
  ['127.0.0.0/8', 'loopback (RFC 1122)'],
  ['169.254.0.0/16', 'link-local (RFC 3927)'],
  ['172.16.0.0/12', 'private (RFC 1918)'],
  ['192.168.0.0/16', 'private (RFC 1918)'],
  ['224.0.0.0/4', 'multicast (RFC 5771)'],
  ['240.0.0.0/4', 'reserved (RFC 1112)'],
];
const SPECIAL_V6: readonly [string, string][] = [
  ['::/128', 'unspecified (RFC 4291)'],
  ['::1/128', 'loopback (RFC 4291)'],
  ['fc00::/7', 'unique local (RFC 4193)'],
  ['fe80::/10', 'link-local (RFC 4291)'],
  ['ff00::/8', 'multicast (RFC 4291)'],
];

function special(type: IocType, value: string): string | undefined {
  const ip = value.split('/')[0] ?? '';
  if (type === 'ipv4-addr') {
    const a = parseIPv4(ip);
    if (a === undefined) return undefined;
    for (const [net, why] of SPECIAL_V4) {
      const n = parseNetwork(net);
      if (n && n.family === 4 && maskV4(a, n.prefix) === n.base) return `special-purpose address: ${net} ${why}`;
    }
  } else if (type === 'ipv6-addr') {
    const a = parseIPv6(ip);
    if (a === undefined) return undefined;
    for (const [net, why] of SPECIAL_V6) {
      const n = parseNetwork(net);
      if (n && n.family === 6 && maskV6(a, n.prefix) === n.base) return `special-purpose address: ${net} ${why}`;
    }
  }
  return undefined;
}

/** Decides which indicators are known-benign, and why. */
export class BenignFilter {
  constructor(private readonly idx?: WarninglistIndex) {}

  /** Reads the warninglists under `dir` (the misp-warninglists `lists/` layout); none when absent. */
  static fromDirectory(dir: string | undefined): BenignFilter {
    if (!dir || !existsSync(dir)) return new BenignFilter();
    return new BenignFilter(new WarninglistIndex(loadWarninglists(dir)));
  }

  /** Number of warninglists loaded. */
  get lists(): number {
    return this.idx?.size ?? 0;
  }

  /** Why `value` is benign, or undefined when it may be an indicator. */
  reason(type: IocType, value: string): string | undefined {
    const s = special(type, value);
    if (s) return s;
    const idx = this.idx;
    if (!idx) return undefined;
    for (const t of MISP_TYPES[type]) {
      const names = idx.check(value, t);
      if (names.length > 0) return `warninglist: ${names[0] ?? ''}`;
    }
    // A URL's host is checked as a domain too.
    if (type === 'url') {
      const host = /^[a-z]+:\/\/([^/:?#]+)/i.exec(value)?.[1];
      if (host)
        for (const t of MISP_TYPES['domain-name']) {
          const names = idx.check(host, t);
          if (names.length > 0) return `warninglist: ${names[0] ?? ''} (the URL's host)`;
        }
    }
    return undefined;
  }
}
