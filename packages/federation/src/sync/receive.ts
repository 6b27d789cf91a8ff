/**
 * @module
 * The receiving side: every object a peer delivers (pushed into its inbox or pulled from its
 * outbox) is verified (chain, keys, times, signatures), checked against the originator's terms
 * (a sender that breaks the policy is refused and reported), stored once in the CTI store with
 * its provenance, recorded as a report for trust-weighted fusion, and relayed onwards when the
 * policy allows. Refusals are logged with their reason; nothing is thrown for bad input.
 */
import { systemContext } from '@intersoc/core';
import type { AddOutcome } from '@intersoc/cti';
import { hashAlgorithm, indicatorsFromStix, normaliseValue, strictestTlp, type IocKind } from '@intersoc/cti';
import { decide } from '../policy/policy.js';
import { isBatchObject, type DeclaredBatch } from '../signing/batch.js';
import { ChainVerifier, type VerifiedObject } from '../signing/verify.js';
import type { ReportInput } from '../store/intel-state.js';
import type { Peer } from '../store/peers.js';
import { audit, type FedContext } from './context.js';
import { place } from './share.js';

/** Most objects taken from one request. */
export const MAX_OBJECTS_PER_REQUEST = 20_000;

/** A verifier bound to a snapshot of the peer registry, refreshed at every receipt. */
export interface BoundVerifier {
  readonly verifier: ChainVerifier;
  /** Re-reads the registry: a revocation applies to everything received after it. */
  refresh(): void;
}

/** The verifier of a federation. */
export function verifierFor(fx: FedContext): BoundVerifier {
  let keys = new Map<string, { publicKey: string; revoked: boolean }>();
  const verifier = new ChainVerifier({
    me: fx.me,
    keyOf: (id) => keys.get(id),
    now: fx.now,
    skewSeconds: fx.config.clockSkewSeconds,
    maxTtlSeconds: 400 * 86_400,
    maxHops: fx.config.maxHops + 1,
    batchOf: (signer, root) => fx.state.batchOf(signer, root),
  });
  const refresh = (): void => {
    verifier.forgetPaths();
    keys = new Map(fx.peers.list().map((p) => [p.nodeId, { publicKey: p.publicKey, revoked: p.status !== 'active' }]));
  };
  refresh();
  return { verifier, refresh };
}

/** Counts of one receipt. */
export interface ReceiveSummary {
  readonly added: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly relayed: number;
}

/** Receives objects from a peer; one outcome per input object, in order. */
export function receive(
  fx: FedContext,
  bound: BoundVerifier,
  sender: Peer,
  objects: readonly unknown[],
  mode: 'push' | 'pull',
): { outcomes: AddOutcome[]; summary: ReceiveSummary } {
  // One transaction per delivery: the store, chains, reports and journal commit together (and
  // a crash leaves none of them half-written).
  return fx.atomically(() => receiveInTransaction(fx, bound, sender, objects, mode));
}

function receiveInTransaction(
  fx: FedContext,
  bound: BoundVerifier,
  sender: Peer,
  objects: readonly unknown[],
  mode: 'push' | 'pull',
): { outcomes: AddOutcome[]; summary: ReceiveSummary } {
  const tenant = fx.config.tenant;
  const ctx = systemContext(tenant);
  bound.refresh();
  const verifier = bound.verifier;
  const outcomes: AddOutcome[] = new Array<AddOutcome>(objects.length);
  const verified: { at: number; v: VerifiedObject }[] = [];
  const me = { nodeId: fx.me, communities: fx.keys.identity.communities, active: true };
  let rejected = 0;
  const refuse = (at: number, id: string, version: string, code: string, reason: string): void => {
    outcomes[at] = { id, version, added: false, error: `${code}: ${reason}` };
    fx.journal.reject(sender.nodeId, id, code, reason);
    rejected++;
  };

  const declared: DeclaredBatch[] = [];
  objects.forEach((o, at) => {
    const obj = o && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>) : undefined;
    const id = typeof obj?.['id'] === 'string' ? obj['id'] : '';
    const version = versionOf(obj ?? {});
    if (at >= MAX_OBJECTS_PER_REQUEST) return refuse(at, id, version, 'limit', 'too many objects in one request');
    if (isBatchObject(o)) {
      // A batch declaration precedes its objects; kept once, never in the CTI store.
      const d = verifier.declare(o, sender.nodeId);
      if (!d.ok) return refuse(at, id, version, d.reason.code, d.reason.message);
      declared.push(d.value);
      outcomes[at] = { id, version, added: true };
      return;
    }
    const r = verifier.verify(o, sender.nodeId);
    if (!r.ok) return refuse(at, id, version, r.reason.code, r.reason.message);
    const v = r.value;
    const last = v.chain[v.chain.length - 1];
    const markings = Array.isArray(v.core['object_marking_refs']) ? (v.core['object_marking_refs'] as string[]) : [];
    // The receiver checks it was entitled: a sender that breaks the policy is refused.
    const d = decide({
      tlp: strictestTlp(markings),
      terms: v.terms,
      hops: v.chain.length - 1,
      holders: v.chain.slice(0, -1).map((h) => h.n),
      recipient: me,
      explicit: last?.e === true,
      unmarkedTlp: fx.config.unmarkedTlp,
    });
    if (!d.allow) return refuse(at, id, version, 'policy', `sender broke the sharing policy: ${d.reason}`);
    verified.push({ at, v });
  });

  // Store per originator, so the provenance of each row names it.
  const byOrigin = new Map<string, typeof verified>();
  for (const x of verified) {
    const list = byOrigin.get(x.v.origin) ?? [];
    list.push(x);
    byOrigin.set(x.v.origin, list);
  }
  const fresh: typeof verified = [];
  /** Copies already held, now received by a shorter path. */
  const closer: typeof verified = [];
  let added = 0;
  let duplicates = 0;
  const newSightings = new Set<string>();
  // Sightings held before this delivery (one query, not one per sighting), then those stored.
  const known = heldIds(
    fx,
    ctx,
    verified.filter((x) => x.v.core['type'] === 'sighting').map((x) => String(x.v.core['id'])),
  );
  for (const [origin, list] of byOrigin) {
    for (const x of list)
      if (x.v.core['type'] === 'sighting' && !known.has(String(x.v.core['id'])))
        newSightings.add(String(x.v.core['id']));
    const put = fx.cti.put(
      ctx,
      list.map((x) => x.v.core),
      { source: `peer:${origin}`, via: `peer:${sender.nodeId}` },
    );
    put.forEach((p, i) => {
      const x = list[i] as (typeof verified)[number];
      if (p.status === 'rejected') {
        refuse(x.at, p.id, p.version, 'schema', p.reason ?? 'invalid STIX');
        return;
      }
      if (x.v.core['type'] === 'sighting') known.add(p.id);
      outcomes[x.at] = { id: p.id, version: p.version, added: p.status === 'added' };
      if (p.status === 'added') {
        added++;
        fresh.push(x);
      } else {
        duplicates++;
        // A copy by a shorter path may entitle this node to pass it further than the first did.
        const stored = fx.state.chainLength(tenant, p.id, p.version);
        if (stored !== undefined && x.v.chain.length < stored) closer.push(x);
      }
    });
  }

  // Every batch a stored chain refers to is kept with it, wherever its declaration was read.
  const batches = new Set(declared);
  for (const x of [...fresh, ...closer]) if (x.v.batch) batches.add(x.v.batch);
  if (batches.size > 0) fx.state.recordBatches([...batches]);
  const chainRow = (x: (typeof verified)[number]) => ({
    tenant,
    id: String(x.v.core['id']),
    version: versionOf(x.v.core),
    chain: x.v.chain,
    wire: x.v.wire,
  });
  fx.state.recordChains(fresh.map(chainRow));
  if (closer.length > 0) fx.state.recordChains(closer.map(chainRow), true);

  // Reports for fusion, keyed by indicator value where the pattern is one simple value.
  const keys = valueKeys(fresh.map((x) => x.v.core));
  const reports: ReportInput[] = fresh.map((x) => ({
    tenant,
    objectId: String(x.v.core['id']),
    version: versionOf(x.v.core),
    origin: x.v.origin,
    sender: sender.nodeId,
    confidence: typeof x.v.core['confidence'] === 'number' ? x.v.core['confidence'] : undefined,
    hops: x.v.chain.length,
    valueKey: keys.get(String(x.v.core['id'])) ?? `id:${String(x.v.core['id'])}`,
  }));
  if (reports.length > 0) fx.state.recordReports(reports, fx.now());

  // Sightings of what this node shared: where its intelligence landed; others confirm their originator.
  for (const x of fresh) {
    const c = x.v.core;
    if (c['type'] !== 'sighting' || typeof c['sighting_of_ref'] !== 'string') continue;
    const of = c['sighting_of_ref'];
    if (fx.journal.isShared(tenant, of)) {
      fx.state.recordLanded(tenant, {
        indicator: of,
        peer: x.v.origin,
        count: typeof c['count'] === 'number' ? c['count'] : 1,
        first: Date.parse(String(c['first_seen'] ?? c['created'])) || fx.now(),
        last: Date.parse(String(c['last_seen'] ?? c['modified'])) || fx.now(),
      });
    } else if (newSightings.has(String(c['id']))) {
      const origins = new Set(fx.state.reportersOf(tenant, of).map((r) => r.origin));
      for (const origin of origins)
        if (origin !== x.v.origin && fx.peers.get(origin)?.status === 'active')
          fx.peers.feedback(origin, 'confirmation');
    }
  }

  // Relay onwards what the policy allows, except what waits in quarantine.
  let relayed = 0;
  const candidates = [...fresh, ...closer];
  const others =
    fx.config.autoRelay && candidates.length > 0 ? fx.peers.active().filter((p) => p.nodeId !== sender.nodeId) : [];
  if (others.length > 0) {
    const state = fx.state.readIntelState(tenant, fx.config.quarantine, [
      ...new Set([...reports.map((r) => r.valueKey), ...valueKeys(closer.map((x) => x.v.core)).values()]),
    ]);
    // Peers that already got an object from this node keep their copy: the outbox holds each
    // version once.
    const relayable = candidates.filter((x) => state.get(String(x.v.core['id']))?.quarantined !== true);
    if (relayable.length > 0) {
      const r = place(
        fx,
        relayable.map((x) => ({ kind: 'relay' as const, core: x.v.core, chain: x.v.chain, digest: x.v.digest })),
        { actor: 'system', explicit: false, peers: others, ledger: false, action: 'federation.relay' },
      );
      relayed = Object.values(r.queued).reduce((a, b) => a + b, 0);
    }
  }

  fx.journal.exchange({ peer: sender.nodeId, direction: 'received', mode, objects: added, rejected });
  fx.peers.contact(sender.nodeId);
  if (objects.length > 0)
    audit(fx, {
      action: 'federation.receive',
      actor: `peer:${sender.nodeId}`,
      outcome: rejected > 0 ? 'failure' : 'success',
      target: sender.nodeId,
      details: {
        mode,
        objects: objects.length - declared.length,
        batches: declared.length,
        added,
        duplicates,
        rejected,
        relayed,
      },
    });
  if (fresh.some((x) => x.v.core['type'] === 'indicator')) fx.onIntelChanged?.(tenant);
  return { outcomes, summary: { added, duplicates, rejected, relayed } };
}

/** Which of `ids` the tenant's CTI store holds (any version). */
function heldIds(fx: FedContext, ctx: ReturnType<typeof systemContext>, ids: readonly string[]): Set<string> {
  const held = new Set<string>();
  const unique = [...new Set(ids)];
  for (let at = 0; at < unique.length; at += 500) {
    const chunk = unique.slice(at, at + 500);
    for (const o of fx.cti.query(ctx, { ids: chunk, versions: 'last', limit: 1000 }).objects) held.add(o.id);
  }
  return held;
}

function versionOf(o: Readonly<Record<string, unknown>>): string {
  const v = o['modified'] ?? o['created'];
  return typeof v === 'string' ? v : '';
}

/** Patterns that are one equality on an address, domain, URL or email: most shared indicators. */
const SIMPLE_PATTERN = /^\[(ipv4-addr|ipv6-addr|domain-name|url|email-addr):value\s*=\s*'((?:[^'\\]|\\.)*)'\]$/;
const SIMPLE_KIND: Readonly<Record<string, IocKind>> = {
  'ipv4-addr': 'ip',
  'ipv6-addr': 'ip',
  'domain-name': 'domain',
  url: 'url',
  'email-addr': 'email',
};

/** One hash of a file, artifact or certificate, as the pattern compiler reduces it. */
const HASH_PATTERN =
  /^\[(?:file|artifact|x509-certificate):hashes\.(?:'[^'\\]+'|[A-Za-z0-9_-]+)\s*=\s*'([0-9A-Fa-f]+)'\]$/;

/** Fusion keys of indicators that reduce to exactly one simple value. */
export function valueKeys(cores: readonly Readonly<Record<string, unknown>>[]): Map<string, string> {
  const out = new Map<string, string>();
  const rest: Readonly<Record<string, unknown>>[] = [];
  for (const c of cores) {
    if (c['type'] !== 'indicator') continue;
    const pattern = typeof c['pattern'] === 'string' && c['pattern_type'] === 'stix' ? c['pattern'] : undefined;
    const m = pattern === undefined ? null : SIMPLE_PATTERN.exec(pattern);
    const kind = m ? SIMPLE_KIND[m[1] as string] : undefined;
    const value = kind && m && !(m[2] as string).includes('\\') ? normaliseValue(kind, m[2] as string) : undefined;
    const hash = !kind && pattern !== undefined ? HASH_PATTERN.exec(pattern)?.[1] : undefined;
    if (kind && value !== undefined && !value.includes('/')) out.set(String(c['id']), `${kind}:${value}`);
    else if (hash !== undefined && hashAlgorithm(hash)) out.set(String(c['id']), `hash:${hash.toLowerCase()}`);
    else rest.push(c);
  }
  if (rest.length === 0) return out;
  const set = indicatorsFromStix(rest);
  const count = new Map<string, number>();
  for (const s of set.simple) count.set(s.id, (count.get(s.id) ?? 0) + 1);
  for (const s of set.simple) if (count.get(s.id) === 1) out.set(s.id, `${s.kind}:${s.value}`);
  return out;
}
