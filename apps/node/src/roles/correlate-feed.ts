/**
 * @module
 * The correlation matches on the bus: detect workers publish a batch's matches on
 * `correlate.<tenant>.<partition>`, cut by `FeedPartitioner` (the correlation chain's key values),
 * so each partition's owner sees every match of its groups, in stream order. Shared by the detect
 * worker (publishing), the correlate roles (consuming) and `ingest --bus` (waiting for them).
 */
import { AppError } from '@intersoc/core';
import type { FeedPartitioner, SigmaFeedItem } from '@intersoc/detect';
import type { JetStreamBus } from '@intersoc/bus/nats';

/** The message body on `correlate.<tenant>.<partition>`. */
export interface FeedMessage {
  readonly items: readonly SigmaFeedItem[];
}

/** Name prefix of the correlate consumers (`correlate`, or `correlate-p<N>` per partition). */
export const CORRELATE_PREFIX = 'correlate';

/** `correlate.<tenant>.<partition>`. Tenant names are already subject-safe. */
export function feedSubject(tenant: string, partition: number): string {
  return `correlate.${tenant}.${partition}`;
}

/** The partition of a `correlate.<tenant>.<partition>` subject. */
export function partitionOfSubject(subject: string): number {
  const p = Number(subject.slice(subject.lastIndexOf('.') + 1));
  if (!Number.isInteger(p) || p < 0) throw new AppError('VALIDATION', `not a correlate partition subject: ${subject}`);
  return p;
}

/**
 * Publishes a batch's matches, one message per tenant and partition. The id is derived from the
 * batch, so a redelivered batch publishes nothing twice (the stream drops the duplicate).
 */
export async function publishFeed(
  bus: JetStreamBus,
  partitioner: FeedPartitioner,
  feed: readonly SigmaFeedItem[],
  batch: string,
): Promise<void> {
  const byTenant = new Map<string, SigmaFeedItem[]>();
  for (const f of feed) {
    const list = byTenant.get(f.tenant);
    if (list) list.push(f);
    else byTenant.set(f.tenant, [f]);
  }
  for (const [tenant, items] of byTenant) {
    for (const [p, part] of partitioner.split(items)) {
      const body: FeedMessage = { items: part };
      await bus.publish(feedSubject(tenant, p), body, { msgID: `feed:${tenant}:${p}:${batch}` });
    }
  }
}

/**
 * Matches not yet handled by the correlate role: messages left on `correlate.>` (the stream is a
 * work queue, so an acknowledged message is gone). Undefined when no correlate consumer exists.
 */
export async function correlateBacklog(
  bus: JetStreamBus,
): Promise<{ pending: number; ackPending: number } | undefined> {
  if ((await bus.consumerNames(CORRELATE_PREFIX)).length === 0) return undefined;
  return { pending: await bus.backlog('correlate.>'), ackPending: 0 };
}
