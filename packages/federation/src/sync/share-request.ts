/**
 * @module
 * An analyst's share, from request to placed objects: the sharing terms it asks for (group,
 * distribution, TLP floor, recipients, PAP), the tenant's objects it names, read from the store
 * page by page, and the replay of the share ledger to a peer added later. Placing the objects in
 * peers' outboxes is `share.ts`'s work.
 */
import { AppError, systemContext, type AuthContext } from '@intersoc/core';
import type { PapLevel, TlpLevel } from '@intersoc/cti';
import type { Distribution } from '../policy/terms.js';
import type { Peer } from '../store/peers.js';
import { requireFederationRole, type FedContext } from './context.js';
import { outgoingOf, place, termsFor, type Outgoing, type ShareReport } from './share.js';

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

/** Shares objects of the tenant under the given terms (the caller starts the sync). */
export function shareObjects(fx: FedContext, ctx: AuthContext, req: ShareRequest): ShareReport {
  requireFederationRole(fx, ctx, ['admin', 'analyst']);
  const group = req.group === undefined ? undefined : fx.journal.group(req.group);
  if (req.group !== undefined && !group) throw new AppError('NOT_FOUND', `no sharing group ${req.group}`);
  const terms = termsFor(fx, {
    ...(req.distribution ? { distribution: req.distribution } : {}),
    ...(req.tlp ? { tlp: req.tlp } : {}),
    ...(req.recipients ? { recipients: req.recipients } : {}),
    ...(group ? { group } : {}),
    ...(req.pap ? { pap: req.pap } : {}),
  });
  if (terms.distribution === 'group' && !terms.group)
    throw new AppError('VALIDATION', 'distribution group needs --group');
  const explicit = req.explicit === true;
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
  return place(fx, pages(), { actor: ctx.user, explicit, ledger: !explicit, action: 'federation.share' });
}

/** Places everything in the share ledger for a newly added peer, under the terms it was shared with. */
export function replayLedger(fx: FedContext, peer: Peer): void {
  const tenant = fx.config.tenant;
  const entries = fx.journal.ledger(tenant);
  if (entries.length === 0) return;
  const ctx = systemContext(tenant);
  const items = [];
  for (const e of entries) {
    const [o] = fx.cti.get(ctx, e.id, [e.version]);
    if (o) items.push(...outgoingOf(fx, [o], e.terms));
  }
  place(fx, items, {
    actor: 'system',
    explicit: false,
    peers: [peer],
    ledger: false,
    action: 'federation.replay',
  });
}
