/**
 * Scale-out roles with real processes (issue 19): a test-owned nats-server, `intersoc serve
 * --role detect` workers and `intersoc ingest --bus`, against the embedded run of the same files.
 * A correlate role runs the Sigma correlations. A detect worker is killed with SIGKILL mid-stream: its batches go to the other worker, and the
 * store ends with exactly the embedded node's events and alerts, none doubled. Then the
 * nats-server itself is killed and restarted mid-stream: nothing is lost. The roles share a scratch
 * PostgreSQL database (`INTERSOC_TEST_PG`), or a shared SQLite folder when PostgreSQL is unreachable.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '@intersoc/core';
import { EVENTS_DB_FILE, openDatabase } from '@intersoc/storage';
import { createScratchDb, migratePg, openPgEventStore, type ScratchDb } from '@intersoc/storage/postgres';
import { findNatsServer, TestNatsServer } from './_nats-server.js';
import { cliRunner, ROOT, startRole } from './_roles.js';

const MORDOR = path.resolve(ROOT, '../shared/corpora/mordor/windows');
const FILES = [
  'credential_access/host/empire_mimikatz_opth_2019-03-19131123.jsonl.gz',
  'defense_evasion/host/psh_metasploit_stop_netprofm_eventlog_before_reboot.jsonl.gz',
  'lateral_movement/host/purplesharp_ad_playbook_I_2020-10-22042947.jsonl.gz',
].map((f) => path.join(MORDOR, f));

const bin = findNatsServer();
const haveCorpus = FILES.every((f) => existsSync(f));
if (bin === undefined) console.warn('SKIP scale-out tests: nats-server not found (PATH, /usr/sbin, NATS_SERVER_BIN)');
if (!haveCorpus) console.warn(`SKIP scale-out tests: corpus files missing under ${MORDOR}`);

const dirs: string[] = [];
const scratch: ScratchDb[] = [];
/** True when PostgreSQL is reachable: the roles then share a scratch PostgreSQL database. */
let pg: true | undefined;
const children: ChildProcess[] = [];

function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'intersoc-scale-'));
  dirs.push(d);
  return d;
}

/** Environment of a role: quick redelivery after a crash, few batches in flight. */
const ROLE_ENV = {
  ...process.env,
  INTERSOC_BUS_ACK_WAIT_MS: '2000',
  INTERSOC_BUS_MAX_ACK_PENDING: '4',
  INTERSOC_SYSLOG_ENABLED: 'false',
  INTERSOC_LOG_LEVEL: 'silent',
};

const run = cliRunner(ROLE_ENV, children);

/** Starts a role and resolves once it has joined its group. */
function role(name: 'detect' | 'correlate', bus: string, store: string, data: string): Promise<ChildProcess> {
  // 'detect worker' whatever the role: the wording these errors always had.
  return startRole(run, name, { bus, store, data, what: 'detect worker' });
}

interface Counts {
  events: number;
  idRows: number;
  alerts: number;
  alertIds: string[];
}

/** What a store holds; `idRows` counts distinct event ids (one row per id in the partition tables). */
function counts(dir: string): Counts {
  const db = openDatabase(path.join(dir, EVENTS_DB_FILE), { readonly: true });
  try {
    const events = (db.prepare('SELECT COALESCE(SUM(count), 0) AS n FROM blocks').get() as { n: number }).n;
    let idRows = 0;
    for (const { name } of db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'ids_%'")
      .all() as { name: string }[])
      idRows += (db.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).get() as { n: number }).n;
    const alertIds = (db.prepare('SELECT id FROM alerts ORDER BY id').all() as { id: string }[]).map((r) => r.id);
    return { events, idRows, alerts: alertIds.length, alertIds };
  } finally {
    db.close();
  }
}

/** The same figures from a PostgreSQL store (its id table is the dedupe key, so `idRows` = events). */
async function pgCounts(url: string): Promise<Counts> {
  const store = await openPgEventStore(url);
  try {
    const ctx = systemContext('default');
    const st = await store.stats(ctx);
    const page = await store.searchAlerts(ctx, { q: '', limit: 1_000 });
    const alertIds = page.items.map((a) => a.id).sort();
    return { events: st.events, idRows: st.events, alerts: st.alerts, alertIds };
  } finally {
    await store.close();
  }
}

/** A store for the roles: a scratch PostgreSQL database when reachable, else a shared SQLite folder. */
async function scaleStore(): Promise<{ url: string; counts: () => Promise<Counts> }> {
  if (pg === undefined) {
    const dir = tempDir();
    return {
      url: `sqlite:${dir}`,
      counts: () => Promise.resolve(existsSync(path.join(dir, EVENTS_DB_FILE)) ? counts(dir) : EMPTY),
    };
  }
  const db = await createScratchDb('intersoc_scale');
  if ('unavailable' in db) throw new Error(db.unavailable);
  scratch.push(db);
  await migratePg(db.url);
  return { url: db.url, counts: () => pgCounts(db.url) };
}

const EMPTY: Counts = { events: 0, idRows: 0, alerts: 0, alertIds: [] };

async function until(cond: () => Promise<boolean>, what: string, ms = 180_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(bin === undefined || !haveCorpus)('scale-out roles on a real nats-server', { tags: ['corpus'] }, () => {
  let embedded: Counts;
  let nats: TestNatsServer;

  beforeAll(async () => {
    const probe = await createScratchDb('intersoc_probe');
    if ('unavailable' in probe) console.warn(`scale-out tests on a shared SQLite store: ${probe.unavailable}`);
    else {
      pg = true;
      await probe.drop();
    }
    nats = await TestNatsServer.start(bin ?? '');
    const dir = tempDir();
    const r = await run(['ingest', ...FILES, '--data', dir, '--json']).done;
    expect(r.code, r.err).toBe(0);
    embedded = counts(dir);
  }, 600_000);

  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  });

  afterAll(async () => {
    await nats?.stop();
    for (const db of scratch.splice(0)) await db.drop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('a detect worker killed mid-stream: the other stores its batches, counts equal the embedded run', async () => {
    const store = await scaleStore();
    await role('correlate', nats.url, store.url, tempDir());
    const a = await role('detect', nats.url, store.url, tempDir());
    const b = await role('detect', nats.url, store.url, tempDir());
    const ingest = run(['ingest', ...FILES, '--bus', nats.url, '--data', tempDir(), '--json']);
    // Mid-stream: some batches committed, most not.
    await until(async () => (await store.counts()).events > 0, 'a first committed batch');
    const atKill = (await store.counts()).events;
    a.kill('SIGKILL');
    const r = await ingest.done;
    expect(r.code, r.err).toBe(0);
    const summary = JSON.parse(r.out) as { events: number; stored: boolean };
    expect(summary.stored).toBe(true);
    expect(atKill).toBeLessThan(embedded.events);
    const got = await store.counts();
    expect(embedded.events).toBeGreaterThan(10_000);
    expect(got.events).toBe(embedded.events);
    // One stored event per distinct id: nothing doubled by the redelivery.
    expect(got.idRows).toBe(got.events);
    expect(got.alerts).toBe(embedded.alerts);
    expect(got.alertIds).toEqual(embedded.alertIds);
    expect(b.exitCode).toBeNull();
  }, 600_000);

  it('nats-server killed and restarted mid-stream: nothing is lost', async () => {
    const store = await scaleStore();
    await role('correlate', nats.url, store.url, tempDir());
    await role('detect', nats.url, store.url, tempDir());
    const ingest = run(['ingest', ...FILES, '--bus', nats.url, '--data', tempDir(), '--json']);
    await until(async () => (await store.counts()).events > 0, 'a first committed batch');
    await nats.kill();
    await new Promise((r) => setTimeout(r, 1_000));
    await nats.launch();
    const r = await ingest.done;
    if (r.code !== 0) console.error(`ingest failed: ${r.err} ${r.out}`);
    expect(r.code, r.err).toBe(0);
    const got = await store.counts();
    expect(got.events).toBe(embedded.events);
    expect(got.idRows).toBe(got.events);
    expect(got.alertIds).toEqual(embedded.alertIds);
  }, 600_000);
});
