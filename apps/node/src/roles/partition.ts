/**
 * @module
 * Which bus partition an event goes to: a hash of its host, so one host's events always travel
 * on one subject, in order. Events without a host name fall back to the sending peer.
 */
import type { SocEvent } from '@intersoc/core';

/** The event's host as the partition key. */
export function hostOf(e: SocEvent): string {
  const ecs = e.ecs as Record<string, unknown>;
  const h = ecs['host.name'] ?? ecs['host.hostname'] ?? e.source.peer ?? '';
  return typeof h === 'string' ? h : String(h);
}

/** FNV-1a over the host's UTF-16 code units, modulo `partitions`. */
export function partitionOfHost(host: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < host.length; i++) {
    h ^= host.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}

/** `events.<tenant>.<source>.<partition>`. Tenant names are already subject-safe. */
export function eventSubject(tenant: string, source: string, partition: number): string {
  return `events.${tenant}.${source}.${partition}`;
}
