/**
 * @module
 * One subscription: a pull consumer with explicit ack that hands the handler one message at a
 * time. The ack is sent (and confirmed by the server) only after the handler resolves, so a
 * crash anywhere before that leaves the message unacked and the server redelivers it after
 * `ackWait`. A handler that throws gets the message again after `nakDelay`; on the last
 * allowed delivery it goes to the dead letters instead.
 */
import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { Subscription } from '../bus.js';
import { decodeMessage, isBinary } from './codec.js';
import { publishDeadLetter, reasonOf } from './dead-letter.js';
import type { ResolvedSubscribeOptions } from './options.js';

/** A JetStream subscription; `ready` resolves once its consumer exists on the server. */
export interface JetStreamSubscription extends Subscription {
  readonly ready: Promise<void>;
  /** Resolves when the delivery loop has ended after `unsubscribe()` or a fatal error. */
  readonly done: Promise<void>;
  /**
   * Stops at once without finishing or acking the message in hand, as a crash would: the server
   * redelivers it after ackWait. `unsubscribe()` instead lets the handler finish and acks.
   */
  abandon(): void;
}

/**
 * `deliveries`: this message's delivery count (above 1 on a redelivery), for metrics. `seq`: its
 * stream sequence, for handlers that record how far they got (the correlate partitions).
 */
type Handler = (message: unknown, subject: string, deliveries: number, seq: number) => void | Promise<void>;

interface Context {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly stream: string;
  readonly deadLetterPrefix: string;
  /** Called when the loop stops on an error it cannot recover from (e.g. consumer deleted). */
  readonly onError: (err: unknown) => void;
}

/** Starts a subscription; consumer creation and delivery run in the background. */
export function startSubscription(
  ctx: Context,
  pattern: string,
  handler: Handler,
  opts: ResolvedSubscribeOptions,
): JetStreamSubscription {
  let stopped = false;
  let abandoned = false;
  let stop: () => void = () => undefined;
  let consumerName: string | undefined;

  const ready = (async () => {
    const info = await ctx.jsm.consumers.add(ctx.stream, {
      ...(opts.durable === undefined ? { inactive_threshold: nanos(opts.inactiveMs) } : { durable_name: opts.durable }),
      filter_subject: pattern,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: opts.deliver === 'all' ? DeliverPolicy.All : DeliverPolicy.New,
      ack_wait: nanos(opts.ackWaitMs),
      // The bound is enforced here, not by the server: a server-side max_deliver would strand a
      // message whose dead-lettering failed (no further delivery to retry it on).
      max_deliver: -1,
      max_ack_pending: opts.maxAckPending,
    });
    consumerName = info.name;
  })();

  const done = (async () => {
    await ready;
    if (stopped || consumerName === undefined) return;
    const consumer = await ctx.js.consumers.get(ctx.stream, consumerName);
    // max_messages 1: at most one pre-fetched message waits in the client while its ack clock runs.
    const messages = await consumer.consume({ max_messages: 1 });
    stop = () => void messages.stop();
    if (stopped) stop();
    for await (const m of messages) {
      // Stopped while this was in flight: leave it unacked for another subscriber or a restart.
      if (stopped) break;
      // A failed ack or dead-letter publish (connection lost) is not fatal: the message stays
      // unacked and the server redelivers it after ackWait.
      await deliver(ctx, consumerName, m, handler, opts, () => abandoned).catch(() => undefined);
      if (stopped) break;
    }
  })().catch((err: unknown) => {
    if (!stopped) ctx.onError(err);
  });

  const unsubscribe = (): void => {
    stopped = true;
    stop();
    // An ephemeral consumer would otherwise linger until its inactivity threshold.
    if (opts.durable === undefined) {
      void ready
        .then(() => (consumerName === undefined ? false : ctx.jsm.consumers.delete(ctx.stream, consumerName)))
        .catch(() => undefined);
    }
  };
  return {
    subject: pattern,
    ready,
    done,
    unsubscribe,
    abandon: () => {
      abandoned = true;
      unsubscribe();
    },
  };
}

async function deliver(
  ctx: Context,
  consumer: string,
  m: JsMsg,
  handler: Handler,
  opts: ResolvedSubscribeOptions,
  isAbandoned: () => boolean,
): Promise<void> {
  let message: unknown;
  // A handler slower than ackWait is not a crash: tell the server it is still working, so it
  // does not hand the message to another subscriber meanwhile. (Only a process that is gone, or
  // an abandoned subscription, stops vouching for it.)
  const heartbeat = setInterval(
    () => (isAbandoned() ? clearInterval(heartbeat) : m.working()),
    Math.max(10, Math.floor(opts.ackWaitMs / 3)),
  );
  try {
    message = isBinary(m.headers) ? m.data : decodeMessage(m.data);
    await handler(message, m.subject, m.info.deliveryCount, m.info.streamSequence);
  } catch (err) {
    if (isAbandoned()) return;
    if (m.info.deliveryCount >= opts.maxDeliver) {
      await publishDeadLetter(
        ctx.js,
        ctx.deadLetterPrefix,
        { subject: m.subject, reason: reasonOf(err), deliveries: m.info.deliveryCount, consumer, message },
        `dead:${ctx.stream}:${m.info.streamSequence}`,
      );
      // Plain TERM: nats-server 2.9 does not parse `+TERM <reason>` and leaves the message pending.
      // The reason travels in the dead letter instead.
      m.term();
    } else {
      m.nak(opts.nakDelayMs);
    }
    return;
  } finally {
    clearInterval(heartbeat);
  }
  if (isAbandoned()) return;
  // Confirmed ack: returns once the server has recorded it, so "handled" means "won't come back".
  await m.ackAck();
}
