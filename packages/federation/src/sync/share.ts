/**
 * @module
 * Sharing: the sender side of the policy. Objects chosen by an analyst (or relayed, or returned
 * sightings) are minimised for privacy, signed in batches, and for every peer each object is
 * put through the policy; what is allowed lands in that peer's outbox collection, from where it
 * is pushed or pulled. Every decision is journalled, and each run leaves one audit entry whose
 * digest covers its decisions.
 */
import { createHash, randomUUID } from 'node:crypto';
import { strictestTlp, type StoredObject, type TlpLevel } from '@intersoc/cti';
import { attest, type AttestItem } from '../signing/attest.js';
import type { DeclaredBatch } from '../signing/batch.js';
import { parseProvenance, splitProvenance, type Hop } from '../signing/provenance.js';
import { decide, type PolicyDecision, type PolicyRecipient } from '../policy/policy.js';
import type { Distribution, SharingTerms } from '../policy/terms.js';
import type { Peer } from '../store/peers.js';
import { DecisionLog } from '../store/journal.js';
import { FEDERATION_ROOT } from '../transport/peer-client.js';
import { audit, minimiserFor, type FedContext } from './context.js';

/**
 * Objects signed under one Merkle root. A declared batch lists every leaf, so its size costs
 * no bytes per object; a larger one spreads each signature, verification and declaration row
 * over more objects.
 */
export const SIGN_BATCH = 256;

/** Outbox collection of a peer (what it may read) and its inbox (where it may write). */
export const outboxOf = (peer: string): string => `outbox-${peer}`;
export const inboxOf = (peer: string): string => `inbox-${peer}`;

/** Outcome of a share run. */
export interface ShareReport {
  readonly run: string;
  /** Objects considered. */
  readonly objects: number;
  /** Objects held back by the privacy policy, with the reason. */
  readonly withheld: readonly { readonly id: string; readonly reason: string }[];
  /** Objects queued, per peer. */
  readonly queued: Readonly<Record<string, number>>;
  /** Decisions taken and how many refused. */
  readonly decisions: number;
  readonly denied: number;
  /** Objects per peer and policy outcome (as journalled). */
  readonly outcomes: readonly ShareOutcome[];
  /** Personal-data values the minimiser pseudonymised, and fields it removed. */
  readonly pseudonymised: number;
  readonly removed: number;
}

/** How many objects one policy outcome got for one peer. */
export interface ShareOutcome {
  readonly peer: string;
  readonly allowed: boolean;
  readonly reason: string;
  readonly tlp: string;
  readonly objects: number;
}

/** How objects are shared. */
export interface ShareMode {
  readonly actor: string;
  readonly explicit: boolean;
  /** Peers to consider (default: every active peer). */
  readonly peers?: readonly Peer[];
  /** Record the originals in the ledger (automatic shares, replayed to peers added later). */
  readonly ledger: boolean;
  /** Audit action name. */
  readonly action: string;
}

function recipientOf(p: Peer): PolicyRecipient {
  return { nodeId: p.nodeId, communities: p.communities, active: p.status === 'active' };
}

function tlpOf(core: Readonly<Record<string, unknown>>): TlpLevel | undefined {
  const m = core['object_marking_refs'];
  return Array.isArray(m) ? strictestTlp(m.filter((x): x is string => typeof x === 'string')) : undefined;
}

/** Terms of an original share, filled from the node's identity and settings. */
export function termsFor(
  fx: FedContext,
  t: {
    distribution?: Distribution;
    tlp?: TlpLevel;
    recipients?: readonly string[];
    group?: SharingTerms['group'];
    pap?: SharingTerms['pap'];
  },
): SharingTerms {
  return {
    distribution: t.distribution ?? (t.group ? 'group' : fx.config.defaultDistribution),
    ...(t.tlp ? { tlp: t.tlp } : {}),
    ...(t.recipients && t.recipients.length > 0 ? { recipients: [...new Set(t.recipients)].sort() } : {}),
    ...(t.group ? { group: t.group } : {}),
    ...(fx.keys.identity.communities.length > 0 ? { communities: [...fx.keys.identity.communities] } : {}),
    ...(t.pap ? { pap: t.pap } : {}),
  };
}

/** One object to place: an original (with the terms of its share) or a received one to relay. */
export type Outgoing =
  | { readonly kind: 'original'; readonly core: Readonly<Record<string, unknown>>; readonly terms: SharingTerms }
  | {
      readonly kind: 'relay';
      readonly core: Readonly<Record<string, unknown>>;
      readonly chain: readonly Hop[];
      readonly digest?: Buffer;
    };

/**
 * Splits stored objects into originals and relays: an object that came from a peer keeps its
 * chain (in the chain store, or carried inline by older rows) and its originator's terms.
 */
export function outgoingOf(fx: FedContext, objects: readonly StoredObject[], terms: SharingTerms): Outgoing[] {
  const batches = new Map<string, DeclaredBatch | undefined>();
  return objects.map((s) => {
    const { core, provenance } = splitProvenance(s.object);
    const stored = s.provenance.source.startsWith('peer:')
      ? fx.state.chainOf(s.tenant, s.id, s.version, batches)
      : undefined;
    if (stored) return { kind: 'relay' as const, core, chain: stored };
    const parsed = provenance === undefined ? undefined : parseProvenance(provenance);
    return parsed?.ok
      ? { kind: 'relay' as const, core, chain: parsed.value.chain }
      : { kind: 'original' as const, core, terms };
  });
}

/**
 * Places objects in the outboxes of the peers the policy allows, signing them per batch.
 * Originals sharing one terms object are signed together. `items` may be one array or chunks
 * (a large share streams from the store, so memory stays flat); each chunk commits on its own,
 * and the run keeps one id, one journal and one audit entry.
 */
export function place(
  fx: FedContext,
  items: readonly Outgoing[] | Iterable<readonly Outgoing[]>,
  mode: ShareMode,
): ShareReport {
  const chunks: Iterable<readonly Outgoing[]> = isChunked(items) ? items : [items];
  const run = new Run(fx, mode);
  for (const chunk of chunks) fx.atomically(() => run.place(chunk));
  return run.finish();
}

function isChunked(items: readonly Outgoing[] | Iterable<readonly Outgoing[]>): items is Iterable<readonly Outgoing[]> {
  return !Array.isArray(items);
}

/** One share run across its chunks. */
class Run {
  readonly id = randomUUID();
  private readonly peers: Peer[];
  private readonly queued: Record<string, number> = {};
  private readonly withheld: { id: string; reason: string }[] = [];
  private readonly digest = createHash('sha256');
  private readonly minimiser;
  private readonly ttlSeconds: number;
  private objects = 0;
  private decisions = 0;
  private denied = 0;
  private pseudonymised = 0;
  private removed = 0;
  private ledgerRuns = 0;
  private readonly outcomes = new Map<string, ShareOutcome>();

  constructor(
    private readonly fx: FedContext,
    private readonly mode: ShareMode,
  ) {
    this.peers = (mode.peers ?? fx.peers.active()).filter((p) => p.nodeId !== fx.me);
    this.minimiser = minimiserFor(fx);
    this.ttlSeconds = fx.config.attestationTtlDays * 86_400;
  }

  /** Queues a batch's declaration and objects (`SignedBatch.declare`) for a peer. */
  private queue(peer: string, declared: Record<string, unknown>[]): void {
    if (declared.length < 2) return;
    this.fx.taxii.addObjects(FEDERATION_ROOT, outboxOf(peer), declared);
    this.queued[peer] = (this.queued[peer] ?? 0) + declared.length - 1;
  }

  /** Places one chunk (inside a transaction). */
  place(items: readonly Outgoing[]): void {
    const fx = this.fx;
    const mode = this.mode;
    const tenant = fx.config.tenant;
    const log = new DecisionLog(tenant);
    const note = (core: Readonly<Record<string, unknown>>, peer: string, d: PolicyDecision, hops: number): void => {
      const objectId = String(core['id'] ?? '');
      const version = versionOf(core);
      log.add(peer, d, hops, `${objectId}@${version}`);
      this.digest.update(`${objectId}\0${version}\0${peer}\0${d.allow ? 1 : 0}\0${d.reason}\n`);
    };
    this.objects += items.length;

    // Originals: minimised once, then signed per batch of equal terms.
    const byTerms = new Map<string, { terms: SharingTerms; cores: Readonly<Record<string, unknown>>[] }>();
    for (const o of items) {
      if (o.kind !== 'original') continue;
      const k = JSON.stringify(o.terms);
      const g = byTerms.get(k) ?? { terms: o.terms, cores: [] };
      g.cores.push(o.core);
      byTerms.set(k, g);
    }
    for (const { terms, cores } of byTerms.values()) {
      const shared: { tenant: string; id: string; version: string }[] = [];
      for (let at = 0; at < cores.length; at += SIGN_BATCH) {
        const m = this.minimiser.minimise(cores.slice(at, at + SIGN_BATCH));
        this.withheld.push(...m.withheld);
        this.pseudonymised += m.pseudonymised;
        this.removed += m.removed;
        if (m.objects.length === 0) continue;
        const batch = attest(
          fx.keys,
          m.objects.map((core) => ({ core })),
          { terms, ttlSeconds: this.ttlSeconds, explicit: mode.explicit, now: fx.now },
        );
        for (const peer of this.peers) {
          const allowed: number[] = [];
          m.objects.forEach((core, i) => {
            const d = decide({
              tlp: tlpOf(core),
              terms,
              hops: 0,
              holders: [fx.me],
              recipient: recipientOf(peer),
              explicit: mode.explicit,
              unmarkedTlp: fx.config.unmarkedTlp,
            });
            note(core, peer.nodeId, d, 0);
            if (d.allow) allowed.push(i);
          });
          if (allowed.length > 0) this.queue(peer.nodeId, batch.declare(peer.nodeId, allowed));
        }
        if (mode.ledger)
          for (const core of m.objects) shared.push({ tenant, id: String(core['id']), version: versionOf(core) });
      }
      if (shared.length > 0) fx.journal.ledgerAdd(`${this.id}:${this.ledgerRuns++}`, terms, mode.explicit, shared);
    }

    // Relays: the originator's terms travel with the chain.
    const relays = items.filter((i) => i.kind === 'relay');
    for (let at = 0; at < relays.length; at += SIGN_BATCH) {
      const signable: AttestItem[] = [];
      const perPeer = new Map<string, number[]>();
      for (const r of relays.slice(at, at + SIGN_BATCH)) {
        if (r.kind !== 'relay') continue;
        const terms = r.chain[0]?.terms;
        if (!terms) continue;
        const holders = [...r.chain.map((h) => h.n), fx.me];
        const index = signable.length;
        let any = false;
        for (const peer of this.peers) {
          const d = decide({
            tlp: tlpOf(r.core),
            terms,
            hops: r.chain.length,
            holders,
            recipient: recipientOf(peer),
            explicit: mode.explicit,
            unmarkedTlp: fx.config.unmarkedTlp,
          });
          note(r.core, peer.nodeId, d, r.chain.length);
          if (!d.allow) continue;
          any = true;
          const list = perPeer.get(peer.nodeId) ?? [];
          list.push(index);
          perPeer.set(peer.nodeId, list);
        }
        if (any) signable.push({ core: r.core, chain: r.chain, ...(r.digest ? { digest: r.digest } : {}) });
      }
      if (perPeer.size === 0) continue;
      const batch = attest(fx.keys, signable, { ttlSeconds: this.ttlSeconds, explicit: mode.explicit, now: fx.now });
      for (const [peer, indices] of perPeer) this.queue(peer, batch.declare(peer, indices));
    }

    if (log.total > 0) fx.journal.recordDecisionGroups(this.id, log.groups());
    for (const g of log.groups()) {
      const key = `${g.peer}\0${g.allowed ? 1 : 0}\0${g.reason}\0${g.tlp}`;
      const o = this.outcomes.get(key);
      const objects = (o?.objects ?? 0) + g.objects.length;
      this.outcomes.set(key, { peer: g.peer, allowed: g.allowed, reason: g.reason, tlp: g.tlp, objects });
    }
    this.decisions += log.total;
    this.denied += log.denied;
  }

  /** Audits the run and reports it. */
  finish(): ShareReport {
    if (this.objects > 0)
      audit(this.fx, {
        action: this.mode.action,
        actor: this.mode.actor,
        outcome: 'success',
        target: this.id,
        details: {
          objects: this.objects,
          withheld: this.withheld.length,
          decisions: this.decisions,
          denied: this.denied,
          queued: this.queued,
          explicit: this.mode.explicit,
          decisionsSha256: this.digest.digest('hex'),
        },
      });
    return {
      run: this.id,
      objects: this.objects,
      withheld: this.withheld,
      queued: this.queued,
      decisions: this.decisions,
      denied: this.denied,
      outcomes: [...this.outcomes.values()],
      pseudonymised: this.pseudonymised,
      removed: this.removed,
    };
  }
}

function versionOf(o: Readonly<Record<string, unknown>>): string {
  const v = o['modified'] ?? o['created'];
  return typeof v === 'string' ? v : '';
}
