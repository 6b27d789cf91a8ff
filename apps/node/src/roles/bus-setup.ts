/**
 * @module
 * The scale-out mode's bus settings in one place: the stream that carries event batches, the
 * detect workers' consumer group, and how roles connect. Every role connects through here, so
 * they always agree on names.
 */
import { JetStreamBus } from '@intersoc/bus/nats';

/** Stream of event batches and correlation matches (work-queue retention: a batch is gone once a worker acknowledged it). */
export const EVENTS_STREAM = 'INTERSOC_EVENTS';
/** The detect workers' shared durable consumer. */
export const DETECT_GROUP = 'detect';
/** Default number of partitions per tenant and source. */
export const DEFAULT_PARTITIONS = 16;

/** Connection settings of a role. */
export interface BusSettings {
  /** `nats://host:port`, several separated by commas. */
  readonly url: string;
  /** Connection name shown by the server's monitoring (the role). */
  readonly name: string;
  /** Largest stream size, bytes: when full, publishes fail instead of dropping unread batches. */
  readonly maxBytes?: number;
}

/** Connects to NATS and ensures the events stream. */
export async function connectEventsBus(s: BusSettings): Promise<JetStreamBus> {
  return JetStreamBus.connect({
    servers: s.url.split(',').map((u) => u.trim()),
    name: s.name,
    stream: {
      name: EVENTS_STREAM,
      subjects: ['events.>', 'correlate.>'],
      retention: 'workqueue',
      maxBytes: s.maxBytes ?? 8 * 1024 * 1024 * 1024,
    },
    // Whole-file ingest publishes faster than one round trip per ack would allow on a busy box.
    publishTimeoutMs: 30_000,
  });
}
