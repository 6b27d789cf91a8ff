/**
 * @module
 * Leases in a NATS KV bucket: one key per leased thing (a correlate partition), created by its
 * holder with a revision-checked `create`, kept alive with a revision-checked `update`, and given
 * up with a revision-checked `delete`. The bucket's TTL (the stream's `max_age`) is the lease
 * time: a holder that stops renewing (killed, cut off) loses its key after that long, and the next
 * `tryAcquire` by anyone else succeeds. Works on nats-server 2.9 (per-message TTLs need 2.11).
 *
 * Every acquisition gets a fresh KV revision, which only grows: it is the lease's **epoch**, a
 * fencing token. A holder that was paused past its lease and still believes it holds it can be
 * refused by whatever it writes to, if that store keeps the highest epoch it has seen.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { Kvm, type KV } from '@nats-io/kv';

/** A held lease. `epoch` never changes while held; `revision` moves with each renewal. */
export interface Lease {
  readonly key: string;
  readonly holder: string;
  readonly epoch: number;
  readonly revision: number;
}

/** What a lease key holds. */
interface LeaseValue {
  readonly holder: string;
  readonly epoch: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A lease bucket. Open it with `JetStreamBus.leases()`. */
export class KvLeases {
  private constructor(
    private readonly kv: KV,
    /** The lease time, ms: the bucket's TTL. */
    readonly ttlMs: number,
  ) {}

  /** Opens (or creates) bucket `name` with TTL `ttlMs`; an existing bucket keeps its own TTL. */
  static async open(nc: NatsConnection, name: string, ttlMs: number): Promise<KvLeases> {
    const kvm = new Kvm(nc);
    const kv = await kvm.create(name, { ttl: ttlMs, history: 1 });
    const st = await kv.status();
    return new KvLeases(kv, st.ttl > 0 ? st.ttl : ttlMs);
  }

  /** Takes `key` for `holder` when nobody holds it; undefined when someone does. */
  async tryAcquire(key: string, holder: string): Promise<Lease | undefined> {
    // The epoch is the revision `create` gets; it is written once the revision is known.
    let rev: number;
    try {
      rev = await this.kv.create(key, enc.encode(JSON.stringify({ holder, epoch: 0 })));
    } catch (err) {
      if (isConflict(err)) return undefined;
      throw err;
    }
    const lease: Lease = { key, holder, epoch: rev, revision: rev };
    return (await this.renew(lease)) ?? undefined;
  }

  /** Extends the lease; undefined when it was lost (expired, or taken by another holder). */
  async renew(lease: Lease): Promise<Lease | undefined> {
    const value: LeaseValue = { holder: lease.holder, epoch: lease.epoch };
    try {
      const revision = await this.kv.update(lease.key, enc.encode(JSON.stringify(value)), lease.revision);
      return { ...lease, revision };
    } catch (err) {
      if (isConflict(err)) return undefined;
      throw err;
    }
  }

  /** Gives the lease up at once (only if still held at this revision). */
  async release(lease: Lease): Promise<void> {
    try {
      await this.kv.delete(lease.key, { previousSeq: lease.revision });
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }

  /** Current holders by key (expired and released keys absent). */
  async holders(prefix = ''): Promise<Map<string, LeaseValue>> {
    const out = new Map<string, LeaseValue>();
    const keys: string[] = [];
    for await (const k of await this.kv.keys(prefix === '' ? undefined : `${prefix}>`)) keys.push(k);
    for (const k of keys) {
      const e = await this.kv.get(k);
      if (!e || e.operation !== 'PUT') continue;
      try {
        out.set(k, JSON.parse(dec.decode(e.value)) as LeaseValue);
      } catch {
        // not a lease value: ignored
      }
    }
    return out;
  }
}

/** A revision check failed: the key exists (create) or moved on (update, delete). */
function isConflict(err: unknown): boolean {
  const m = err instanceof Error ? err.message : String(err);
  return /wrong last sequence|key exists|wrong last msg/i.test(m);
}
