/**
 * @module
 * A short-lived cache of verified HTTP Basic credentials. TAXII clients send the password with
 * every request, and scrypt (deliberately) costs tens of milliseconds of CPU and 32 MiB each
 * time. An entry is keyed by an HMAC of tenant, user and password under a random per-process key,
 * so neither the password nor anything that could be brute-forced offline without that key is
 * kept. A hit is honoured only while the user's password stamp is unchanged, so a password
 * change or a disabled user or tenant (from the API or the CLI in another process) ends it.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** What a cache entry remembers: the stamp of the password it was verified against. */
interface Entry {
  readonly stamp: string;
  readonly expires: number;
}

/** Options of the cache. */
export interface CredentialCacheOptions {
  /** Lifetime of an entry, ms (default 60 s). */
  readonly ttlMs?: number;
  /** Entries kept at most (default 10,000); the oldest go first. */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

/** Verified credentials, by HMAC. */
export class CredentialCache {
  readonly #key = randomBytes(32);
  readonly #entries = new Map<string, Entry>();
  readonly #pending = new Map<string, Promise<unknown>>();
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(o: CredentialCacheOptions = {}) {
    this.#ttlMs = o.ttlMs ?? 60_000;
    this.#max = o.maxEntries ?? 10_000;
    this.#now = o.now ?? Date.now;
  }

  /** The cache key of a credential (a keyed hash; the password is not recoverable from it). */
  keyOf(tenant: string, user: string, password: string): string {
    return createHmac('sha256', this.#key).update(`${tenant}\u0000${user}\u0000${password}`).digest('base64url');
  }

  /** The stamp remembered for `key`, while the entry is fresh. */
  stampOf(key: string): string | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (e.expires <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return e.stamp;
  }

  /** Remembers that the credential under `key` verified against the password with `stamp`. */
  remember(key: string, stamp: string): void {
    this.#entries.delete(key);
    this.#entries.set(key, { stamp, expires: this.#now() + this.#ttlMs });
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
  }

  forget(key: string): void {
    this.#entries.delete(key);
  }

  /**
   * Runs `verify` once for concurrent requests with the same credential: a TAXII client that
   * fetches pages in parallel costs one password check, and one throttle place, not ten.
   */
  async once<T>(key: string, verify: () => Promise<T>): Promise<T> {
    const running = this.#pending.get(key);
    if (running) return running as Promise<T>;
    const p = verify().finally(() => this.#pending.delete(key));
    this.#pending.set(key, p);
    return p;
  }

  /** Entries held (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }
}
