/**
 * @module
 * The federation of one node: peers, sharing, receiving, sync with every peer (push of its
 * outbox, pull of what the peer holds for us, sighting returns), private lookups, review of
 * quarantined intelligence and the status the dashboard shows. Sync is incremental (per-peer
 * cursors, advanced page by page), idempotent (objects are stored once per version) and
 * resumable: a peer that was offline is caught up at the next round, from where it stopped.
 *
 * This file is the `Federation` class: its state (the sync timer and the round running) and its
 * public face. The work is done in the modules beside it: peering (`peer-admin.ts`), shares
 * (`share-request.ts`, `share.ts`), request authentication (`peer-auth.ts`), the exchange with
 * one peer (`exchange.ts`), receipts (`receive.ts`), review and status (`review.ts`) and the
 * TAXII collections (`collections.ts`).
 */
import { AppError, type Alert, type AuthContext } from '@intersoc/core';
import type { AddOutcome, IocKind, TaxiiCollection } from '@intersoc/cti';
import { LookupService, type LookupAnswer, type PublishedSet } from '../lookup/service.js';
import type { IntelState } from '../store/intel-state.js';
import { Journal } from '../store/journal.js';
import { PeerStore, type Peer } from '../store/peers.js';
import { migrateFederation } from '../store/schema.js';
import { federationChangeMark } from '../store/pg-state.js';
import { SqliteFederationState } from '../store/state.js';
import type { Hop } from '../signing/provenance.js';
import type { Reliability } from '../trust/trust.js';
import { PeerClient } from '../transport/peer-client.js';
import { isNodeAuth, RateLimiter } from '../transport/request-auth.js';
import { ensureCollections, ensureRoot } from './collections.js';
import { audit, requireFederationRole, type FedContext, type FederationDeps } from './context.js';
import type { FederationJournal } from '../store/journal-model.js';
import type { PeerRegistry } from '../store/peers.js';
import type { FederationStateStore } from '../store/state-model.js';
import { pullFrom, pushTo } from './exchange.js';
import * as peering from './peer-admin.js';
import { authenticatePeer, collectionAccess, type PeerAuthentication, type SignedRequest } from './peer-auth.js';
import { receive, verifierFor, type BoundVerifier, type ReceiveSummary } from './receive.js';
import * as reviewing from './review.js';
import type { FederationStatus, QuarantinedItem } from './review.js';
import { shareObjects, type ShareRequest } from './share-request.js';
import type { ShareReport } from './share.js';
import { noteAlerts, returnSightings } from './sightings.js';

export { isPeerContext, peerOf } from './peer-auth.js';
export type { FederationStatus, QuarantinedItem } from './review.js';
export type { ShareRequest } from './share-request.js';

/** Outcome of one sync with a peer. */
export interface SyncResult {
  readonly peer: string;
  readonly pushed: number;
  readonly pulled: ReceiveSummary;
  readonly error?: string;
}

/** The federation of a node. */
export class Federation {
  readonly fx: FedContext;
  readonly lookups: LookupService;
  private readonly verifier: BoundVerifier;
  private readonly requests: RateLimiter;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SyncResult[]> | undefined;
  private soon: NodeJS.Timeout | undefined;
  /** The stores' change mark at the last round. */
  private changes: string | undefined;

  constructor(deps: FederationDeps & { readonly lookupSeed: Uint8Array }) {
    const now = deps.now ?? Date.now;
    this.fx = {
      ...deps,
      now,
      me: deps.keys.identity.nodeId,
      ...storesOf(deps, now),
    };
    this.lookups = new LookupService(this.fx, deps.lookupSeed);
    this.verifier = verifierFor(this.fx);
    this.requests = new RateLimiter(deps.config.requestsPerMinute, now);
    ensureRoot(this.fx);
    for (const p of this.fx.peers.active()) ensureCollections(this.fx, p.nodeId);
  }

  get me(): string {
    return this.fx.me;
  }

  // peers (peer-admin.ts) -----------------------------------------------------------------

  /** Adds (or updates) a peer from its card; replays the share ledger to it. */
  addPeer(ctx: AuthContext, cardInput: unknown, o: peering.PeerOptions = {}): Peer {
    return peering.addPeer(this.fx, ctx, cardInput, o);
  }

  /** The peers, for any federation role. */
  listPeers(ctx: AuthContext): Peer[] {
    return peering.listPeers(this.fx, ctx);
  }

  /** Forgets a peer (its collections are closed). */
  removePeer(ctx: AuthContext, nodeId: string): boolean {
    return peering.removePeer(this.fx, ctx, nodeId);
  }

  /** Revokes a peer's key, at once for everything received later. */
  revokePeer(ctx: AuthContext, nodeId: string): Peer {
    return peering.revokePeer(this.fx, ctx, nodeId);
  }

  /** Sets the operator's admiralty grade of a peer. */
  setReliability(ctx: AuthContext, nodeId: string, reliability: Reliability): Peer {
    return peering.setReliability(this.fx, ctx, nodeId, reliability);
  }

  /** Feedback on an indicator from peers: confirmed, or a false positive (which also takes it out of detection). */
  feedback(ctx: AuthContext, indicator: string, verdict: 'confirmed' | 'false-positive'): { peers: string[] } {
    return peering.peerFeedback(this.fx, ctx, indicator, verdict);
  }

  /** Sets (or generates) a community's key; returns it. */
  setCommunityKey(ctx: AuthContext, name: string, keyHex?: string): string {
    return peering.setCommunityKey(this.fx, ctx, name, keyHex);
  }

  /** Sets a sharing group's members. */
  setGroup(ctx: AuthContext, name: string, members: readonly string[]): void {
    peering.setGroup(this.fx, ctx, name, members);
  }

  // sharing and receiving -------------------------------------------------------------------

  /** Shares objects of the tenant under the given terms. */
  share(ctx: AuthContext, req: ShareRequest): ShareReport {
    const report = shareObjects(this.fx, ctx, req);
    this.syncSoon();
    return report;
  }

  /** Objects a peer pushed into its inbox. */
  receive(peerId: string, objects: readonly unknown[], mode: 'push' | 'pull' = 'push'): AddOutcome[] {
    const peer = this.fx.peers.get(peerId);
    if (!peer || peer.status !== 'active') {
      return objects.map((o) => ({
        id: String((o as { id?: unknown } | null)?.id ?? ''),
        version: '',
        added: false,
        error: 'revoked: sender is not an active peer',
      }));
    }
    const r = receive(this.fx, this.verifier, peer, objects, mode);
    if (r.summary.added > 0) this.lookups.invalidate();
    if (r.summary.relayed > 0) this.syncSoon();
    return r.outcomes;
  }

  /** Alerts committed by the pipeline: detections of peers' indicators become sightings. */
  onAlerts(alerts: readonly Alert[]): void {
    if (noteAlerts(this.fx, alerts) > 0) this.syncSoon(2000);
  }

  // request authentication (peer-auth.ts) ---------------------------------------------------

  /** Authenticates a node-signed request; the context of the peer, or a refusal. */
  authenticatePeer(r: SignedRequest): PeerAuthentication {
    return authenticatePeer(this.fx, this.requests, r);
  }

  /** True when the Authorization header is node authentication. */
  static isNodeAuth(authorization: string | undefined): boolean {
    return isNodeAuth(authorization);
  }

  /** TAXII access: peers reach only their own collections of the federation root; users never reach those. */
  access(
    ctx: AuthContext,
    c: TaxiiCollection,
    fallback: (ctx: AuthContext, c: TaxiiCollection) => { read: boolean; write: boolean },
  ): { read: boolean; write: boolean } {
    return collectionAccess(ctx, c, fallback);
  }

  // sync ------------------------------------------------------------------------------------

  /** Starts periodic sync rounds. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.backgroundRound(), this.fx.config.syncIntervalSeconds * 1000);
    this.timer.unref();
    this.syncSoon(500);
  }

  /** A round nobody awaits: its failure is logged (a silent sync stall is how peers drift apart). */
  private backgroundRound(): void {
    this.syncAll().catch((err: unknown) =>
      this.fx.log?.('error', 'sync round failed', { error: err instanceof Error ? err.message : String(err) }),
    );
  }

  /** Stops the rounds and waits for the one running. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.soon) clearTimeout(this.soon);
    this.timer = undefined;
    this.soon = undefined;
    await this.running?.catch(() => undefined);
  }

  /** Runs a round soon (after local changes), coalescing bursts. */
  syncSoon(delayMs = 200): void {
    if (!this.timer || this.soon) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      this.backgroundRound();
    }, delayMs);
    this.soon.unref();
  }

  /**
   * One round with every active peer that has an endpoint; rounds never overlap, in this process
   * nor (with `rounds`) across processes: a round another process holds is skipped (no results).
   */
  async syncAll(): Promise<SyncResult[]> {
    while (this.running) await this.running.catch(() => undefined);
    const lock = this.fx.rounds;
    if (lock && !lock.tryLock()) return [];
    const run = (async () => {
      // Another process (the CLI, another api instance) changed the store: peers' trust or reviews may differ.
      const mark = this.fx.changeMark();
      if (this.changes !== undefined && mark !== this.changes) this.fx.onIntelChanged?.(this.fx.config.tenant);
      this.changes = mark;
      returnSightings(this.fx);
      this.fx.journal.pruneNonces();
      const out: SyncResult[] = [];
      for (const p of this.fx.peers.active()) if (p.endpoint) out.push(await this.syncPeer(p));
      return out;
    })();
    this.running = run;
    try {
      return await run;
    } finally {
      if (this.running === run) this.running = undefined;
      lock?.unlock();
    }
  }

  /** Pushes what waits for a peer and pulls what it holds for this node. */
  async syncPeer(peer: Peer): Promise<SyncResult> {
    const empty: ReceiveSummary = { added: 0, duplicates: 0, rejected: 0, relayed: 0 };
    if (!peer.endpoint) return { peer: peer.nodeId, pushed: 0, pulled: empty, error: 'no endpoint' };
    const client = new PeerClient(
      this.fx.keys,
      { nodeId: peer.nodeId, publicKey: peer.publicKey, endpoint: peer.endpoint },
      this.fx.fetch,
    );
    let pushed = 0;
    const pulled = { ...empty };
    try {
      pushed = await pushTo(this.fx, client);
      await pullFrom(this.fx, this.verifier, client, peer, pulled);
      if (pulled.added > 0) this.lookups.invalidate();
      if (pulled.relayed > 0) this.syncSoon();
      this.fx.peers.contact(peer.nodeId);
      return { peer: peer.nodeId, pushed, pulled };
    } catch (err) {
      const message = (err as Error).message;
      this.fx.peers.contact(peer.nodeId, message);
      this.fx.log?.('warn', `sync with ${peer.name} (${peer.nodeId}) failed`, { error: message });
      return { peer: peer.nodeId, pushed, pulled, error: message };
    }
  }

  // review and status (review.ts) ----------------------------------------------------------

  /** Received objects waiting in quarantine. */
  quarantined(ctx: AuthContext): QuarantinedItem[] {
    return reviewing.quarantined(this.fx, ctx);
  }

  /** An analyst's decision on a quarantined object. */
  review(ctx: AuthContext, id: string, decision: 'released' | 'rejected'): IntelState | undefined {
    return reviewing.review(this.fx, ctx, id, decision);
  }

  /** The provenance chain of a received object (its latest version), hop by hop. */
  provenance(ctx: AuthContext, id: string): { version: string; chain: Hop[] } | undefined {
    return reviewing.provenance(this.fx, ctx, id);
  }

  /** Everything the dashboard shows about the federation. */
  status(ctx: AuthContext): FederationStatus {
    return reviewing.status(this.fx, ctx);
  }

  /** Asks peers whether they saw a value, without revealing it. */
  async lookup(ctx: AuthContext, kind: IocKind, value: string): Promise<LookupAnswer[]> {
    requireFederationRole(this.fx, ctx, ['admin', 'analyst']);
    const answers = await this.lookups.ask(kind, value);
    audit(this.fx, {
      action: 'federation.lookup',
      actor: ctx.user,
      outcome: 'success',
      details: { kind, peers: answers.length, seen: answers.filter((a) => a.seen).length },
    });
    return answers;
  }

  /** The lookup set published to a peer. */
  lookupSet(): PublishedSet {
    return this.lookups.published();
  }
}

/** What the context adds to the deps: the stores, their transaction and their change mark. */
type ContextStores = Pick<FedContext, 'peers' | 'journal' | 'state' | 'atomically' | 'changeMark'>;

/**
 * The federation's stores. With a SQLite `db`, the CTI store and TAXII backend must be on the same
 * handle (one transaction across them) and its federation tables are migrated; without one, every
 * store must be given, with the PostgreSQL bridge they share (`pg`), whose transaction then holds
 * a receipt or a share chunk. With both, the PostgreSQL transaction runs inside SQLite's.
 */
function storesOf(deps: FederationDeps, now: () => number): ContextStores {
  const { db, pg, stores } = deps;
  const handleOf = (x: unknown): unknown => (x as { db?: unknown }).db;
  if (db === undefined) {
    if (!pg || !stores?.peers || !stores.journal || !stores.state)
      throw new AppError(
        'CONFIG',
        'a federation without a SQLite database needs the PostgreSQL bridge and its peer, journal and state stores',
      );
    if (handleOf(deps.cti) !== undefined || handleOf(deps.taxii) !== undefined)
      throw new AppError('CONFIG', 'a federation on PostgreSQL was given a SQLite CTI store or TAXII backend');
    return {
      peers: stores.peers,
      journal: stores.journal,
      state: stores.state,
      atomically: (fn) => pg.transaction(fn),
      changeMark: () => federationChangeMark(pg),
    };
  }
  const ctiDb = handleOf(deps.cti);
  if (handleOf(deps.taxii) !== db || (ctiDb !== undefined && ctiDb !== db))
    throw new AppError('CONFIG', 'the federation, its CTI store and its TAXII backend must share one database handle');
  migrateFederation(db);
  const peers: PeerRegistry = stores?.peers ?? new PeerStore(db, now);
  const journal: FederationJournal = stores?.journal ?? new Journal(db, now);
  const state: FederationStateStore = stores?.state ?? new SqliteFederationState(db);
  const sqliteMark = (): string => String(db.pragma('data_version', { simple: true }));
  return {
    peers,
    journal,
    state,
    atomically: pg ? (fn) => db.transaction(() => pg.transaction(fn))() : (fn) => db.transaction(fn)(),
    changeMark: pg ? () => `${sqliteMark()}|${federationChangeMark(pg)}` : sqliteMark,
  };
}
