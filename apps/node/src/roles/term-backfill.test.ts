/**
 * The api role's term-index backfill on a real PostgreSQL server: one instance at a time (another
 * connection holding the lock makes a round do nothing), a round calls `indexPending` until it
 * reports nothing left or the round's cap, and lets go of the lock after each round. The blocks'
 * own backfill is tested in packages/storage (event-terms.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { createScratchDb, openSyncPg } from '@intersoc/storage/postgres';
import { startTermBackfill, TERM_BACKFILL_LOCK } from './term-backfill.js';

const probe = await createScratchDb('intersoc_term_backfill_probe');
if ('unavailable' in probe) console.warn(`term backfill tests skipped: ${probe.unavailable}`);
else await probe.drop();

describe.skipIf(!('url' in probe))('term index backfill', () => {
  it('runs in one instance at a time and stops when nothing is pending', async () => {
    const db = await createScratchDb('intersoc_term_backfill');
    if (!('url' in db)) throw new Error(db.unavailable);
    const a = openSyncPg(db.url);
    const b = openSyncPg(db.url);
    try {
      let pending = 150;
      const calls: number[] = [];
      const events = {
        indexPending: (max: number): Promise<number> => {
          const n = Math.min(max, pending);
          pending -= n;
          calls.push(n);
          return Promise.resolve(n);
        },
      };
      const errors: unknown[] = [];
      const backfill = startTermBackfill(a, events, {
        everyMs: 3_600_000,
        perCall: 64,
        onError: (e) => errors.push(e),
      });
      // Another instance is backfilling: this one leaves it alone.
      expect(b.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [TERM_BACKFILL_LOCK])[0]?.ok).toBe(true);
      expect(await backfill.round()).toBe(0);
      expect(calls).toEqual([]);
      b.query('SELECT pg_advisory_unlock($1)', [TERM_BACKFILL_LOCK]);
      // Its turn: blocks until none are left (64 + 64 + 22, then 0).
      expect(await backfill.round()).toBe(150);
      expect(calls).toEqual([64, 64, 22, 0]);
      // The lock was let go: the other instance can take it.
      expect(b.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [TERM_BACKFILL_LOCK])[0]?.ok).toBe(true);
      backfill.stop();
      expect(errors).toEqual([]);
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });
});
