/**
 * @module
 * Who a federation request comes from: the check of a node-signed request (key of an active
 * peer, single-use nonce, clock skew, per-peer rate), the peer context it yields, and what such
 * a context may reach over TAXII. Peer contexts are remembered by identity, so no user can make
 * one by naming itself `peer-…`.
 */
import type { AuthContext } from '@intersoc/core';
import type { TaxiiCollection } from '@intersoc/cti';
import { FEDERATION_ROOT } from '../transport/peer-client.js';
import { verifyRequest, type RateLimiter, type RequestRefusal } from '../transport/request-auth.js';
import type { FedContext } from './context.js';
import { inboxOf, outboxOf } from './share.js';

const PEER_CONTEXTS = new WeakSet<AuthContext>();

/** True for the context of an authenticated peer node (never a user). */
export function isPeerContext(ctx: AuthContext): boolean {
  return PEER_CONTEXTS.has(ctx);
}

/** The node id of a peer context. */
export function peerOf(ctx: AuthContext): string | undefined {
  return isPeerContext(ctx) ? ctx.user.slice('peer-'.length) : undefined;
}

/** A node-signed request as the transport sees it. */
export interface SignedRequest {
  method: string;
  url: string;
  authorization?: string;
}

/** What authenticating a peer's request gives: its context, or why it was refused. */
export type PeerAuthentication = { ok: true; ctx: AuthContext; peer: string } | { ok: false; refusal: RequestRefusal };

/** Authenticates a node-signed request; a refusal is journalled under the node id it claimed. */
export function authenticatePeer(fx: FedContext, requests: RateLimiter, r: SignedRequest): PeerAuthentication {
  const v = verifyRequest(
    {
      me: fx.me,
      peerKey: (id) => {
        const p = fx.peers.get(id);
        return p?.status === 'active' ? p.publicKey : undefined;
      },
      useNonce: (peer, nonce, expires) => fx.journal.useNonce(peer, nonce, expires),
      skewSeconds: fx.config.clockSkewSeconds,
      admit: (peer) => requests.admit(peer),
      now: fx.now,
    },
    { method: r.method, target: r.url, authorization: r.authorization },
  );
  if (!v.ok) {
    const claimed = /id="([0-9a-f]{32})"/.exec(r.authorization ?? '')?.[1] ?? 'unknown';
    fx.journal.reject(claimed, '', 'request', `${r.method} ${r.url.slice(0, 200)}: ${v.reason.reason}`);
    return { ok: false, refusal: v.reason };
  }
  const ctx: AuthContext = {
    tenant: fx.config.tenant,
    user: `peer-${v.value.id}`,
    roles: ['partner'],
    via: 'token',
  };
  PEER_CONTEXTS.add(ctx);
  return { ok: true, ctx, peer: v.value.id };
}

/** TAXII access: peers reach only their own collections of the federation root; users never reach those. */
export function collectionAccess(
  ctx: AuthContext,
  c: TaxiiCollection,
  fallback: (ctx: AuthContext, c: TaxiiCollection) => { read: boolean; write: boolean },
): { read: boolean; write: boolean } {
  const peer = peerOf(ctx);
  if (c.apiRoot !== FEDERATION_ROOT) return peer ? { read: false, write: false } : fallback(ctx, c);
  if (!peer) return { read: false, write: false };
  return { read: c.id === outboxOf(peer), write: c.id === inboxOf(peer) };
}
