/**
 * The partitioned correlate role in one process, on a real nats-server (own port and store) and a
 * scratch PostgreSQL database: the fencing path. Another owner's claim with a higher epoch makes
 * the instance's next commit fail; it gives the partition up without writing, takes it back once
 * its old lease expired (a new, higher epoch), reloads the windows from the store, and the counts
 * carry on as if nothing happened. Skips, and says why, without nats-server or PostgreSQL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '@intersoc/core';
import { FeedPartitioner, loadRuleSet, starterPackDir, type SigmaFeedItem } from '@intersoc/detect';
import type { JetStreamBus } from '@intersoc/bus/nats';
import {
  createScratchDb,
  migratePg,
  openPgEventStore,
  PgCorrelationState,
  type ScratchDb,
} from '@intersoc/storage/postgres';
import { connectEventsBus } from './bus-setup.js';
import { publishFeed } from './correlate-feed.js';
import { PartitionedCorrelate } from './partitioned-correlate.js';

const NATS = [process.env['NATS_SERVER_BIN'], '/usr/sbin/nats-server', '/usr/bin/nats-server'].find(
  (p): p is string => p !== undefined && existsSync(p),
);
if (NATS === undefined) console.warn('SKIP partitioned correlate test: nats-server not found');
const db = NATS === undefined ? { unavailable: 'not tried' } : await createScratchDb('intersoc_pcorr');
if ('unavailable' in db) console.warn(`SKIP partitioned correlate test: ${db.unavailable}`);
const live = 'url' in db ? (db as ScratchDb) : undefined;

/** The starter pack's base rule of the brute-force correlation (10 failed logons, one account, one address). */
const FAILED_LOGON = '6b1e2f0a-3c4d-4e5f-8a9b-0c1d2e3f4a01';
const LEASE_MS = 1_500;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });
}

let n = 0;
function failed(i: number): SigmaFeedItem {
  return {
    tenant: 'default',
    source: FAILED_LOGON,
    time: Date.UTC(2024, 0, 1, 8, 0, i),
    eventIds: [`ev${++n}`],
    fields: { Channel: 'Security', EventID: 4625, IpAddress: '10.1.1.1', TargetUserName: 'admin' },
    ecs: {},
    format: 'windows',
  };
}

async function until<T>(f: () => Promise<T | undefined> | T | undefined, what: string, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.skipIf(live === undefined)('PartitionedCorrelate (real nats-server, PostgreSQL)', () => {
  let server: ChildProcess;
  let dir: string;
  let bus: JetStreamBus;
  let url: string;

  beforeAll(async () => {
    url = live?.url ?? '';
    await migratePg(url);
    dir = mkdtempSync(path.join(tmpdir(), 'intersoc-pcorr-'));
    const port = await freePort();
    server = spawn(NATS ?? '', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    await new Promise<void>((resolve, reject) => {
      server.stderr?.on('data', (b: Buffer) => {
        log += b.toString();
        if (log.includes('Server is ready')) resolve();
      });
      server.once('exit', () => reject(new Error(log)));
    });
    bus = await connectEventsBus({ url: `nats://127.0.0.1:${port}`, name: 'pcorr-test' });
  }, 60_000);

  afterAll(async () => {
    await bus?.close();
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    await live?.drop();
  });

  it('a fenced commit writes nothing; the instance takes the partition back later and the windows carry on', async () => {
    const { ruleSet } = loadRuleSet([starterPackDir()]);
    const partitioner = new FeedPartitioner({ fallback: ruleSet, tenants: new Map() }, 2);
    const state = await PgCorrelationState.open(url, 2);
    const intruder = await PgCorrelationState.open(url, 2);
    const role = new PartitionedCorrelate({ bus, state, partitioner, leaseMs: LEASE_MS, holder: 'a' });
    const alerts = async (): Promise<number> => {
      const s = await openPgEventStore(url, { max: 1 });
      const c = (await s.stats(systemContext('default'))).alerts;
      await s.close();
      return c;
    };
    try {
      await role.start();
      expect(role.partitions).toEqual([0, 1]);
      // 12 failed logons, one message each: the brute force fires at the 10th.
      for (let i = 0; i < 12; i++) await publishFeed(bus, partitioner, [failed(i)], `b${i}`);
      await until(() => (role.stats.messages >= 12 ? true : undefined), '12 messages committed');
      expect(await alerts()).toBe(1);
      const [p] = [...partitioner.split([failed(0)]).keys()] as [number];
      const before = (await state.owners()).find((o) => o.partition === p);
      expect(before?.holder).toBe('a');

      // Another owner claims the partition, under a higher epoch (as after a lease this instance missed).
      expect((await intruder.claim(p, 'intruder')).epoch).toBe((before?.epoch ?? 0) + 1);
      await publishFeed(bus, partitioner, [failed(12)], 'b12');
      await until(() => (role.partitions.includes(p) ? undefined : true), 'the partition given up');
      const fenced = (await state.owners()).find((o) => o.partition === p);
      expect(fenced?.holder).toBe('intruder');
      expect(fenced?.lastSeq).toBe(before?.lastSeq);

      // Its old lease expires; it takes the partition back under a new epoch and resumes.
      await until(() => (role.partitions.includes(p) ? true : undefined), 'the partition taken back');
      for (let i = 13; i < 20; i++) await publishFeed(bus, partitioner, [failed(i)], `b${i}`);
      await until(async () => ((await alerts()) === 2 ? true : undefined), 'the second brute-force alert');
      const back = (await state.owners()).find((o) => o.partition === p);
      expect(back?.holder).toBe('a');
      expect(back?.epoch).toBe((before?.epoch ?? 0) + 2);
      // 20 failed logons, two alerts: the windows of the first 12 were not lost nor counted twice.
      expect(role.stats.alerts).toBe(2);
    } finally {
      await role.close();
      await state.close();
      await intruder.close();
    }
  }, 120_000);
});
