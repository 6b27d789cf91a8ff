import { describe, expect, it } from 'vitest';
import { busContract } from './internal/testing.js';
import { BoundedQueue, InProcessBus, subjectMatches } from './index.js';

describe('BoundedQueue', () => {
  it('refuses tryPush when full and makes push wait for room', async () => {
    const q = new BoundedQueue<number>(2);
    expect(q.tryPush(1)).toBe(true);
    expect(q.tryPush(2)).toBe(true);
    expect(q.tryPush(3)).toBe(false);
    let pushed = false;
    const p = q.push(3).then(() => (pushed = true));
    await Promise.resolve();
    expect(pushed).toBe(false);
    expect(await q.shift()).toBe(1);
    await p;
    expect(pushed).toBe(true);
    expect([q.tryShift(), q.tryShift(), q.tryShift()]).toEqual([2, 3, undefined]);
  });
  it('weighs items and still admits one oversized item into an empty queue', () => {
    const q = new BoundedQueue<string>(10);
    expect(q.tryPush('big', 50)).toBe(true);
    expect(q.tryPush('small', 1)).toBe(false);
    q.tryShift();
    expect(q.load).toBe(0);
  });
  it('wakes takers on close and rejects later pushes', async () => {
    const q = new BoundedQueue<number>(1);
    const taker = q.shift();
    q.close();
    expect(await taker).toBeUndefined();
    await expect(q.push(1)).rejects.toThrow(/closed/);
  });
  it('keeps order through many items', async () => {
    const q = new BoundedQueue<number>(100);
    const got: number[] = [];
    const consumer = (async () => {
      for (let v = await q.shift(); v !== undefined; v = await q.shift()) got.push(v);
    })();
    for (let i = 0; i < 5000; i++) await q.push(i);
    q.close();
    await consumer;
    expect(got).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });
});

describe('InProcessBus', () => {
  it('matches NATS-style subjects', () => {
    expect(subjectMatches('alerts.*', 'alerts.acme')).toBe(true);
    expect(subjectMatches('alerts.*', 'alerts.acme.x')).toBe(false);
    expect(subjectMatches('events.>', 'events.acme.syslog.0')).toBe(true);
    expect(subjectMatches('events.>', 'events')).toBe(false);
  });
  it('delivers to matching subscribers in order and survives a failing handler', async () => {
    const bus = new InProcessBus(4);
    const got: string[] = [];
    bus.subscribe('alerts.*', (m) => {
      if (m === 'boom') throw new Error('x');
      got.push(String(m));
    });
    const other: unknown[] = [];
    bus.subscribe('events.>', (m) => void other.push(m));
    for (const m of ['a', 'boom', 'b', 'c', 'd', 'e', 'f']) await bus.publish('alerts.acme', m);
    await bus.close();
    expect(got).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(other).toEqual([]);
  });
});

describe('Bus contract: InProcessBus', () => {
  busContract(() => Promise.resolve(new InProcessBus(4)));
});
