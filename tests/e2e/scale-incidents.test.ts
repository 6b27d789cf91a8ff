/**
 * Incidents in the scale-out mode equal the embedded node's (issue 19): the same three files (the
 * SMB password-guessing EVTX sample and two Mordor captures, 35,346 events) go once through the
 * embedded node and once through real role processes on a test-owned nats-server and a scratch
 * PostgreSQL database: a detect worker, a correlate instance, and an api role, which builds the
 * incidents from the alerts the other roles committed (`roles/incident-feed.ts`). `intersoc stats
 * --json` must then print the same events, alerts and incidents from both stores. The embedded
 * run has the host baselines off (`baselines.enabled`): they keep per-host history on the
 * embedded writer and no role runs them yet, so with them on the embedded run has one alert
 * (`baseline:rate-user`) and one incident more (362/4 against 361/3).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createScratchDb, migratePg, type ScratchDb } from '@intersoc/storage/postgres';
import { findNatsServer, TestNatsServer } from './_nats-server.js';
import { cliRunner, ROOT, startRole } from './_roles.js';

const CORPORA = path.resolve(ROOT, '../shared/corpora');
const FILES = [
  'evtx/hayabusa-sample-evtx/DeepBlueCLI/smb-password-guessing-security.evtx.gz',
  'mordor/windows/credential_access/host/empire_mimikatz_opth_2019-03-19131123.jsonl.gz',
  'mordor/windows/lateral_movement/host/purplesharp_ad_playbook_I_2020-10-22042947.jsonl.gz',
].map((f) => path.join(CORPORA, f));

const bin = findNatsServer();
const haveCorpus = FILES.every((f) => existsSync(f));
if (bin === undefined)
  console.warn('SKIP scale incidents test: nats-server not found (PATH, /usr/sbin, NATS_SERVER_BIN)');
if (!haveCorpus) console.warn(`SKIP scale incidents test: corpus files missing under ${CORPORA}`);
const probe = bin !== undefined && haveCorpus ? await createScratchDb('intersoc_inc_probe') : undefined;
if (probe !== undefined && 'unavailable' in probe) console.warn(`SKIP scale incidents test: ${probe.unavailable}`);
else await probe?.drop();
const ready = probe !== undefined && !('unavailable' in probe);

const ENV = { ...process.env, INTERSOC_LOG_LEVEL: 'silent', INTERSOC_SYSLOG_ENABLED: 'false' };
const children: ChildProcess[] = [];
const dirs: string[] = [];
const run = cliRunner(ENV, children);
let nats: TestNatsServer | undefined;
let db: ScratchDb | undefined;

function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'intersoc-scaleinc-'));
  dirs.push(d);
  return d;
}

interface Counts {
  events: number;
  alerts: number;
  incidents: number;
}

async function stats(args: string[]): Promise<Counts> {
  const r = await run(['stats', '--json', ...args]).done;
  if (r.code !== 0) throw new Error(`stats ${args.join(' ')}: ${r.err}`);
  return JSON.parse(r.out) as Counts;
}

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await nats?.stop();
  await db?.drop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!ready)('incidents in the scale-out mode', { tags: ['corpus'] }, () => {
  it('stats --json on PostgreSQL prints the embedded run’s incident count', { timeout: 900_000 }, async () => {
    const embeddedData = tempDir();
    const noBaselines = cliRunner({ ...ENV, INTERSOC_BASELINES_ENABLED: 'false' }, children);
    const e = await noBaselines(['ingest', ...FILES, '--data', embeddedData, '--json']).done;
    expect(e.code, e.err).toBe(0);
    const embedded = await stats(['--data', embeddedData]);
    expect(embedded.alerts).toBeGreaterThan(300);
    expect(embedded.incidents).toBeGreaterThan(1);

    nats = await TestNatsServer.start(bin ?? '');
    const scratch = await createScratchDb('intersoc_inc');
    if ('unavailable' in scratch) throw new Error(scratch.unavailable);
    db = scratch;
    await migratePg(scratch.url);
    await startRole(run, 'correlate', { bus: nats.url, store: scratch.url, data: tempDir() });
    await startRole(run, 'detect', { bus: nats.url, store: scratch.url, data: tempDir() });
    const api = run(['serve', '--role', 'api', '--store', scratch.url, '--data', tempDir(), '--port', '0']);
    let apiErr = '';
    api.child.stderr?.on('data', (b: Buffer) => (apiErr += b.toString()));
    const i = await run(['ingest', ...FILES, '--bus', nats.url, '--data', tempDir(), '--json']).done;
    expect(i.code, i.err).toBe(0);

    // The api role builds incidents from alerts at least 5 s old, in rounds of 1 s: wait until
    // the store holds every alert and the incident count has not moved for 15 s.
    let last: Counts | undefined;
    let since = Date.now();
    const end = Date.now() + 300_000;
    for (;;) {
      if (api.child.exitCode !== null) throw new Error(`api role exited: ${apiErr}`);
      const now = await stats(['--store', scratch.url]);
      if (last === undefined || now.incidents !== last.incidents || now.alerts !== last.alerts) since = Date.now();
      last = now;
      if (now.alerts === embedded.alerts && now.incidents > 0 && Date.now() - since > 15_000) break;
      if (Date.now() > end) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    console.log(`scale incidents: embedded ${JSON.stringify(embedded)}, scaled ${JSON.stringify(last)}`);
    expect(last).toEqual(embedded);
  });
});
