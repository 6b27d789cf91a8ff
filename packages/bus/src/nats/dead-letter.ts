/**
 * @module
 * Poison messages: a message whose handler keeps failing is moved, after its last allowed
 * delivery, to `<prefix>.<original subject>` with the reason, so it stops blocking its
 * consumer and an operator can read, fix and replay it. The dead letter is itself a JetStream
 * message (the prefix is in the stream), so it is as durable as the original.
 */
import type { JetStreamClient } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import { encodeMessage } from './codec.js';

/** What a dead letter carries, as JSON. */
export interface DeadLetter {
  readonly subject: string;
  readonly reason: string;
  readonly deliveries: number;
  readonly consumer: string;
  readonly message: unknown;
}

/** The subject a dead letter of `subject` goes to. */
export function deadLetterSubject(prefix: string, subject: string): string {
  return `${prefix}.${subject}`;
}

/** Publishes `letter` and waits for the stream's ack. */
export async function publishDeadLetter(
  js: JetStreamClient,
  prefix: string,
  letter: DeadLetter,
  msgID: string,
): Promise<void> {
  const h = headers();
  h.set('Intersoc-Dead-Reason', letter.reason.slice(0, 1024).replace(/[\r\n]+/g, ' '));
  h.set('Intersoc-Dead-Subject', letter.subject);
  // The id makes a retried dead-lettering (crash between this publish and the term) a no-op.
  await js.publish(deadLetterSubject(prefix, letter.subject), encodeMessage(letter), { msgID, headers: h });
}

/** A short reason string for anything thrown. */
export function reasonOf(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
