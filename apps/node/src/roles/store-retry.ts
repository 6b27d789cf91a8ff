/**
 * @module
 * Riding out a store outage in the detect role. A write that fails because the store cannot be
 * reached (connection refused, reset or closed, connect timeout, the server shutting down, a
 * busy SQLite lock) is retried with backoff while the worker keeps the batch in hand, so it is
 * never acknowledged, never re-detected and never sent to the dead letters for an outage. The
 * batches behind it stay in JetStream (bounded by `maxAckPending`), and ingest waits on the full
 * stream. Any other failure (a constraint, a bad batch) is thrown at once: that is the batch's
 * fault, and the bus's redelivery and dead letters handle it.
 */

/** Node and driver codes that mean "the store is not reachable now", not "this batch is bad". */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // porsager/postgres connection errors.
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  // SQLite: another process holds the write lock past busy_timeout.
  'SQLITE_BUSY',
  // PostgreSQL SQLSTATEs: admin/crash shutdown, cannot connect now, too many connections,
  // serialization failure and deadlock (retrying the transaction is the documented answer).
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '40001',
  '40P01',
]);

/** True when `err` (or an error in its `cause` chain) says the store is unreachable or busy. */
export function isStoreUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (TRANSIENT_CODES.has(code) || code.startsWith('08'))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** What a retry loop reports, for `/metrics` and the log. */
export interface StoreRetryHooks {
  /** A write failed with an outage error; `attempt` counts from 1. */
  readonly onUnavailable?: (err: unknown, attempt: number) => void;
  /** A write succeeded after at least one outage failure. */
  readonly onRecovered?: (attempts: number) => void;
  /** Stop retrying (the worker is closing): the last error is thrown and the bus redelivers. */
  readonly stopped?: () => boolean;
  /** First and longest wait between attempts, ms (250 and 5,000). */
  readonly firstDelayMs?: number;
  readonly maxDelayMs?: number;
}

/** Runs `write` until it succeeds or fails with an error that is not an outage. */
export async function withStoreRetry<T>(write: () => Promise<T>, hooks: StoreRetryHooks = {}): Promise<T> {
  let delay = hooks.firstDelayMs ?? 250;
  const maxDelay = hooks.maxDelayMs ?? 5_000;
  for (let attempt = 1; ; attempt++) {
    try {
      const r = await write();
      if (attempt > 1) hooks.onRecovered?.(attempt - 1);
      return r;
    } catch (err) {
      if (!isStoreUnavailable(err) || hooks.stopped?.() === true) throw err;
      hooks.onUnavailable?.(err, attempt);
      await new Promise((r) => setTimeout(r, delay));
      // The worker may have been asked to stop while it waited.
      if (hooks.stopped?.() === true) throw err;
      delay = Math.min(delay * 2, maxDelay);
    }
  }
}
