/**
 * @module
 * The detect role's watch on the shared store's indicators. Indicators posted through TAXII or
 * imported through any api instance land in PostgreSQL's `cti_objects`; the detect role's `ioc`
 * detectors are built from them once, so the role polls a cheap generation mark (count and
 * highest `seq` of the indicator rows, as `indicatorGeneration` does on the embedded node's
 * SQLite) and rebuilds its detectors when it moves. A put or a delete of an indicator moves
 * the mark (a new row raises `seq`, a delete lowers the count), and so does a change of a
 * peer's trust or an analyst's review, which decide what stays in quarantine; no tenant filter,
 * since one rebuild serves every tenant.
 */
import { FEDERATION_CHANGE_MARK } from '@intersoc/federation';
import { openPg, type PgSql } from '@intersoc/storage/postgres';

/** How often the role reads the mark by default, ms. */
export const INTEL_POLL_MS = 2000;

/**
 * The indicators' generation in the store: `<count>:<max seq>` of the indicator rows, then what
 * changes the federation tenant's trust and quarantine of them (peers, analyst reviews: the
 * expression of `federationChangeMark`, here on the async client so the role's event loop never
 * blocks on it).
 */
export async function pgIndicatorGeneration(sql: PgSql): Promise<string> {
  const [r] = await sql.unsafe<{ m: string }[]>(
    `SELECT (SELECT count(*) || ':' || coalesce(max(seq), 0) FROM cti_objects WHERE type = 'indicator') || '/' ||
            ${FEDERATION_CHANGE_MARK} AS m`,
  );
  return r?.m ?? '';
}

/** Options of `startIntelWatch`. */
export interface IntelWatchOptions {
  /** The shared store (`postgres://…`). */
  readonly url: string;
  /** Poll period, ms (default `INTEL_POLL_MS`). */
  readonly pollMs?: number;
  readonly log: (msg: string) => void;
}

/** A running watch. */
export interface IntelWatch {
  /** The last mark read; undefined until the store answered once. */
  generation(): string | undefined;
  /** Reads the mark now and runs the listeners when it moved; answers whether it moved. */
  check(): Promise<boolean>;
  /** Adds a listener run (in order, one check at a time) after the mark moved. */
  onChange(f: () => Promise<void>): void;
  close(): Promise<void>;
}

/**
 * Starts the watch: reads the mark at once (so detectors built after this call see at least that
 * generation), then every `pollMs`. A store outage keeps the last mark and is logged once; the
 * first read after a failed first read counts as a move, since nothing proves the detectors
 * built meanwhile saw it.
 */
export async function startIntelWatch(o: IntelWatchOptions): Promise<IntelWatch> {
  const sql = openPg(o.url, { max: 1 });
  const listeners: (() => Promise<void>)[] = [];
  let generation: string | undefined;
  let failing = false;
  let running: Promise<boolean> | undefined;
  const read = async (): Promise<string | undefined> => {
    try {
      const g = await pgIndicatorGeneration(sql);
      if (failing) o.log('intel: the store answers again');
      failing = false;
      return g;
    } catch (err) {
      if (!failing)
        o.log(`intel: cannot read the indicators' generation, keeping the detectors: ${(err as Error).message}`);
      failing = true;
      return undefined;
    }
  };
  const poll = async (): Promise<boolean> => {
    const g = await read();
    if (g === undefined || g === generation) return false;
    const from = generation;
    generation = g;
    o.log(`intel: indicators changed (${from ?? 'unknown'} → ${g}), rebuilding the ioc detectors`);
    for (const f of listeners) {
      try {
        await f();
      } catch (err) {
        o.log(`intel: applying indicators generation ${g} failed: ${(err as Error).message}`);
      }
    }
    return true;
  };
  const check = (): Promise<boolean> => (running ??= poll().finally(() => (running = undefined)));
  generation = await read();
  const timer = setInterval(() => void check(), o.pollMs ?? INTEL_POLL_MS);
  timer.unref();
  return {
    generation: () => generation,
    check,
    onChange: (f) => void listeners.push(f),
    close: async () => {
      clearInterval(timer);
      await running;
      await sql.end();
    },
  };
}
