import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../internal/testing.js';
import { JetStreamBus, type DeadLetter, type JetStreamBusOptions } from './index.js';
import { findNatsServer, TestNatsServer } from './_test-server.js';

const bin = findNatsServer();
if (bin === undefined)
  console.warn('SKIP JetStreamBus tests: nats-server not found (PATH, /usr/sbin, or NATS_SERVER_BIN)');

/** A promise with its resolver, to hold a handler open. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

describe.skipIf(bin === undefined)('JetStreamBus on a real nats-server', () => {
  let server: TestNatsServer;
  let opts: JetStreamBusOptions;
  beforeAll(async () => {
    server = await TestNatsServer.start(bin ?? '');
    opts = { servers: [server.url], stream: { name: 'EVENTS', subjects: ['events.>'] } };
  });
  afterAll(async () => {
    await server.stop();
  });

  it('stores a message once per Nats-Msg-Id, so retried publishes are idempotent', async () => {
    const bus = await JetStreamBus.connect(opts);
    const got: unknown[] = [];
    bus.subscribe('events.dedupe.>', (m) => void got.push(m));
    const first = await bus.publishAck('events.dedupe.s.0', { batch: 'b1' }, { msgID: 'b1' });
    const retry = await bus.publishAck('events.dedupe.s.0', { batch: 'b1' }, { msgID: 'b1' });
    await bus.publish('events.dedupe.s.0', { batch: 'b2' }, { msgID: 'b2' });
    await until(() => got.length === 2);
    await bus.close();
    expect(first.duplicate).toBe(false);
    expect(retry).toEqual({ seq: first.seq, duplicate: true });
    expect(got).toEqual([{ batch: 'b1' }, { batch: 'b2' }]);
  });

  it('redelivers a message whose handler threw, and acks it once the handler succeeds', async () => {
    const bus = await JetStreamBus.connect(opts);
    const attempts: unknown[] = [];
    const done: unknown[] = [];
    bus.subscribe(
      'events.retry.>',
      (m) => {
        attempts.push(m);
        if (attempts.length === 1) throw new Error('transient');
        done.push(m);
      },
      { nakDelayMs: 20 },
    );
    await bus.publish('events.retry.s.0', 'x');
    await bus.publish('events.retry.s.0', 'y');
    await until(() => done.length === 2);
    await bus.close();
    // Strict order holds through the redelivery (max one unacked message per consumer).
    expect(attempts).toEqual(['x', 'x', 'y']);
    expect(done).toEqual(['x', 'y']);
  });

  it('gives an unacked message to another member of the durable group when its holder crashes', async () => {
    const crashed = await JetStreamBus.connect(opts);
    const survivor = await JetStreamBus.connect(opts);
    const group = { durable: 'crash-group', deliver: 'all', ackWaitMs: 300 } as const;
    const held = gate();
    const seenByCrashed: unknown[] = [];
    crashed.subscribe(
      'events.crash.>',
      async (m) => {
        seenByCrashed.push(m);
        await held.wait; // still running when its process "dies": no ack is ever sent
      },
      group,
    );
    await crashed.publish('events.crash.s.0', { id: 'm1' });
    await until(() => seenByCrashed.length === 1);
    // The connection goes away mid-handler, like a killed worker (`close()` would wait and ack).
    await crashed.abort();

    const seenBySurvivor: unknown[] = [];
    survivor.subscribe('events.crash.>', (m) => void seenBySurvivor.push(m), group);
    await until(() => seenBySurvivor.length === 1);
    held.open();
    await survivor.close();
    expect(seenByCrashed).toEqual([{ id: 'm1' }]);
    expect(seenBySurvivor).toEqual([{ id: 'm1' }]);
  });

  it('does not redeliver a message while its slow handler is still working on it', async () => {
    const buses = [await JetStreamBus.connect(opts), await JetStreamBus.connect(opts)];
    const group = { durable: 'slow-group', ackWaitMs: 200 } as const;
    const seen: unknown[] = [];
    // Both members are slow (several ackWaits per message), so whichever gets a message holds it
    // past ackWait: without progress heartbeats the server would hand it to the other too.
    for (const bus of buses)
      bus.subscribe(
        'events.slow.>',
        async (m) => {
          seen.push(m);
          await new Promise((r) => setTimeout(r, 1_000));
        },
        group,
      );
    await buses[0]?.publish('events.slow.s.0', 'a');
    await buses[0]?.publish('events.slow.s.0', 'b');
    await until(() => seen.length >= 2, 'two deliveries');
    for (const bus of buses) await bus.close();
    expect(seen).toEqual(['a', 'b']);
  });

  it('moves a poison message to the dead letters with its reason after maxDeliver attempts', async () => {
    const bus = await JetStreamBus.connect(opts);
    const attempts: unknown[] = [];
    const handled: unknown[] = [];
    const dead: { letter: DeadLetter; subject: string }[] = [];
    bus.subscribe(
      'deadletter.EVENTS.events.poison.>',
      (m, subject) => void dead.push({ letter: m as DeadLetter, subject }),
    );
    bus.subscribe(
      'events.poison.>',
      (m) => {
        attempts.push(m);
        if (m === 'poison') throw new Error('cannot parse this batch');
        handled.push(m);
      },
      { durable: 'poison-test', maxDeliver: 3, nakDelayMs: 20 },
    );
    await bus.publish('events.poison.s.1', 'poison');
    await bus.publish('events.poison.s.1', 'fine');
    await until(() => dead.length === 1 && handled.length === 1);
    await bus.close();
    expect(attempts).toEqual(['poison', 'poison', 'poison', 'fine']);
    expect(handled).toEqual(['fine']);
    expect(dead[0]?.subject).toBe('deadletter.EVENTS.events.poison.s.1');
    expect(dead[0]?.letter).toEqual({
      subject: 'events.poison.s.1',
      reason: 'Error: cannot parse this batch',
      deliveries: 3,
      consumer: 'poison-test',
      message: 'poison',
    });
  });

  it('creates the stream with its limits and widens an existing stream to new subjects', async () => {
    const stream = {
      name: 'LIMITS',
      subjects: ['limits.a.>'],
      retention: 'workqueue',
      maxBytes: 1 << 20,
      maxMessages: 1000,
    } as const;
    const first = await JetStreamBus.connect({ servers: [server.url], stream });
    expect(await first.streamInfo()).toMatchObject({
      name: 'LIMITS',
      subjects: ['limits.a.>', 'deadletter.LIMITS.>'],
      storage: 'file',
      retention: 'workqueue',
      maxBytes: 1 << 20,
      maxMessages: 1000,
    });
    await first.close();
    // A second role asking for more subjects converges the stream instead of failing.
    const second = await JetStreamBus.connect({
      servers: [server.url],
      stream: { ...stream, subjects: ['limits.a.>', 'limits.b.>'] },
    });
    await second.publish('limits.b.x', { ok: true });
    const info = await second.streamInfo();
    await second.close();
    expect([...info.subjects].sort()).toEqual(['deadletter.LIMITS.>', 'limits.a.>', 'limits.b.>']);
    expect(info.messages).toBe(1);
  });

  it('reports a subscription whose pattern lies outside the stream', async () => {
    const bus = await JetStreamBus.connect(opts);
    const sub = bus.subscribe('elsewhere.>', () => undefined);
    await expect(sub.ready).rejects.toThrow();
    await sub.done;
    expect(bus.subscriptionErrors).toHaveLength(1);
    await bus.close();
  });

  it('carries a Uint8Array as its raw bytes and hands it back as bytes', async () => {
    const bus = await JetStreamBus.connect(opts);
    const got: unknown[] = [];
    bus.subscribe('events.bin.>', (m) => void got.push(m));
    const bytes = new Uint8Array([0, 1, 2, 255, 123, 34]);
    await bus.publish('events.bin.s.0', bytes);
    await bus.publish('events.bin.s.0', { json: true });
    await until(() => got.length === 2);
    await bus.close();
    expect(got[0]).toBeInstanceOf(Uint8Array);
    expect([...(got[0] as Uint8Array)]).toEqual([...bytes]);
    expect(got[1]).toEqual({ json: true });
  });

  it('refuses a message JSON cannot carry', async () => {
    const bus = await JetStreamBus.connect(opts);
    await expect(bus.publish('events.bad.s.0', undefined)).rejects.toThrow(TypeError);
    await bus.close();
  });
});

describe.skipIf(bin === undefined)('JetStreamBus across a nats-server kill -9', () => {
  it('loses no acknowledged publish when the server is killed and restarted on the same store', async () => {
    const server = await TestNatsServer.start(bin ?? '');
    try {
      const opts: JetStreamBusOptions = { servers: [server.url], stream: { name: 'DURABLE', subjects: ['events.>'] } };
      const bus = await JetStreamBus.connect(opts);
      const live = new Set<number>();
      bus.subscribe('events.>', (m) => void live.add((m as { i: number }).i), {
        durable: 'live',
        deliver: 'all',
        ackWaitMs: 2_000,
      });
      for (let i = 0; i < 100; i++) await bus.publish('events.acme.syslog.0', { i }, { msgID: `e${i}` });

      await server.kill();
      await server.launch();

      // Publishing resumes once the client has reconnected; a retry reuses the id, so no doubles.
      for (let i = 100; i < 150; i++) {
        for (;;) {
          try {
            await bus.publish('events.acme.syslog.0', { i }, { msgID: `e${i}` });
            break;
          } catch {
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      }
      await until(() => live.size === 150);

      // A fresh reader replaying the stream finds every acknowledged message exactly once.
      const reader = await JetStreamBus.connect(opts);
      const replay: number[] = [];
      reader.subscribe('events.>', (m) => void replay.push((m as { i: number }).i), {
        durable: 'audit',
        deliver: 'all',
      });
      await until(() => replay.length >= 150);
      await reader.close();
      await bus.close();
      expect(replay).toEqual(Array.from({ length: 150 }, (_, i) => i));
      expect([...live].sort((a, b) => a - b)).toEqual(Array.from({ length: 150 }, (_, i) => i));
    } finally {
      await server.stop();
    }
  });
});
