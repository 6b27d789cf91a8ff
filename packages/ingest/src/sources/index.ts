/**
 * @module
 * Network sources: syslog over UDP and TCP.
 */
export { startTcpSource } from './tcp/index.js';
export type { TcpOptions } from './tcp/index.js';
export type { RecordSink, RunningSource, SourceCounters, SourceRecord } from './types.js';
export { startUdpSource } from './udp/index.js';
export type { UdpOptions } from './udp/index.js';
export { kernelUdpDrops, parseUdpDrops } from './udp/kernel-drops.js';
