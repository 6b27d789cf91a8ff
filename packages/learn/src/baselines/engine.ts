/**
 * @module
 * The baseline stage: one instance (the node runs it on its writer thread, beside the Sigma
 * correlation stage) receives every parse thread's observations, keeps each tenant's baselines in
 * SQLite and returns alerts for departures. Learning and judging use event time, so a replayed
 * file is judged as it happened. Novelty: an item never seen for an entity (or not within
 * `expireDays`) alerts once the entity has warmed up (`warmupDays` of history and
 * `warmupObservations` observations of that kind); before that it is learned silently. Rates: an
 * hour's count per host or user outside its seasonal band (see `rate.ts`) alerts, once per hour.
 * Silence: a host or source (`web-01/auditd`) that stays quiet through hours at which it steadily
 * reported alerts once per silent stretch (see `closeHour`). A tenant whose events arrive live
 * also has its clock moved by the wall clock (`idle`), so a tenant that stops sending altogether
 * is noticed too.
 */
import type { AlertDraft } from '@intersoc/core';
import type { SqliteDb } from '@intersoc/storage';
import { noveltyAlert, rateAlert } from './explain.js';
import { activityOf, bandOf, fold, newProfile, profileBytes, profileFrom } from './rate.js';
import { silenceAlert, sourceParts } from './silence.js';
import { BaselineStatements, openBaselineDb, type ClockRow, type EntityRow } from './store.js';
import {
  BASELINE_DEFAULTS,
  DAY_MS,
  HOUR_MS,
  type BaselineObservation,
  type BaselineSettings,
  type NoveltyObservation,
  type RateKind,
  type RateObservation,
} from './types.js';

/** An alert with its tenant. */
export interface BaselineHit {
  readonly tenant: string;
  readonly alert: AlertDraft;
}

/** Rows and bytes the baselines hold. */
export interface BaselineSize {
  readonly entities: number;
  readonly items: number;
  readonly rates: number;
  readonly bytes: number;
}

/** Event ids kept per open rate bucket. */
const RATE_IDS = 3;
/** Zero hours folded at most when an entity was silent for long (a week covers every slot). */
const MAX_FILL = 168;
/** How far past the wall clock an event time may move a tenant's clock (a bogus future stamp must not). */
const CLOCK_SKEW_MS = DAY_MS;
/**
 * A tenant is live when its latest event time was within this of the wall clock when it arrived;
 * only then does an idle sweep move its clock (a replayed year-old file must not make every host
 * of its tenant look silent since).
 */
const LIVE_MS = 2 * HOUR_MS;

interface RateState {
  first_hour: number;
  hour: number;
  count: number;
  alerted: number;
  ids: string[];
  profile: Float32Array;
  /** Natural log of the chance of the current silent stretch (0 when the last hour had events). */
  silence: number;
  silence_alerted: number;
  /** Last closed hour with events; -1 when not known yet. */
  active_hour: number;
  /** Steady hours in the current silent stretch (the evidence). */
  silence_hours: number;
  /** First event ids of the last hour with events. */
  active_ids: string[];
}

/** Keeps per-tenant baselines and raises alerts on departures. */
export class BaselineEngine {
  readonly settings: BaselineSettings;
  private readonly db: SqliteDb;
  private readonly st: BaselineStatements;
  private readonly owned: boolean;
  /** Entities per tenant, table and kind, counted lazily (the caps). */
  private readonly counts = new Map<string, number>();

  /** Opens (or creates) the state in a file or an open handle. */
  constructor(fileOrDb: string | SqliteDb, settings: Partial<BaselineSettings> = {}) {
    this.settings = { ...BASELINE_DEFAULTS, ...settings };
    this.owned = typeof fileOrDb === 'string';
    this.db = openBaselineDb(fileOrDb);
    this.st = new BaselineStatements(this.db);
  }

  /** The database handle (the privacy erasure runs on it in the owning thread). */
  get database(): SqliteDb {
    return this.db;
  }

  /** Forgets cached counts, after rows were deleted behind the engine's back (an erasure). */
  invalidate(): void {
    this.counts.clear();
  }

  /**
   * Feeds observations (any tenant mix, any order); returns the alerts they raise. `now` is the
   * wall clock (epoch ms), which bounds how far a bogus future stamp can move a tenant's clock.
   */
  push(observations: readonly BaselineObservation[], now: number = Date.now()): BaselineHit[] {
    if (observations.length === 0) return [];
    const out: BaselineHit[] = [];
    const novelty: NoveltyObservation[] = [];
    const rates: RateObservation[] = [];
    for (const o of observations) {
      if (o.type === 'novelty') novelty.push(o);
      else rates.push(o);
    }
    // Threads' batches interleave: learn in event time order, so "first seen" is the earliest.
    novelty.sort((a, b) => a.time - b.time);
    rates.sort((a, b) => a.hour - b.hour);
    const latest = new Map<string, number>();
    const bump = (tenant: string, t: number): void => {
      if (t > (latest.get(tenant) ?? -Infinity)) latest.set(tenant, t);
    };
    for (const o of novelty) bump(o.tenant, o.time);
    for (const r of rates) bump(r.tenant, (r.hour + 1) * HOUR_MS - 1);
    this.db.transaction(() => {
      this.novelties(novelty, out);
      for (const r of rates) this.rate(r, out);
      for (const [tenant, t] of latest) this.tick(tenant, Math.min(t, now + CLOCK_SKEW_MS), now, out);
    })();
    return out;
  }

  /**
   * Moves the clock of every live tenant by the wall time that passed since its last event, and
   * closes the hours that passed: how silence is found when a tenant's sources all stop. The node
   * calls it every few minutes; tests pass `now`.
   */
  idle(now: number = Date.now()): BaselineHit[] {
    const out: BaselineHit[] = [];
    this.db.transaction(() => {
      for (const c of this.st.clocks.all() as (ClockRow & { tenant: string })[]) {
        if (c.wall - c.time > LIVE_MS || c.time - c.wall > CLOCK_SKEW_MS || now <= c.wall) continue;
        const before = c.swept_hour;
        this.sweep(c.tenant, c, Math.floor((c.time + (now - c.wall)) / HOUR_MS), out);
        if (c.swept_hour !== before) this.st.putClock.run(c.tenant, c.time, c.swept_hour, c.pruned, c.wall);
      }
    })();
    return out;
  }

  private warmed(e: EntityRow, time: number): boolean {
    const s = this.settings;
    return e.observations >= s.warmupObservations && time - e.first_seen >= s.warmupDays * DAY_MS;
  }

  /**
   * One observation at a time, in time order, so an entity's warm-up count at a new item does not
   * depend on how observations were batched; rows are read once per push and written at its end.
   */
  private novelties(novelty: readonly NoveltyObservation[], out: BaselineHit[]): void {
    const st = this.st;
    const entities = new Map<string, { o: NoveltyObservation; row: EntityRow }>();
    const items = new Map<string, { o: NoveltyObservation; first: number; last: number; n: number }>();
    for (const o of novelty) {
      const { tenant, kind, entity, item } = o;
      const ek = `${tenant}\u0000${kind}\u0000${entity}`;
      let e = entities.get(ek)?.row ?? (st.entity.get(tenant, kind, entity) as EntityRow | undefined);
      const ik = `${ek}\u0000${item}`;
      const seen = items.get(ik);
      if (seen) {
        seen.first = Math.min(seen.first, o.time);
        seen.last = Math.max(seen.last, o.time);
        seen.n++;
        e ??= { first_seen: o.time, last_seen: o.time, observations: 0, items: 1 };
      } else if (st.item.get(tenant, kind, entity, item) !== undefined) {
        items.set(ik, { o, first: o.time, last: o.time, n: 1 });
        // An item without its entity row (an erasure removed one but not the other): start the entity again.
        e ??= { first_seen: o.time, last_seen: o.time, observations: 0, items: 1 };
      } else {
        if (e && this.warmed(e, o.time))
          out.push({
            tenant,
            alert: noveltyAlert(o, {
              firstSeen: e.first_seen,
              lastSeen: e.last_seen,
              observations: e.observations,
              distinct: e.items,
            }),
          });
        if (!e) {
          const evicted = this.makeRoom(tenant, 'e', kind);
          if (evicted !== undefined) entities.delete(`${tenant}\u0000${kind}\u0000${evicted}`);
        }
        e ??= { first_seen: o.time, last_seen: o.time, observations: 0, items: 0 };
        st.insertItem.run(tenant, kind, entity, item, o.label, o.time, o.time, 0);
        items.set(ik, { o, first: o.time, last: o.time, n: 1 });
        e.items++;
        const over = e.items - this.settings.maxItemsPerEntity;
        if (over > 0) {
          // The least recently seen items go: a bounded baseline forgets its oldest habits first.
          for (const r of st.oldestItems.all(tenant, kind, entity, over) as { item: string }[])
            st.deleteItem.run(tenant, kind, entity, r.item);
          e.items -= over;
        }
      }
      e.first_seen = Math.min(e.first_seen, o.time);
      e.last_seen = Math.max(e.last_seen, o.time);
      e.observations++;
      entities.set(ek, { o, row: e });
    }
    for (const { o, first, last, n } of items.values())
      st.touchItem.run(first, last, n, o.tenant, o.kind, o.entity, o.item);
    for (const { o, row } of entities.values())
      st.putEntity.run(o.tenant, o.kind, o.entity, row.first_seen, row.last_seen, row.observations, row.items);
  }

  /** Before a new entity of `kind` is added: evicts the least recently seen one when at the cap. */
  private makeRoom(tenant: string, table: 'e' | 'r', kind: string): string | undefined {
    const key = `${tenant}\u0000${table}\u0000${kind}`;
    const st = this.st;
    let evicted: string | undefined;
    let n = this.counts.get(key);
    if (n === undefined) n = ((table === 'e' ? st.entityCount : st.rateCount).get(tenant, kind) as { n: number }).n;
    if (n >= this.settings.maxEntities) {
      if (table === 'e') {
        const old = st.oldestEntity.get(tenant, kind) as { entity: string } | undefined;
        if (old) {
          st.deleteEntityItems.run(tenant, kind, old.entity);
          st.deleteEntity.run(tenant, kind, old.entity);
          evicted = old.entity;
          n--;
        }
      } else {
        const old = st.oldestRate.get(tenant, kind) as { entity: string } | undefined;
        if (old) {
          st.deleteRate.run(tenant, kind, old.entity);
          evicted = old.entity;
          n--;
        }
      }
    }
    this.counts.set(key, n + 1);
    return evicted;
  }

  private loadRate(tenant: string, kind: string, entity: string): RateState | undefined {
    const r = this.st.rate.get(tenant, kind, entity) as
      | (Omit<RateState, 'ids' | 'profile' | 'active_ids'> & { ids: string; profile: Uint8Array; active_ids: string })
      | undefined;
    if (!r) return undefined;
    return {
      ...r,
      ids: JSON.parse(r.ids) as string[],
      active_ids: JSON.parse(r.active_ids) as string[],
      profile: profileFrom(r.profile),
    };
  }

  private saveRate(tenant: string, kind: string, entity: string, s: RateState): void {
    this.st.putRate.run(
      tenant,
      kind,
      entity,
      s.first_hour,
      s.hour,
      s.count,
      s.alerted,
      JSON.stringify(s.ids),
      profileBytes(s.profile),
      s.silence,
      s.silence_alerted,
      s.active_hour,
      s.silence_hours,
      JSON.stringify(s.active_ids),
    );
  }

  private bandFor(s: RateState, hour: number): ReturnType<typeof bandOf> {
    const o = this.settings;
    if ((hour - s.first_hour) * HOUR_MS < o.warmupDays * DAY_MS) return undefined;
    return bandOf(s.profile, hour, { sigma: o.rateSigma, minWeeks: o.rateMinWeeks, minDays: o.rateMinDays });
  }

  /** Closes the open hour (a low count alerts), folds it and the silent hours up to `to` into the profile. */
  private advance(tenant: string, kind: RateKind, entity: string, s: RateState, to: number, out: BaselineHit[]): void {
    if (to <= s.hour) return;
    // Sources are judged for silence only: their band would repeat their host's.
    const band = kind !== 'source' && s.count > 0 && s.alerted === 0 ? this.bandFor(s, s.hour) : undefined;
    if (band && s.count < band.lower && band.expected - s.count >= this.settings.rateMinDelta)
      out.push({ tenant, alert: rateAlert(kind, entity, s.hour, s.count, band, s.first_hour, s.ids, false) });
    const alive = kind === 'source' ? this.hostAlive(tenant, entity) : undefined;
    this.closeHour(tenant, kind, entity, s, s.hour, s.count, alive, out);
    const fill = Math.min(to - s.hour - 1, MAX_FILL);
    for (let i = 1; i <= fill; i++) this.closeHour(tenant, kind, entity, s, s.hour + i, 0, alive, out);
    s.hour = to;
    s.count = 0;
    s.alerted = 0;
    s.ids = [];
  }

  /**
   * Folds one closed hour, after judging silence: an empty hour whose slot steadily had events
   * (share of active past hours >= `steadyShare`) multiplies the stretch's chance by its share of
   * empty hours; other empty hours are excused (they neither add nor reset). The stretch alerts
   * once, when its chance falls below `silenceP`; an hour with events ends it.
   */
  private closeHour(
    tenant: string,
    kind: RateKind,
    entity: string,
    s: RateState,
    hour: number,
    count: number,
    hostAlive: ((hour: number) => boolean) | undefined,
    out: BaselineHit[],
  ): void {
    const o = this.settings;
    if (count > 0) {
      s.silence = 0;
      s.silence_alerted = 0;
      s.silence_hours = 0;
      s.active_hour = hour;
      // Only the open hour is closed with a count, so `ids` are this hour's.
      s.active_ids = [...s.ids];
    } else if (kind !== 'user' && s.silence_alerted === 0 && s.active_hour >= 0 && (hostAlive?.(hour) ?? true)) {
      const warm = (hour - s.first_hour) * HOUR_MS >= o.warmupDays * DAY_MS;
      const act = warm ? activityOf(s.profile, hour, { minWeeks: o.rateMinWeeks, minDays: o.rateMinDays }) : undefined;
      if (act && act.share >= o.steadyShare) {
        s.silence += Math.log(1 - act.share);
        s.silence_hours++;
        if (s.silence <= Math.log(o.silenceP)) {
          s.silence_alerted = 1;
          const silent = { from: s.active_hour + 1, to: hour, steady: s.silence_hours, logP: s.silence, last: act };
          out.push({ tenant, alert: silenceAlert(kind, entity, silent, s.first_hour, s.active_ids) });
        }
      }
    }
    fold(s.profile, hour, count);
  }

  /**
   * For a source: whether its host had events at or after an hour. A source's silence counts only
   * while its host still reports, so a host that goes down raises one host alert, not one more
   * per stream; a stream that stops on a live host (auditd killed, syslog still flowing) alerts.
   */
  private hostAlive(tenant: string, source: string): (hour: number) => boolean {
    const h = this.loadRate(tenant, 'host', sourceParts(source).host);
    if (!h) return () => false;
    return (hour) => h.active_hour >= hour || (h.hour >= hour && h.count > 0);
  }

  private rate(r: RateObservation, out: BaselineHit[]): void {
    const { tenant, kind, entity } = r;
    let s = this.loadRate(tenant, kind, entity);
    if (!s) {
      this.makeRoom(tenant, 'r', kind);
      s = {
        first_hour: r.hour,
        hour: r.hour,
        count: 0,
        alerted: 0,
        ids: [],
        profile: newProfile(),
        silence: 0,
        silence_alerted: 0,
        active_hour: -1,
        silence_hours: 0,
        active_ids: [],
      };
    }
    // An hour already closed (late by more than the open hour) no longer counts.
    if (r.hour < s.hour) return;
    this.advance(tenant, kind, entity, s, r.hour, out);
    s.count += r.count;
    for (const id of r.eventIds) if (s.ids.length < RATE_IDS) s.ids.push(id);
    if (s.alerted === 0 && kind !== 'source') {
      const band = this.bandFor(s, s.hour);
      // A spike alerts as soon as it leaves the band, not when its hour ends.
      if (band && s.count > band.upper && s.count - band.expected >= this.settings.rateMinDelta) {
        out.push({ tenant, alert: rateAlert(kind, entity, s.hour, s.count, band, s.first_hour, s.ids, true) });
        s.alerted = 1;
      }
    }
    this.saveRate(tenant, kind, entity, s);
  }

  /** Closes the hours of a tenant's idle entities up to `hour` (exclusive of its grace hour), once per hour. */
  private sweep(tenant: string, c: ClockRow, hour: number, out: BaselineHit[]): void {
    // One hour of grace: another thread may still hand in the previous hour's events.
    if (hour - 1 <= c.swept_hour) return;
    for (const r of this.st.staleRates.all(tenant, hour - 1) as { kind: RateKind; entity: string }[]) {
      const s = this.loadRate(tenant, r.kind, r.entity);
      if (!s) continue;
      this.advance(tenant, r.kind, r.entity, s, hour - 1, out);
      this.saveRate(tenant, r.kind, r.entity, s);
    }
    c.swept_hour = hour - 1;
  }

  /** Advances a tenant's clock: closes idle hours (once per hour) and forgets expired rows (once per day). */
  private tick(tenant: string, time: number, now: number, out: BaselineHit[]): void {
    const st = this.st;
    const c = (st.clock.get(tenant) as ClockRow | undefined) ?? {
      time,
      swept_hour: Math.floor(time / HOUR_MS),
      pruned: time,
      wall: now,
    };
    if (time >= c.time) {
      c.time = time;
      c.wall = now;
    }
    this.sweep(tenant, c, Math.floor(c.time / HOUR_MS), out);
    if (c.time - c.pruned >= DAY_MS) {
      const horizon = c.time - this.settings.expireDays * DAY_MS;
      st.expireItems.run(tenant, horizon);
      st.expiredEntities.run(tenant, horizon);
      st.countItems.run(tenant);
      st.expireRates.run(tenant, Math.floor(horizon / HOUR_MS));
      c.pruned = c.time;
      for (const k of [...this.counts.keys()]) if (k.startsWith(`${tenant}\u0000`)) this.counts.delete(k);
    }
    st.putClock.run(tenant, c.time, c.swept_hour, c.pruned, c.wall);
  }

  /** Rows held (all tenants, or one) and the file's size in bytes. */
  size(tenant?: string): BaselineSize {
    const n = (table: string): number =>
      (
        (tenant === undefined
          ? this.db.prepare(`SELECT count(*) AS n FROM ${table}`).get()
          : this.db.prepare(`SELECT count(*) AS n FROM ${table} WHERE tenant = ?`).get(tenant)) as { n: number }
      ).n;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    return {
      entities: n('baseline_entities'),
      items: n('baseline_items'),
      rates: n('baseline_rates'),
      bytes: pages * pageSize,
    };
  }

  /** Closes the database when the engine opened it. */
  close(): void {
    if (this.owned) this.db.close();
  }
}
