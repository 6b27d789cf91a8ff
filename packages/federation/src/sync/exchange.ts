/**
 * @module
 * One exchange with one peer over TAXII: the push of this node's outbox for the peer into its
 * inbox, and the pull of the peer's outbox for this node. Both go page by page and move the
 * peer's cursor after each page the other side answered for, so an interrupted exchange resumes
 * where it stopped and a page is never sent or stored twice.
 */
import type { TaxiiFilters } from '@intersoc/cti';
import { BATCH_TYPE } from '../signing/batch.js';
import type { Peer } from '../store/peers.js';
import { FEDERATION_ROOT, type PeerClient } from '../transport/peer-client.js';
import type { FedContext } from './context.js';
import { receive, type BoundVerifier } from './receive.js';
import { inboxOf, outboxOf } from './share.js';

/** Pushes what waits in the peer's outbox, page by page; returns how many objects it took. */
export async function pushTo(fx: FedContext, client: PeerClient): Promise<number> {
  const peer = client.peer.nodeId;
  const taxii = client.taxii();
  let pushed = 0;
  for (;;) {
    const cursor = fx.journal.cursor(peer, 'push');
    const rows = fx.taxii.queryObjects(FEDERATION_ROOT, outboxOf(peer), {
      versions: 'all',
      specVersions: ['2.0', '2.1'],
      limit: fx.config.pushBatch,
      ...(cursor === undefined ? {} : { addedAfter: Number(cursor) }),
    });
    const page = rows.slice(0, fx.config.pushBatch);
    if (page.length === 0) return pushed;
    const status = await taxii.push(
      client.rootUrl,
      inboxOf(fx.me),
      page.map((r) => JSON.parse(r.json) as unknown),
    );
    // Batch declarations ride with the objects but are not objects.
    const objects = status.success_count - page.filter((r) => r.type === BATCH_TYPE).length;
    pushed += Math.max(0, objects);
    fx.journal.exchange({
      peer,
      direction: 'sent',
      mode: 'push',
      objects: Math.max(0, objects),
      rejected: status.failure_count,
    });
    // The cursor moves once the peer answered for the page: what it refused is logged there.
    fx.journal.setCursor(peer, 'push', String((page[page.length - 1] as { dateAdded: number }).dateAdded));
    if (rows.length <= fx.config.pushBatch) return pushed;
  }
}

/** Pulls what the peer holds for this node, page by page, adding each page's counts to `into`. */
export async function pullFrom(
  fx: FedContext,
  verifier: BoundVerifier,
  client: PeerClient,
  peer: Peer,
  into: { added: number; duplicates: number; rejected: number; relayed: number },
): Promise<void> {
  const taxii = client.taxii();
  const collection = await taxii.collection(client.rootUrl, outboxOf(fx.me));
  const cursor = fx.journal.cursor(peer.nodeId, 'pull');
  const base: TaxiiFilters = { limit: 1000, ...(cursor === undefined ? {} : { added_after: cursor }) };
  let filters = base;
  // Page by page; the cursor advances with each stored page, so an interrupted pull resumes there.
  for (;;) {
    const p = await taxii.getObjects(client.rootUrl, collection, filters);
    const r = receive(fx, verifier, peer, p.objects, 'pull');
    into.added += r.summary.added;
    into.duplicates += r.summary.duplicates;
    into.rejected += r.summary.rejected;
    into.relayed += r.summary.relayed;
    if (p.dateAddedLast !== undefined) fx.journal.setCursor(peer.nodeId, 'pull', p.dateAddedLast);
    if (!p.more || p.objects.length === 0) break;
    if (p.next !== undefined) filters = { ...base, next: p.next };
    else if (p.dateAddedLast !== undefined) filters = { ...base, added_after: p.dateAddedLast };
    else break;
  }
}
