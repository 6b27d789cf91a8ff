import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.js';
import type { ThrottleKeys } from './login-throttle.js';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

/** One attempt that fails, as a login with a wrong password does. */
function failOnce(th: LoginThrottle, keys: ThrottleKeys): boolean {
  const r = th.reserve(keys);
  if (r.allowed) r.ticket.fail();
  return r.allowed;
}

describe('LoginThrottle', () => {
  it('allows the free failures, then locks with doubling delays', () => {
    const c = clock();
    const th = new LoginThrottle({ now: c.now });
    const keys = { account: 'acme/alice', ip: '10.0.0.1' };
    for (let i = 0; i < 5; i++) expect(failOnce(th, keys)).toBe(true);
    expect(th.reserve(keys)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    c.advance(1000);
    expect(failOnce(th, keys)).toBe(true); // 6th: 2 s
    expect(th.check(keys)).toEqual({ allowed: false, retryAfterSeconds: 2 });
    c.advance(2000);
    expect(failOnce(th, keys)).toBe(true); // 7th: 4 s
    expect(th.check(keys)).toEqual({ allowed: false, retryAfterSeconds: 4 });
  });

  it('counts checks while they run: parallel attempts get only the free places', () => {
    const th = new LoginThrottle({ now: clock().now });
    const keys = { account: 'acme/alice', ip: '10.0.0.1' };
    const tickets = [];
    let refused = 0;
    for (let i = 0; i < 60; i++) {
      const r = th.reserve(keys);
      if (r.allowed) tickets.push(r.ticket);
      else refused++;
    }
    expect(tickets).toHaveLength(5);
    expect(refused).toBe(55);
    for (const t of tickets) t.fail();
    expect(th.running).toBe(0);
    expect(th.check(keys).allowed).toBe(false);
  });

  it('lets a right password from another address through while the guesser is locked', () => {
    const th = new LoginThrottle({ now: clock().now });
    for (let i = 0; i < 10; i++) failOnce(th, { account: 'acme/alice', ip: '10.6.6.6' });
    expect(th.check({ account: 'acme/alice', ip: '10.6.6.6' }).allowed).toBe(false);
    const r = th.reserve({ account: 'acme/alice', ip: '10.1.1.1' });
    expect(r.allowed).toBe(true);
  });

  it('under a distributed attack, an address that failed on the account waits, a fresh one does not', () => {
    const c = clock();
    const th = new LoginThrottle({ now: c.now, accountUnderAttack: 20 });
    for (let i = 0; i < 20; i++) failOnce(th, { account: 'acme/alice', ip: `198.51.100.${i}` });
    // Each address used one guess of its five; the account has now seen 20 failures.
    expect(failOnce(th, { account: 'acme/alice', ip: '198.51.100.1' })).toBe(true);
    expect(th.reserve({ account: 'acme/alice', ip: '198.51.100.1' }).allowed).toBe(false);
    expect(th.reserve({ account: 'acme/alice', ip: '203.0.113.5' }).allowed).toBe(true);
    // Other accounts are untouched.
    expect(failOnce(th, { account: 'acme/bob', ip: '198.51.100.1' })).toBe(true);
    expect(failOnce(th, { account: 'acme/bob', ip: '198.51.100.1' })).toBe(true);
  });

  it('caps the checks running on the node, without locking anyone', () => {
    const th = new LoginThrottle({ now: clock().now, maxConcurrent: 3 });
    const held = [0, 1, 2].map((i) => th.reserve({ account: `acme/u${i}`, ip: `10.0.0.${i}` }));
    expect(held.every((r) => r.allowed)).toBe(true);
    expect(th.reserve({ account: 'acme/other', ip: '10.9.9.9' })).toEqual({ allowed: false, retryAfterSeconds: 1 });
    for (const r of held) if (r.allowed) r.ticket.succeed();
    expect(th.reserve({ account: 'acme/other', ip: '10.9.9.9' }).allowed).toBe(true);
  });

  it('caps the delay and forgets an idle key', () => {
    const c = clock();
    const th = new LoginThrottle({ now: c.now, account: { maxDelayMs: 10_000, forgetAfterMs: 60_000 } });
    const keys = { account: 'acme/alice' };
    for (let i = 0; i < 30; i++) {
      failOnce(th, keys);
      c.advance(10_000);
    }
    failOnce(th, keys);
    expect(th.check(keys)).toEqual({ allowed: false, retryAfterSeconds: 10 });
    c.advance(61_000);
    expect(th.check(keys).allowed).toBe(true);
    expect(failOnce(th, keys)).toBe(true);
    expect(th.check(keys).allowed).toBe(true);
  });

  it('resets the account on success but keeps counting the address', () => {
    const th = new LoginThrottle({ now: clock().now, ip: { freeFailures: 3 } });
    for (const user of ['a', 'b']) failOnce(th, { account: `acme/${user}`, ip: '10.0.0.9' });
    const ok = th.reserve({ account: 'acme/a', ip: '10.0.0.9' });
    if (ok.allowed) ok.ticket.succeed();
    failOnce(th, { account: 'acme/c', ip: '10.0.0.9' });
    expect(th.check({ account: 'acme/new', ip: '10.0.0.9' }).allowed).toBe(false);
    expect(th.check({ account: 'acme/new', ip: '10.0.0.10' }).allowed).toBe(true);
  });

  it('settles a ticket once, and frees the place without counting on release', () => {
    const th = new LoginThrottle({ now: clock().now, account: { freeFailures: 1 } });
    const keys = { account: 'acme/alice', ip: '10.0.0.1' };
    const r = th.reserve(keys);
    if (!r.allowed) throw new Error('refused');
    r.ticket.release();
    r.ticket.fail();
    expect(th.running).toBe(0);
    expect(th.check(keys).allowed).toBe(true);
  });

  it('bounds memory by evicting the oldest keys', () => {
    const th = new LoginThrottle({ now: clock().now, account: { freeFailures: 1 }, maxKeys: 10 });
    failOnce(th, { account: 'first' });
    expect(th.check({ account: 'first' }).allowed).toBe(false);
    for (let i = 0; i < 20; i++) failOnce(th, { account: `spray${i}` });
    expect(th.check({ account: 'first' }).allowed).toBe(true);
    expect(th.check({ account: 'spray19' }).allowed).toBe(false);
  });
});
