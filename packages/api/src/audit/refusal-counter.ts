/**
 * @module
 * Audit entries for refusals that cost the caller nothing (no credentials, bad ones, a throttled
 * login), counted per address instead of written one by one. A flood of 2,000 anonymous POSTs in
 * ten seconds used to append 2,000 rows and lengthen every tenant admin's chain; now the first
 * refusal of a series is written at once (so there is always a prompt trace) and the rest of its
 * window becomes one entry with a `count`.
 */
import type { AuditInput, AuditStore, JsonValue } from '@intersoc/storage';

/** Options of the counter. */
export interface RefusalCounterOptions {
  /** Length of a counting window, ms (default 60 s). */
  readonly windowMs?: number;
  /** Series counted at once; beyond, refusals are counted per tenant and action only. */
  readonly maxSeries?: number;
  readonly now?: () => number;
  /** Called when an entry cannot be written. */
  readonly onError?: (err: unknown) => void;
}

interface Series {
  readonly first: AuditInput;
  readonly start: number;
  last: number;
  count: number;
}

/** Counts refusals per (tenant, action, address, route, status) and window. */
export class RefusalCounter {
  readonly #audit: AuditStore;
  readonly #windowMs: number;
  readonly #max: number;
  readonly #now: () => number;
  readonly #onError: (err: unknown) => void;
  readonly #series = new Map<string, Series>();
  readonly #timer: NodeJS.Timeout;

  constructor(audit: AuditStore, o: RefusalCounterOptions = {}) {
    this.#audit = audit;
    this.#windowMs = o.windowMs ?? 60_000;
    this.#max = o.maxSeries ?? 10_000;
    this.#now = o.now ?? Date.now;
    this.#onError = o.onError ?? (() => undefined);
    this.#timer = setInterval(() => void this.flush(false), this.#windowMs);
    this.#timer.unref();
  }

  /**
   * Records one refusal: the first of its series is appended now; later ones within the window
   * are only counted, and written by `flush`.
   */
  async note(entry: AuditInput): Promise<void> {
    const d = entry.details ?? {};
    let key = [entry.tenant, entry.action, d['ip'], d['method'], d['route'], entry.status].map(String).join('\u0000');
    let s = this.#series.get(key);
    if (!s && this.#series.size >= this.#max) {
      // Under a spray of addresses, one series per tenant and action keeps memory bounded.
      key = `${entry.tenant}\u0000${entry.action}\u0000*`;
      s = this.#series.get(key);
    }
    const now = this.#now();
    if (s) {
      s.count += 1;
      s.last = now;
      return;
    }
    this.#series.set(key, { first: entry, start: now, last: now, count: 0 });
    await this.#audit.append(entry);
  }

  /** Writes the counts of finished windows (all of them when `all`, e.g. on shutdown). */
  async flush(all = true): Promise<void> {
    const now = this.#now();
    for (const [key, s] of [...this.#series]) {
      if (!all && now - s.start < this.#windowMs) continue;
      this.#series.delete(key);
      if (s.count === 0) continue;
      const details: Record<string, JsonValue> = {
        ...s.first.details,
        count: s.count,
        from: s.start,
        to: s.last,
        note: 'further refusals of this series, counted instead of logged one by one',
      };
      if (key.endsWith('\u0000*')) details['ip'] = '*';
      const { requestId: _requestId, ...first } = s.first;
      try {
        await this.#audit.append({ ...first, time: s.last, details });
      } catch (err) {
        this.#onError(err);
      }
    }
  }

  /** Stops the window timer and writes every pending count. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush(true);
  }
}
