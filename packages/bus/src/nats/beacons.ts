/**
 * @module
 * Beacons in a NATS KV bucket: each process puts a small JSON value under its own key every few
 * seconds, and anyone on the bus lists the latest value per key. The bucket's TTL (its stream's
 * `max_age`) removes the keys of processes that stopped, so a crashed role instance disappears
 * by itself. Used for the scale-out roles' heartbeats (which instances run where, with what lag),
 * read by the health view. Works on nats-server 2.9 (`nats kv ls` / `nats kv get` show it too).
 */
import { Kvm, type KV } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';

/** One beacon as read back: its key, value, and when the server stored it (epoch ms). */
export interface Beacon<T> {
  readonly key: string;
  readonly value: T;
  readonly storedAt: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** KV keys allow `[-/_=.a-zA-Z0-9]`: anything else in a key becomes `_`. */
export function beaconKey(raw: string): string {
  return raw.replace(/[^-/_=.a-zA-Z0-9]/g, '_').replace(/^\.+|\.+$/g, '_');
}

/** A beacon bucket. Open it with `JetStreamBus.beacons()` or, without a bus, `KvBeacons.connect()`. */
export class KvBeacons {
  private constructor(
    private readonly kv: KV,
    /** Set when this object opened its own connection (closed by `close()`). */
    private readonly own: NatsConnection | undefined,
  ) {}

  /** Opens (or creates) bucket `name` on `nc`; keys older than `ttlMs` are dropped by the server. */
  static async open(nc: NatsConnection, name: string, ttlMs: number, own?: NatsConnection): Promise<KvBeacons> {
    const kv = await new Kvm(nc).create(name, { ttl: ttlMs, history: 1 });
    return new KvBeacons(kv, own);
  }

  /**
   * Connects to `servers` only to read (or write) the bucket: for a process that is not a role and
   * must not create the events stream (the embedded node's health view).
   */
  static async connect(servers: readonly string[], name: string, ttlMs: number, timeoutMs = 2_000): Promise<KvBeacons> {
    const nc = await connect({ servers: [...servers], name: 'intersoc-beacons', timeout: timeoutMs });
    try {
      return await KvBeacons.open(nc, name, ttlMs, nc);
    } catch (err) {
      await nc.close();
      throw err;
    }
  }

  /** Stores `value` as the latest under `key`. */
  async put(key: string, value: unknown): Promise<void> {
    await this.kv.put(beaconKey(key), enc.encode(JSON.stringify(value)));
  }

  /** Removes `key` (a process that stops cleanly says so at once rather than waiting for the TTL). */
  async remove(key: string): Promise<void> {
    await this.kv.delete(beaconKey(key));
  }

  /** The latest value of every live key; values that are not JSON are skipped. */
  async list<T>(): Promise<Beacon<T>[]> {
    const out: Beacon<T>[] = [];
    const keys = await this.kv.keys();
    for await (const key of keys) {
      const e = await this.kv.get(key);
      if (e === null || e.operation !== 'PUT') continue;
      try {
        out.push({ key, value: JSON.parse(dec.decode(e.value)) as T, storedAt: e.created.getTime() });
      } catch {
        // Someone else's value under our bucket: not a beacon.
      }
    }
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }

  /** Closes the connection when `connect()` opened one. */
  async close(): Promise<void> {
    await this.own?.close();
  }
}
