/**
 * @module
 * The detect role: a stateless worker in the JetStream consumer group `detect`. For each batch it
 * decodes the blocks, re-derives the events' fields with the same format plug-ins search uses
 * (the hydrator), runs the tenant's detectors (`runDetectors`, shared with the embedded node),
 * writes blocks, alerts and dead letters to the store, and only then lets the bus acknowledge the
 * message. A worker that dies before its commit leaves the batch unacknowledged, and the group
 * gets it again after `ackWaitMs`; event and alert ids are deterministic, so a batch committed
 * twice is stored once. `maxAckPending` bounds the batches in flight across the group: when the
 * store is slow, the stream fills and the ingest role's publishes wait. Sigma correlation matches
 * are published on `correlate.<tenant>.<partition>` for the correlate role. A store that cannot be reached
 * is waited out with the batch in hand (`store-retry.ts`): not acknowledged, not re-detected,
 * not dead-lettered.
 */
import type { Alert, Detector, SocEvent } from '@intersoc/core';
import type { JetStreamBus, JetStreamSubscription } from '@intersoc/bus/nats';
import { decodeBlock } from '@intersoc/storage';
import { createHydrator } from '../pipeline/hydrator.js';
import { runDetectors } from '../pipeline/run-detectors.js';
import type { FeedPartitioner, SigmaFeedItem } from '@intersoc/detect';
import { batchId, decodeBatch } from './batch-codec.js';
import { publishFeed } from './correlate-feed.js';
import { DETECT_GROUP } from './bus-setup.js';
import type { EventSink } from './event-sink.js';
import { withStoreRetry } from './store-retry.js';

/** Events per detector call: the embedded stage's batch size, so rules see the same windows. */
const DETECT_BATCH = 64;

/** Settings of one detect worker. */
export interface DetectWorkerOptions {
  readonly bus: JetStreamBus;
  readonly sink: EventSink;
  readonly detectors: readonly Detector[];
  /** Cuts correlation matches into the correlate role's partitions. */
  readonly partitioner: FeedPartitioner;
  /** Batches in flight across the whole group (backpressure); 2 per worker is plenty. */
  readonly maxAckPending?: number;
  /** How long a batch held by a silent (dead) worker waits before another gets it. */
  readonly ackWaitMs?: number;
  readonly onError?: (message: string) => void;
  /** Called with each store write's duration, seconds (the role's latency histogram). */
  readonly onStoreWrite?: (seconds: number) => void;
}

/** Counters of one worker, for `/metrics` and the benchmark. */
export interface DetectStats {
  batches: number;
  events: number;
  stored: number;
  duplicates: number;
  alerts: number;
  deadLetters: number;
  /** Milliseconds spent in store writes. */
  storeMs: number;
  /** Correlation matches handed to the correlate role. */
  feed: number;
  /** Batches received with a delivery count above 1. */
  redeliveries: number;
  /** Store writes that failed because the store was unreachable (each retry counts). */
  storeErrors: number;
  /** Batches in hand waiting for the store to come back (0 or 1 per worker). */
  storeWaiting: number;
}

type FeedSource = { takeFeed?: () => SigmaFeedItem[] };

/** One worker of the detect group. */
export class DetectWorker {
  readonly stats: DetectStats = {
    batches: 0,
    events: 0,
    stored: 0,
    duplicates: 0,
    alerts: 0,
    deadLetters: 0,
    storeMs: 0,
    feed: 0,
    redeliveries: 0,
    storeErrors: 0,
    storeWaiting: 0,
  };
  private closing = false;
  private readonly hydrator = createHydrator();
  private sub: JetStreamSubscription | undefined;
  private detectors: readonly Detector[];
  /** The batch in hand, if any. */
  private current: Promise<void> | undefined;

  constructor(private readonly opts: DetectWorkerOptions) {
    this.detectors = opts.detectors;
  }

  /**
   * Runs `next` from the next batch on (rules changed); resolves once the batch in hand, still on
   * the old detectors, is done, so the caller may close them.
   */
  async swapDetectors(next: readonly Detector[]): Promise<void> {
    this.detectors = next;
    await this.current?.catch(() => undefined);
  }

  /** Joins the group; resolves once the consumer exists on the server. */
  async start(): Promise<void> {
    this.sub = this.opts.bus.subscribe('events.>', (m, _s, deliveries) => this.handle(m, deliveries), {
      durable: DETECT_GROUP,
      // A new group starts from the oldest batch still in the stream.
      deliver: 'all',
      maxAckPending: this.opts.maxAckPending ?? 8,
      ackWaitMs: this.opts.ackWaitMs ?? 30_000,
      // A batch the store keeps refusing must not block the group forever: it goes to the dead letters.
      maxDeliver: 10,
      nakDelayMs: 2_000,
    });
    await this.sub.ready;
  }

  /** Detects over one batch and commits it; throws (so the bus redelivers) when the store fails. */
  async handle(message: unknown, deliveries = 1): Promise<void> {
    const p = this.detect(message, deliveries);
    this.current = p;
    try {
      await p;
    } finally {
      if (this.current === p) this.current = undefined;
    }
  }

  private async detect(message: unknown, deliveries: number): Promise<void> {
    if (deliveries > 1) this.stats.redeliveries++;
    const detectors = this.detectors;
    if (!(message instanceof Uint8Array)) throw new Error('detect: expected a binary event batch');
    const batch = decodeBatch(message);
    const alerts: Alert[] = [];
    let events = 0;
    for (const block of batch.blocks) {
      const decoded = decodeBlock(block.codec, block.data);
      events += decoded.length;
      for (let i = 0; i < decoded.length; i += DETECT_BATCH) {
        const slice: SocEvent[] = decoded.slice(i, i + DETECT_BATCH).map((e) => {
          const { fields, ecs } = this.hydrator.hydrate(e);
          return { ...e, tenant: block.tenant, fields, ecs };
        });
        alerts.push(...(await runDetectors(detectors, slice, (id, err) => this.detectorError(id, err))));
      }
    }
    const feed: SigmaFeedItem[] = [];
    for (const d of detectors) feed.push(...((d as FeedSource).takeFeed?.() ?? []));
    const t0 = performance.now();
    const r = await this.write({ blocks: batch.blocks, alerts, deadLetters: batch.deadLetters });
    const ms = performance.now() - t0;
    this.stats.storeMs += ms;
    this.opts.onStoreWrite?.(ms / 1000);
    // Correlation matches go on to the correlate role after the commit and before the ack: a
    // redelivered batch publishes them again under the same id, which the stream drops.
    if (feed.length > 0) await this.publishFeed(feed, batchId(message));
    this.stats.batches++;
    this.stats.events += events;
    this.stats.stored += r.events;
    this.stats.duplicates += r.duplicates;
    this.stats.alerts += r.alerts;
    this.stats.deadLetters += r.deadLetters;
  }

  /** Writes, waiting out a store outage (each failed attempt counted and logged once per outage). */
  private async write(b: Parameters<EventSink['write']>[0]): ReturnType<EventSink['write']> {
    let waiting = false;
    try {
      return await withStoreRetry(() => this.opts.sink.write(b), {
        stopped: () => this.closing,
        onUnavailable: (err, attempt) => {
          this.stats.storeErrors++;
          if (!waiting) this.stats.storeWaiting++;
          waiting = true;
          if (attempt === 1)
            this.opts.onError?.(`detect: store unavailable, holding the batch and retrying: ${(err as Error).message}`);
        },
        onRecovered: (attempts) => this.opts.onError?.(`detect: store back after ${attempts} failed attempt(s)`),
      });
    } finally {
      if (waiting) this.stats.storeWaiting--;
    }
  }

  private async publishFeed(feed: readonly SigmaFeedItem[], id: string): Promise<void> {
    await publishFeed(this.opts.bus, this.opts.partitioner, feed, id);
    this.stats.feed += feed.length;
  }

  /** Leaves the group after the batch in hand is committed and acknowledged. */
  async close(): Promise<void> {
    // A batch waiting for the store is given back (not acknowledged) rather than held forever.
    this.closing = true;
    this.sub?.unsubscribe();
    await this.sub?.done;
  }

  private detectorError(id: string, err: unknown): void {
    this.opts.onError?.(`detector ${id}: ${(err as Error).message}`);
  }
}
