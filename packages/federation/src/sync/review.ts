/**
 * @module
 * What analysts see of received intelligence and do with it: the objects waiting in quarantine,
 * the decision to release or reject one, the provenance chain of a received object, and the
 * federation status the dashboard shows (peers, exchanges, quarantine, landed sightings,
 * rejections). Reads are open to every federation role, decisions to admins and analysts.
 */
import { AppError, type AuthContext } from '@intersoc/core';
import type { IntelState } from '../store/intel-state.js';
import type { Journal } from '../store/journal.js';
import type { Peer } from '../store/peers.js';
import type { LandedSighting } from '../store/sightings.js';
import type { Hop } from '../signing/provenance.js';
import { audit, requireFederationRole, type FedContext } from './context.js';

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
  readonly landed: LandedSighting[];
  readonly rejections: ReturnType<Journal['rejections']>;
}

/** Received objects waiting in quarantine. */
export function quarantined(fx: FedContext, ctx: AuthContext): QuarantinedItem[] {
  requireFederationRole(fx, ctx, ['admin', 'analyst', 'viewer']);
  const out: QuarantinedItem[] = [];
  for (const [id, s] of fx.state.readIntelState(ctx.tenant, fx.config.quarantine)) {
    if (!s.quarantined || s.review === 'rejected') continue;
    const [o] = fx.cti.get(ctx, id, 'last');
    out.push({
      id,
      type: o?.type ?? id.split('--')[0] ?? '',
      ...(typeof o?.object['name'] === 'string' ? { name: o.object['name'] } : {}),
      confidence: s.confidence,
      reporters: fx.state.reportersOf(ctx.tenant, id).map((r) => r.origin),
    });
  }
  return out;
}

/** An analyst's decision on a quarantined object. */
export function review(
  fx: FedContext,
  ctx: AuthContext,
  id: string,
  decision: 'released' | 'rejected',
): IntelState | undefined {
  requireFederationRole(fx, ctx, ['admin', 'analyst']);
  if (fx.state.reportersOf(ctx.tenant, id).length === 0) throw new AppError('NOT_FOUND', `no received object ${id}`);
  fx.state.reviewIntel(ctx.tenant, id, decision, ctx.user, fx.now());
  audit(fx, {
    action: `federation.quarantine.${decision === 'released' ? 'release' : 'reject'}`,
    actor: ctx.user,
    outcome: 'success',
    target: id,
  });
  fx.onIntelChanged?.(ctx.tenant);
  return fx.state.readIntelState(ctx.tenant, fx.config.quarantine).get(id);
}

/** The provenance chain of a received object (its latest version), hop by hop. */
export function provenance(
  fx: FedContext,
  ctx: AuthContext,
  id: string,
): { version: string; chain: Hop[] } | undefined {
  requireFederationRole(fx, ctx, ['admin', 'analyst', 'viewer']);
  const [o] = fx.cti.get(ctx, id, 'last');
  if (!o) throw new AppError('NOT_FOUND', `no object ${id}`);
  const chain = fx.state.chainOf(ctx.tenant, id, o.version);
  return chain ? { version: o.version, chain } : undefined;
}

/** Everything the dashboard shows about the federation. */
export function status(fx: FedContext, ctx: AuthContext): FederationStatus {
  requireFederationRole(fx, ctx, ['admin', 'analyst', 'viewer']);
  return {
    nodeId: fx.me,
    name: fx.keys.identity.name,
    peers: fx.peers.list(),
    exchanges: fx.journal.exchanges(50),
    quarantined: quarantined(fx, ctx),
    landed: fx.state.landedSightings(ctx.tenant),
    rejections: fx.journal.rejections(50),
  };
}
