/**
 * @module
 * Brute-force protection for password checks (logins and HTTP Basic). An attempt *reserves* its
 * place before the password is verified and settles it afterwards, so parallel guesses count
 * while they run: checking first and counting after let 60 concurrent guesses all through.
 *
 * Keys, each with exponential backoff once its free failures are spent:
 * - account + address: the backoff a guesser meets. Keyed by address too, so an attacker cannot
 *   lock the real user out from elsewhere (or everyone behind one proxy out of one account).
 * - address: caps a sprayer trying many accounts.
 * - account, across addresses: once it has seen many failures (a distributed attack), any
 *   address that has failed on it once must wait; an address with no failure still gets through.
 * - the node: a cap on password checks running at once, which bounds the CPU and memory (scrypt
 *   takes 32 MiB each) a flood can take. A refusal here lasts a second, never a lock.
 *
 * Held in memory (one node); a scale-out deployment would back the same interface with a shared store.
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

/** A reserved attempt: settle it exactly once (later calls do nothing). */
export interface ThrottleTicket {
  /** The password was wrong: counts a failure on every key. */
  fail(): void;
  /** The password was right: clears the account's failures from this address. */
  succeed(): void;
  /** The check could not be made (an internal error): frees the place without counting. */
  release(): void;
}

/** Outcome of `reserve`. */
export type ThrottleReservation =
  | { readonly allowed: true; readonly ticket: ThrottleTicket }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

/** Options of a throttle. */
export interface LoginThrottleOptions {
  /** Clock, epoch ms (tests pass a fake one). */
  readonly now?: () => number;
  /** Per account and address. */
  readonly account?: Partial<ThrottlePolicy>;
  /** Per address, whatever the account. */
  readonly ip?: Partial<ThrottlePolicy>;
  /** Failures of one account, from all addresses, after which an address gets one free failure only. */
  readonly accountUnderAttack?: number;
  /** Password checks running at once, node-wide. */
  readonly maxConcurrent?: number;
  /** Keys kept at most; the oldest go first, which bounds memory under a spray of names. */
  readonly maxKeys?: number;
}

interface KeyState {
  failures: number;
  lastFailure: number;
  lockedUntil: number;
  inFlight: number;
}

/** Account-and-address defaults: 5 free failures, then 1 s, 2 s, 4 s ... up to 15 minutes. */
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

/** Failures of one account across addresses, within `forgetAfterMs`, that mean it is under attack. */
export const ACCOUNT_UNDER_ATTACK = 50;
/** Password checks at once: enough for every core, little enough to bound memory. */
export const MAX_CONCURRENT_CHECKS = 8;

/** Per-account-and-address, per-address, per-account and node-wide limits on password checks. */
export class LoginThrottle {
  readonly #now: () => number;
  readonly #pair: ThrottlePolicy;
  readonly #ip: ThrottlePolicy;
  readonly #underAttack: number;
  readonly #maxConcurrent: number;
  readonly #maxKeys: number;
  readonly #keys = new Map<string, KeyState>();
  #running = 0;

  constructor(options: LoginThrottleOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#pair = { ...ACCOUNT_THROTTLE, ...options.account };
    this.#ip = { ...IP_THROTTLE, ...options.ip };
    this.#underAttack = options.accountUnderAttack ?? ACCOUNT_UNDER_ATTACK;
    this.#maxConcurrent = options.maxConcurrent ?? MAX_CONCURRENT_CHECKS;
    this.#maxKeys = options.maxKeys ?? 100_000;
  }

  /** Password checks running now. */
  get running(): number {
    return this.#running;
  }

  #pairKey(keys: ThrottleKeys): string {
    return `p:${keys.account}\u0000${keys.ip ?? '?'}`;
  }

  /** The keys that back off, with their policy (the pair's allowance shrinks under attack). */
  #entries(keys: ThrottleKeys, now: number): [string, ThrottlePolicy][] {
    const account = this.#live(`a:${keys.account}`, this.#pair, now);
    const attacked = account !== undefined && account.failures >= this.#underAttack;
    const pair = attacked ? { ...this.#pair, freeFailures: 1 } : this.#pair;
    const out: [string, ThrottlePolicy][] = [[this.#pairKey(keys), pair]];
    if (keys.ip !== undefined) out.push([`i:${keys.ip}`, this.#ip]);
    return out;
  }

  #live(key: string, policy: ThrottlePolicy, now: number): KeyState | undefined {
    const s = this.#keys.get(key);
    if (s && s.inFlight === 0 && now - s.lastFailure > policy.forgetAfterMs && now >= s.lockedUntil) {
      this.#keys.delete(key);
      return undefined;
    }
    return s;
  }

  #state(key: string, policy: ThrottlePolicy, now: number): KeyState {
    let s = this.#live(key, policy, now);
    if (!s) {
      s = { failures: 0, lastFailure: now, lockedUntil: 0, inFlight: 0 };
      this.#keys.set(key, s);
      this.#evict();
    }
    return s;
  }

  #evict(): void {
    for (const [key, s] of this.#keys) {
      if (this.#keys.size <= this.#maxKeys) return;
      // Keys with a check running stay, so their reservation is settled on a live state.
      if (s.inFlight === 0) this.#keys.delete(key);
    }
  }

  /** Is any key locked? Read-only: takes no place (for paths that verify no password). */
  check(keys: ThrottleKeys): ThrottleDecision {
    const now = this.#now();
    let until = 0;
    for (const [key, policy] of this.#entries(keys, now)) {
      const s = this.#live(key, policy, now);
      if (s && s.lockedUntil > now) until = Math.max(until, s.lockedUntil);
    }
    return until > now ? { allowed: false, retryAfterSeconds: Math.ceil((until - now) / 1000) } : { allowed: true };
  }

  /**
   * Reserves a password check, atomically with the decision: a locked key, a key whose free
   * failures are taken by checks already running, or a full node refuses it.
   */
  reserve(keys: ThrottleKeys): ThrottleReservation {
    const now = this.#now();
    const entries = this.#entries(keys, now);
    let until = 0;
    for (const [key, policy] of entries) {
      const s = this.#live(key, policy, now);
      if (!s) continue;
      if (s.lockedUntil > now) until = Math.max(until, s.lockedUntil);
      // Running checks count as failures until they end; once the free ones are spent, one at a time.
      else if (s.inFlight > 0 && s.failures + s.inFlight >= policy.freeFailures) until = Math.max(until, now + 1000);
    }
    if (until === 0 && this.#running >= this.#maxConcurrent) until = now + 1000;
    if (until > now) return { allowed: false, retryAfterSeconds: Math.ceil((until - now) / 1000) };

    const states = entries.map(([key, policy]) => ({ key, policy, s: this.#state(key, policy, now) }));
    for (const { s } of states) s.inFlight += 1;
    this.#running += 1;
    let settled = false;
    const settle = (outcome: 'fail' | 'succeed' | 'release'): void => {
      if (settled) return;
      settled = true;
      this.#running -= 1;
      const at = this.#now();
      for (const { s } of states) s.inFlight = Math.max(0, s.inFlight - 1);
      if (outcome === 'fail') {
        for (const { key, policy, s } of states) this.#fail(key, policy, s, at);
        this.#fail(`a:${keys.account}`, this.#pair, this.#state(`a:${keys.account}`, this.#pair, at), at, false);
      } else if (outcome === 'succeed') {
        const pair = states[0];
        if (pair && pair.s.inFlight === 0) this.#keys.delete(pair.key);
      }
    };
    return {
      allowed: true,
      ticket: { fail: () => settle('fail'), succeed: () => settle('succeed'), release: () => settle('release') },
    };
  }

  #fail(key: string, policy: ThrottlePolicy, s: KeyState, now: number, lock = true): void {
    s.failures += 1;
    s.lastFailure = now;
    const excess = s.failures - policy.freeFailures;
    if (lock && excess >= 0) {
      s.lockedUntil = Math.max(
        s.lockedUntil,
        now + Math.min(policy.baseDelayMs * 2 ** Math.min(excess, 30), policy.maxDelayMs),
      );
    }
    // Re-insert so Map order is least-recently-failed first, for eviction.
    this.#keys.delete(key);
    this.#keys.set(key, s);
    this.#evict();
  }
}
