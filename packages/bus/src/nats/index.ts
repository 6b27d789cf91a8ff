/**
 * @module
 * `@intersoc/bus/nats`: the bus on NATS JetStream (scale-out mode). A separate entry so the
 * embedded node never loads the NATS client.
 */
export { JetStreamBus } from './jetstream-bus.js';
export type { ConsumerState, PublishAck, PublishOptions, StreamSummary } from './jetstream-bus.js';
export type { JetStreamSubscription } from './consumer.js';
export type { DeadLetter } from './dead-letter.js';
export { deadLetterSubject } from './dead-letter.js';
export { decodeMessage, encodeMessage } from './codec.js';
export type { JetStreamBusOptions, StreamOptions, SubscribeOptions } from './options.js';
export { KvLeases } from './lease.js';
export { KvBeacons, beaconKey } from './beacons.js';
export type { Beacon } from './beacons.js';
export type { Lease } from './lease.js';
