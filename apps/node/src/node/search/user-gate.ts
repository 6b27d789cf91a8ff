/**
 * @module
 * Per-user concurrency of searches: a user may run `max` at once; the next is refused with
 * `RATE_LIMITED` and a Retry-After of when the earliest of theirs should be done. One user
 * (or one stolen token) can then occupy at most `max` reader threads, never all of them.
 */
import { AppError, type AuthContext } from '@intersoc/core';

/** Admission of searches per user (tenant and user name). */
export class UserGate {
  /** Expected end (epoch ms) of each running search, per user. */
  private readonly running = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Admits one search expected to end by `until`; returns the function that ends it. */
  enter(ctx: AuthContext, until: number): () => void {
    const key = `${ctx.tenant}\u0000${ctx.user}`;
    const mine = this.running.get(key) ?? [];
    if (mine.length >= this.max) {
      const wait = Math.max(1, Math.ceil((Math.min(...mine) - this.now()) / 1000));
      throw new AppError(
        'RATE_LIMITED',
        `${ctx.user} already runs ${mine.length} searches (limit search.maxConcurrentPerUser = ${this.max}); ` +
          'wait for one to finish',
        { details: { retryAfterSeconds: wait, limit: 'search.maxConcurrentPerUser', max: this.max } },
      );
    }
    mine.push(until);
    this.running.set(key, mine);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      mine.splice(mine.indexOf(until), 1);
      if (mine.length === 0) this.running.delete(key);
    };
  }
}
