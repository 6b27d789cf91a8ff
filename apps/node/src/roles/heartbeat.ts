/**
 * @module
 * Role heartbeats (issue 19, operations): every role process puts a small record in the NATS KV
 * bucket `intersoc_roles` every 5 s under its own instance id: the roles it runs, host, pid,
 * start and last-seen times, and the lag (messages not yet delivered) and in-flight count of its
 * consumer groups as the server reports them. The bucket's TTL (60 s) drops the record of a
 * process that died; a clean stop removes it at once. The health view lists the records
 * (`node/role-instances.ts`). No tenant names, settings or secrets go in: only what `ps` and the
 * consumer info would show an operator.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { JetStreamBus, KvBeacons } from '@intersoc/bus/nats';

/** The bucket of role heartbeats. */
export const ROLES_BUCKET = 'intersoc_roles';
/** How often a role puts its heartbeat, ms. */
export const HEARTBEAT_MS = 5_000;
/** A heartbeat not renewed for this long is dropped by the server, ms. */
export const HEARTBEAT_TTL_MS = 60_000;

/** What one role instance reports. */
export interface RoleHeartbeat {
  readonly instance: string;
  readonly roles: readonly string[];
  readonly host: string;
  readonly pid: number;
  /** Epoch ms. */
  readonly started: number;
  readonly lastSeen: number;
  readonly intervalMs: number;
  /** Per consumer group: messages not yet delivered (absent when the server did not answer). */
  readonly lag: Readonly<Record<string, number>>;
  /** Per consumer group: delivered, not yet acknowledged. */
  readonly inFlight: Readonly<Record<string, number>>;
  /** Detect role: false while a store write is failing for an outage. */
  readonly storeUp?: boolean;
}

/** Settings of `startHeartbeat`. */
export interface HeartbeatOptions {
  readonly bus: JetStreamBus;
  readonly roles: readonly string[];
  readonly groups: readonly string[];
  readonly storeUp?: () => boolean;
  readonly intervalMs?: number;
  readonly onError?: (message: string) => void;
}

/** A running heartbeat. */
export interface RunningHeartbeat {
  readonly instance: string;
  /** Puts one heartbeat now (also what the timer does). */
  beat(): Promise<RoleHeartbeat>;
  /** Stops the timer and removes this instance's record. */
  close(): Promise<void>;
}

/** Starts putting heartbeats; the first is tried before this resolves (a failure is logged, not thrown). */
export async function startHeartbeat(o: HeartbeatOptions): Promise<RunningHeartbeat> {
  const host = hostname();
  const instance = `${host}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const started = Date.now();
  const intervalMs = o.intervalMs ?? HEARTBEAT_MS;
  // Opened on the first beat that reaches the server: a bus without room for the bucket costs
  // the health view this instance, not the role its work.
  let bucket: KvBeacons | undefined;
  let failing = false;
  const beat = async (): Promise<RoleHeartbeat> => {
    const lag: Record<string, number> = {};
    const inFlight: Record<string, number> = {};
    for (const g of o.groups) {
      const st = await o.bus.consumerState(g).catch(() => undefined);
      if (st === undefined) continue;
      lag[g] = st.pending;
      inFlight[g] = st.ackPending;
    }
    const hb: RoleHeartbeat = {
      instance,
      roles: o.roles,
      host,
      pid: process.pid,
      started,
      lastSeen: Date.now(),
      intervalMs,
      lag,
      inFlight,
      ...(o.storeUp ? { storeUp: o.storeUp() } : {}),
    };
    bucket ??= await o.bus.beacons(ROLES_BUCKET, HEARTBEAT_TTL_MS);
    await bucket.put(instance, hb);
    return hb;
  };
  const tick = (): Promise<void> =>
    beat().then(
      () => {
        failing = false;
      },
      (err: unknown) => {
        // Logged once per failure streak: the bus being away is already visible elsewhere.
        if (!failing) o.onError?.(`heartbeat: ${(err as Error).message}`);
        failing = true;
      },
    );
  await tick();
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return {
    instance,
    beat,
    close: async () => {
      clearInterval(timer);
      await bucket?.remove(instance).catch(() => undefined);
    },
  };
}
