/**
 * @module
 * Pseudonyms with a keyed HMAC (SHA-256) under a per-community key: members holding the key get
 * the same pseudonym for the same value and can correlate, outsiders learn nothing. Pseudonyms
 * keep the value's type valid, so STIX objects stay schema-valid and SCO ids stay deterministic:
 * an internal address becomes a unique-local IPv6 address under `fd1e::/16`, a host name
 * `<hex>.pseudonym.invalid`, an email `<hex>@pseudonym.invalid`, a user name `ps-<hex>`.
 */
import { createHash, hash } from 'node:crypto';
import { formatIPv6, normaliseIp, parseIPv6 } from '@intersoc/cti';
import type { PersonalKind } from './classify.js';

/** Prefix of pseudonymous IPv6 addresses (inside the unique-local range). */
export const PSEUDONYM_IPV6_PREFIX = 'fd1e';

/** Maps values to pseudonyms under one community key. */
export class Pseudonymiser {
  private readonly inner: Buffer;
  private readonly outer: Buffer;

  constructor(
    key: Uint8Array,
    /** Name of the community whose key this is (recorded beside pseudonyms). */
    readonly community: string,
  ) {
    if (key.length < 16) throw new Error('community keys have at least 128 bits');
    // HMAC-SHA256 (RFC 2104) from two one-shot hashes over precomputed pads: a Node Hmac object
    // per value cost more than the hashing, and every personal value shared takes one.
    const k = Buffer.alloc(64);
    (key.length > 64 ? createHash('sha256').update(key).digest() : Buffer.from(key)).copy(k);
    this.inner = Buffer.from(k.map((b) => b ^ 0x36));
    this.outer = Buffer.from(k.map((b) => b ^ 0x5c));
  }

  /** The HMAC of a normalised value of a kind, as hex. */
  private mac(kind: PersonalKind, value: string): string {
    const message = Buffer.from(`${kind}\0${normalise(kind, value)}`);
    const h = hash('sha256', Buffer.concat([this.inner, message]), 'buffer');
    return hash('sha256', Buffer.concat([this.outer, h]), 'hex');
  }

  /** The pseudonym of a value. */
  pseudonym(kind: PersonalKind, value: string): string {
    const h = this.mac(kind, value);
    switch (kind) {
      case 'internal-ip':
        // fd1e: + 112 bits of the MAC, in canonical IPv6 text.
        return formatIPv6(parseIPv6(`${PSEUDONYM_IPV6_PREFIX}${h.slice(0, 28)}`.replace(/(.{4})(?!$)/g, '$1:')) ?? 0n);
      case 'hostname':
        return `${h.slice(0, 24)}.pseudonym.invalid`;
      case 'email':
        return `${h.slice(0, 24)}@pseudonym.invalid`;
      case 'username':
        return `ps-${h.slice(0, 24)}`;
    }
  }
}

function normalise(kind: PersonalKind, value: string): string {
  const v = value.trim();
  if (kind === 'internal-ip') return normaliseIp(v) ?? v.toLowerCase();
  return kind === 'username' ? v : v.toLowerCase().replace(/\.$/, '');
}
