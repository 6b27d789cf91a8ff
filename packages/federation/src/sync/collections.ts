/**
 * @module
 * The federation's TAXII collections: one API root for node-to-node exchange, and per peer an
 * outbox (what the peer may read) and an inbox (where it may write). Closing a peer's collections
 * keeps them, with nobody allowed in, so their history stays readable for the operator.
 */
import { FEDERATION_ROOT } from '../transport/peer-client.js';
import type { FedContext } from './context.js';
import { inboxOf, outboxOf } from './share.js';

/** Creates (or updates) the federation's API root. */
export function ensureRoot(fx: FedContext): void {
  fx.taxii.putApiRoot({
    name: FEDERATION_ROOT,
    title: 'INTERSOC federation',
    description: 'Exchange between peer nodes (node-key authentication only)',
    maxContentLength: fx.config.maxContentLength,
  });
}

/** Opens a peer's outbox to its reads and its inbox to its writes. */
export function ensureCollections(fx: FedContext, peer: string): void {
  const tenant = fx.config.tenant;
  const base = { apiRoot: FEDERATION_ROOT, mediaTypes: ['application/stix+json;version=2.1'] };
  fx.taxii.putCollection({
    ...base,
    id: outboxOf(peer),
    title: `for ${peer}`,
    acl: { tenant, read: [`partner:peer-${peer}`], write: [], maxTlp: 'red' },
  });
  fx.taxii.putCollection({
    ...base,
    id: inboxOf(peer),
    title: `from ${peer}`,
    acl: { tenant, read: [], write: [`partner:peer-${peer}`] },
  });
}

/** Closes a peer's collections to everyone. */
export function closeCollections(fx: FedContext, peer: string): void {
  const tenant = fx.config.tenant;
  const base = { apiRoot: FEDERATION_ROOT, mediaTypes: ['application/stix+json;version=2.1'] };
  fx.taxii.putCollection({
    ...base,
    id: outboxOf(peer),
    title: `closed ${peer}`,
    acl: { tenant, read: [], write: [] },
  });
  fx.taxii.putCollection({
    ...base,
    id: inboxOf(peer),
    title: `closed ${peer}`,
    acl: { tenant, read: [], write: [] },
  });
}
