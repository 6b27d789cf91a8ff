/**
 * @module
 * Domain index with exact and suffix matching: `example.com` marked for subdomains also matches
 * `a.b.example.com`. A lookup probes the name and then each parent domain, one map probe per
 * label.
 */
import { addToSlot, pushSlot, type Slot } from './ip-index.js';

/** Exact and suffix domain sets. */
export class DomainIndex {
  private readonly exact = new Map<string, Slot>();
  private readonly suffix = new Map<string, Slot>();

  /** Number of entries. */
  get size(): number {
    return this.exact.size + this.suffix.size;
  }

  /** Adds a normalised domain; `subdomains` makes it match every name below it too. */
  add(domain: string, ordinal: number, subdomains: boolean): void {
    addToSlot(this.exact, domain, ordinal);
    if (subdomains) addToSlot(this.suffix, domain, ordinal);
  }

  /** Appends the ordinals matching a normalised name. */
  lookup(name: string, out: number[]): void {
    pushSlot(this.exact.get(name), out);
    if (this.suffix.size === 0) return;
    let i = name.indexOf('.');
    while (i >= 0) {
      pushSlot(this.suffix.get(name.slice(i + 1)), out);
      i = name.indexOf('.', i + 1);
    }
  }
}
