/**
 * @module
 * The compiled indicator index: hash sets for file hashes, URLs and emails, the domain index
 * (exact and suffix) and the CIDR index, over columnar per-indicator metadata (typed arrays
 * for times and confidence, one id string) so a million indicators stay well under 300 MB.
 */
import type { IocKind, SimpleIndicator, TlpLevel } from '@intersoc/cti';
import { normaliseValue } from '@intersoc/cti';
import { DomainIndex } from './domain-index.js';
import { addToSlot, IpIndex, pushSlot, type Slot } from './ip-index.js';

const KIND_CODES: readonly IocKind[] = ['ip', 'domain', 'url', 'email', 'hash'];

/** Optional per-indicator details kept only for indicators that have them. */
export interface IndicatorDetails {
  readonly name?: string;
  readonly source?: string;
  readonly tlp?: string;
  readonly techniques?: readonly string[];
  readonly tactics?: readonly string[];
}

/** A stored indicator, materialised on demand for a match. */
export interface IndexedIndicator extends IndicatorDetails {
  readonly ordinal: number;
  readonly id: string;
  readonly kind: IocKind;
  readonly value: string;
  readonly validFrom?: number;
  readonly validUntil?: number;
  readonly created?: number;
  readonly confidence?: number;
  readonly revoked: boolean;
}

class Column {
  data: Float64Array;
  constructor(capacity: number) {
    this.data = new Float64Array(capacity).fill(NaN);
  }
  set(i: number, v: number | undefined): void {
    if (i >= this.data.length) {
      const next = new Float64Array(Math.max(16, this.data.length * 2)).fill(NaN);
      next.set(this.data);
      this.data = next;
    }
    this.data[i] = v ?? NaN;
  }
  get(i: number): number | undefined {
    const v = this.data[i];
    return v === undefined || Number.isNaN(v) ? undefined : v;
  }
}

/** The index. Add indicators, then look values up by kind. */
export class IocIndex {
  private readonly ids: string[] = [];
  private readonly values: string[] = [];
  private kinds = new Uint8Array(1024);
  /** Confidence 0–100, 255 = none; bit 7 of flags = revoked. */
  private conf = new Uint8Array(1024);
  private flags = new Uint8Array(1024);
  private readonly validFrom = new Column(1024);
  private readonly validUntil = new Column(1024);
  private readonly created = new Column(1024);
  private readonly details = new Map<number, IndicatorDetails>();
  private readonly hashes = new Map<string, Slot>();
  private readonly urls = new Map<string, Slot>();
  private readonly emails = new Map<string, Slot>();
  readonly domains = new DomainIndex();
  readonly ips = new IpIndex();

  /** Number of indicators held. */
  get size(): number {
    return this.ids.length;
  }

  /**
   * Adds one indicator; returns its ordinal, or undefined when the value does not normalise.
   * Values are normalised here, so callers may pass raw text.
   */
  add(ind: SimpleIndicator): number | undefined {
    const value = normaliseValue(ind.kind, ind.value);
    if (value === undefined) return undefined;
    const i = this.ids.length;
    this.grow(i);
    this.ids.push(ind.id);
    // Keep the value where it costs nothing (it is already a map key) or says more than the
    // matched event value (a CIDR); hashes and plain addresses are what the event carries.
    this.values.push(ind.kind === 'hash' || (ind.kind === 'ip' && !value.includes('/')) ? '' : value);
    this.kinds[i] = KIND_CODES.indexOf(ind.kind);
    this.conf[i] = ind.confidence === undefined ? 255 : Math.max(0, Math.min(100, Math.round(ind.confidence)));
    this.flags[i] = ind.revoked ? 128 : 0;
    if (ind.validFrom !== undefined) this.validFrom.set(i, ind.validFrom);
    if (ind.validUntil !== undefined) this.validUntil.set(i, ind.validUntil);
    if (ind.created !== undefined) this.created.set(i, ind.created);
    if (
      ind.name !== undefined ||
      ind.tlp !== undefined ||
      ind.techniques ||
      ind.tactics ||
      (ind.source && ind.source !== 'stix')
    ) {
      const d: Record<string, unknown> = {};
      if (ind.name !== undefined) d['name'] = ind.name;
      if (ind.source !== undefined) d['source'] = ind.source;
      if (ind.tlp !== undefined) d['tlp'] = ind.tlp;
      if (ind.techniques) d['techniques'] = ind.techniques;
      if (ind.tactics) d['tactics'] = ind.tactics;
      this.details.set(i, d as IndicatorDetails);
    }
    switch (ind.kind) {
      case 'hash':
        addToSlot(this.hashes, value, i);
        break;
      case 'url':
        addToSlot(this.urls, value, i);
        break;
      case 'email':
        addToSlot(this.emails, value, i);
        break;
      case 'domain':
        this.domains.add(value, i, ind.subdomains === true);
        break;
      case 'ip':
        this.ips.add(value, i);
        break;
      default:
        break;
    }
    return i;
  }

  /**
   * Marks every entry of an indicator id revoked (a newer version revoked it). A linear scan:
   * revocations are rare, and an id → ordinal map would cost ~100 bytes per indicator.
   */
  revoke(id: string): number {
    let n = 0;
    for (let i = 0; i < this.ids.length; i++) {
      if (this.ids[i] === id) {
        this.flags[i] = (this.flags[i] as number) | 128;
        n++;
      }
    }
    return n;
  }

  private grow(i: number): void {
    if (i < this.kinds.length) return;
    const n = this.kinds.length * 2;
    const k = new Uint8Array(n);
    k.set(this.kinds);
    this.kinds = k;
    const c = new Uint8Array(n);
    c.set(this.conf);
    this.conf = c;
    const f = new Uint8Array(n);
    f.set(this.flags);
    this.flags = f;
  }

  /** Appends ordinals for a lower-case hex hash. */
  lookupHash(hex: string, out: number[]): void {
    pushSlot(this.hashes.get(hex), out);
  }
  /** Appends ordinals for a normalised URL. */
  lookupUrl(url: string, out: number[]): void {
    pushSlot(this.urls.get(url), out);
  }
  /** Appends ordinals for a lower-case email. */
  lookupEmail(email: string, out: number[]): void {
    pushSlot(this.emails.get(email), out);
  }
  /** Appends ordinals for a normalised domain (exact and suffix). */
  lookupDomain(domain: string, out: number[]): void {
    this.domains.lookup(domain, out);
  }
  /** Appends ordinals for an address (every containing network). */
  lookupIp(ip: string, out: number[]): void {
    this.ips.lookup(ip, out);
  }

  /** True when the ordinal is revoked. */
  isRevoked(i: number): boolean {
    return ((this.flags[i] as number) & 128) !== 0;
  }
  /** Validity window and confidence, for lifecycle checks without materialising. */
  lifecycle(i: number): {
    validFrom?: number;
    validUntil?: number;
    created?: number;
    confidence?: number;
    revoked: boolean;
  } {
    const c = this.conf[i] as number;
    const out: { validFrom?: number; validUntil?: number; created?: number; confidence?: number; revoked: boolean } = {
      revoked: this.isRevoked(i),
    };
    const vf = this.validFrom.get(i);
    const vu = this.validUntil.get(i);
    const cr = this.created.get(i);
    if (vf !== undefined) out.validFrom = vf;
    if (vu !== undefined) out.validUntil = vu;
    if (cr !== undefined) out.created = cr;
    if (c !== 255) out.confidence = c;
    return out;
  }

  /** The full record of an ordinal. */
  get(i: number): IndexedIndicator {
    return {
      ordinal: i,
      id: this.ids[i] as string,
      kind: KIND_CODES[this.kinds[i] as number] as IocKind,
      value: this.values[i] as string,
      ...this.lifecycle(i),
      ...this.details.get(i),
    };
  }
}

/** Re-exported for callers typing TLP filters. */
export type { TlpLevel };
