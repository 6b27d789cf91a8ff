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
 * Bytes of matches per message. nats-server refuses a message over its `max_payload` (1 MiB by
 * default): one detect batch of 2,048 failed logons is 2,048 matches, 2.98 MB of JSON, which the
 * server refused on every delivery, so the batch was never acknowledged. Half the default leaves
 * room for the headers and for an item that alone passes the budget.
 */
export const FEED_MESSAGE_BYTES = 512 * 1024;

/** Cuts `items` into runs whose JSON stays under `budget` bytes (at least one item per run), in order. */
export function chunkFeed(items: readonly SigmaFeedItem[], budget = FEED_MESSAGE_BYTES): SigmaFeedItem[][] {
  const out: SigmaFeedItem[][] = [];
  let run: SigmaFeedItem[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(item)) + 1;
    if (run.length > 0 && bytes + size > budget) {
      out.push(run);
      run = [];
      bytes = 0;
    }
    run.push(item);
    bytes += size;
  }
  if (run.length > 0) out.push(run);
  return out;
}

/**
 * Publishes a batch's matches, one message per tenant and partition, cut into several in order
 * when they pass `FEED_MESSAGE_BYTES`. The ids are derived from the batch (and the run's place),
 * so a redelivered batch publishes nothing twice (the stream drops the duplicate).
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
      const runs = chunkFeed(part);
      for (let i = 0; i < runs.length; i++) {
        const body: FeedMessage = { items: runs[i] ?? [] };
        // The first run keeps the id a batch had before runs existed.
        await bus.publish(feedSubject(tenant, p), body, {
          msgID: `feed:${tenant}:${p}:${batch}${i > 0 ? `:${i}` : ''}`,
        });
      }
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
