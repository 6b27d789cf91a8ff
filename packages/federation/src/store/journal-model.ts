/**
 * @module
 * What the federation's journal is, apart from where it lives: its records (decisions, ledger
 * entries, rejections, exchanges), the `FederationJournal` interface (`Journal` on SQLite,
 * `PgJournal` on PostgreSQL), and the row types and row → record mappers both stores share, so
 * the two differ in their SQL only.
 */
import { AppError } from '@intersoc/core';
import { SharingTermsSchema, type SharingGroup, type SharingTerms } from '../policy/terms.js';

/** One policy decision. */
export interface Decision {
  readonly tenant: string;
  readonly objectId: string;
  readonly version: string;
  readonly peer: string;
  readonly allowed: boolean;
  readonly reason: string;
  readonly tlp: string;
  readonly distribution: string;
  readonly hops: number;
}

/** Decisions of one run with the same peer and outcome. */
export interface DecisionGroup {
  readonly tenant: string;
  readonly peer: string;
  readonly allowed: boolean;
  readonly reason: string;
  readonly tlp: string;
  readonly distribution: string;
  readonly hops: number;
  /** `id@version` of each object. */
  readonly objects: string[];
}

/** Collects a run's decisions into groups as they are taken. */
export class DecisionLog {
  private readonly byKey = new Map<string, DecisionGroup>();
  total = 0;
  denied = 0;

  constructor(private readonly tenant: string) {}

  add(
    peer: string,
    d: { readonly allow: boolean; readonly reason: string; readonly tlp: string; readonly distribution: string },
    hops: number,
    object: string,
  ): void {
    const key = `${peer}\0${d.allow ? 1 : 0}\0${d.reason}\0${d.tlp}\0${d.distribution}\0${hops}`;
    let g = this.byKey.get(key);
    if (!g) {
      g = {
        tenant: this.tenant,
        peer,
        allowed: d.allow,
        reason: d.reason,
        tlp: d.tlp,
        distribution: d.distribution,
        hops,
        objects: [],
      };
      this.byKey.set(key, g);
    }
    g.objects.push(object);
    this.total++;
    if (!d.allow) this.denied++;
  }

  groups(): DecisionGroup[] {
    return [...this.byKey.values()];
  }
}

/** A rejected object or request. */
export interface RejectionRecord {
  readonly time: number;
  readonly peer: string;
  readonly objectId: string;
  readonly code: string;
  readonly reason: string;
}

/** An exchange with a peer. */
export interface Exchange {
  readonly time: number;
  readonly peer: string;
  readonly direction: 'sent' | 'received';
  readonly mode: 'push' | 'pull';
  readonly objects: number;
  readonly rejected: number;
}

/** A ledger entry: an object the node decided to share, with its terms. */
export interface LedgerEntry {
  readonly tenant: string;
  readonly id: string;
  readonly version: string;
  readonly terms: SharingTerms;
  readonly explicit: boolean;
}

/** A decision as listed: one per object and peer, with its run and time. */
export type DecisionRecord = Decision & { time: number; run: string };

/** Which decisions to list. */
export interface DecisionQuery {
  peer?: string;
  objectId?: string;
  limit?: number;
}

/**
 * The journal's operations. Every write is durable when the call returns, and visible to every
 * process sharing the store; `useNonce` is the replay check, so it must refuse a nonce another
 * process already used.
 */
export interface FederationJournal {
  /** Sets a community's pseudonymisation key (hex, ≥ 128 bits); generates one when omitted. */
  setCommunityKey(name: string, keyHex?: string): string;
  communityKey(name: string): Buffer | undefined;
  /** Community names, byte order. */
  communities(): string[];
  setGroup(g: SharingGroup): void;
  group(name: string): SharingGroup | undefined;
  /** Sharing groups, by name in byte order. */
  groups(): SharingGroup[];
  removeGroup(name: string): boolean;
  /** Records shared objects: one row each, their terms once per run. */
  ledgerAdd(
    run: string,
    terms: SharingTerms,
    explicit: boolean,
    entries: readonly { tenant: string; id: string; version: string }[],
  ): void;
  /** Ledger entries of a tenant (automatic shares only: explicit sends are never replayed), oldest run first. */
  ledger(tenant: string): LedgerEntry[];
  /** True when the node shared this object itself. */
  isShared(tenant: string, id: string): boolean;
  /** Journals a run's decisions, grouped by peer and outcome (every object is named). */
  recordDecisionGroups(run: string, groups: readonly DecisionGroup[]): void;
  /** Decisions, newest first, one per object and peer (optionally of one peer or object). */
  decisions(q?: DecisionQuery): DecisionRecord[];
  cursor(peer: string, kind: string): string | undefined;
  setCursor(peer: string, kind: string, value: string): void;
  /** Records a request nonce; false when it was seen already (a replay), by any process. */
  useNonce(peer: string, nonce: string, expires: number): boolean;
  /** Forgets nonces that expired; how many. */
  pruneNonces(): number;
  reject(peer: string, objectId: string, code: string, reason: string): void;
  /** Rejections, newest first. */
  rejections(limit?: number): RejectionRecord[];
  exchange(e: Omit<Exchange, 'time'>): void;
  /** Exchanges, newest first. */
  exchanges(limit?: number): Exchange[];
}

// shared by both stores ------------------------------------------------------------------------

/** A community key, validated and lower-cased; a random 256-bit one when omitted. */
export function communityKeyOf(keyHex: string | undefined, random: () => string): string {
  const key = keyHex ?? random();
  if (!/^[0-9a-f]{32,128}$/i.test(key)) throw new AppError('VALIDATION', 'community keys are 32 to 128 hex digits');
  return key.toLowerCase();
}

/** A group's members as stored: JSON, each member once. */
export function membersJson(g: SharingGroup): string {
  return JSON.stringify([...new Set(g.members)]);
}

/** A ledger row joined with its run's terms. */
export interface LedgerRow {
  id: string;
  version: string;
  terms: string;
}

/** Ledger rows as entries; terms shared by many rows are parsed once. */
export function toLedgerEntries(tenant: string, rows: readonly LedgerRow[]): LedgerEntry[] {
  const parsed = new Map<string, SharingTerms>();
  return rows.map((r) => {
    let terms = parsed.get(r.terms);
    if (!terms) parsed.set(r.terms, (terms = SharingTermsSchema.parse(JSON.parse(r.terms))));
    return { tenant, id: r.id, version: r.version, terms, explicit: false };
  });
}

/** The parameters of one decision group's row, after `time` and `run`. */
export function decisionGroupParams(
  g: DecisionGroup,
): [string, string, number, string, string, string, number, number, string] {
  return [
    g.tenant,
    g.peer,
    g.allowed ? 1 : 0,
    g.reason,
    g.tlp,
    g.distribution,
    g.hops,
    g.objects.length,
    JSON.stringify(g.objects),
  ];
}

/** The LIKE pattern that finds an object among a group's objects (a prefilter: the mapper checks exactly). */
export function objectPattern(objectId: string): string {
  return `%"${objectId.replace(/[%_"\\]/g, '')}@%`;
}

/** A row of `fed_decisions`. */
export interface DecisionRow {
  time: number;
  run: string;
  tenant: string;
  peer: string;
  allowed: number;
  reason: string;
  tlp: string;
  distribution: string;
  hops: number;
  objects: string;
}

/** Decision rows (newest first) as one record per object, at most `limit`, only `objectId`'s when given. */
export function toDecisions(rows: readonly DecisionRow[], limit: number, objectId?: string): DecisionRecord[] {
  const out: DecisionRecord[] = [];
  for (const r of rows) {
    for (const o of JSON.parse(r.objects) as string[]) {
      const at = o.lastIndexOf('@');
      const id = o.slice(0, at);
      if (objectId && id !== objectId) continue;
      out.push({
        time: r.time,
        run: r.run,
        tenant: r.tenant,
        objectId: id,
        version: o.slice(at + 1),
        peer: r.peer,
        allowed: r.allowed === 1,
        reason: r.reason,
        tlp: r.tlp,
        distribution: r.distribution,
        hops: r.hops,
      });
      if (out.length >= limit) return out;
    }
  }
  return out;
}

/** A rejection's object id, code and reason as stored (id and reason bounded: they come from peers). */
export function rejectionParams(objectId: string, code: string, reason: string): [string, string, string] {
  return [objectId.slice(0, 200), code, reason.slice(0, 500)];
}

/** A row of `fed_rejections`. */
export interface RejectionRow {
  time: number;
  peer: string;
  object_id: string;
  code: string;
  reason: string;
}

export function toRejection(r: RejectionRow): RejectionRecord {
  return { time: r.time, peer: r.peer, objectId: r.object_id, code: r.code, reason: r.reason };
}
