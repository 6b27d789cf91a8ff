/**
 * @module
 * The federation of one node: peers, sharing, receiving, sync with every peer (push of its
 * outbox, pull of what the peer holds for us, sighting returns), private lookups, review of
 * quarantined intelligence and the status the dashboard shows. Sync is incremental (per-peer
 * cursors, advanced page by page), idempotent (objects are stored once per version) and
 * resumable: a peer that was offline is caught up at the next round, from where it stopped.
 */
import { AppError, systemContext, type Alert, type AuthContext } from '@intersoc/core';
import type { AddOutcome, IocKind, PapLevel, TaxiiCollection, TaxiiFilters, TlpLevel } from '@intersoc/cti';
import { parseCard, type PeerCard } from '../identity/identity.js';
import { LookupService, type LookupAnswer, type PublishedSet } from '../lookup/service.js';
import type { Distribution } from '../policy/terms.js';
import { readIntelState, reportersOf, reviewIntel, type IntelState } from '../store/intel-state.js';
import { Journal } from '../store/journal.js';
import { PeerStore, type Peer } from '../store/peers.js';
import { migrateFederation } from '../store/schema.js';
import { landedSightings } from '../store/sightings.js';
import { chainOf } from '../store/chains.js';
import { BATCH_TYPE } from '../signing/batch.js';
import type { Hop } from '../signing/provenance.js';
import type { Reliability } from '../trust/trust.js';
import { PeerClient, FEDERATION_ROOT } from '../transport/peer-client.js';
import { isNodeAuth, RateLimiter, verifyRequest, type RequestRefusal } from '../transport/request-auth.js';
import { audit, requireFederationRole, type FedContext, type FederationDeps } from './context.js';
import { receive, verifierFor, type BoundVerifier, type ReceiveSummary } from './receive.js';
import { inboxOf, outboxOf, outgoingOf, place, termsFor, type Outgoing, type ShareReport } from './share.js';
import { noteAlerts, returnSightings } from './sightings.js';

/** What an analyst asks to share. */
export interface ShareRequest {
  /** Object ids; or every object of `types` when omitted. */
  readonly ids?: readonly string[];
  readonly types?: readonly string[];
  readonly distribution?: Distribution;
  /** TLP floor of the share (objects can only become stricter). */
  readonly tlp?: TlpLevel;
  /** Named recipient node ids (TLP:AMBER and stricter). */
  readonly recipients?: readonly string[];
  /** Sharing group name. */
  readonly group?: string;
  readonly pap?: PapLevel;
  /** An explicit send (needed for TLP:RED); explicit sends are not replayed to later peers. */
  readonly explicit?: boolean;
}

/** Outcome of one sync with a peer. */
export interface SyncResult {
  readonly peer: string;
  readonly pushed: number;
  readonly pulled: ReceiveSummary;
  readonly error?: string;
}

/** A quarantined object with its state. */
export interface QuarantinedItem {
  readonly id: string;
  readonly type: string;
  readonly name?: string;
  readonly confidence: number;
  readonly reporters: readonly string[];
}

/** The status the dashboard shows. */
export interface FederationStatus {
  readonly nodeId: string;
  readonly name: string;
  readonly peers: readonly Peer[];
  readonly exchanges: ReturnType<Journal['exchanges']>;
  readonly quarantined: readonly QuarantinedItem[];
  readonly landed: ReturnType<typeof landedSightings>;
  readonly rejections: ReturnType<Journal['rejections']>;
}

const PEER_CONTEXTS = new WeakSet<AuthContext>();

/** True for the context of an authenticated peer node (never a user). */
export function isPeerContext(ctx: AuthContext): boolean {
  return PEER_CONTEXTS.has(ctx);
}

/** The node id of a peer context. */
export function peerOf(ctx: AuthContext): string | undefined {
  return isPeerContext(ctx) ? ctx.user.slice('peer-'.length) : undefined;
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
  private dataVersion: number | undefined;

  constructor(deps: FederationDeps & { readonly lookupSeed: Uint8Array }) {
    const storeDb = (deps.cti as { db?: unknown }).db;
    if (deps.taxii.db !== deps.db || (storeDb !== undefined && storeDb !== deps.db))
      throw new AppError(
        'CONFIG',
        'the federation, its CTI store and its TAXII backend must share one database handle',
      );
    migrateFederation(deps.db);
    const now = deps.now ?? Date.now;
    this.fx = {
      ...deps,
      now,
      me: deps.keys.identity.nodeId,
      peers: new PeerStore(deps.db, now),
      journal: new Journal(deps.db, now),
    };
    this.lookups = new LookupService(this.fx, deps.lookupSeed);
    this.verifier = verifierFor(this.fx);
    this.requests = new RateLimiter(deps.config.requestsPerMinute, now);
    this.ensureRoot();
    for (const p of this.fx.peers.active()) this.ensureCollections(p.nodeId);
  }

  get me(): string {
    return this.fx.me;
  }

  // peers ---------------------------------------------------------------------------------

  /** Adds (or updates) a peer from its card; replays the share ledger to it. */
  addPeer(
    ctx: AuthContext,
    cardInput: unknown,
    o: { reliability?: Reliability; communities?: readonly string[]; endpoint?: string } = {},
  ): Peer {
    requireFederationRole(this.fx, ctx, ['admin']);
    const card: PeerCard = parseCard(cardInput);
    if (card.node_id === this.me) throw new AppError('VALIDATION', 'that card is this node');
    const peer = this.fx.peers.add(card, {
      reliability: o.reliability ?? 'F',
      ...(o.communities ? { communities: o.communities } : {}),
      ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    });
    this.ensureCollections(peer.nodeId);
    audit(this.fx, {
      action: 'federation.peer.add',
      actor: ctx.user,
      outcome: 'success',
      target: peer.nodeId,
      details: { name: peer.name, reliability: peer.reliability, communities: [...peer.communities] },
    });
    this.replayLedger(peer);
    return peer;
  }

  listPeers(ctx: AuthContext): Peer[] {
    requireFederationRole(this.fx, ctx, ['admin', 'analyst', 'viewer']);
    return this.fx.peers.list();
  }

  /** Forgets a peer (its collections are closed). */
  removePeer(ctx: AuthContext, nodeId: string): boolean {
    requireFederationRole(this.fx, ctx, ['admin']);
    const removed = this.fx.peers.remove(nodeId);
    if (removed) this.closeCollections(nodeId);
    audit(this.fx, {
      action: 'federation.peer.remove',
      actor: ctx.user,
      outcome: removed ? 'success' : 'failure',
      target: nodeId,
    });
    return removed;
  }

  /** Revokes a peer's key, at once for everything received later. */
  revokePeer(ctx: AuthContext, nodeId: string): Peer {
    requireFederationRole(this.fx, ctx, ['admin']);
    const p = this.fx.peers.revoke(nodeId);
    this.closeCollections(nodeId);
    audit(this.fx, { action: 'federation.peer.revoke', actor: ctx.user, outcome: 'success', target: nodeId });
    return p;
  }

  /** Sets the operator's admiralty grade of a peer. */
  setReliability(ctx: AuthContext, nodeId: string, reliability: Reliability): Peer {
    requireFederationRole(this.fx, ctx, ['admin']);
    const p = this.fx.peers.setReliability(nodeId, reliability);
    audit(this.fx, {
      action: 'federation.peer.trust',
      actor: ctx.user,
      outcome: 'success',
      target: nodeId,
      details: { reliability },
    });
    this.fx.onIntelChanged?.(this.fx.config.tenant);
    return p;
  }

  /** Feedback on an indicator from peers: confirmed, or a false positive (which also takes it out of detection). */
  feedback(ctx: AuthContext, indicator: string, verdict: 'confirmed' | 'false-positive'): { peers: string[] } {
    requireFederationRole(this.fx, ctx, ['admin', 'analyst']);
    const tenant = this.fx.config.tenant;
    const reporters = reportersOf(this.fx.db, tenant, indicator);
    if (reporters.length === 0) throw new AppError('NOT_FOUND', `no peer reported ${indicator}`);
    const peers = [...new Set(reporters.map((r) => (this.fx.peers.get(r.origin) ? r.origin : r.sender)))].filter(
      (p) => this.fx.peers.get(p)?.status === 'active',
    );
    for (const p of peers) this.fx.peers.feedback(p, verdict === 'confirmed' ? 'confirmation' : 'false-positive');
    if (verdict === 'false-positive') reviewIntel(this.fx.db, tenant, indicator, 'rejected', ctx.user, this.fx.now());
    audit(this.fx, {
      action: 'federation.feedback',
      actor: ctx.user,
      outcome: 'success',
      target: indicator,
      details: { verdict, peers },
    });
    this.fx.onIntelChanged?.(tenant);
    return { peers };
  }

  // communities and groups -----------------------------------------------------------------

  setCommunityKey(ctx: AuthContext, name: string, keyHex?: string): string {
    requireFederationRole(this.fx, ctx, ['admin']);
    const key = this.fx.journal.setCommunityKey(name, keyHex);
    audit(this.fx, { action: 'federation.community.key', actor: ctx.user, outcome: 'success', target: name });
    return key;
  }

  setGroup(ctx: AuthContext, name: string, members: readonly string[]): void {
    requireFederationRole(this.fx, ctx, ['admin']);
    this.fx.journal.setGroup({ name, members: [...members] });
    audit(this.fx, {
      action: 'federation.group.set',
      actor: ctx.user,
      outcome: 'success',
      target: name,
      details: { members: [...members] },
    });
  }

  // sharing ---------------------------------------------------------------------------------

  /** Shares objects of the tenant under the given terms. */
  share(ctx: AuthContext, req: ShareRequest): ShareReport {
    requireFederationRole(this.fx, ctx, ['admin', 'analyst']);
    const group = req.group === undefined ? undefined : this.fx.journal.group(req.group);
    if (req.group !== undefined && !group) throw new AppError('NOT_FOUND', `no sharing group ${req.group}`);
    const terms = termsFor(this.fx, {
      ...(req.distribution ? { distribution: req.distribution } : {}),
      ...(req.tlp ? { tlp: req.tlp } : {}),
      ...(req.recipients ? { recipients: req.recipients } : {}),
      ...(group ? { group } : {}),
      ...(req.pap ? { pap: req.pap } : {}),
    });
    if (terms.distribution === 'group' && !terms.group)
      throw new AppError('VALIDATION', 'distribution group needs --group');
    const explicit = req.explicit === true;
    const fx = this.fx;
    // Pages of the store, placed one after another: a large share never sits in memory whole.
    function* pages(): Generator<Outgoing[]> {
      if (req.ids && req.ids.length > 0) {
        const found = req.ids.map((id) => {
          const [o] = fx.cti.get(ctx, id, 'last');
          if (!o) throw new AppError('NOT_FOUND', `no object ${id}`);
          return o;
        });
        yield outgoingOf(fx, found, terms);
        return;
      }
      let after: string | undefined;
      for (;;) {
        const page = fx.cti.query(ctx, {
          ...(req.types ? { types: req.types } : {}),
          includeRevoked: true,
          limit: 2000,
          ...(after === undefined ? {} : { after }),
        });
        yield outgoingOf(fx, page.objects, terms);
        if (!page.next) return;
        after = page.next;
      }
    }
    const report = place(fx, pages(), { actor: ctx.user, explicit, ledger: !explicit, action: 'federation.share' });
    this.syncSoon();
    return report;
  }

  private replayLedger(peer: Peer): void {
    const tenant = this.fx.config.tenant;
    const entries = this.fx.journal.ledger(tenant);
    if (entries.length === 0) return;
    const ctx = systemContext(tenant);
    const items = [];
    for (const e of entries) {
      const [o] = this.fx.cti.get(ctx, e.id, [e.version]);
      if (o) items.push(...outgoingOf(this.fx, [o], e.terms));
    }
    place(this.fx, items, {
      actor: 'system',
      explicit: false,
      peers: [peer],
      ledger: false,
      action: 'federation.replay',
    });
  }

  // receiving -------------------------------------------------------------------------------

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

  // request authentication ----------------------------------------------------------------

  /** Authenticates a node-signed request; the context of the peer, or a refusal. */
  authenticatePeer(r: {
    method: string;
    url: string;
    authorization?: string;
  }): { ok: true; ctx: AuthContext; peer: string } | { ok: false; refusal: RequestRefusal } {
    const v = verifyRequest(
      {
        me: this.me,
        peerKey: (id) => {
          const p = this.fx.peers.get(id);
          return p?.status === 'active' ? p.publicKey : undefined;
        },
        useNonce: (peer, nonce, expires) => this.fx.journal.useNonce(peer, nonce, expires),
        skewSeconds: this.fx.config.clockSkewSeconds,
        admit: (peer) => this.requests.admit(peer),
        now: this.fx.now,
      },
      { method: r.method, target: r.url, authorization: r.authorization },
    );
    if (!v.ok) {
      const claimed = /id="([0-9a-f]{32})"/.exec(r.authorization ?? '')?.[1] ?? 'unknown';
      this.fx.journal.reject(claimed, '', 'request', `${r.method} ${r.url.slice(0, 200)}: ${v.reason.reason}`);
      return { ok: false, refusal: v.reason };
    }
    const ctx: AuthContext = {
      tenant: this.fx.config.tenant,
      user: `peer-${v.value.id}`,
      roles: ['partner'],
      via: 'token',
    };
    PEER_CONTEXTS.add(ctx);
    return { ok: true, ctx, peer: v.value.id };
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
  ) {
    const peer = peerOf(ctx);
    if (c.apiRoot !== FEDERATION_ROOT) return peer ? { read: false, write: false } : fallback(ctx, c);
    if (!peer) return { read: false, write: false };
    return { read: c.id === outboxOf(peer), write: c.id === inboxOf(peer) };
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

  /** One round with every active peer that has an endpoint; rounds never overlap. */
  async syncAll(): Promise<SyncResult[]> {
    while (this.running) await this.running.catch(() => undefined);
    const run = (async () => {
      // Another process (the CLI) changed the node database: peers' trust or reviews may differ.
      const version = this.fx.db.pragma('data_version', { simple: true }) as number;
      if (this.dataVersion !== undefined && version !== this.dataVersion)
        this.fx.onIntelChanged?.(this.fx.config.tenant);
      this.dataVersion = version;
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
      pushed = await this.push(client);
      await this.pull(client, peer, pulled);
      this.fx.peers.contact(peer.nodeId);
      return { peer: peer.nodeId, pushed, pulled };
    } catch (err) {
      const message = (err as Error).message;
      this.fx.peers.contact(peer.nodeId, message);
      this.fx.log?.('warn', `sync with ${peer.name} (${peer.nodeId}) failed`, { error: message });
      return { peer: peer.nodeId, pushed, pulled, error: message };
    }
  }

  private async push(client: PeerClient): Promise<number> {
    const peer = client.peer.nodeId;
    const taxii = client.taxii();
    let pushed = 0;
    for (;;) {
      const cursor = this.fx.journal.cursor(peer, 'push');
      const rows = this.fx.taxii.queryObjects(FEDERATION_ROOT, outboxOf(peer), {
        versions: 'all',
        specVersions: ['2.0', '2.1'],
        limit: this.fx.config.pushBatch,
        ...(cursor === undefined ? {} : { addedAfter: Number(cursor) }),
      });
      const page = rows.slice(0, this.fx.config.pushBatch);
      if (page.length === 0) return pushed;
      const status = await taxii.push(
        client.rootUrl,
        inboxOf(this.me),
        page.map((r) => JSON.parse(r.json) as unknown),
      );
      // Batch declarations ride with the objects but are not objects.
      const objects = status.success_count - page.filter((r) => r.type === BATCH_TYPE).length;
      pushed += Math.max(0, objects);
      this.fx.journal.exchange({
        peer,
        direction: 'sent',
        mode: 'push',
        objects: Math.max(0, objects),
        rejected: status.failure_count,
      });
      // The cursor moves once the peer answered for the page: what it refused is logged there.
      this.fx.journal.setCursor(peer, 'push', String((page[page.length - 1] as { dateAdded: number }).dateAdded));
      if (rows.length <= this.fx.config.pushBatch) return pushed;
    }
  }

  private async pull(
    client: PeerClient,
    peer: Peer,
    into: { added: number; duplicates: number; rejected: number; relayed: number },
  ): Promise<void> {
    const taxii = client.taxii();
    const collection = await taxii.collection(client.rootUrl, outboxOf(this.me));
    const cursor = this.fx.journal.cursor(peer.nodeId, 'pull');
    const base: TaxiiFilters = { limit: 1000, ...(cursor === undefined ? {} : { added_after: cursor }) };
    let filters = base;
    // Page by page; the cursor advances with each stored page, so an interrupted pull resumes there.
    for (;;) {
      const p = await taxii.getObjects(client.rootUrl, collection, filters);
      const r = receive(this.fx, this.verifier, peer, p.objects, 'pull');
      into.added += r.summary.added;
      into.duplicates += r.summary.duplicates;
      into.rejected += r.summary.rejected;
      into.relayed += r.summary.relayed;
      if (p.dateAddedLast !== undefined) this.fx.journal.setCursor(peer.nodeId, 'pull', p.dateAddedLast);
      if (!p.more || p.objects.length === 0) break;
      if (p.next !== undefined) filters = { ...base, next: p.next };
      else if (p.dateAddedLast !== undefined) filters = { ...base, added_after: p.dateAddedLast };
      else break;
    }
    if (into.added > 0) this.lookups.invalidate();
    if (into.relayed > 0) this.syncSoon();
  }

  // review and status -----------------------------------------------------------------------

  /** Received objects waiting in quarantine. */
  quarantined(ctx: AuthContext): QuarantinedItem[] {
    requireFederationRole(this.fx, ctx, ['admin', 'analyst', 'viewer']);
    const out: QuarantinedItem[] = [];
    for (const [id, s] of readIntelState(this.fx.db, ctx.tenant, this.fx.config.quarantine)) {
      if (!s.quarantined || s.review === 'rejected') continue;
      const [o] = this.fx.cti.get(ctx, id, 'last');
      out.push({
        id,
        type: o?.type ?? id.split('--')[0] ?? '',
        ...(typeof o?.object['name'] === 'string' ? { name: o.object['name'] } : {}),
        confidence: s.confidence,
        reporters: reportersOf(this.fx.db, ctx.tenant, id).map((r) => r.origin),
      });
    }
    return out;
  }

  /** An analyst's decision on a quarantined object. */
  review(ctx: AuthContext, id: string, decision: 'released' | 'rejected'): IntelState | undefined {
    requireFederationRole(this.fx, ctx, ['admin', 'analyst']);
    if (reportersOf(this.fx.db, ctx.tenant, id).length === 0)
      throw new AppError('NOT_FOUND', `no received object ${id}`);
    reviewIntel(this.fx.db, ctx.tenant, id, decision, ctx.user, this.fx.now());
    audit(this.fx, {
      action: `federation.quarantine.${decision === 'released' ? 'release' : 'reject'}`,
      actor: ctx.user,
      outcome: 'success',
      target: id,
    });
    this.fx.onIntelChanged?.(ctx.tenant);
    return readIntelState(this.fx.db, ctx.tenant, this.fx.config.quarantine).get(id);
  }

  /** The provenance chain of a received object (its latest version), hop by hop. */
  provenance(ctx: AuthContext, id: string): { version: string; chain: Hop[] } | undefined {
    requireFederationRole(this.fx, ctx, ['admin', 'analyst', 'viewer']);
    const [o] = this.fx.cti.get(ctx, id, 'last');
    if (!o) throw new AppError('NOT_FOUND', `no object ${id}`);
    const chain = chainOf(this.fx.db, ctx.tenant, id, o.version);
    return chain ? { version: o.version, chain } : undefined;
  }

  /** Everything the dashboard shows about the federation. */
  status(ctx: AuthContext): FederationStatus {
    requireFederationRole(this.fx, ctx, ['admin', 'analyst', 'viewer']);
    return {
      nodeId: this.me,
      name: this.fx.keys.identity.name,
      peers: this.fx.peers.list(),
      exchanges: this.fx.journal.exchanges(50),
      quarantined: this.quarantined(ctx),
      landed: landedSightings(this.fx.db, ctx.tenant),
      rejections: this.fx.journal.rejections(50),
    };
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

  // collections -------------------------------------------------------------------------------

  private ensureRoot(): void {
    this.fx.taxii.putApiRoot({
      name: FEDERATION_ROOT,
      title: 'INTERSOC federation',
      description: 'Exchange between peer nodes (node-key authentication only)',
      maxContentLength: this.fx.config.maxContentLength,
    });
  }

  private ensureCollections(peer: string): void {
    const tenant = this.fx.config.tenant;
    const base = { apiRoot: FEDERATION_ROOT, mediaTypes: ['application/stix+json;version=2.1'] };
    this.fx.taxii.putCollection({
      ...base,
      id: outboxOf(peer),
      title: `for ${peer}`,
      acl: { tenant, read: [`partner:peer-${peer}`], write: [], maxTlp: 'red' },
    });
    this.fx.taxii.putCollection({
      ...base,
      id: inboxOf(peer),
      title: `from ${peer}`,
      acl: { tenant, read: [], write: [`partner:peer-${peer}`] },
    });
  }

  private closeCollections(peer: string): void {
    const tenant = this.fx.config.tenant;
    const base = { apiRoot: FEDERATION_ROOT, mediaTypes: ['application/stix+json;version=2.1'] };
    this.fx.taxii.putCollection({
      ...base,
      id: outboxOf(peer),
      title: `closed ${peer}`,
      acl: { tenant, read: [], write: [] },
    });
    this.fx.taxii.putCollection({
      ...base,
      id: inboxOf(peer),
      title: `closed ${peer}`,
      acl: { tenant, read: [], write: [] },
    });
  }
}
