/**
 * @module
 * Brute-force protection for password logins: per user and per client address, failures beyond
 * a free allowance lock the key for an exponentially growing delay. Held in memory (one node);
 * a scale-out deployment would back the same interface with a shared store.
 */

/** Backoff policy of one kind of key. */
export interface ThrottlePolicy {
  /** Failures allowed before the first lock. */
  readonly freeFailures: number;
  /** First lock; each further failure doubles it. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A key with no failure for this long starts over. */
  readonly forgetAfterMs: number;
}

/** Keys a login attempt is counted under. */
export interface ThrottleKeys {
  /** `tenant/user` of the account tried. */
  readonly account: string;
  /** Client address, when known. */
  readonly ip?: string | undefined;
}

/** Whether an attempt may proceed. */
export type ThrottleDecision =
  { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

/** Options of a throttle. */
export interface LoginThrottleOptions {
  /** Clock, epoch ms (tests pass a fake one). */
  readonly now?: () => number;
  readonly account?: Partial<ThrottlePolicy>;
  readonly ip?: Partial<ThrottlePolicy>;
  /** Keys kept at most; the oldest go first, which bounds memory under a spray of names. */
  readonly maxKeys?: number;
}

interface KeyState {
  failures: number;
  lastFailure: number;
  lockedUntil: number;
}

/** Account defaults: 5 free failures, then 1 s, 2 s, 4 s ... up to 15 minutes. */
export const ACCOUNT_THROTTLE: ThrottlePolicy = {
  freeFailures: 5,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
};

/** Address defaults: more generous, since offices share an address. */
export const IP_THROTTLE: ThrottlePolicy = {
  freeFailures: 20,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
};

/** Per-account and per-address exponential backoff for failed logins. */
export class LoginThrottle {
  readonly #now: () => number;
  readonly #account: ThrottlePolicy;
  readonly #ip: ThrottlePolicy;
  readonly #maxKeys: number;
  readonly #keys = new Map<string, KeyState>();

  constructor(options: LoginThrottleOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#account = { ...ACCOUNT_THROTTLE, ...options.account };
    this.#ip = { ...IP_THROTTLE, ...options.ip };
    this.#maxKeys = options.maxKeys ?? 100_000;
  }

  #entries(keys: ThrottleKeys): [string, ThrottlePolicy][] {
    const out: [string, ThrottlePolicy][] = [[`a:${keys.account}`, this.#account]];
    if (keys.ip !== undefined) out.push([`i:${keys.ip}`, this.#ip]);
    return out;
  }

  #live(key: string, policy: ThrottlePolicy, now: number): KeyState | undefined {
    const s = this.#keys.get(key);
    if (s && now - s.lastFailure > policy.forgetAfterMs && now >= s.lockedUntil) {
      this.#keys.delete(key);
      return undefined;
    }
    return s;
  }

  /** May this attempt proceed? A locked key answers without checking the password at all. */
  check(keys: ThrottleKeys): ThrottleDecision {
    const now = this.#now();
    let until = 0;
    for (const [key, policy] of this.#entries(keys)) {
      const s = this.#live(key, policy, now);
      if (s && s.lockedUntil > now) until = Math.max(until, s.lockedUntil);
    }
    return until > now ? { allowed: false, retryAfterSeconds: Math.ceil((until - now) / 1000) } : { allowed: true };
  }

  /** Counts a failed attempt against both keys. */
  recordFailure(keys: ThrottleKeys): void {
    const now = this.#now();
    for (const [key, policy] of this.#entries(keys)) {
      const s = this.#live(key, policy, now) ?? { failures: 0, lastFailure: now, lockedUntil: 0 };
      s.failures += 1;
      s.lastFailure = now;
      const excess = s.failures - policy.freeFailures;
      if (excess >= 0) {
        s.lockedUntil = now + Math.min(policy.baseDelayMs * 2 ** Math.min(excess, 30), policy.maxDelayMs);
      }
      // Re-insert so Map order is least-recently-failed first, for eviction.
      this.#keys.delete(key);
      this.#keys.set(key, s);
    }
    while (this.#keys.size > this.#maxKeys) {
      const oldest = this.#keys.keys().next();
      if (oldest.done === true) break;
      this.#keys.delete(oldest.value);
    }
  }

  /**
   * Clears the account's failures after a good password. The address keeps its count: one valid
   * account must not let an attacker reset the counter while guessing others.
   */
  recordSuccess(keys: ThrottleKeys): void {
    this.#keys.delete(`a:${keys.account}`);
  }
}
