/**
 * @module
 * Settings of the JetStream bus and their defaults. Durations are milliseconds here and turned
 * into the nanoseconds JetStream wants only where its API is called.
 */

/** The stream that holds what the bus publishes. */
export interface StreamOptions {
  /** Stream name (`INTERSOC` by default). */
  readonly name?: string;
  /**
   * Subjects the stream captures. Every subject the bus publishes to must match one of them,
   * otherwise JetStream has no stream to store it in and the publish fails.
   */
  readonly subjects: readonly string[];
  /** `file` (default, survives restarts) or `memory`. */
  readonly storage?: 'file' | 'memory';
  /** `limits` (default: keep until a limit), `workqueue` (drop once acked) or `interest`. */
  readonly retention?: 'limits' | 'workqueue' | 'interest';
  /** Upper bounds; `-1` or absent means unlimited. */
  readonly maxBytes?: number;
  readonly maxMessages?: number;
  readonly maxAgeMs?: number;
  /** How long `Nats-Msg-Id` values are remembered for de-duplication (2 minutes by default). */
  readonly duplicateWindowMs?: number;
}

/** Settings of a `JetStreamBus`. */
export interface JetStreamBusOptions {
  /** NATS servers, e.g. `['nats://127.0.0.1:4222']`. */
  readonly servers: readonly string[];
  readonly stream: StreamOptions;
  /** Connection name shown by the server's monitoring. */
  readonly name?: string;
  /** How long a publish waits for the stream's ack before failing (5 s by default). */
  readonly publishTimeoutMs?: number;
  /**
   * Prefix of the dead-letter subjects, added to the stream's subjects. `deadletter.<stream>` by
   * default, so two streams on one server never claim the same subjects.
   */
  readonly deadLetterPrefix?: string;
  /** Defaults applied to every subscription. */
  readonly subscribe?: SubscribeOptions;
}

/** Per-subscription settings. */
export interface SubscribeOptions {
  /**
   * Durable consumer name. Subscriptions with the same name share one consumer, so each message
   * goes to one of them (a worker group) and survives their restarts. Absent: an ephemeral
   * consumer that the server forgets after `inactiveMs` without a client.
   */
  readonly durable?: string;
  /** `new` (default: only what is published from now on) or `all` (replay the stream). */
  readonly deliver?: 'new' | 'all';
  /** Deliveries before a message goes to the dead letters (5 by default). */
  readonly maxDeliver?: number;
  /** How long an unacked delivery is held before the server redelivers it (30 s by default). */
  readonly ackWaitMs?: number;
  /** Delay before a message whose handler threw is redelivered (1 s by default). */
  readonly nakDelayMs?: number;
  /**
   * Deliveries in flight across the whole consumer. 1 (default) keeps strict order, redeliveries
   * included; a worker group raises it to let its members work in parallel.
   */
  readonly maxAckPending?: number;
  /** Idle time after which the server deletes an ephemeral consumer (1 minute by default). */
  readonly inactiveMs?: number;
}

/** Subscription settings with every default filled in. */
export type ResolvedSubscribeOptions = Required<Omit<SubscribeOptions, 'durable'>> & { durable: string | undefined };

/** Merges per-call, bus-wide and built-in subscription settings. */
export function resolveSubscribe(...layers: (SubscribeOptions | undefined)[]): ResolvedSubscribeOptions {
  const pick = <K extends keyof SubscribeOptions>(k: K): SubscribeOptions[K] | undefined => {
    for (const l of layers) if (l?.[k] !== undefined) return l[k];
    return undefined;
  };
  return {
    durable: pick('durable'),
    deliver: pick('deliver') ?? 'new',
    maxDeliver: pick('maxDeliver') ?? 5,
    ackWaitMs: pick('ackWaitMs') ?? 30_000,
    nakDelayMs: pick('nakDelayMs') ?? 1_000,
    maxAckPending: pick('maxAckPending') ?? 1,
    inactiveMs: pick('inactiveMs') ?? 60_000,
  };
}
