/**
 * @module
 * The node's incident stage: reads committed alerts in commit order (the `alerts` table's row
 * order in `events.db`), enriches them, feeds the incident builder and writes its changes to the
 * incident store in `intersoc.db`. A bus message on `alerts.<tenant>` only wakes it; reading from
 * the store makes it exactly-once across restarts, and lets `intersoc incidents` catch up on
 * alerts that `intersoc demo` or `ingest` committed while no node was running. Open windows are
 * restored from the store on start.
 */
import { systemContext, type Alert, type AuthContext, type SocEvent } from '@intersoc/core';
import type { Bus, Subscription } from '@intersoc/bus';
import {
  alertOfCompact,
  IncidentBuilder,
  SqliteAssetStore,
  SqliteIncidentStore,
  summarizeIncident,
  type AssetStore,
  type BuilderChanges,
  type Incident,
  type IncidentClassifier,
} from '@intersoc/correlate';
import { AppError, stableId } from '@intersoc/core';
import { migrate, type SqliteDb, type SqliteEventReader } from '@intersoc/storage';
import { enrichAlert } from './enrich.js';

const STEPS = [
  `CREATE TABLE incident_stage (name TEXT PRIMARY KEY, last_row INTEGER NOT NULL) WITHOUT ROWID;
   CREATE TABLE incident_stage_tenants (tenant TEXT PRIMARY KEY, watermark INTEGER NOT NULL) WITHOUT ROWID;`,
];

/** Options of the stage. */
export interface IncidentStageOptions {
  /** The node's main database (`intersoc.db`). */
  readonly db: SqliteDb;
  /** The event store (alerts and the events they name). */
  readonly reader: SqliteEventReader;
  /** Link window of the builder, ms (default 2 hours). */
  readonly windowMs?: number;
  readonly classifier?: IncidentClassifier;
  /** Alerts to leave out (accepted false-positive suppressions). */
  readonly suppress?: (alert: Alert) => boolean;
  /** Called after each batch with what changed (cases, metrics, cross-SOC hooks listen here). */
  readonly onChanges?: (changes: BuilderChanges) => void;
  readonly onError?: (err: unknown) => void;
  readonly now?: () => number;
}

const BATCH = 2_000;

/** The incident stage of a node. */
export class IncidentStage {
  readonly incidents: SqliteIncidentStore;
  readonly assets: AssetStore;
  private readonly builder: IncidentBuilder;
  private readonly windowMs: number;
  private readonly now: () => number;
  private sub: Subscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly o: IncidentStageOptions) {
    migrate(o.db, 'incident-stage', STEPS);
    this.incidents = new SqliteIncidentStore(o.db);
    this.assets = new SqliteAssetStore(o.db);
    this.windowMs = o.windowMs ?? 2 * 3_600_000;
    this.now = o.now ?? Date.now;
    this.builder = new IncidentBuilder({
      windowMs: this.windowMs,
      assets: (tenant) => this.assets.lookup(systemContext(tenant)),
      ...(o.classifier ? { classifier: o.classifier } : {}),
      ...(o.suppress ? { suppress: o.suppress } : {}),
      now: this.now,
    });
    this.restore();
  }

  /** Re-opens the windows that were open when the stage last ran. */
  private restore(): void {
    const rows = this.o.db.prepare('SELECT tenant, watermark FROM incident_stage_tenants').all() as {
      tenant: string;
      watermark: number;
    }[];
    for (const { tenant, watermark } of rows) {
      const ctx = systemContext(tenant);
      for (const inc of this.incidents.openSince(ctx, watermark - this.windowMs)) {
        const alerts = this.incidents.alerts(ctx, inc.id).map((a) => alertOfCompact(tenant, a));
        this.builder.seed(tenant, inc.id, inc.created, alerts);
      }
    }
  }

  private lastRow(): number {
    const r = this.o.db.prepare("SELECT last_row FROM incident_stage WHERE name = 'alerts'").get() as
      { last_row: number } | undefined;
    return r?.last_row ?? 0;
  }

  /** Processes every alert committed since the last call; returns how many were read. */
  catchUp(): number {
    let total = 0;
    const read = this.o.reader.db.prepare(
      'SELECT rowid AS row, tenant, doc FROM alerts WHERE rowid > ? ORDER BY rowid LIMIT ?',
    );
    for (;;) {
      const from = this.lastRow();
      const rows = read.all(from, BATCH) as { row: number; tenant: string; doc: string }[];
      if (rows.length === 0) break;
      const watermarks = new Map<string, number>();
      for (const r of rows) {
        let alert: Alert;
        try {
          alert = JSON.parse(r.doc) as Alert;
        } catch (err) {
          this.o.onError?.(err);
          continue;
        }
        const ctx = systemContext(r.tenant);
        const enriched = enrichAlert(alert, (id) => this.fetch(ctx, id));
        this.builder.add(enriched);
        watermarks.set(r.tenant, Math.max(watermarks.get(r.tenant) ?? 0, alert.time));
      }
      const last = rows[rows.length - 1]?.row ?? 0;
      if (!this.persist(this.builder.drain(), from, last, watermarks)) {
        // Another process (a CLI beside the server) took these alerts first: stop, its state wins.
        break;
      }
      total += rows.length;
      if (rows.length < BATCH) break;
    }
    return total;
  }

  private fetch(ctx: AuthContext, id: string): SocEvent | undefined {
    try {
      return this.o.reader.getEvent(ctx, id);
    } catch {
      return undefined;
    }
  }

  /** Writes a batch's changes and advances the mark, unless the mark moved meanwhile (false then). */
  private persist(
    changes: BuilderChanges,
    fromRow: number,
    lastRow: number,
    watermarks: ReadonlyMap<string, number>,
  ): boolean {
    const tenants = new Set<string>([
      ...changes.incidents.map((i) => i.tenant),
      ...changes.members.map((m) => m.alert.tenant),
      ...changes.merged.map((m) => m.tenant),
    ]);
    const db = this.o.db;
    const done = db
      .transaction(() => {
        if (this.lastRow() !== fromRow) return false;
        for (const tenant of tenants) {
          this.incidents.apply(systemContext(tenant), {
            incidents: changes.incidents.filter((i) => i.tenant === tenant),
            members: changes.members.filter((m) => m.alert.tenant === tenant),
            merged: changes.merged.filter((m) => m.tenant === tenant),
            closed: [],
          });
        }
        db.prepare(
          "INSERT INTO incident_stage (name, last_row) VALUES ('alerts', ?) ON CONFLICT (name) DO UPDATE SET last_row = excluded.last_row",
        ).run(lastRow);
        const wm = db.prepare(
          'INSERT INTO incident_stage_tenants (tenant, watermark) VALUES (?, ?) ON CONFLICT (tenant) DO UPDATE SET watermark = MAX(watermark, excluded.watermark)',
        );
        for (const [t, w] of watermarks) wm.run(t, w);
        return true;
      })
      .immediate();
    if (done) this.o.onChanges?.(changes);
    return done;
  }

  /** Wakes on every committed alert of any tenant (`alerts.*`), catching up shortly after. */
  attach(bus: Bus, delayMs = 250): void {
    this.sub = bus.subscribe('alerts.*', () => this.schedule(delayMs));
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.closed || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.running) {
        this.schedule(delayMs);
        return;
      }
      this.running = Promise.resolve()
        .then(() => {
          this.catchUp();
        })
        .catch((err: unknown) => this.o.onError?.(err))
        .finally(() => {
          this.running = undefined;
        });
    }, delayMs);
    this.timer.unref();
  }

  /** Waits for a running catch-up, then runs one more (tests, shutdown). */
  async settle(): Promise<void> {
    await this.running;
    this.catchUp();
  }

  /**
   * Splits alerts off an incident into a new one; both are summarised again from their alerts
   * and the builder continues with both.
   */
  split(ctx: AuthContext, id: string, alertIds: readonly string[]): { kept: Incident; split: Incident } {
    const original = this.incidents.get(ctx, id);
    if (!original) throw new AppError('NOT_FOUND', `no incident ${id}`);
    if (original.status === 'merged')
      throw new AppError('CONFLICT', `incident ${id} was merged into ${original.mergedInto ?? '?'}`);
    const all = this.incidents.alerts(ctx, id);
    const moving = new Set(alertIds);
    const out = all.filter((a) => moving.has(a.id));
    const stay = all.filter((a) => !moving.has(a.id));
    if (out.length === 0) throw new AppError('VALIDATION', 'none of these alerts is in the incident');
    if (stay.length === 0) throw new AppError('VALIDATION', 'a split must leave at least one alert behind');
    const newId = stableId(ctx.tenant, 'split', id, ...out.map((a) => a.id).sort());
    const now = this.now();
    const assets = this.assets.lookup(ctx);
    const toAlerts = (list: typeof all): Alert[] => list.map((a) => alertOfCompact(ctx.tenant, a));
    const base = { tenant: ctx.tenant, now, assets, ...(this.o.classifier ? { classifier: this.o.classifier } : {}) };
    const kept = {
      ...summarizeIncident({ ...base, id, created: original.created }, toAlerts(stay)),
      status: original.status,
      ...(original.caseId === undefined ? {} : { caseId: original.caseId }),
    };
    const split = {
      ...summarizeIncident({ ...base, id: newId, created: now }, toAlerts(out)),
      status: 'open' as const,
    };
    this.o.db.transaction(() => {
      this.incidents.put(ctx, kept);
      this.incidents.put(ctx, split);
      this.incidents.moveAlerts(
        ctx,
        id,
        newId,
        out.map((a) => a.id),
      );
    })();
    // The builder goes on with both halves, so new alerts follow the analyst's cut.
    this.builder.seed(ctx.tenant, id, original.created, toAlerts(stay));
    this.builder.seed(ctx.tenant, newId, now, toAlerts(out));
    return { kept, split };
  }

  /** Counters of the builder. */
  stats(): ReturnType<IncidentBuilder['stats']> {
    return this.builder.stats();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.sub?.unsubscribe();
  }
}
