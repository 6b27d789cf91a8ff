/**
 * @module
 * The incident builder of the scale-out mode, run by the api role: reads the alerts the detect
 * and correlate roles committed to `ev_alerts`, feeds the incident builder, and writes its
 * changes with `PgIncidentStore.apply` and its new place (`incident_feed`, migration step 7) in
 * one transaction, as the embedded stage does with SQLite.
 *
 * Order: PostgreSQL has no commit order a reader can follow (a sequence is taken before commit,
 * so a lower number can become visible after a higher one). The feed reads alerts by
 * (`created`, id) and only those created at least `settleMs` ago, so a detect worker's batch,
 * committed within that time of detection, is never passed over. An alert committed later than
 * that (a store outage the worker rode out) is behind the mark and is not taken into an incident.
 *
 * Several api instances: each keeps a builder; the transaction re-reads the mark under a row
 * lock and writes only when it is where this builder started, so one instance's batch wins and
 * the other drops its batch, restores its windows from the store and reads on from the new mark.
 */
import { systemContext, type Alert, type SocEvent } from '@intersoc/core';
import {
  alertOfCompact,
  IncidentBuilder,
  type AssetLookup,
  type BuilderChanges,
  type IncidentStore,
} from '@intersoc/correlate';
import type { SyncPg } from '@intersoc/storage/postgres';
import { enrichAlert } from '../node/incidents/enrich.js';

/** Options of the feed. */
export interface IncidentFeedOptions {
  readonly pg: SyncPg;
  readonly incidents: IncidentStore;
  /** Alerts younger than this (by `created`) wait for the next round (default 5 s). */
  readonly settleMs?: number;
  /** Time between rounds (default 1 s). */
  readonly everyMs?: number;
  /** Link window of the builder (default 2 hours, as the embedded stage). */
  readonly windowMs?: number;
  readonly onError: (err: unknown) => void;
  readonly now?: () => number;
  /**
   * Reads an event of the store, for the enrichment the embedded stage does (`enrichAlert`: the
   * host of an alert that names none, remote targets of its command line). Without it alerts go
   * to the builder as stored.
   */
  readonly getEvent?: (tenant: string, id: string) => Promise<SocEvent | undefined>;
  /** The asset inventory of a tenant (criticality, aliases), as the embedded stage gives it. */
  readonly assets?: (tenant: string) => AssetLookup;
  /** Alerts to leave out (accepted false-positive suppressions). */
  readonly suppress?: (alert: Alert) => boolean;
}

const FEED = 'alerts';
const BATCH = 2_000;

interface Mark {
  created: number;
  id: string;
}

/** A running feed. */
export interface IncidentFeed {
  /** Reads and applies every settled alert past the mark; returns how many it took. */
  catchUp(): Promise<number>;
  close(): void;
}

/** Starts the feed: restores open windows, then catches up every `everyMs`. */
export function startIncidentFeed(o: IncidentFeedOptions): IncidentFeed {
  const now = o.now ?? Date.now;
  const windowMs = o.windowMs ?? 2 * 3_600_000;
  const settleMs = o.settleMs ?? 5_000;
  // The row exists before any builder writes, so the row lock below always has a row to lock.
  o.pg.run(`INSERT INTO incident_feed (name, created, alert_id) VALUES ($1, $2, '') ON CONFLICT (name) DO NOTHING`, [
    FEED,
    Number.MIN_SAFE_INTEGER,
  ]);
  let builder = restored();

  function restored(): IncidentBuilder {
    const b = new IncidentBuilder({
      windowMs,
      now,
      ...(o.assets ? { assets: o.assets } : {}),
      ...(o.suppress ? { suppress: o.suppress } : {}),
    });
    for (const { tenant, watermark } of o.pg.query<{ tenant: string; watermark: number }>(
      'SELECT tenant, watermark FROM incident_feed_tenants',
    )) {
      const ctx = systemContext(tenant);
      for (const inc of o.incidents.openSince(ctx, watermark - windowMs)) {
        const alerts = o.incidents.alerts(ctx, inc.id).map((a) => alertOfCompact(tenant, a));
        b.seed(tenant, inc.id, inc.created, alerts);
      }
    }
    return b;
  }

  function mark(lock: boolean): Mark {
    const [r] = o.pg.query<{ created: number; alert_id: string }>(
      `SELECT created, alert_id FROM incident_feed WHERE name = $1${lock ? ' FOR UPDATE' : ''}`,
      [FEED],
    );
    return r ? { created: r.created, id: r.alert_id } : { created: Number.MIN_SAFE_INTEGER, id: '' };
  }

  function persist(changes: BuilderChanges, from: Mark, to: Mark, watermarks: Map<string, number>): boolean {
    return o.pg.transaction(() => {
      const at = mark(true);
      if (at.created !== from.created || at.id !== from.id) return false;
      const tenants = new Set<string>([
        ...changes.incidents.map((i) => i.tenant),
        ...changes.members.map((m) => m.alert.tenant),
        ...changes.merged.map((m) => m.tenant),
      ]);
      for (const tenant of tenants) {
        o.incidents.apply(systemContext(tenant), {
          incidents: changes.incidents.filter((i) => i.tenant === tenant),
          members: changes.members.filter((m) => m.alert.tenant === tenant),
          merged: changes.merged.filter((m) => m.tenant === tenant),
          closed: [],
        });
      }
      o.pg.batch([
        {
          text: `INSERT INTO incident_feed (name, created, alert_id) VALUES ($1, $2, $3)
                 ON CONFLICT (name) DO UPDATE SET created = excluded.created, alert_id = excluded.alert_id`,
          params: [FEED, to.created, to.id],
        },
        ...[...watermarks].map(([tenant, w]) => ({
          text: `INSERT INTO incident_feed_tenants (tenant, watermark) VALUES ($1, $2)
                 ON CONFLICT (tenant) DO UPDATE SET watermark = greatest(incident_feed_tenants.watermark, excluded.watermark)`,
          params: [tenant, w],
        })),
      ]);
      return true;
    });
  }

  /** The first event of each alert that names no host, read ahead (the builder's calls are synchronous). */
  async function firstEvents(alerts: readonly Alert[]): Promise<Map<string, SocEvent>> {
    const out = new Map<string, SocEvent>();
    if (!o.getEvent) return out;
    for (const a of alerts) {
      const id = a.eventIds[0];
      if (id === undefined || a.entities.some((e) => e.type === 'host' && e.role !== 'target')) continue;
      const ev = await o.getEvent(a.tenant, id).catch(() => undefined);
      if (ev) out.set(id, ev);
    }
    return out;
  }

  async function catchUp(): Promise<number> {
    let total = 0;
    for (;;) {
      const from = mark(false);
      const rows = o.pg.query<{ created: number; id: string; doc: string }>(
        `SELECT created, id, doc FROM ev_alerts WHERE (created, id) > ($1, $2) AND created <= $3
         ORDER BY created, id LIMIT $4`,
        [from.created, from.id, now() - settleMs, BATCH],
      );
      const last = rows[rows.length - 1];
      if (!last) break;
      const watermarks = new Map<string, number>();
      const alerts: Alert[] = [];
      for (const r of rows) {
        try {
          alerts.push(JSON.parse(r.doc) as Alert);
        } catch (err) {
          o.onError(err);
        }
      }
      const events = await firstEvents(alerts);
      for (const alert of alerts) {
        builder.add(enrichAlert(alert, (id) => events.get(id)));
        watermarks.set(alert.tenant, Math.max(watermarks.get(alert.tenant) ?? 0, alert.time));
      }
      if (!persist(builder.drain(), from, { created: last.created, id: last.id }, watermarks)) {
        // Another instance took these alerts: its incidents are the truth; start again from them.
        builder = restored();
        continue;
      }
      total += rows.length;
      if (rows.length < BATCH) break;
    }
    return total;
  }

  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    catchUp()
      .catch((err: unknown) => o.onError(err))
      .finally(() => {
        busy = false;
      });
  }, o.everyMs ?? 1_000);
  timer.unref();
  return { catchUp, close: () => clearInterval(timer) };
}
