/**
 * @module
 * The bus seam between stages. Subjects follow `<kind>.<tenant>.<...>` (e.g. `alerts.acme`,
 * later `events.<tenant>.<source>.<partition>` on NATS JetStream). The in-process bus gives each
 * subscription its own bounded queue, so one slow consumer cannot grow memory without bound:
 * when its queue is full, `publish` waits (backpressure) rather than dropping.
 */
import { BoundedQueue } from './queue.js';

/** A live subscription. */
export interface Subscription {
  readonly subject: string;
  unsubscribe(): void;
}

/** Publish/subscribe between stages. */
export interface Bus {
  /** Delivers `message` to every subscription whose pattern matches `subject`. */
  publish(subject: string, message: unknown): Promise<void>;
  /**
   * Subscribes with a NATS-style pattern (`*` one token, `>` the rest). The handler runs for
   * one message at a time per subscription.
   */
  subscribe(pattern: string, handler: (message: unknown, subject: string) => void | Promise<void>): Subscription;
  close(): Promise<void>;
}

/** True when a NATS-style `pattern` matches `subject`. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

interface Sub {
  readonly pattern: string;
  readonly queue: BoundedQueue<{ subject: string; message: unknown }>;
  readonly done: Promise<void>;
}

/** In-process bus on bounded queues. */
export class InProcessBus implements Bus {
  private readonly subs = new Set<Sub>();

  constructor(private readonly queueCapacity = 10_000) {}

  async publish(subject: string, message: unknown): Promise<void> {
    for (const s of this.subs) if (subjectMatches(s.pattern, subject)) await s.queue.push({ subject, message });
  }

  subscribe(pattern: string, handler: (message: unknown, subject: string) => void | Promise<void>): Subscription {
    const queue = new BoundedQueue<{ subject: string; message: unknown }>(this.queueCapacity);
    const done = (async () => {
      for (let m = await queue.shift(); m !== undefined; m = await queue.shift()) {
        try {
          await handler(m.message, m.subject);
        } catch {
          // A failing consumer must not stop delivery to itself or others; it logs its own errors.
        }
      }
    })();
    const sub: Sub = { pattern, queue, done };
    this.subs.add(sub);
    return {
      subject: pattern,
      unsubscribe: () => {
        this.subs.delete(sub);
        queue.close();
      },
    };
  }

  async close(): Promise<void> {
    const all = [...this.subs];
    this.subs.clear();
    for (const s of all) s.queue.close();
    await Promise.all(all.map((s) => s.done));
  }
}
