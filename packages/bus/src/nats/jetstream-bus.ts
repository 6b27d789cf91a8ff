/**
 * @module
 * `JetStreamBus`: the `Bus` seam on NATS JetStream, for the scale-out mode where stages run as
 * separate processes. A publish returns once the stream has stored the message (durability) and
 * blocks while the server is slow or unreachable (backpressure). Subscriptions are consumers
 * with explicit acks: at-least-once delivery, redelivery on failure, dead letters for poison
 * messages. Messages travel as JSON, or as raw bytes when they are a `Uint8Array` (see `codec.ts`).
 *
 * @example
 * const bus = await JetStreamBus.connect({ servers: ['nats://127.0.0.1:4222'], stream: { subjects: ['events.>'] } });
 * bus.subscribe('events.*.syslog.>', handle, { durable: 'detect' });
 * await bus.publish('events.acme.syslog.3', batch, { msgID: batchId });
 * await bus.close();
 */
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Bus } from '../bus.js';
import { binaryHeaders, encodeMessage } from './codec.js';
import { KvLeases } from './lease.js';
import { KvBeacons } from './beacons.js';
import { startSubscription, type JetStreamSubscription } from './consumer.js';
import { resolveSubscribe, type JetStreamBusOptions, type SubscribeOptions } from './options.js';
import { ensureStream, streamConfig } from './stream.js';

/** Per-publish settings. */
export interface PublishOptions {
  /**
   * Deterministic id (`Nats-Msg-Id`): a retry with the same id inside the stream's duplicate
   * window is stored once. Derive it from the content (e.g. the event batch id).
   */
  readonly msgID?: string;
}

/** Outcome of a publish, for callers that care. */
export interface PublishAck {
  readonly seq: number;
  /** True when the stream had already stored a message with this id. */
  readonly duplicate: boolean;
}

/** What the stream holds and how it is set up, for health views and tests. */
export interface StreamSummary {
  readonly name: string;
  readonly subjects: readonly string[];
  readonly storage: string;
  readonly retention: string;
  readonly maxBytes: number;
  readonly maxMessages: number;
  readonly messages: number;
  readonly bytes: number;
}

/** Where a durable consumer stands, for lag metrics and "everything published is handled" waits. */
export interface ConsumerState {
  readonly name: string;
  /** Matching messages not yet delivered. */
  readonly pending: number;
  /** Delivered and not yet acknowledged. */
  readonly ackPending: number;
  /** Messages delivered more than once. */
  readonly redelivered: number;
  /** Every matching message up to this stream sequence is acknowledged (or terminated). */
  readonly ackFloor: number;
  /** Last stream sequence delivered. */
  readonly delivered: number;
}

/** The `Bus` on NATS JetStream. Create it with `JetStreamBus.connect`. */
export class JetStreamBus implements Bus {
  private readonly subs = new Set<JetStreamSubscription>();
  /** Consumers being created: a publish waits for them, as the in-process bus's subscribe is immediate. */
  private readonly pending = new Set<Promise<void>>();
  private readonly errors: unknown[] = [];

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    /** The stream's name. */
    readonly stream: string,
    /** Where poison messages go: `<deadLetterPrefix>.<original subject>`. */
    readonly deadLetterPrefix: string,
    private readonly defaults: SubscribeOptions | undefined,
  ) {}

  /** Connects, ensures the stream, and returns a ready bus. */
  static async connect(opts: JetStreamBusOptions): Promise<JetStreamBus> {
    const nc = await connect({
      servers: [...opts.servers],
      name: opts.name ?? 'intersoc',
      // A node outlives server restarts: keep reconnecting, publishes wait meanwhile.
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    });
    try {
      const jsm = await jetstreamManager(nc);
      const name = opts.stream.name ?? 'INTERSOC';
      const prefix = opts.deadLetterPrefix ?? `deadletter.${name}`;
      const stream = await ensureStream(jsm, streamConfig({ ...opts.stream, name }, [`${prefix}.>`]));
      const js = jetstream(nc, { timeout: opts.publishTimeoutMs ?? 5_000 });
      return new JetStreamBus(nc, js, jsm, stream, prefix, opts.subscribe);
    } catch (err) {
      await nc.close();
      throw err;
    }
  }

  /** Errors that stopped a subscription's delivery loop (it no longer receives). */
  get subscriptionErrors(): readonly unknown[] {
    return this.errors;
  }

  async publish(subject: string, message: unknown, opts: PublishOptions = {}): Promise<void> {
    await this.publishAck(subject, message, opts);
  }

  /** `publish`, returning the stream sequence and whether the id was a duplicate. */
  async publishAck(subject: string, message: unknown, opts: PublishOptions = {}): Promise<PublishAck> {
    if (this.pending.size > 0) await Promise.all(this.pending);
    const bin = message instanceof Uint8Array;
    const ack = await this.js.publish(subject, bin ? message : encodeMessage(message), {
      ...(opts.msgID === undefined ? {} : { msgID: opts.msgID }),
      ...(bin ? { headers: binaryHeaders() } : {}),
    });
    return { seq: ack.seq, duplicate: ack.duplicate };
  }

  subscribe(
    pattern: string,
    handler: (message: unknown, subject: string, deliveries: number, seq: number) => void | Promise<void>,
    opts?: SubscribeOptions,
  ): JetStreamSubscription {
    const sub = startSubscription(
      {
        js: this.js,
        jsm: this.jsm,
        stream: this.stream,
        deadLetterPrefix: this.deadLetterPrefix,
        onError: (err) => this.errors.push(err),
      },
      pattern,
      handler,
      resolveSubscribe(opts, this.defaults),
    );
    // A failed consumer creation is reported once, by the delivery loop (`subscriptionErrors`).
    const ready = sub.ready.catch(() => undefined);
    this.pending.add(ready);
    void ready.finally(() => this.pending.delete(ready));
    this.subs.add(sub);
    return {
      ...sub,
      unsubscribe: () => {
        this.subs.delete(sub);
        sub.unsubscribe();
      },
      abandon: () => {
        this.subs.delete(sub);
        sub.abandon();
      },
    };
  }

  /** The stream's configuration and size as the server reports them. */
  async streamInfo(): Promise<StreamSummary> {
    const { config, state } = await this.jsm.streams.info(this.stream);
    return {
      name: config.name,
      subjects: config.subjects,
      storage: config.storage,
      retention: config.retention,
      maxBytes: config.max_bytes,
      maxMessages: config.max_msgs,
      messages: state.messages,
      bytes: state.bytes,
    };
  }

  /** The state of durable consumer `name`, or undefined when it does not exist (yet). */
  async consumerState(name: string): Promise<ConsumerState | undefined> {
    let info;
    try {
      info = await this.jsm.consumers.info(this.stream, name);
    } catch (err) {
      if (/consumer not found/i.test((err as Error).message)) return undefined;
      throw err;
    }
    return {
      name: info.name,
      pending: info.num_pending,
      ackPending: info.num_ack_pending,
      redelivered: info.num_redelivered,
      ackFloor: info.ack_floor.stream_seq,
      delivered: info.delivered.stream_seq,
    };
  }

  /** Opens the lease bucket `name` (a NATS KV bucket whose TTL, `ttlMs`, is the lease time). */
  leases(name: string, ttlMs: number): Promise<KvLeases> {
    return KvLeases.open(this.nc, name, ttlMs);
  }

  /** A beacon bucket on this connection (role heartbeats); keys expire `ttlMs` after their last put. */
  beacons(name: string, ttlMs: number): Promise<KvBeacons> {
    return KvBeacons.open(this.nc, name, ttlMs);
  }

  /** Durable consumers of the stream whose name starts with `prefix`. */
  async consumerNames(prefix = ''): Promise<string[]> {
    const out: string[] = [];
    for await (const c of this.jsm.consumers.list(this.stream)) if (c.name.startsWith(prefix)) out.push(c.name);
    return out;
  }

  /**
   * Messages still in the stream on subjects matching `filter`. On a work-queue stream that is
   * what is not yet acknowledged (waiting or in flight), whoever consumes it.
   */
  async backlog(filter: string): Promise<number> {
    const info = await this.jsm.streams.info(this.stream, { subjects_filter: filter });
    let n = 0;
    for (const v of Object.values(info.state.subjects ?? {})) n += v;
    return n;
  }

  /**
   * Closes at once, as a crash would: handlers in flight are not awaited and their messages are
   * not acked, so the server redelivers them (to another group member) after ackWait. For a hard
   * shutdown when `close()` would wait too long on a stuck handler.
   */
  async abort(): Promise<void> {
    const all = [...this.subs];
    this.subs.clear();
    for (const s of all) s.abandon();
    if (!this.nc.isClosed()) await this.nc.close();
  }

  /** Stops the subscriptions after their current message, then drains the connection. */
  async close(): Promise<void> {
    const all = [...this.subs];
    this.subs.clear();
    for (const s of all) s.unsubscribe();
    await Promise.all(all.map((s) => s.done));
    await Promise.allSettled(this.pending);
    if (!this.nc.isClosed()) await this.nc.drain();
  }
}
