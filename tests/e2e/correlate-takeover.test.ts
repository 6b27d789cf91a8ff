/**
 * The partitioned correlate role with real processes (issue 19): a test-owned nats-server, a
 * scratch PostgreSQL database, one `serve --role detect` worker and two `serve --role correlate`
 * instances sharing the partitions by lease. The input is a real SMB password-guessing capture
 * (3,561 failed logons from one address: a brute-force correlation fires every ten of them), cut
 * into small blocks so the matches arrive as a stream of messages. Mid-stream, the owner of the
 * brute-force partition is killed with SIGKILL: the other instance must take the partition over
 * after the lease expires, continue its windows from PostgreSQL, and the store must end with
 * exactly the embedded run's alerts (same ids: a lost or restarted window would shift the event
 * ids of every later alert), none doubled. Each correlate instance serves `/metrics`, whose
 * `intersoc_role_correlate_partitions_held` gauge must follow the leases: 4 and 4, then 8 on the
 * survivor, 4 and 4 with a third instance, and 8 on the third once the survivor stopped.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '@intersoc/core';
import { EVENTS_DB_FILE, openDatabase } from '@intersoc/storage';
import {
  createScratchDb,
  migratePg,
  openPgEventStore,
  PgCorrelationState,
  type ScratchDb,
} from '@intersoc/storage/postgres';
import { findNatsServer, TestNatsServer } from './_nats-server.js';
import { cliRunner, roleMetricsUrl, ROOT, startRole } from './_roles.js';

const FILE = path.resolve(
  ROOT,
  '../shared/corpora/evtx/hayabusa-sample-evtx/DeepBlueCLI/smb-password-guessing-security.evtx.gz',
);
/** The starter pack's "Brute Force of One Account From One Address". */
const BRUTE = '6b1e2f0a-3c4d-4e5f-8a9b-0c1d2e3f4a02';
const LEASE_MS = 3_000;
const PARTITIONS = 8;
const TOKEN = 'correlate-takeover-metrics-token';

const bin = findNatsServer();
const haveCorpus = existsSync(FILE);
if (bin === undefined)
  console.warn('SKIP correlate takeover test: nats-server not found (PATH, /usr/sbin, NATS_SERVER_BIN)');
if (!haveCorpus) console.warn(`SKIP correlate takeover test: corpus file missing: ${FILE}`);
const db = bin !== undefined && haveCorpus ? await createScratchDb('intersoc_corr') : { unavailable: 'not tried' };
if ('unavailable' in db) console.warn(`SKIP correlate takeover test: ${db.unavailable}`);
const live = 'url' in db ? (db as ScratchDb) : undefined;

const ENV = {
  ...process.env,
  INTERSOC_BUS_ACK_WAIT_MS: '2000',
  INTERSOC_BUS_MAX_ACK_PENDING: '4',
  INTERSOC_BUS_CORRELATE_LEASE_MS: String(LEASE_MS),
  INTERSOC_BUS_CORRELATE_PARTITIONS: String(PARTITIONS),
  // Small blocks: the matches travel as a few hundred messages, not two.
  INTERSOC_STORAGE_BLOCK_EVENTS: '16',
  INTERSOC_SYSLOG_ENABLED: 'false',
  INTERSOC_LOG_LEVEL: 'silent',
  INTERSOC_BUS_METRICS_TOKEN: TOKEN,
};

const dirs: string[] = [];
const children: ChildProcess[] = [];

function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'intersoc-corr-'));
  dirs.push(d);
  return d;
}

const run = cliRunner(ENV, children);

/** Starts a role and resolves once it logged its start line (correlate: and its metrics address). */
function role(name: 'detect' | 'correlate', bus: string, store: string): Promise<ChildProcess> {
  const args = name === 'correlate' ? ['--metrics-port', '0'] : [];
  return startRole(run, name, { bus, store, data: tempDir(), args });
}

/** The instance's `intersoc_role_correlate_partitions_held`, scraped from its /metrics. */
async function held(c: ChildProcess): Promise<number | undefined> {
  const url = roleMetricsUrl(c);
  if (url === undefined) throw new Error(`no metrics address from pid ${String(c.pid)}`);
  const page = await (await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  const line = page.split('\n').find((l) => l.startsWith('intersoc_role_correlate_partitions_held '));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Resolves once every instance's gauge shows its count in `want`, and returns the last reading. */
async function heldBy(want: readonly [ChildProcess, number][], what: string): Promise<number[]> {
  return until(async () => {
    const got = await Promise.all(want.map(([c]) => held(c)));
    return got.every((n, i) => n === want[i]?.[1]) ? (got as number[]) : undefined;
  }, what);
}

async function until<T>(f: () => Promise<T | undefined>, what: string, ms = 180_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function pgAlertIds(url: string): Promise<string[]> {
  const store = await openPgEventStore(url, { max: 1 });
  try {
    const page = await store.searchAlerts(systemContext('default'), { q: '', limit: 5_000 });
    return page.items.map((a) => a.id).sort();
  } finally {
    await store.close();
  }
}

describe.skipIf(live === undefined)('partitioned correlate: the owner killed mid-stream', { tags: ['corpus'] }, () => {
  let nats: TestNatsServer;
  let embedded: string[];

  beforeAll(async () => {
    nats = await TestNatsServer.start(bin ?? '');
    await migratePg(live?.url ?? '');
    const dir = tempDir();
    const r = await run(['ingest', FILE, '--data', dir, '--json']).done;
    expect(r.code, r.err).toBe(0);
    const sqlite = openDatabase(path.join(dir, EVENTS_DB_FILE), { readonly: true });
    embedded = (sqlite.prepare('SELECT id FROM alerts ORDER BY id').all() as { id: string }[]).map((x) => x.id);
    sqlite.close();
  }, 600_000);

  afterAll(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
    await nats?.stop();
    await live?.drop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('another instance takes the partition over after the lease; alerts equal the embedded run', async () => {
    const url = live?.url ?? '';
    const state = await PgCorrelationState.open(url, PARTITIONS);
    try {
      await role('detect', nats.url, url);
      const a = await role('correlate', nats.url, url);
      const b = await role('correlate', nats.url, url);
      const pids = new Map([a, b].map((c) => [String(c.pid), c]));
      // The two instances share the partitions: four each once the first gave its surplus back.
      const split = await until(async () => {
        const o = await state.owners();
        const by = new Map<string, number>();
        for (const x of o) by.set(x.holder, (by.get(x.holder) ?? 0) + 1);
        return o.length === PARTITIONS && by.size === 2 && [...by.values()].every((n) => n === 4) ? by : undefined;
      }, 'the partitions split 4/4');
      expect([...split.keys()].map((h) => h.split(':')[1]).sort()).toEqual([...pids.keys()].sort());
      // Each instance's /metrics says what it holds.
      expect(
        await heldBy(
          [
            [a, 4],
            [b, 4],
          ],
          'gauges 4 and 4',
        ),
      ).toEqual([4, 4]);

      const ingest = run(['ingest', FILE, '--bus', nats.url, '--data', tempDir(), '--json']);
      // Mid-stream: the brute-force partition has raised some of its alerts, not all.
      const hot = await until(async () => {
        const ids = await pgAlertIds(url);
        if (ids.length < 20) return undefined;
        const p = (await state.owners()).find((o) => o.correlations.includes(BRUTE));
        return p ? { ...p, alerts: ids.length } : undefined;
      }, 'the brute-force partition in progress');
      const victim = pids.get(hot.holder.split(':')[1] ?? '');
      const survivor = victim === a ? b : a;
      expect(victim).toBeDefined();
      const killedAt = Date.now();
      victim?.kill('SIGKILL');
      const taken = await until(async () => {
        const o = (await state.owners()).find((x) => x.partition === hot.partition);
        return o && o.epoch > hot.epoch ? o : undefined;
      }, 'the takeover');
      const takeoverMs = Date.now() - killedAt;
      const atTakeover = (await pgAlertIds(url)).length;
      const r = await ingest.done;
      expect(r.code, r.err).toBe(0);
      const got = await pgAlertIds(url);
      console.log(
        `correlate takeover: lease ${LEASE_MS} ms, partition ${hot.partition} taken over ${takeoverMs} ms after SIGKILL; ` +
          `alerts at kill ${hot.alerts}, at takeover ${atTakeover}, final ${got.length}, embedded ${embedded.length}`,
      );
      expect(hot.alerts).toBeLessThan(embedded.length);
      expect(taken.holder.split(':')[1]).toBe(String(survivor.pid));
      // Lease time plus one renewal interval (the survivor notices on its next tick).
      expect(takeoverMs).toBeLessThan(LEASE_MS + LEASE_MS / 3 + 1_000);
      expect(embedded.length).toBeGreaterThan(300);
      expect(got).toEqual(embedded);
      // Every partition ends with the survivor.
      const end = await until(async () => {
        const o = await state.owners();
        return o.every((x) => x.holder === taken.holder) ? o : undefined;
      }, 'the survivor holding every partition');
      expect(end).toHaveLength(PARTITIONS);
      expect(survivor.exitCode).toBeNull();
      expect(await heldBy([[survivor, PARTITIONS]], 'the survivor gauge at 8')).toEqual([PARTITIONS]);

      // A graceful stop (SIGTERM) gives the leases back at once: a third instance takes them on
      // its next renewal round, well within the lease time.
      const c = await role('correlate', nats.url, url);
      await until(async () => {
        const o = await state.owners();
        return o.filter((x) => x.holder.split(':')[1] === String(c.pid)).length === PARTITIONS / 2 ? o : undefined;
      }, 'the third instance taking half');
      expect(
        await heldBy(
          [
            [survivor, PARTITIONS / 2],
            [c, PARTITIONS / 2],
          ],
          'gauges 4 and 4 with the third instance',
        ),
      ).toEqual([PARTITIONS / 2, PARTITIONS / 2]);
      const stoppedAt = Date.now();
      survivor.kill('SIGTERM');
      await until(async () => {
        const o = await state.owners();
        return o.every((x) => x.holder.split(':')[1] === String(c.pid)) ? o : undefined;
      }, 'the third instance holding every partition');
      const handoverMs = Date.now() - stoppedAt;
      console.log(`correlate graceful hand-over: all ${PARTITIONS} partitions ${handoverMs} ms after SIGTERM`);
      expect(handoverMs).toBeLessThan(LEASE_MS);
      expect(await heldBy([[c, PARTITIONS]], 'the third gauge at 8')).toEqual([PARTITIONS]);
    } finally {
      await state.close();
    }
  }, 600_000);
});
