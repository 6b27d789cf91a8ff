/**
 * @module
 * The health view's list of scale-out role instances: the heartbeats the roles put in the KV
 * bucket `intersoc_roles` (`roles/heartbeat.ts`) on the bus `bus.monitorUrl`. Each read opens a
 * short connection and closes it, so an embedded node that monitors a bus holds nothing open and
 * does not fail when the bus is away; the NATS client is loaded only when a bus is configured.
 */
import type { RoleInstanceStatus } from '@intersoc/api';
import { HEARTBEAT_TTL_MS, ROLES_BUCKET, type RoleHeartbeat } from '../roles/heartbeat.js';

/** What the node status carries about role instances. */
export interface RoleInstances {
  readonly bus: string;
  readonly instances: readonly RoleInstanceStatus[];
  readonly error?: string;
}

/** A heartbeat older than this many intervals is marked stale. */
const STALE_INTERVALS = 3;

/** Turns heartbeats into rows for the view, oldest role first; `now` decides staleness. */
export function toInstances(beats: readonly RoleHeartbeat[], now: number): RoleInstanceStatus[] {
  return beats
    .map((b) => ({
      instance: b.instance,
      roles: [...b.roles],
      host: b.host,
      pid: b.pid,
      started: b.started,
      lastSeen: b.lastSeen,
      lag: { ...b.lag },
      inFlight: { ...b.inFlight },
      ...(b.storeUp === undefined ? {} : { storeUp: b.storeUp }),
      stale: now - b.lastSeen > STALE_INTERVALS * b.intervalMs,
    }))
    .sort((a, b) => a.roles.join(',').localeCompare(b.roles.join(',')) || a.started - b.started);
}

/** A reader of the instances on `url`, or undefined when the node monitors no bus. */
export function roleInstancesReader(url: string | undefined): (() => Promise<RoleInstances>) | undefined {
  if (url === undefined) return undefined;
  const bus = url.replace(/\/\/[^@/]*@/, '//');
  return async () => {
    try {
      const { KvBeacons } = await import('@intersoc/bus/nats');
      const bucket = await KvBeacons.connect(
        url.split(',').map((u) => u.trim()),
        ROLES_BUCKET,
        HEARTBEAT_TTL_MS,
      );
      try {
        const beats = await bucket.list<RoleHeartbeat>();
        return {
          bus,
          instances: toInstances(
            beats.map((b) => b.value),
            Date.now(),
          ),
        };
      } finally {
        await bucket.close();
      }
    } catch (err) {
      return { bus, instances: [], error: `cannot read role heartbeats: ${(err as Error).message}` };
    }
  };
}
