/**
 * @module
 * The incident builder: a streaming stage that turns alerts into incidents, keyed by entity,
 * inside time windows. Per alert it extracts the alert's keys (see `keys.ts`) and then:
 *
 * 1. joins every open incident that shares a **strong** key, or that a lateral edge leads to
 *    without ambiguity (an internal source address of another host with one open incident; a
 *    recent remote command naming this host and this account; a remote target host whose only
 *    incident began right then); two or more such incidents are **merged**, since the alert
 *    links them;
 * 2. else follows an incident that recently moved laterally into the alert's host;
 * 3. else attaches by a **weak** key (the host) to the incident active on that host — for an
 *    alert with strong keys of its own only when exactly one substantive incident (one with an
 *    alert of medium severity or more) was active there lately, no other account acted on that
 *    host in it, and the alert is not the start of a new intrusion (an initial-access alert
 *    after the story moved past it);
 * 4. else opens a new incident.
 *
 * Repeats of one finding collapse into one timeline line. Memory holds only open incidents and
 * the keys touched within the window; both are swept as the stream's time (the watermark)
 * advances, so memory is bounded by the open windows, not by history. Changes come out through
 * `drain()` for the store.
 */
import { stableId, type Alert } from '@intersoc/core';
import { EMPTY_ASSETS } from '../assets/asset-index.js';
import type { AssetLookup } from '../assets/types.js';
import { RulesClassifier, type IncidentClassifier } from '../classify/classifier.js';
import { KeyIndex } from './key-index.js';
import { alertKeys, type AlertKeys } from './keys.js';
import { IncidentState } from './state.js';
import { tacticPhase } from './tactics.js';
import type { Incident } from './types.js';

/** Options of the builder; every field has a default. */
export interface IncidentBuilderOptions {
  /** How long a key links alerts, ms (default 2 hours). An incident closes after this long idle. */
  readonly windowMs?: number;
  /** How recent an incident must be for a weak (host-only) attachment of a strong-keyed alert, ms (default 30 min). */
  readonly attachMs?: number;
  /** How close in time a remote target's new incident must be to the lateral move, ms (default 10 min). */
  readonly lateralMs?: number;
  /** The asset inventory of a tenant. */
  readonly assets?: (tenant: string) => AssetLookup;
  readonly classifier?: IncidentClassifier;
  /** True for alerts to leave out (accepted false-positive suppressions). */
  readonly suppress?: (alert: Alert) => boolean;
  /** Clock for `created`/`updated` stamps (default `Date.now`). */
  readonly now?: () => number;
  /** Sweep expired keys after this many alerts of a tenant (default 4,096). */
  readonly sweepEvery?: number;
}

/** What happened to one alert. */
export type AddOutcome =
  | { readonly kind: 'added'; readonly incident: string; readonly created: boolean; readonly merged: readonly string[] }
  | { readonly kind: 'suppressed' }
  | { readonly kind: 'duplicate' };

/** Changes since the last `drain()`. */
export interface BuilderChanges {
  /** Incidents that changed (latest state). */
  readonly incidents: readonly Incident[];
  /** Alerts added, with the incident they went to at the time (merges follow in `merged`). */
  readonly members: readonly { readonly incident: string; readonly alert: Alert }[];
  /** Merges in the order they happened. */
  readonly merged: readonly { readonly tenant: string; readonly from: string; readonly into: string }[];
  /** Incidents whose window closed (no longer held in memory). */
  readonly closed: readonly string[];
}

/** Counters of the builder. */
export interface BuilderStats {
  readonly alerts: number;
  readonly suppressed: number;
  readonly duplicates: number;
  readonly created: number;
  readonly merges: number;
  readonly open: number;
  readonly keys: number;
}

class TenantState {
  readonly index = new KeyIndex();
  readonly open = new Map<string, IncidentState>();
  readonly learned = new Map<string, string>();
  watermark = Number.NEGATIVE_INFINITY;
  sinceSweep = 0;
  recent = new Set<string>();
  older = new Set<string>();
}

function addOnce(list: IncidentState[], inc: IncidentState): void {
  if (!list.includes(inc)) list.push(inc);
}

/** Alert ids remembered to drop replays: two generations of this many. */
const RECENT_IDS = 10_000;
/** Index of `medium` in SEVERITIES. */
const MEDIUM_INDEX = 2;
const MAX_LEARNED = 50_000;

/** The streaming incident builder. */
export class IncidentBuilder {
  private readonly windowMs: number;
  private readonly attachMs: number;
  private readonly lateralMs: number;
  private readonly assets: (tenant: string) => AssetLookup;
  private readonly classifier: IncidentClassifier;
  private readonly suppress: ((alert: Alert) => boolean) | undefined;
  private readonly now: () => number;
  private readonly sweepEvery: number;
  private readonly tenants = new Map<string, TenantState>();
  // Members as two parallel lists: the pairs are made at drain time, so they die young.
  private memberIds: string[] = [];
  private memberAlerts: Alert[] = [];
  private merged: { tenant: string; from: string; into: string }[] = [];
  private closed: string[] = [];
  private readonly dirty = new Set<IncidentState>();
  private counts = { alerts: 0, suppressed: 0, duplicates: 0, created: 0, merges: 0 };

  constructor(o: IncidentBuilderOptions = {}) {
    this.windowMs = o.windowMs ?? 2 * 3_600_000;
    // Nothing links beyond the window, whatever the finer windows say.
    this.attachMs = Math.min(o.attachMs ?? 30 * 60_000, this.windowMs);
    this.lateralMs = Math.min(o.lateralMs ?? 10 * 60_000, this.windowMs);
    this.assets = o.assets ?? (() => EMPTY_ASSETS);
    this.classifier = o.classifier ?? new RulesClassifier();
    this.suppress = o.suppress;
    this.now = o.now ?? Date.now;
    this.sweepEvery = o.sweepEvery ?? 4_096;
  }

  private tenant(name: string): TenantState {
    let t = this.tenants.get(name);
    if (!t) {
      t = new TenantState();
      this.tenants.set(name, t);
    }
    return t;
  }

  /** Adds one alert. */
  add(alert: Alert): AddOutcome {
    const t = this.tenant(alert.tenant);
    if (t.recent.has(alert.id) || t.older.has(alert.id)) {
      this.counts.duplicates++;
      return { kind: 'duplicate' };
    }
    t.recent.add(alert.id);
    if (t.recent.size >= RECENT_IDS) {
      t.older = t.recent;
      t.recent = new Set();
    }
    if (this.suppress?.(alert) === true) {
      this.counts.suppressed++;
      return { kind: 'suppressed' };
    }
    this.counts.alerts++;
    if (alert.time > t.watermark) t.watermark = alert.time;
    const assets = this.assets(alert.tenant);
    const k = alertKeys(alert, assets, t.learned);
    if (k.learned !== undefined && t.learned.size < MAX_LEARNED) t.learned.set(k.learned[0], k.learned[1]);

    const strong = this.strongLinks(t, alert, k);
    let target: IncidentState | undefined;
    const mergedIds: string[] = [];
    if (strong.length > 0) {
      for (const s of strong) if (!target || s.alertCount > target.alertCount) target = s;
      if (target) {
        for (const s of strong) {
          if (s === target) continue;
          target.absorb(s);
          t.open.delete(s.id);
          this.dirty.delete(s);
          this.merged.push({ tenant: alert.tenant, from: s.id, into: target.id });
          mergedIds.push(s.id);
          this.counts.merges++;
        }
      }
    }
    target ??= this.lateralClaim(t, alert, k) ?? this.weakAttach(t, alert, k);
    let created = false;
    if (!target) {
      target = new IncidentState(stableId(alert.tenant, 'incident', alert.id), alert.tenant, this.now());
      t.open.set(target.id, target);
      created = true;
      this.counts.created++;
    }
    target.add(alert, k);
    this.register(t, target, k, alert.time);
    if (target.hasStrong && k.host !== undefined) this.adopt(t, target, `h:${k.host}`, alert, mergedIds);
    this.dirty.add(target);
    this.memberIds.push(target.id);
    this.memberAlerts.push(alert);
    if (++t.sinceSweep >= this.sweepEvery) this.sweep(t);
    return { kind: 'added', incident: target.id, created, merged: mergedIds };
  }

  /**
   * Takes in the host-only incidents on the alert's host: alerts that name nothing but a host
   * (correlations of failed logons, network alerts) may have arrived before the story they
   * belong to — correlations are emitted late, parallel threads commit in turns — and formed an
   * incident of their own. Having no actor, they cannot tie two stories together.
   */
  private adopt(t: TenantState, target: IncidentState, hostKey: string, alert: Alert, mergedIds: string[]): void {
    for (const s of this.lookup(t, hostKey, alert.time, this.windowMs)) {
      if (s === target || s.hasStrong) continue;
      target.absorb(s);
      t.open.delete(s.id);
      this.dirty.delete(s);
      this.merged.push({ tenant: alert.tenant, from: s.id, into: target.id });
      mergedIds.push(s.id);
      this.counts.merges++;
    }
  }

  /** Open incidents indexed under `key` and seen within `within` of `time`. */
  private lookup(t: TenantState, key: string, time: number, within: number): readonly IncidentState[] {
    return t.index.lookup(key, time, within);
  }

  /** The incidents the alert links by strong keys and lateral edges, each once, in the order found. */
  private strongLinks(t: TenantState, alert: Alert, k: AlertKeys): IncidentState[] {
    // Mostly none or one: a list, not a set.
    const out: IncidentState[] = [];
    for (const key of k.strong) for (const inc of this.lookup(t, key, alert.time, this.windowMs)) addOnce(out, inc);
    // An internal source address of another host: the activity came from there.
    for (const h of k.from) {
      const on = this.lookup(t, `h:${h}`, alert.time, this.windowMs);
      if (on.length === 1 && on[0]) addOnce(out, on[0]);
    }
    // This account on this host is what a recent lateral move (`wmic /node: /user:`) started.
    if (k.host !== undefined) {
      for (const u of k.users) {
        for (const inc of this.lookup(t, `lt:${k.host}|${u}`, alert.time, this.lateralMs)) addOnce(out, inc);
      }
    }
    // A remote target whose only incident began around this alert: the move that started it.
    for (const h of k.to) {
      const young = this.lookup(t, `h:${h}`, alert.time, this.windowMs).filter(
        (i) => Math.abs(i.firstSeen - alert.time) <= this.lateralMs,
      );
      if (young.length === 1 && young[0]) addOnce(out, young[0]);
    }
    return out;
  }

  private lateralClaim(t: TenantState, alert: Alert, k: AlertKeys): IncidentState | undefined {
    if (k.host === undefined) return undefined;
    return this.latest(t, this.lookup(t, `lt:${k.host}`, alert.time, this.attachMs), `lt:${k.host}`);
  }

  /** The incident that touched `key` last. */
  private latest(t: TenantState, incs: readonly IncidentState[], key: string): IncidentState | undefined {
    return t.index.latest(key, incs);
  }

  private weakAttach(t: TenantState, alert: Alert, k: AlertKeys): IncidentState | undefined {
    let phase = 3;
    for (const tac of alert.tactics) phase = Math.min(phase, tacticPhase(tac));
    const hasStrong = k.strong.length > 0;
    const key = k.host !== undefined ? `h:${k.host}` : k.weak[0];
    if (key === undefined) return undefined;
    const within = hasStrong ? this.attachMs : this.windowMs;
    const host = k.host;
    const cands = this.lookup(t, key, alert.time, within).filter((c) => {
      // A new intrusion starts: an initial-access alert after the story moved past getting in.
      if (phase === 0 && c.phaseMax >= 1) return false;
      if (host === undefined || k.users.length === 0 || !c.hasUsersOn(host)) return true;
      // Another account acted on this host in that incident: a different actor, unless this one did too.
      return k.users.some((u) => c.hasUserOn(host, u));
    });
    if (cands.length === 0) return undefined;
    if (hasStrong) {
      // Background noise (incidents of low-severity alerts only) does not capture new activity
      // when a substantive incident is active on the host as well.
      const substantive = cands.filter((c) => c.sevMax >= MEDIUM_INDEX);
      const pool = substantive.length > 0 ? substantive : cands;
      return pool.length === 1 ? pool[0] : undefined;
    }
    return this.latest(t, cands, key);
  }

  private register(t: TenantState, inc: IncidentState, k: AlertKeys, time: number): void {
    for (const key of k.strong) this.touch(t, key, inc, time);
    for (const key of k.weak) this.touch(t, key, inc, time);
    for (const h of k.to) {
      this.touch(t, `lt:${h}`, inc, time);
      for (const u of k.toUsers) this.touch(t, `lt:${h}|${u}`, inc, time);
    }
  }

  private touch(t: TenantState, key: string, inc: IncidentState, time: number): void {
    t.index.touch(key, inc, time);
  }

  /** Drops keys and incidents whose window has passed the tenant's watermark. */
  private sweep(t: TenantState): void {
    t.sinceSweep = 0;
    const horizon = t.watermark - this.windowMs;
    t.index.sweep(horizon);
    for (const [id, inc] of t.open) {
      if (inc.lastSeen >= horizon) continue;
      t.open.delete(id);
      this.closed.push(id);
    }
  }

  /** Closes every window (end of a replay, shutdown): everything open becomes closed. */
  closeAll(): void {
    for (const t of this.tenants.values()) {
      t.watermark = Number.POSITIVE_INFINITY;
      this.sweep(t);
      t.watermark = Number.NEGATIVE_INFINITY;
    }
  }

  /**
   * Returns and clears the alert memberships since the last call, without snapshotting incidents:
   * a consumer that stores memberships per batch and incidents less often calls this per batch,
   * so alerts are not held longer than a batch.
   */
  takeMembers(): BuilderChanges['members'] {
    const members = this.memberAlerts.map((alert, i) => ({ incident: this.memberIds[i] ?? '', alert }));
    this.memberIds = [];
    this.memberAlerts = [];
    return members;
  }

  /** Returns and clears the changes since the last call. */
  drain(): BuilderChanges {
    const now = this.now();
    const incidents: Incident[] = [];
    for (const inc of this.dirty) {
      const root = inc.root();
      if (root !== inc) continue;
      incidents.push(inc.snapshot(now, this.assets(inc.tenant), this.classifier));
    }
    this.dirty.clear();
    const out = { incidents, members: this.takeMembers(), merged: this.merged, closed: this.closed };
    this.merged = [];
    this.closed = [];
    return out;
  }

  /**
   * Restores an incident kept in a store (after a restart, or after an analyst split it): its
   * alerts are added to it as they are, and its keys link new alerts again.
   */
  seed(tenant: string, id: string, created: number, alerts: readonly Alert[]): void {
    const t = this.tenant(tenant);
    const prior = t.open.get(id);
    if (prior) this.forget(tenant, id);
    const inc = new IncidentState(id, tenant, created);
    const assets = this.assets(tenant);
    for (const a of [...alerts].sort((x, y) => x.time - y.time)) {
      const k = alertKeys(a, assets, t.learned);
      inc.add(a, k);
      this.register(t, inc, k, a.time);
      t.recent.add(a.id);
      if (a.time > t.watermark) t.watermark = a.time;
    }
    inc.dirty = false;
    t.open.set(id, inc);
  }

  /** Drops an incident from memory (its keys stop linking). */
  forget(tenant: string, id: string): void {
    const t = this.tenants.get(tenant);
    const inc = t?.open.get(id);
    if (!t || !inc) return;
    t.open.delete(id);
    this.dirty.delete(inc);
    t.index.forget(inc);
  }

  /** Ids of the open incidents of a tenant. */
  openIds(tenant: string): string[] {
    return [...(this.tenants.get(tenant)?.open.keys() ?? [])];
  }

  /** Counters, open incidents and indexed keys. */
  stats(): BuilderStats {
    let open = 0;
    let keys = 0;
    for (const t of this.tenants.values()) {
      open += t.open.size;
      keys += t.index.size;
    }
    return { ...this.counts, open, keys };
  }
}
