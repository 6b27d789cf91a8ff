/**
 * @module
 * The correlate role, single-owner form: the Sigma correlations (event counts, value counts,
 * temporal rules) over the matches detect workers publish on `correlate.<tenant>`. One durable
 * consumer with one message in flight keeps the matches in order and the correlation state in one
 * place (`<data>/sigma-state.db`, so it survives a restart). Alerts go to the store before the
 * message is acknowledged; their ids are deterministic, so a replayed message stores no second copy.
 * Not built yet: partitions by group-by key with a lease per partition, for several owners.
 */
import type { SigmaCorrelator, SigmaFeedItem } from '@intersoc/detect';
import type { JetStreamBus, JetStreamSubscription } from '@intersoc/bus/nats';
import { toAlert } from '../pipeline/run-detectors.js';
import type { EventSink } from './event-sink.js';

/** The correlate role's consumer group. */
export const CORRELATE_GROUP = 'correlate';

/** `correlate.<tenant>`: where detect workers publish a batch's correlation matches. */
export function correlateSubject(tenant: string): string {
  return `correlate.${tenant}`;
}

/** The message body on `correlate.<tenant>`. */
export interface FeedMessage {
  readonly items: readonly SigmaFeedItem[];
}

/** Runs the correlations; one per deployment. */
export class CorrelateRole {
  readonly stats = { messages: 0, matches: 0, alerts: 0 };
  private sub: JetStreamSubscription | undefined;

  constructor(
    private readonly bus: JetStreamBus,
    private readonly correlator: SigmaCorrelator,
    private readonly sink: EventSink,
  ) {}

  async start(): Promise<void> {
    this.sub = this.bus.subscribe('correlate.>', (m) => this.handle(m as FeedMessage), {
      durable: CORRELATE_GROUP,
      deliver: 'all',
      // Strict order: correlation windows depend on the sequence of matches.
      maxAckPending: 1,
    });
    await this.sub.ready;
  }

  async handle(m: FeedMessage): Promise<void> {
    const alerts = this.correlator.push(m.items).map((h) => toAlert(h.tenant, h.alert));
    if (alerts.length > 0) await this.sink.write({ blocks: [], alerts, deadLetters: [] });
    this.stats.messages++;
    this.stats.matches += m.items.length;
    this.stats.alerts += alerts.length;
  }

  async close(): Promise<void> {
    this.sub?.unsubscribe();
    await this.sub?.done;
  }
}
