import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JetStreamBus, type JetStreamBusOptions } from './index.js';
import { findNatsServer, TestNatsServer } from './_test-server.js';

const bin = findNatsServer();
if (bin === undefined) console.warn('SKIP KvLeases tests: nats-server not found (PATH, /usr/sbin, or NATS_SERVER_BIN)');

describe.skipIf(bin === undefined)('KvLeases on a real nats-server', () => {
  let server: TestNatsServer;
  let opts: JetStreamBusOptions;
  beforeAll(async () => {
    server = await TestNatsServer.start(bin ?? '');
    opts = { servers: [server.url], stream: { name: 'LEASES_T', subjects: ['t.>'] } };
  });
  afterAll(async () => {
    await server.stop();
  });

  it('one holder at a time; renewal keeps it; release hands it over at once with a higher epoch', async () => {
    const bus = await JetStreamBus.connect(opts);
    const leases = await bus.leases('lease_release', 60_000);
    const a = await leases.tryAcquire('p.0', 'a');
    expect(a).toBeDefined();
    expect(await leases.tryAcquire('p.0', 'b')).toBeUndefined();
    const renewed = await leases.renew(a!);
    expect(renewed?.epoch).toBe(a!.epoch);
    expect(renewed!.revision).toBeGreaterThan(a!.revision);
    // A renewal at a stale revision is refused: that holder no longer knows the current state.
    expect(await leases.renew(a!)).toBeUndefined();
    expect((await leases.holders('p.')).get('p.0')?.holder).toBe('a');
    await leases.release(renewed!);
    const b = await leases.tryAcquire('p.0', 'b');
    expect(b?.epoch).toBeGreaterThan(a!.epoch);
    expect(await leases.renew(renewed!)).toBeUndefined();
    await bus.close();
  });

  it('a holder that stops renewing loses the lease after the TTL, and another takes it', async () => {
    const bus = await JetStreamBus.connect(opts);
    const leases = await bus.leases('lease_ttl', 1_000);
    expect(leases.ttlMs).toBe(1_000);
    const a = await leases.tryAcquire('p.3', 'a');
    expect(a).toBeDefined();
    let b = await leases.tryAcquire('p.3', 'b');
    expect(b).toBeUndefined();
    for (let i = 0; i < 200 && b === undefined; i++) {
      await new Promise((r) => setTimeout(r, 100));
      b = await leases.tryAcquire('p.3', 'b');
    }
    expect(b!.epoch).toBeGreaterThan(a!.epoch);
    // The old holder's renewal fails: it must stop acting for the partition.
    expect(await leases.renew(a!)).toBeUndefined();
    await bus.close();
  });
});
