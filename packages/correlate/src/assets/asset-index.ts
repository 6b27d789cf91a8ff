/**
 * @module
 * An in-memory index over a tenant's inventory: alias → host, address → host, name → criticality.
 * Built once per inventory change, read per alert.
 */
import { canonicalHost, canonicalUser } from './names.js';
import type { Asset, AssetKind, AssetLookup, Criticality } from './types.js';

/** Spellings of host names remembered by `hostOf`; cleared when full, so memory stays bounded. */
const SEEN_MAX = 20_000;

/** Lookups over a list of assets. */
export class AssetIndex implements AssetLookup {
  private readonly hosts = new Map<string, string>();
  private readonly ips = new Map<string, string>();
  private readonly crit = new Map<string, Criticality>();
  private readonly seen = new Map<string, string | null>();

  constructor(assets: readonly Pick<Asset, 'kind' | 'name' | 'aliases' | 'ips' | 'criticality'>[] = []) {
    for (const a of assets) {
      if (a.kind === 'host') {
        const name = canonicalHost(a.name);
        this.hosts.set(name, name);
        for (const alias of a.aliases) {
          this.hosts.set(alias.trim().toLowerCase(), name);
          this.hosts.set(canonicalHost(alias), name);
        }
        for (const ip of a.ips) this.ips.set(ip.trim().toLowerCase(), name);
        this.crit.set(`host\0${name}`, a.criticality);
      } else {
        const name = canonicalUser(a.name);
        this.crit.set(`user\0${name}`, a.criticality);
        for (const alias of a.aliases) this.crit.set(`user\0${canonicalUser(alias)}`, a.criticality);
      }
    }
  }

  /** Number of host aliases and addresses indexed. */
  get size(): number {
    return this.hosts.size + this.ips.size;
  }

  hostOf(alias: string): string | undefined {
    // An empty inventory knows nothing: skip the normalising work.
    if (this.hosts.size === 0 && this.ips.size === 0) return undefined;
    // Alerts name the same hosts over and over: normalise each spelling once (the index never changes).
    const known = this.seen.get(alias);
    if (known !== undefined) return known === null ? undefined : known;
    const v = alias.trim().toLowerCase();
    const host = this.hosts.get(v) ?? this.ips.get(v) ?? this.hosts.get(canonicalHost(v));
    if (this.seen.size >= SEEN_MAX) this.seen.clear();
    this.seen.set(alias, host ?? null);
    return host;
  }

  hostOfIp(ip: string): string | undefined {
    return this.ips.get(ip.trim().toLowerCase());
  }

  criticalityOf(kind: AssetKind, name: string): Criticality | undefined {
    // Asked for every host and account of every incident snapshot: an empty inventory knows nothing.
    if (this.crit.size === 0) return undefined;
    return this.crit.get(`${kind}\0${name}`);
  }
}

/** A lookup that knows nothing (every host is unknown, every address unmapped). */
export const EMPTY_ASSETS: AssetLookup = new AssetIndex();
