/**
 * @module
 * The correlate role, single-owner form, for a SQLite store (`--store sqlite:DIR`, one machine):
 * one durable consumer over every partition's subject (`correlate.>`) with one message in flight,
 * so matches are correlated in stream order, in one place. It runs one `PartitionCorrelator` per
 * partition (the same cut the partitioned role uses, so a match routed to two chains is counted
 * once in each) with the windows in `<data>/sigma-state.db`, scoped `<tenant>#p<partition>`.
 * Alerts go to the store before the message is acknowledged; their ids are deterministic, so a
 * replayed message stores no second copy. With a PostgreSQL store the role runs partitioned
 * instead, with leases and state in the store (`partitioned-correlate.ts`).
 */
import { PartitionCorrelator, type CorrelationStateStore, type FeedPartitioner } from '@intersoc/detect';
import type { JetStreamBus, JetStreamSubscription } from '@intersoc/bus/nats';
import { toAlert } from '../pipeline/run-detectors.js';
import { CORRELATE_PREFIX, partitionOfSubject, type FeedMessage } from './correlate-feed.js';
import type { EventSink } from './event-sink.js';

/** The single-owner correlate role's consumer group. */
export const CORRELATE_GROUP = CORRELATE_PREFIX;

/** Runs every partition's correlations in one process. */
export class CorrelateRole {
  readonly stats = { messages: 0, matches: 0, alerts: 0 };
  private sub: JetStreamSubscription | undefined;
  private readonly parts = new Map<number, PartitionCorrelator>();

  constructor(
    private readonly bus: JetStreamBus,
    private readonly partitioner: FeedPartitioner,
    private readonly store: CorrelationStateStore,
    private readonly sink: EventSink,
  ) {}

  async start(): Promise<void> {
    this.sub = this.bus.subscribe('correlate.>', (m, subject) => this.handle(m as FeedMessage, subject), {
      durable: CORRELATE_GROUP,
      deliver: 'all',
      // Strict order: correlation windows depend on the sequence of matches.
      maxAckPending: 1,
    });
    await this.sub.ready;
  }

  async handle(m: FeedMessage, subject: string): Promise<void> {
    const p = partitionOfSubject(subject);
    let c = this.parts.get(p);
    if (!c) this.parts.set(p, (c = new PartitionCorrelator(this.partitioner, p, this.store, (t) => `${t}#p${p}`)));
    const alerts = c.push(m.items).map((h) => toAlert(h.tenant, h.alert));
    if (alerts.length > 0) await this.sink.write({ blocks: [], alerts, deadLetters: [] });
    this.stats.messages++;
    this.stats.matches += m.items.length;
    this.stats.alerts += alerts.length;
  }

  async close(): Promise<void> {
    this.sub?.unsubscribe();
    await this.sub?.done;
    this.store.close?.();
  }
}
