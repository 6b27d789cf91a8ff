import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.js';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('LoginThrottle', () => {
  it('allows the free failures, then locks with doubling delays', () => {
    const c = clock();
    const th = new LoginThrottle({ now: c.now });
    const keys = { account: 'acme/alice', ip: '10.0.0.1' };
    for (let i = 0; i < 4; i++) {
      expect(th.check(keys).allowed).toBe(true);
      th.recordFailure(keys);
    }
    expect(th.check(keys).allowed).toBe(true);
    th.recordFailure(keys); // 5th failure: locked 1 s
    expect(th.check(keys)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    c.advance(1000);
    th.recordFailure(keys); // 6th: 2 s
    expect(th.check(keys)).toEqual({ allowed: false, retryAfterSeconds: 2 });
    c.advance(2000);
    th.recordFailure(keys); // 7th: 4 s
    expect(th.check(keys)).toEqual({ allowed: false, retryAfterSeconds: 4 });
  });

  it('caps the delay and forgets an idle key', () => {
    const c = clock();
    const th = new LoginThrottle({ now: c.now, account: { maxDelayMs: 10_000, forgetAfterMs: 60_000 } });
    const keys = { account: 'acme/alice' };
    for (let i = 0; i < 30; i++) th.recordFailure(keys);
    expect(th.check(keys)).toEqual({ allowed: false, retryAfterSeconds: 10 });
    c.advance(61_000);
    expect(th.check(keys).allowed).toBe(true);
    th.recordFailure(keys);
    expect(th.check(keys).allowed).toBe(true);
  });

  it('resets the account on success but keeps counting the address', () => {
    const c = clock();
    const th = new LoginThrottle({ now: c.now, ip: { freeFailures: 3 } });
    for (const user of ['a', 'b']) th.recordFailure({ account: `acme/${user}`, ip: '10.0.0.9' });
    th.recordSuccess({ account: 'acme/a', ip: '10.0.0.9' });
    th.recordFailure({ account: 'acme/c', ip: '10.0.0.9' });
    expect(th.check({ account: 'acme/new', ip: '10.0.0.9' }).allowed).toBe(false);
    expect(th.check({ account: 'acme/new', ip: '10.0.0.10' }).allowed).toBe(true);
  });

  it('bounds memory by evicting the oldest keys', () => {
    const c = clock();
    const th = new LoginThrottle({ now: c.now, account: { freeFailures: 1 }, maxKeys: 10 });
    th.recordFailure({ account: 'first' });
    expect(th.check({ account: 'first' }).allowed).toBe(false);
    for (let i = 0; i < 20; i++) th.recordFailure({ account: `spray${i}` });
    expect(th.check({ account: 'first' }).allowed).toBe(true);
    expect(th.check({ account: 'spray19' }).allowed).toBe(false);
  });
});
