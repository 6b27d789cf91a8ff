/**
 * @module
 * The correlate role with several owners: the correlation state is cut into `partitions`
 * (`correlate.<tenant>.<p>`), and each partition has one owner at a time, held by a lease in the
 * NATS KV bucket `intersoc_correlate_leases` (`KvLeases`: revision-checked create/renew/release,
 * the bucket's TTL is the lease time). Why NATS KV and not a PostgreSQL advisory lock: a session
 * lock is freed when PostgreSQL notices the session is gone, which for a cut-off machine is the
 * TCP keepalive (hours by default), so takeover time would depend on network settings; a KV lease
 * expires after its own TTL whatever happened to the holder.
 *
 * Each instance announces itself (`m.<holder>`, leased too), takes at most its fair share
 * (partitions / live instances, rounded up) of the free partitions, and hands surplus back, so a
 * second instance gets half. On taking a partition it claims it in PostgreSQL, which gives it a
 * new epoch (the stored one plus one: the fencing token), the windows and the last committed
 * stream sequence; then it consumes the
 * partition's durable consumer `correlate-p<p>` one message at a time. A message's effects —
 * changed windows, correlation alerts, its sequence — are one transaction (`PgCorrelationState`),
 * and the message is acknowledged only after it: a message redelivered after a crash between
 * commit and ack is recognised by its sequence and skipped, and a holder that lost its lease
 * cannot commit (the higher epoch fences it). Release on shutdown is graceful: the message in
 * hand is finished, the lease deleted, so another instance takes over at once.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { FeedPartitioner, StoredGroup, CorrelationStateStore } from '@intersoc/detect';
import { PartitionCorrelator } from '@intersoc/detect';
import type { JetStreamBus, JetStreamSubscription, KvLeases, Lease } from '@intersoc/bus/nats';
import type { PartitionGroup, PgCorrelationState } from '@intersoc/storage/postgres';
import { toAlert } from '../pipeline/run-detectors.js';
import { CORRELATE_PREFIX, type FeedMessage } from './correlate-feed.js';

/** The lease bucket. */
export const LEASE_BUCKET = 'intersoc_correlate_leases';

/** Durable consumer of partition `p`. */
export function partitionConsumer(p: number): string {
  return `${CORRELATE_PREFIX}-p${p}`;
}

/** Settings of the partitioned correlate role. */
export interface PartitionedCorrelateOptions {
  readonly bus: JetStreamBus;
  readonly state: PgCorrelationState;
  readonly partitioner: FeedPartitioner;
  /** Lease time, ms. */
  readonly leaseMs: number;
  readonly log?: (message: string) => void;
  /** This instance's name in the leases (default host:pid:random). */
  readonly holder?: string;
}

/** Counters, for `/metrics` and tests. */
export interface PartitionedCorrelateStats {
  messages: number;
  matches: number;
  alerts: number;
  /** Partitions held now. */
  owned: number;
  /** Partitions taken over since start. */
  acquired: number;
  /** Redelivered messages skipped because their effects were already committed. */
  skipped: number;
}

/** A correlation state store that buffers changes for the partition's next commit. */
class PendingStore implements CorrelationStateStore {
  private readonly rows = new Map<string, Map<string, StoredGroup>>();
  private upserts = new Map<string, PartitionGroup>();
  private deletes = new Map<string, { scope: string; correlation: string; group: string }>();

  constructor(groups: readonly PartitionGroup[]) {
    for (const g of groups) this.scope(g.scope).set(`${g.correlation}\u0000${g.group}`, g);
  }

  load(scope: string): Iterable<StoredGroup> {
    return [...this.scope(scope).values()];
  }

  save(
    scope: string,
    upserts: readonly StoredGroup[],
    deletes: readonly { correlation: string; group: string }[],
  ): void {
    const m = this.scope(scope);
    for (const u of upserts) {
      const k = `${scope}\u0000${u.correlation}\u0000${u.group}`;
      m.set(`${u.correlation}\u0000${u.group}`, u);
      this.deletes.delete(k);
      this.upserts.set(k, { scope, ...u });
    }
    for (const d of deletes) {
      const k = `${scope}\u0000${d.correlation}\u0000${d.group}`;
      m.delete(`${d.correlation}\u0000${d.group}`);
      this.upserts.delete(k);
      this.deletes.set(k, { scope, ...d });
    }
  }

  /** Changes since the last take, for the commit. */
  take(): { upserts: PartitionGroup[]; deletes: { scope: string; correlation: string; group: string }[] } {
    const out = { upserts: [...this.upserts.values()], deletes: [...this.deletes.values()] };
    this.upserts = new Map();
    this.deletes = new Map();
    return out;
  }

  private scope(s: string): Map<string, StoredGroup> {
    let m = this.rows.get(s);
    if (!m) this.rows.set(s, (m = new Map()));
    return m;
  }
}

/** A partition this instance holds. */
interface Owned {
  lease: Lease;
  /** The fencing epoch the store gave this claim. */
  readonly epoch: number;
  renewedAt: number;
  lastSeq: number;
  correlator: PartitionCorrelator;
  store: PendingStore;
  sub?: JetStreamSubscription;
  /** Set when the lease or the fence was lost: stop acting for the partition. */
  lost: boolean;
  /** Set when a commit failed: memory is ahead of the store, reload before the next message. */
  stale: boolean;
}

/** One instance of the partitioned correlate role. */
export class PartitionedCorrelate {
  readonly stats: PartitionedCorrelateStats = { messages: 0, matches: 0, alerts: 0, owned: 0, acquired: 0, skipped: 0 };
  readonly holder: string;
  private leases: KvLeases | undefined;
  private member: Lease | undefined;
  private readonly owned = new Map<number, Owned>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly opts: PartitionedCorrelateOptions) {
    this.holder = opts.holder ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  }

  /** Partitions held now, ascending. */
  get partitions(): number[] {
    return [...this.owned.keys()].sort((a, b) => a - b);
  }

  /** Opens the leases, takes a first share of the partitions, and keeps renewing. */
  async start(): Promise<void> {
    this.leases = await this.opts.bus.leases(LEASE_BUCKET, this.opts.leaseMs);
    await this.tick();
    // Renew three times per lease time: two renewals may fail before the lease is lost.
    this.timer = setInterval(
      () => {
        this.ticking = this.ticking.then(() => this.tick()).catch((err: unknown) => this.log(`correlate: ${msg(err)}`));
      },
      Math.max(200, Math.floor(this.opts.leaseMs / 3)),
    );
  }

  /** Renews what is held, counts instances, then takes free partitions or gives surplus back. */
  async tick(): Promise<void> {
    const leases = this.leases;
    if (!leases || this.closed) return;
    this.member = this.member ? await leases.renew(this.member) : undefined;
    // KV keys allow letters, digits, `-`, `_`, `=` and dots between tokens: not a host name's every character.
    this.member ??= await leases.tryAcquire(`m.${this.holder.replace(/[^A-Za-z0-9_-]/g, '_')}`, this.holder);
    for (const [p, o] of this.owned) {
      if (o.lost) {
        await this.drop(p, false);
        continue;
      }
      const renewed = await leases.renew(o.lease).catch(() => undefined);
      if (renewed) {
        o.lease = renewed;
        o.renewedAt = Date.now();
      } else if (Date.now() - o.renewedAt >= leases.ttlMs) {
        this.log(`correlate: lease of partition ${p} lost`);
        await this.drop(p, false);
      }
    }
    const holders = await leases.holders();
    const members = Math.max(1, [...holders.keys()].filter((k) => k.startsWith('m.')).length);
    const fair = Math.ceil(this.opts.partitioner.partitions / members);
    // Surplus goes back highest first, so instances converge on the same split.
    for (const p of this.partitions.reverse()) {
      if (this.owned.size <= fair) break;
      await this.drop(p, true);
    }
    for (let p = 0; p < this.opts.partitioner.partitions && this.owned.size < fair; p++) {
      if (this.owned.has(p) || holders.has(`p.${p}`)) continue;
      await this.acquire(p);
    }
    this.stats.owned = this.owned.size;
  }

  private async acquire(p: number): Promise<void> {
    const leases = this.leases as KvLeases;
    const lease = await leases.tryAcquire(`p.${p}`, this.holder);
    if (!lease) return;
    let claim;
    try {
      claim = await this.opts.state.claim(p, this.holder);
    } catch (err) {
      // Store unreachable: give the lease back, try again on a later round.
      await leases.release(lease).catch(() => undefined);
      throw err;
    }
    const store = new PendingStore(claim.groups);
    const o: Owned = {
      lease,
      epoch: claim.epoch,
      renewedAt: Date.now(),
      lastSeq: claim.lastSeq,
      store,
      correlator: new PartitionCorrelator(this.opts.partitioner, p, store),
      lost: false,
      stale: false,
    };
    this.owned.set(p, o);
    this.stats.acquired++;
    o.sub = this.opts.bus.subscribe(
      `correlate.*.${p}`,
      (m, _subject, _deliveries, seq) => this.handle(p, o, m as FeedMessage, seq),
      {
        durable: partitionConsumer(p),
        deliver: 'all',
        // Strict order within the partition: its windows depend on the sequence of matches.
        maxAckPending: 1,
        // A dead owner's message in hand comes back about when its lease expires.
        ackWaitMs: this.opts.leaseMs,
        // A store outage must not send matches to the dead letters: they wait for the store.
        maxDeliver: 1_000_000,
        nakDelayMs: 1_000,
      },
    );
    await o.sub.ready;
    this.log(`correlate: partition ${p} taken (epoch ${claim.epoch}, from sequence ${claim.lastSeq})`);
  }

  /** One message of partition `p`: correlate, commit, and only then let the bus acknowledge it. */
  private async handle(p: number, o: Owned, m: FeedMessage, seq: number): Promise<void> {
    if (o.lost || this.owned.get(p) !== o) throw new Error(`partition ${p} is no longer held here`);
    if (o.stale) await this.reload(p, o);
    if (seq <= o.lastSeq) {
      this.stats.skipped++;
      return;
    }
    const alerts = o.correlator.push(m.items).map((h) => toAlert(h.tenant, h.alert));
    const changes = o.store.take();
    let r;
    try {
      r = await this.opts.state.commit({ partition: p, epoch: o.epoch, seq, ...changes, alerts });
    } catch (err) {
      o.stale = true;
      throw err;
    }
    if (!r.ok) {
      o.lost = true;
      this.log(`correlate: partition ${p} was taken by a newer owner; giving it up`);
      throw new Error(`partition ${p} fenced`);
    }
    o.lastSeq = seq;
    this.stats.messages++;
    this.stats.matches += m.items.length;
    this.stats.alerts += alerts.length;
  }

  /** Reloads a partition's windows from the store after a failed commit. */
  private async reload(p: number, o: Owned): Promise<void> {
    const claim = await this.opts.state.load(p, o.epoch);
    if (!claim) {
      o.lost = true;
      throw new Error(`partition ${p} fenced`);
    }
    o.store = new PendingStore(claim.groups);
    o.correlator = new PartitionCorrelator(this.opts.partitioner, p, o.store);
    o.lastSeq = claim.lastSeq;
    o.stale = false;
  }

  /** Stops consuming `p`; `graceful` finishes the message in hand and frees the lease at once. */
  private async drop(p: number, graceful: boolean): Promise<void> {
    const o = this.owned.get(p);
    if (!o) return;
    this.owned.delete(p);
    if (graceful) {
      o.sub?.unsubscribe();
      await o.sub?.done;
      await this.leases?.release(o.lease).catch(() => undefined);
      this.log(`correlate: partition ${p} released`);
    } else {
      o.sub?.abandon();
    }
    this.stats.owned = this.owned.size;
  }

  /** Finishes the messages in hand, releases every lease and the membership. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.ticking.catch(() => undefined);
    // Membership first: the others count one instance less and raise their share at once.
    if (this.member) await this.leases?.release(this.member).catch(() => undefined);
    for (const p of this.partitions) await this.drop(p, true);
  }

  private log(m: string): void {
    this.opts.log?.(m);
  }
}

function msg(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
