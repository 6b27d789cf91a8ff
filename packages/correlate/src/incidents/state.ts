/**
 * @module
 * The mutable state of one open incident inside the builder: counters, sets and capped lists
 * that grow per alert in O(entities), and `snapshot()` that turns them into an `Incident`
 * (title, score, classification) only when the incident changed. Memory per incident is capped,
 * so a noisy incident costs the same as a quiet one.
 */
import { SEVERITIES, type Alert, type Severity } from '@intersoc/core';
import type { AssetLookup } from '../assets/types.js';
import { CRITICALITY_WEIGHT } from '../assets/types.js';
import type { IncidentClassifier } from '../classify/classifier.js';
import { isContextAlert, TechniqueClaims } from './attribution.js';
import type { AlertKeys } from './keys.js';
import { scoreOf, scoreParts, severityOfScore } from './score.js';
import { normaliseTactic, sortTactics, tacticPhase } from './tactics.js';
import { incidentTitle } from './title.js';
import type { EdgeKind, Incident, IncidentEdge, IncidentNode, TimelineEntry } from './types.js';

/** Caps that bound the memory of one incident. */
export const INCIDENT_CAPS = { nodes: 150, edges: 300, timeline: 300, evidence: 5, names: 200 } as const;

interface MutableRule {
  ruleId: string;
  title: string;
  kind: string;
  severity: Severity;
  count: number;
}

interface MutableNode {
  id: string;
  type: IncidentNode['type'];
  value: string;
  alerts: number;
}

interface MutableEdge {
  source: string;
  target: string;
  kind: EdgeKind;
  alerts: number;
  evidence: string[];
}

interface MutableEntry {
  time: number;
  last: number;
  alertId: string;
  ruleId: string;
  rule: string;
  severity: Severity;
  summary: string;
  tactics: readonly string[];
  techniques: readonly string[];
  host: string | undefined;
  count: number;
}

const SEV_INDEX = new Map(SEVERITIES.map((s, i) => [s, i]));
const MEDIUM = 2;
const SOURCE_BITS: Readonly<Record<AlertKeys['source'], number>> = { host: 1, network: 2, indicator: 4 };
const SOURCE_NAMES = ['host', 'network', 'indicator'] as const;
/** The source names of each combination of bits. */
const SOURCES_OF_BITS: readonly (readonly string[])[] = Array.from({ length: 8 }, (_, bits) =>
  SOURCE_NAMES.filter((n) => (bits & SOURCE_BITS[n]) !== 0),
);
/** Account names that say they are an administrator's. */
const ADMIN_NAME = /^(adm|admin|da)[-_.]|[-_.]adm$/;
const adminNames = new Map<string, boolean>();

function isAdminName(user: string): boolean {
  let v = adminNames.get(user);
  if (v === undefined) {
    v = ADMIN_NAME.test(user);
    if (adminNames.size >= 20_000) adminNames.clear();
    adminNames.set(user, v);
  }
  return v;
}

// Alerts repeat a handful of tactic and technique spellings: normalise each once.
const tacticCache = new Map<string, string>();
const techniqueCache = new Map<string, string>();

function tacticOf(raw: string): string {
  let t = tacticCache.get(raw);
  if (t === undefined) {
    t = normaliseTactic(raw);
    if (tacticCache.size < 10_000) tacticCache.set(raw, t);
  }
  return t;
}

function techniqueOf(raw: string): string {
  let t = techniqueCache.get(raw);
  if (t === undefined) {
    t = raw.toUpperCase();
    if (techniqueCache.size < 10_000) techniqueCache.set(raw, t);
  }
  return t;
}

function pushUnique(list: string[], value: string): void {
  if (list.length < INCIDENT_CAPS.names && !list.includes(value)) list.push(value);
}

function addTo(set: Set<string> | undefined, value: string): Set<string> {
  const s = set ?? new Set<string>();
  addCapped(s, value);
  return s;
}

function addCapped(set: Set<string>, value: string): void {
  if (set.size < INCIDENT_CAPS.names || set.has(value)) set.add(value);
}

// One collator, not one per comparison (`localeCompare` sets up its locale on every call).
const TITLE_ORDER = new Intl.Collator();

function byCountThenTitle(a: MutableRule, b: MutableRule): number {
  return b.count - a.count || TITLE_ORDER.compare(a.title, b.title);
}

function copyRule(r: MutableRule): MutableRule {
  return { ruleId: r.ruleId, title: r.title, kind: r.kind, severity: r.severity, count: r.count };
}

function copyNode(n: MutableNode): IncidentNode {
  return { id: n.id, type: n.type, value: n.value, alerts: n.alerts };
}

function entryOf(e: MutableEntry): TimelineEntry {
  const { time, last, alertId, ruleId, rule, severity, summary, tactics, techniques, host, count } = e;
  return host === undefined
    ? { time, last, alertId, ruleId, rule, severity, summary, tactics, techniques, count }
    : { time, last, alertId, ruleId, rule, severity, summary, tactics, techniques, host, count };
}

/** One open incident. */
export class IncidentState {
  /** Set when merged into another incident (union-find parent). */
  parent: IncidentState | undefined;
  firstSeen = Number.POSITIVE_INFINITY;
  lastSeen = Number.NEGATIVE_INFINITY;
  alertCount = 0;
  /** Index of the worst alert severity. */
  sevMax = 0;
  /** Earliest and latest phase (0 getting in, 1 inside, 2 objectives) of the alerts' tactics. */
  phaseMin = 3;
  phaseMax = -1;
  dirty = true;
  /** Whether any alert of it named an actor or artefact (a strong key); host-only incidents have none. */
  hasStrong = false;
  readonly rules = new Map<string, MutableRule>();
  /** The techniques and tactics the incident claims, settled on snapshot (see `attribution.ts`). */
  readonly claims = new TechniqueClaims();
  /** Rules and tactics of alerts of medium severity or more (corroboration); made when first needed. */
  corrRules: Set<string> | undefined;
  corrTactics: Set<string> | undefined;
  readonly hosts: string[] = [];
  readonly users: string[] = [];
  ips: Set<string> | undefined;
  domains: Set<string> | undefined;
  /** Accounts that acted, per host (most incidents never need it, so it is made when first needed). */
  hostUsers: Map<string, Set<string>> | undefined;
  /** Kinds of sensor, as bits (see SOURCE_BITS). */
  sourceBits = 0;
  readonly nodes = new Map<string, MutableNode>();
  /** Edges by source, then target (nested, so no key string is built per alert). */
  readonly edges = new Map<string, Map<string, MutableEdge>>();
  edgeCount = 0;
  /** Timeline lines by repeat key, in the order they were first seen. */
  readonly lines = new Map<string, MutableEntry>();
  mergedFrom: string[] | undefined;
  /** Timeline lines dropped at the cap. */
  droppedLines = 0;

  constructor(
    readonly id: string,
    readonly tenant: string,
    readonly created: number,
  ) {}

  /** The incident this one ended up in (itself unless merged). */
  root(): IncidentState {
    if (this.parent === undefined) return this;
    let s = this.parent;
    while (s.parent !== undefined) s = s.parent;
    // Path compression keeps later lookups O(1).
    this.parent = s;
    return s;
  }

  /** Adds one alert with its keys. */
  add(alert: Alert, k: AlertKeys): void {
    this.alertCount++;
    if (k.strong.length > 0) this.hasStrong = true;
    if (alert.time < this.firstSeen) this.firstSeen = alert.time;
    if (alert.time > this.lastSeen) this.lastSeen = alert.time;
    const sev = SEV_INDEX.get(alert.severity) ?? 0;
    if (sev > this.sevMax) this.sevMax = sev;
    const ruleId = alert.detector.ruleId;
    const rule = this.rules.get(ruleId);
    if (rule) {
      rule.count++;
      if ((SEV_INDEX.get(rule.severity) ?? 0) < sev) rule.severity = alert.severity;
    } else {
      this.rules.set(ruleId, {
        ruleId,
        title: alert.detector.ruleTitle,
        kind: alert.detector.kind,
        severity: alert.severity,
        count: 1,
      });
    }
    const corroborates = sev >= MEDIUM;
    if (corroborates) this.corrRules = addTo(this.corrRules, ruleId);
    const tactics = alert.tactics.map(tacticOf);
    for (const t of tactics) {
      if (corroborates) this.corrTactics = addTo(this.corrTactics, t);
      const p = tacticPhase(t);
      if (p < this.phaseMin) this.phaseMin = p;
      if (p > this.phaseMax) this.phaseMax = p;
    }
    this.claims.add(
      alert.techniques.map(techniqueOf),
      tactics,
      k,
      alert.entities,
      isContextAlert(k, alert.entities, sev, MEDIUM),
    );
    const host = k.host;
    if (host !== undefined) {
      pushUnique(this.hosts, host);
      if (!k.usersAreTargets && k.users.length > 0) {
        this.hostUsers ??= new Map();
        let set = this.hostUsers.get(host);
        if (!set) {
          set = new Set();
          this.hostUsers.set(host, set);
        }
        for (const u of k.users) set.add(u);
      }
    }
    for (const h of k.from) pushUnique(this.hosts, h);
    for (const h of k.to) pushUnique(this.hosts, h);
    for (const u of k.users) pushUnique(this.users, u);
    for (const ip of k.extIps) this.ips = addTo(this.ips, ip);
    for (const d of k.domains) this.domains = addTo(this.domains, d);
    this.sourceBits |= SOURCE_BITS[k.source];
    this.graph(alert.id, k);
    this.line(alert, k);
    this.dirty = true;
  }

  private graph(alertId: string, k: AlertKeys): void {
    const anchor = k.nodes[0];
    for (const n of k.nodes) {
      const node = this.nodes.get(n.id);
      if (node) node.alerts++;
      else if (this.nodes.size < INCIDENT_CAPS.nodes)
        this.nodes.set(n.id, { id: n.id, type: n.type, value: n.value, alerts: 1 });
    }
    if (anchor === undefined) return;
    for (let i = 1; i < k.nodes.length; i++) {
      const n = k.nodes[i];
      if (n === undefined || n.id === anchor.id) continue;
      let kind: EdgeKind = 'observed';
      if (n.type === 'ip' || n.type === 'domain' || n.type === 'url') kind = 'network';
      else if (n.type === 'host') kind = 'lateral';
      const from = n.type === 'host' && k.from.includes(n.value) ? n.id : anchor.id;
      const to = from === anchor.id ? n.id : anchor.id;
      this.edge(from, to, kind, alertId);
    }
  }

  private edge(source: string, target: string, kind: EdgeKind, alertId: string): void {
    let from = this.edges.get(source);
    const e = from?.get(target);
    if (e) {
      e.alerts++;
      if (e.evidence.length < INCIDENT_CAPS.evidence) e.evidence.push(alertId);
    } else if (this.edgeCount < INCIDENT_CAPS.edges) {
      if (!from) {
        from = new Map();
        this.edges.set(source, from);
      }
      from.set(target, { source, target, kind, alerts: 1, evidence: [alertId] });
      this.edgeCount++;
    }
  }

  private line(alert: Alert, k: AlertKeys): void {
    // Repeats of one finding (same rule, host and first strong key) collapse into one line.
    const key = `${alert.detector.ruleId}|${k.host ?? ''}|${k.strong[0] ?? ''}`;
    const e = this.lines.get(key);
    if (e) {
      e.count++;
      if (alert.time > e.last) e.last = alert.time;
      if (alert.time < e.time) e.time = alert.time;
      return;
    }
    if (this.lines.size >= INCIDENT_CAPS.timeline) {
      this.droppedLines++;
      return;
    }
    const entry: MutableEntry = {
      time: alert.time,
      last: alert.time,
      alertId: alert.id,
      ruleId: alert.detector.ruleId,
      rule: alert.detector.ruleTitle,
      severity: alert.severity,
      summary: alert.summary,
      tactics: alert.tactics,
      techniques: alert.techniques,
      host: k.host,
      count: 1,
    };
    this.lines.set(key, entry);
  }

  /** True when an account acted on `host` in this incident. */
  hasUsersOn(host: string): boolean {
    return this.hostUsers?.has(host) === true;
  }

  /** True when `user` acted on `host` in this incident. */
  hasUserOn(host: string, user: string): boolean {
    return this.hostUsers?.get(host)?.has(user) === true;
  }

  /** Distinct kinds of sensor. */
  get sources(): string[] {
    return [...(SOURCES_OF_BITS[this.sourceBits] ?? [])];
  }

  /** Takes in everything of `other` (which becomes merged into this one). */
  absorb(other: IncidentState): void {
    other.parent = this;
    this.alertCount += other.alertCount;
    this.hasStrong ||= other.hasStrong;
    this.firstSeen = Math.min(this.firstSeen, other.firstSeen);
    this.lastSeen = Math.max(this.lastSeen, other.lastSeen);
    this.sevMax = Math.max(this.sevMax, other.sevMax);
    this.phaseMin = Math.min(this.phaseMin, other.phaseMin);
    this.phaseMax = Math.max(this.phaseMax, other.phaseMax);
    for (const [id, r] of other.rules) {
      const mine = this.rules.get(id);
      if (mine) {
        mine.count += r.count;
        if ((SEV_INDEX.get(mine.severity) ?? 0) < (SEV_INDEX.get(r.severity) ?? 0)) mine.severity = r.severity;
      } else this.rules.set(id, { ...r });
    }
    const union = (a: Set<string>, b: ReadonlySet<string> | undefined): Set<string> => {
      for (const v of b ?? []) addCapped(a, v);
      return a;
    };
    this.claims.absorb(other.claims);
    if (other.corrRules) this.corrRules = union(this.corrRules ?? new Set(), other.corrRules);
    if (other.corrTactics) this.corrTactics = union(this.corrTactics ?? new Set(), other.corrTactics);
    for (const v of other.hosts) pushUnique(this.hosts, v);
    for (const v of other.users) pushUnique(this.users, v);
    if (other.ips) this.ips = union(this.ips ?? new Set(), other.ips);
    if (other.domains) this.domains = union(this.domains ?? new Set(), other.domains);
    for (const [h, users] of other.hostUsers ?? []) {
      this.hostUsers ??= new Map();
      this.hostUsers.set(h, union(this.hostUsers.get(h) ?? new Set(), users));
    }
    this.sourceBits |= other.sourceBits;
    for (const [id, n] of other.nodes) {
      const mine = this.nodes.get(id);
      if (mine) mine.alerts += n.alerts;
      else if (this.nodes.size < INCIDENT_CAPS.nodes) this.nodes.set(id, { ...n });
    }
    for (const from of other.edges.values()) {
      for (const e of from.values()) {
        const mine = this.edges.get(e.source)?.get(e.target);
        if (mine) {
          mine.alerts += e.alerts;
          for (const ev of e.evidence) if (mine.evidence.length < INCIDENT_CAPS.evidence) mine.evidence.push(ev);
        } else if (this.edgeCount < INCIDENT_CAPS.edges) {
          let m = this.edges.get(e.source);
          if (!m) {
            m = new Map();
            this.edges.set(e.source, m);
          }
          m.set(e.target, { ...e, evidence: [...e.evidence] });
          this.edgeCount++;
        }
      }
    }
    for (const [key, line] of other.lines) {
      const mine = this.lines.get(key);
      if (mine) {
        mine.count += line.count;
        mine.time = Math.min(mine.time, line.time);
        mine.last = Math.max(mine.last, line.last);
      } else if (this.lines.size < INCIDENT_CAPS.timeline) {
        this.lines.set(key, line);
      } else this.droppedLines++;
    }
    this.droppedLines += other.droppedLines;
    this.mergedFrom = [...(this.mergedFrom ?? []), other.id, ...(other.mergedFrom ?? [])];
    this.dirty = true;
  }

  /** The incident as stored and shown. */
  snapshot(now: number, assets: AssetLookup, classifier: IncidentClassifier): Incident {
    const rules = [...this.rules.values()];
    if (rules.length > 1) rules.sort(byCountThenTitle);
    const hosts = [...this.hosts];
    const users = [...this.users];
    const ips = this.ips ? [...this.ips] : [];
    let crit = 0;
    for (const h of hosts) {
      const c = assets.criticalityOf('host', h);
      if (c !== undefined) crit = Math.max(crit, CRITICALITY_WEIGHT[c]);
    }
    let privileged = false;
    for (const u of users) {
      const c = assets.criticalityOf('user', u);
      if (c !== undefined) crit = Math.max(crit, CRITICALITY_WEIGHT[c]);
      if (c === 'critical' || c === 'high' || isAdminName(u)) privileged = true;
    }
    const maxSeverity = SEVERITIES[this.sevMax] ?? 'informational';
    const sources = this.sources;
    const parts = scoreParts({
      maxSeverity,
      criticality: crit > 0 ? crit : CRITICALITY_WEIGHT.medium,
      corroboratingRules: this.corrRules?.size ?? 0,
      corroboratingTactics: this.corrTactics?.size ?? 0,
      sources: sources.length,
      hosts: hosts.length,
      users: users.length,
    });
    const score = scoreOf(parts);
    const claimed = this.claims.settle();
    const tactics = claimed.tactics.length <= 1 ? claimed.tactics : sortTactics(claimed.tactics);
    const techniques = claimed.techniques.length <= 1 ? claimed.techniques : claimed.techniques.sort();
    const rsit = classifier.classify({
      tactics,
      techniques,
      rules,
      maxSeverity,
      users,
      privileged,
      sources,
      alertCount: this.alertCount,
    });
    const title = incidentTitle({
      tactics: this.corrTactics && this.corrTactics.size > 0 ? sortTactics(this.corrTactics) : tactics,
      rules,
      hosts,
      users,
      ips,
    });
    this.dirty = false;
    return {
      id: this.id,
      tenant: this.tenant,
      title,
      severity: severityOfScore(score),
      score,
      scoreParts: parts,
      status: this.parent === undefined ? 'open' : 'merged',
      maxAlertSeverity: maxSeverity,
      firstSeen: this.firstSeen,
      lastSeen: this.lastSeen,
      created: this.created,
      updated: now,
      alertCount: this.alertCount,
      hosts,
      users,
      ips,
      domains: this.domains ? [...this.domains] : [],
      tactics,
      techniques,
      rsit,
      rules: rules.map(copyRule),
      sources,
      graph: { nodes: [...this.nodes.values()].map(copyNode), edges: this.edgeList() },
      timeline: this.timeline(),
      ...(this.parent === undefined ? {} : { mergedInto: this.root().id }),
      mergedFrom: this.mergedFrom ? [...this.mergedFrom] : [],
      links: [],
    };
  }

  private edgeList(): IncidentEdge[] {
    const out: IncidentEdge[] = [];
    for (const m of this.edges.values()) {
      for (const e of m.values()) {
        out.push({ source: e.source, target: e.target, kind: e.kind, alerts: e.alerts, evidence: [...e.evidence] });
      }
    }
    return out;
  }

  private timeline(): TimelineEntry[] {
    const lines = [...this.lines.values()];
    if (lines.length > 1) lines.sort((a, b) => a.time - b.time);
    return lines.map(entryOf);
  }
}
