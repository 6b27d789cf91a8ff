/**
 * @module
 * `@intersoc/bus`: bounded queues and the stage-to-stage bus (in-process now, NATS JetStream later).
 */
export { InProcessBus, subjectMatches } from './bus.js';
export type { Bus, Subscription } from './bus.js';
export { BoundedQueue } from './queue.js';
