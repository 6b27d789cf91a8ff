/**
 * @module
 * The term index's backfill on PostgreSQL, run by the `api` role (the one role that opens the
 * event store with a hydrator). Blocks written without terms (duplicates dropped, written before
 * migration step 23, or by a writer without the packer's terms) are scanned by every search until
 * their rows exist. Every few seconds one api instance at a time (a session advisory lock on the
 * identity bridge, let go after each round) derives the rows of up to `perRound` blocks.
 */
import type { PgEventStore, SyncPg } from '@intersoc/storage/postgres';

/** Key of the advisory lock that makes one instance the backfiller of a round. */
export const TERM_BACKFILL_LOCK = 0x1_50c_0017;

/** Options of `startTermBackfill`. */
export interface TermBackfillOptions {
  readonly everyMs?: number;
  /** Blocks per call of `indexPending`, and calls per round. */
  readonly perCall?: number;
  readonly callsPerRound?: number;
  readonly onError: (err: unknown) => void;
}

/** Starts the periodic backfill; returns the stop function and a way to run a round now. */
export function startTermBackfill(
  pg: SyncPg,
  events: Pick<PgEventStore, 'indexPending'>,
  o: TermBackfillOptions,
): { round(): Promise<number>; stop(): void } {
  let busy: Promise<number> | undefined;
  async function once(): Promise<number> {
    const [got] = pg.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [TERM_BACKFILL_LOCK]);
    if (!got?.ok) return 0;
    let done = 0;
    try {
      for (let i = 0; i < (o.callsPerRound ?? 16); i++) {
        const n = await events.indexPending(o.perCall ?? 64);
        done += n;
        if (n === 0) break;
      }
    } finally {
      pg.query('SELECT pg_advisory_unlock($1)', [TERM_BACKFILL_LOCK]);
    }
    return done;
  }
  const round = (): Promise<number> => (busy ??= once().finally(() => (busy = undefined)));
  const timer = setInterval(() => void round().catch(o.onError), o.everyMs ?? 5_000);
  timer.unref();
  return { round, stop: () => clearInterval(timer) };
}
