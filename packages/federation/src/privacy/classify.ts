/**
 * @module
 * What counts as personal data here: internal IP addresses (private, loopback, link-local,
 * shared and unique-local ranges, plus the operator's own networks), usernames, email addresses,
 * and internal host names (single-label names and internal suffixes such as `.local`, `.lan`,
 * `.corp`, `.internal`, `home.arpa`, plus the operator's own).
 */
import { networkContains, parseNetwork, type Network } from '@intersoc/cti';

/** Kinds of personal data the policy distinguishes. */
export const PERSONAL_KINDS = ['internal-ip', 'username', 'email', 'hostname'] as const;
/** A kind of personal data. */
export type PersonalKind = (typeof PERSONAL_KINDS)[number];

/** Ranges that never identify an Internet host, only someone's internal network. */
export const DEFAULT_INTERNAL_NETWORKS: readonly string[] = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '100.64.0.0/10',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
];

/** Domain suffixes of internal names. */
export const DEFAULT_INTERNAL_SUFFIXES: readonly string[] = [
  'local',
  'lan',
  'internal',
  'intranet',
  'corp',
  'home',
  'localdomain',
  'home.arpa',
];

/** Recognises internal addresses and host names. */
export class InternalScope {
  private readonly networks: Network[];
  private readonly suffixes: string[];

  constructor(networks: readonly string[] = DEFAULT_INTERNAL_NETWORKS, suffixes = DEFAULT_INTERNAL_SUFFIXES) {
    this.networks = networks.map((n) => parseNetwork(n)).filter((n): n is Network => n !== undefined);
    this.suffixes = suffixes.map((s) => s.toLowerCase().replace(/^\.+/, ''));
  }

  /** True for an address inside an internal range. */
  isInternalIp(value: string): boolean {
    const n = parseNetwork(value.trim());
    if (!n) return false;
    return this.networks.some((outer) => outer.family === n.family && networkContains(outer, n));
  }

  /** True for a single-label name or one under an internal suffix. */
  isInternalHost(value: string): boolean {
    const v = value.trim().toLowerCase().replace(/\.$/, '');
    if (v === '' || parseNetwork(v)) return false;
    if (!v.includes('.')) return true;
    return this.suffixes.some((s) => v === s || v.endsWith(`.${s}`));
  }
}
