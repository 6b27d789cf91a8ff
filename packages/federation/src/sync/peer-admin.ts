/**
 * @module
 * The operator's side of peering: adding a peer from its card (and replaying the share ledger to
 * it), removing and revoking peers, their admiralty grade, analysts' feedback on what peers sent,
 * community keys and sharing groups. Every change is audited; the ones that change how much a
 * peer is trusted tell the node its intelligence changed.
 */
import { AppError, type AuthContext } from '@intersoc/core';
import { parseCard, type PeerCard } from '../identity/identity.js';
import type { Peer } from '../store/peers.js';
import type { Reliability } from '../trust/trust.js';
import { closeCollections, ensureCollections } from './collections.js';
import { audit, requireFederationRole, type FedContext } from './context.js';
import { replayLedger } from './share-request.js';

/** How a peer is added: its grade (default F, not yet judged), communities and endpoint. */
export interface PeerOptions {
  reliability?: Reliability;
  communities?: readonly string[];
  endpoint?: string;
}

/** Adds (or updates) a peer from its card; replays the share ledger to it. */
export function addPeer(fx: FedContext, ctx: AuthContext, cardInput: unknown, o: PeerOptions = {}): Peer {
  requireFederationRole(fx, ctx, ['admin']);
  const card: PeerCard = parseCard(cardInput);
  if (card.node_id === fx.me) throw new AppError('VALIDATION', 'that card is this node');
  const peer = fx.peers.add(card, {
    reliability: o.reliability ?? 'F',
    ...(o.communities ? { communities: o.communities } : {}),
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
  });
  ensureCollections(fx, peer.nodeId);
  audit(fx, {
    action: 'federation.peer.add',
    actor: ctx.user,
    outcome: 'success',
    target: peer.nodeId,
    details: { name: peer.name, reliability: peer.reliability, communities: [...peer.communities] },
  });
  replayLedger(fx, peer);
  return peer;
}

/** The peers, for any federation role. */
export function listPeers(fx: FedContext, ctx: AuthContext): Peer[] {
  requireFederationRole(fx, ctx, ['admin', 'analyst', 'viewer']);
  return fx.peers.list();
}

/** Forgets a peer (its collections are closed). */
export function removePeer(fx: FedContext, ctx: AuthContext, nodeId: string): boolean {
  requireFederationRole(fx, ctx, ['admin']);
  const removed = fx.peers.remove(nodeId);
  if (removed) closeCollections(fx, nodeId);
  audit(fx, {
    action: 'federation.peer.remove',
    actor: ctx.user,
    outcome: removed ? 'success' : 'failure',
    target: nodeId,
  });
  return removed;
}

/** Revokes a peer's key, at once for everything received later. */
export function revokePeer(fx: FedContext, ctx: AuthContext, nodeId: string): Peer {
  requireFederationRole(fx, ctx, ['admin']);
  const p = fx.peers.revoke(nodeId);
  closeCollections(fx, nodeId);
  audit(fx, { action: 'federation.peer.revoke', actor: ctx.user, outcome: 'success', target: nodeId });
  return p;
}

/** Sets the operator's admiralty grade of a peer. */
export function setReliability(fx: FedContext, ctx: AuthContext, nodeId: string, reliability: Reliability): Peer {
  requireFederationRole(fx, ctx, ['admin']);
  const p = fx.peers.setReliability(nodeId, reliability);
  audit(fx, {
    action: 'federation.peer.trust',
    actor: ctx.user,
    outcome: 'success',
    target: nodeId,
    details: { reliability },
  });
  fx.onIntelChanged?.(fx.config.tenant);
  return p;
}

/** Feedback on an indicator from peers: confirmed, or a false positive (which also takes it out of detection). */
export function peerFeedback(
  fx: FedContext,
  ctx: AuthContext,
  indicator: string,
  verdict: 'confirmed' | 'false-positive',
): { peers: string[] } {
  requireFederationRole(fx, ctx, ['admin', 'analyst']);
  const tenant = fx.config.tenant;
  const reporters = fx.state.reportersOf(tenant, indicator);
  if (reporters.length === 0) throw new AppError('NOT_FOUND', `no peer reported ${indicator}`);
  const peers = [...new Set(reporters.map((r) => (fx.peers.get(r.origin) ? r.origin : r.sender)))].filter(
    (p) => fx.peers.get(p)?.status === 'active',
  );
  for (const p of peers) fx.peers.feedback(p, verdict === 'confirmed' ? 'confirmation' : 'false-positive');
  if (verdict === 'false-positive') fx.state.reviewIntel(tenant, indicator, 'rejected', ctx.user, fx.now());
  audit(fx, {
    action: 'federation.feedback',
    actor: ctx.user,
    outcome: 'success',
    target: indicator,
    details: { verdict, peers },
  });
  fx.onIntelChanged?.(tenant);
  return { peers };
}

/** Sets (or generates) a community's key; returns it. */
export function setCommunityKey(fx: FedContext, ctx: AuthContext, name: string, keyHex?: string): string {
  requireFederationRole(fx, ctx, ['admin']);
  const key = fx.journal.setCommunityKey(name, keyHex);
  audit(fx, { action: 'federation.community.key', actor: ctx.user, outcome: 'success', target: name });
  return key;
}

/** Sets a sharing group's members. */
export function setGroup(fx: FedContext, ctx: AuthContext, name: string, members: readonly string[]): void {
  requireFederationRole(fx, ctx, ['admin']);
  fx.journal.setGroup({ name, members: [...members] });
  audit(fx, {
    action: 'federation.group.set',
    actor: ctx.user,
    outcome: 'success',
    target: name,
    details: { members: [...members] },
  });
}
