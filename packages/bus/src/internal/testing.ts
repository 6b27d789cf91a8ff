/**
 * @module
 * The behaviour every `Bus` owes its callers, as a Vitest suite run against each implementation
 * (in-process and JetStream). Test-only, not exported from the package.
 */
import { expect, it } from 'vitest';
import type { Bus } from '../bus.js';

/**
 * Resolves once `cond()` holds. The bound only turns a hang into a readable failure; nothing
 * asserts how fast delivery is.
 */
export async function until(cond: () => boolean, what = 'condition', boundMs = 30_000): Promise<void> {
  const giveUp = Date.now() + boundMs;
  while (!cond()) {
    if (Date.now() > giveUp) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Registers the contract tests; `make` returns a fresh bus for each test. */
export function busContract(make: () => Promise<Bus>): void {
  it('delivers by NATS-style wildcard, only to matching patterns', async () => {
    const bus = await make();
    const star: string[] = [];
    const rest: string[] = [];
    const exact: string[] = [];
    bus.subscribe('events.*.syslog.0', (_m, s) => void star.push(s));
    bus.subscribe('events.acme.>', (_m, s) => void rest.push(s));
    bus.subscribe('events.other.syslog.0', (_m, s) => void exact.push(s));
    await bus.publish('events.acme.syslog.0', { n: 1 });
    await bus.publish('events.beta.syslog.0', { n: 2 });
    await bus.publish('events.acme.zeek.1', { n: 3 });
    await until(() => star.length === 2 && rest.length === 2);
    await bus.close();
    expect(star).toEqual(['events.acme.syslog.0', 'events.beta.syslog.0']);
    expect(rest).toEqual(['events.acme.syslog.0', 'events.acme.zeek.1']);
    expect(exact).toEqual([]);
  });

  it('keeps order per subscription and runs its handler one message at a time', async () => {
    const bus = await make();
    const got: number[] = [];
    let active = 0;
    let maxActive = 0;
    bus.subscribe('alerts.*', async (m) => {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setImmediate(r));
      got.push((m as { i: number }).i);
      active--;
    });
    for (let i = 0; i < 200; i++) await bus.publish('alerts.acme', { i });
    await until(() => got.length === 200);
    await bus.close();
    expect(got).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(maxActive).toBe(1);
  });

  it('carries JSON messages intact and keeps delivering after a failing handler', async () => {
    const bus = await make();
    const got: unknown[] = [];
    bus.subscribe('alerts.*', (m) => {
      if (m === 'boom') throw new Error('handler failure');
      got.push(m);
    });
    const msg = { id: 'a1', nested: { list: [1, 'two', null], ok: true }, ts: '2026-01-01T00:00:00.000Z' };
    await bus.publish('alerts.acme', msg);
    await bus.publish('alerts.acme', 'boom');
    await bus.publish('alerts.acme', 'after');
    await until(() => got.includes('after'));
    await bus.close();
    expect(got[0]).toEqual(msg);
    expect(got).toContain('after');
  });

  it('stops delivering to an unsubscribed handler', async () => {
    const bus = await make();
    const got: unknown[] = [];
    const kept: unknown[] = [];
    const sub = bus.subscribe('alerts.*', (m) => void got.push(m));
    bus.subscribe('alerts.*', (m) => void kept.push(m));
    await bus.publish('alerts.acme', 1);
    await until(() => got.length === 1 && kept.length === 1);
    sub.unsubscribe();
    await bus.publish('alerts.acme', 2);
    await until(() => kept.length === 2);
    await bus.close();
    expect(got).toEqual([1]);
  });
}
