/**
 * Correlate partitions' state on a real PostgreSQL server, in a database of its own: claims,
 * store-generated epochs, one-transaction commits, fencing of a stale epoch, the partition count check. Skips, and says
 * so, only when PostgreSQL is unreachable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '@intersoc/core';
import { migratePg, PgCorrelationState } from '../index.js';
import { createScratchDb, type ScratchDb } from '../scratch.js';

const db = await createScratchDb();
if ('unavailable' in db) console.warn(`correlate state tests skipped: ${db.unavailable}`);
const live = 'url' in db ? (db as ScratchDb) : undefined;

function alert(id: string): Alert {
  return {
    id,
    tenant: 'acme',
    time: 1_700_000_000_000,
    created: 1_700_000_000_001,
    severity: 'high',
    detector: { kind: 'sigma', ruleId: 'r1', ruleTitle: 'R1' },
    tactics: [],
    techniques: [],
    entities: [],
    eventIds: ['e1'],
    summary: 's',
  } as unknown as Alert;
}

const G = { scope: 'acme', correlation: 'c1', group: '["10.0.0.1"]', state: '{"entries":[]}', expires: 5 };

describe.skipIf(live === undefined)('PgCorrelationState', () => {
  const url = live?.url ?? '';
  beforeAll(async () => {
    await migratePg(url);
  });
  afterAll(async () => {
    await live?.drop();
  });

  it('commits windows, alerts and the sequence together; a higher epoch fences the old owner', async () => {
    const a = await PgCorrelationState.open(url, 8);
    const b = await PgCorrelationState.open(url, 8);
    const ca = await a.claim(3, 'a');
    expect(ca).toEqual({ epoch: 1, lastSeq: 0, groups: [] });
    expect(
      await a.commit({ partition: 3, epoch: 1, seq: 41, upserts: [G], deletes: [], alerts: [alert('x1')] }),
    ).toEqual({
      ok: true,
      alerts: 1,
    });
    // The new owner sees exactly what the old one committed, under a higher epoch.
    expect(await b.claim(3, 'b')).toEqual({ epoch: 2, lastSeq: 41, groups: [G] });
    // The old owner, paused past its lease, can no longer write, nor reload.
    expect(
      await a.commit({ partition: 3, epoch: 1, seq: 42, upserts: [], deletes: [G], alerts: [alert('x2')] }),
    ).toEqual({ ok: false, reason: 'fenced' });
    expect(await a.load(3, 1)).toBeUndefined();
    expect(
      await b.commit({ partition: 3, epoch: 2, seq: 42, upserts: [], deletes: [G], alerts: [alert('x1')] }),
    ).toEqual({
      ok: true,
      alerts: 0,
    });
    expect(await b.load(3, 2)).toEqual({ lastSeq: 42, groups: [] });
    expect((await b.owners()).map((o) => [o.partition, o.holder, o.epoch, o.lastSeq])).toEqual([[3, 'b', 2, 42]]);
    await a.close();
    await b.close();
  });

  it('refuses a role with another partition count', async () => {
    await expect(PgCorrelationState.open(url, 16)).rejects.toThrow(/8 partitions/);
  });
});
