import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { systemContext, type AppError } from '@intersoc/core';
import { WorkerPool } from './reader-pool.js';
import { UserGate } from './user-gate.js';

/** A real thread that echoes `n`, or never answers (a task ignoring its deadline) when asked to spin. */
const ECHO = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m.spin) for (;;) {}
  parentPort.postMessage({ id: m.id, n: m.n });
});`;

describe('reader pool', () => {
  let pool: WorkerPool | undefined;
  afterEach(async () => pool?.close());

  const make = (size: number, maxQueue = 8): WorkerPool => {
    let spawned = 0;
    pool = new WorkerPool({
      size,
      spawn: () => {
        spawned++;
        return new Worker(ECHO, { eval: true });
      },
      overrunMs: 500,
      maxQueue,
    });
    Object.defineProperty(pool, 'spawned', { get: () => spawned });
    return pool;
  };

  it('runs tasks on its threads and queues the rest', async () => {
    const p = make(2);
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, n) => p.run((id) => ({ id, n })) as Promise<{ n: number }>),
    );
    expect(replies.map((r) => r.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((p as unknown as { spawned: number }).spawned).toBe(2);
  });

  it('terminates a thread that overruns, fails its task with TIMEOUT and keeps serving', async () => {
    const p = make(1);
    const stuck = p.run((id) => ({ id, spin: true })).catch((e: AppError) => e);
    // Queued behind the stuck task on the only thread: it runs on the replacement.
    const after = p.run((id) => ({ id, n: 7 })) as Promise<{ n: number }>;
    const err = (await stuck) as AppError;
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toMatch(/narrow it/);
    expect((await after).n).toBe(7);
    expect(p.terminated).toBe(1);
    expect((p as unknown as { spawned: number }).spawned).toBe(2);
  });

  it('refuses tasks beyond its queue with BACKPRESSURE and fails waiting tasks on close', async () => {
    const p = make(1, 1);
    const running = p.run((id) => ({ id, spin: true })).catch((e: AppError) => e.code);
    const waiting = p.run((id) => ({ id, n: 1 })).catch((e: AppError) => e.code);
    await expect(p.run((id) => ({ id, n: 2 }))).rejects.toMatchObject({ code: 'BACKPRESSURE' });
    await p.close();
    expect(await running).toBe('BACKPRESSURE');
    expect(await waiting).toBe('BACKPRESSURE');
  });
});

describe('per-user search gate', () => {
  it('admits max searches per user, refuses the next with a retry time, and frees on release', () => {
    let now = 1_000_000;
    const gate = new UserGate(2, () => now);
    const alice = { ...systemContext('acme'), user: 'alice' };
    const a1 = gate.enter(alice, now + 5_000);
    gate.enter(alice, now + 9_000);
    let refused: AppError | undefined;
    try {
      gate.enter(alice, now + 5_000);
    } catch (err) {
      refused = err as AppError;
    }
    expect(refused?.code).toBe('RATE_LIMITED');
    expect(refused?.details?.['retryAfterSeconds']).toBe(5);
    // Other users, and the same name in another tenant, are not affected.
    gate.enter({ ...alice, user: 'bob' }, now + 1);
    gate.enter({ ...systemContext('beta'), user: 'alice' }, now + 1);
    a1();
    a1(); // releasing twice frees one slot only
    now += 1_000;
    expect(() => gate.enter(alice, now + 5_000)).not.toThrow();
    expect(() => gate.enter(alice, now + 5_000)).toThrow(/maxConcurrentPerUser/);
  });
});
