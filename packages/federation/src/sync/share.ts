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
import { ProvenanceSchema, splitProvenance, type Hop } from '../signing/provenance.js';
import { decide, type PolicyRecipient } from '../policy/policy.js';
import type { Distribution, SharingTerms } from '../policy/terms.js';
import type { Peer } from '../store/peers.js';
import type { Decision } from '../store/journal.js';
import { FEDERATION_ROOT } from '../transport/peer-client.js';
import { audit, minimiserFor, type FedContext } from './context.js';

/** Objects signed under one Merkle root. */
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

/** Splits stored objects into originals and relays (objects that carry a chain). */
export function outgoingOf(objects: readonly StoredObject[], terms: SharingTerms): Outgoing[] {
  return objects.map((s) => {
    const { core, provenance } = splitProvenance(s.object);
    const parsed = provenance === undefined ? undefined : ProvenanceSchema.safeParse(provenance);
    return parsed?.success
      ? { kind: 'relay' as const, core, chain: parsed.data.chain }
      : { kind: 'original' as const, core, terms };
  });
}

/**
 * Places objects in the outboxes of the peers the policy allows, signing them per batch.
 * Originals sharing one terms object are signed together.
 */
export function place(fx: FedContext, items: readonly Outgoing[], mode: ShareMode): ShareReport {
  const run = randomUUID();
  const peers = (mode.peers ?? fx.peers.active()).filter((p) => p.nodeId !== fx.me);
  const queued: Record<string, number> = {};
  const decisions: Decision[] = [];
  const withheld: { id: string; reason: string }[] = [];
  const ttlSeconds = fx.config.attestationTtlDays * 86_400;
  const tenant = fx.config.tenant;
  const digest = createHash('sha256');
  const originals = items.filter((i) => i.kind === 'original');
  const relays = items.filter((i) => i.kind === 'relay');

  const queue = (peer: string, objects: Record<string, unknown>[]): void => {
    if (objects.length === 0) return;
    fx.taxii.addObjects(FEDERATION_ROOT, outboxOf(peer), objects);
    queued[peer] = (queued[peer] ?? 0) + objects.length;
  };
  const note = (d: Decision): void => {
    decisions.push(d);
    digest.update(`${d.objectId}\0${d.version}\0${d.peer}\0${d.allowed ? 1 : 0}\0${d.reason}\n`);
  };

  // Originals: minimised once, then signed per batch of equal terms.
  const minimiser = minimiserFor(fx);
  const byTerms = new Map<string, { terms: SharingTerms; cores: Readonly<Record<string, unknown>>[] }>();
  for (const o of originals) {
    if (o.kind !== 'original') continue;
    const k = JSON.stringify(o.terms);
    const g = byTerms.get(k) ?? { terms: o.terms, cores: [] };
    g.cores.push(o.core);
    byTerms.set(k, g);
  }
  const ledger: { tenant: string; id: string; version: string; terms: SharingTerms; explicit: boolean }[] = [];
  for (const { terms, cores } of byTerms.values()) {
    for (let at = 0; at < cores.length; at += SIGN_BATCH) {
      const m = minimiser.minimise(cores.slice(at, at + SIGN_BATCH));
      withheld.push(...m.withheld);
      if (m.objects.length === 0) continue;
      const batch = attest(fx.keys, m.objects.map((core) => ({ core })), {
        terms,
        ttlSeconds,
        explicit: mode.explicit,
        now: fx.now,
      });
      for (const peer of peers) {
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
          note(decision(tenant, core, peer.nodeId, d.allow, d.reason, d.tlp, d.distribution, 0));
          if (d.allow) allowed.push(i);
        });
        if (allowed.length > 0) queue(peer.nodeId, batch.for(peer.nodeId, allowed));
      }
      if (mode.ledger)
        for (const core of m.objects)
          ledger.push({ tenant, id: String(core['id']), version: versionOf(core), terms, explicit: mode.explicit });
    }
  }

  // Relays: the originator's terms travel with the chain.
  for (let at = 0; at < relays.length; at += SIGN_BATCH) {
    const chunk = relays.slice(at, at + SIGN_BATCH).filter((r) => r.kind === 'relay');
    const signable: AttestItem[] = [];
    const perPeer = new Map<string, number[]>();
    for (const r of chunk) {
      if (r.kind !== 'relay') continue;
      const terms = r.chain[0]?.terms;
      if (!terms) continue;
      const holders = [...r.chain.map((h) => h.n), fx.me];
      const index = signable.length;
      let any = false;
      for (const peer of peers) {
        const d = decide({
          tlp: tlpOf(r.core),
          terms,
          hops: r.chain.length,
          holders,
          recipient: recipientOf(peer),
          explicit: mode.explicit,
          unmarkedTlp: fx.config.unmarkedTlp,
        });
        note(decision(tenant, r.core, peer.nodeId, d.allow, d.reason, d.tlp, d.distribution, r.chain.length));
        if (!d.allow) continue;
        any = true;
        const list = perPeer.get(peer.nodeId) ?? [];
        list.push(index);
        perPeer.set(peer.nodeId, list);
      }
      if (any) signable.push({ core: r.core, chain: r.chain, ...(r.digest ? { digest: r.digest } : {}) });
    }
    if (perPeer.size === 0) continue;
    const batch = attest(fx.keys, signable, { ttlSeconds, explicit: mode.explicit, now: fx.now });
    for (const [peer, indices] of perPeer) queue(peer, batch.for(peer, indices));
  }

  if (decisions.length > 0) fx.journal.recordDecisions(run, decisions);
  if (ledger.length > 0) fx.journal.ledgerAdd(ledger);
  const denied = decisions.filter((d) => !d.allowed).length;
  if (items.length > 0)
    audit(fx, {
      action: mode.action,
      actor: mode.actor,
      outcome: 'success',
      target: run,
      details: {
        objects: items.length,
        withheld: withheld.length,
        decisions: decisions.length,
        denied,
        queued,
        explicit: mode.explicit,
        decisionsSha256: digest.digest('hex'),
      },
    });
  return { run, objects: items.length, withheld, queued, decisions: decisions.length, denied };
}

function versionOf(o: Readonly<Record<string, unknown>>): string {
  const v = o['modified'] ?? o['created'];
  return typeof v === 'string' ? v : '';
}

function decision(
  tenant: string,
  core: Readonly<Record<string, unknown>>,
  peer: string,
  allowed: boolean,
  reason: string,
  tlp: string,
  distribution: string,
  hops: number,
): Decision {
  return {
    tenant,
    objectId: String(core['id'] ?? ''),
    version: versionOf(core),
    peer,
    allowed,
    reason,
    tlp,
    distribution,
    hops,
  };
}
