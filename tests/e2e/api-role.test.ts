/**
 * @module
 * The `api` role (issue 19) with real processes on one scratch PostgreSQL database and a
 * test-owned nats-server: `serve --role ingest` (syslog over TCP), a detect worker and a
 * correlate instance write events and alerts; `serve --role api` serves them, builds incidents
 * from the committed alerts, and answers with a token made by `intersoc admin token add --store`.
 * A Mordor file goes through `intersoc ingest --bus` (the file path of the scale-out mode), three
 * syslog lines through the ingest role. Everything is read back over HTTP and compared with what
 * the database holds.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDb, migratePg, openPg, type ScratchDb } from '@intersoc/storage/postgres';
import { findNatsServer, TestNatsServer } from './_nats-server.js';
import { cliRunner, ROOT, startRole } from './_roles.js';

const FILE = path.resolve(
  ROOT,
  '../shared/corpora/mordor/windows/credential_access/host/empire_mimikatz_opth_2019-03-19131123.jsonl.gz',
);
const bin = findNatsServer();
const haveCorpus = existsSync(FILE);
if (bin === undefined) console.warn('SKIP api role test: nats-server not found (PATH, /usr/sbin, NATS_SERVER_BIN)');
if (!haveCorpus) console.warn(`SKIP api role test: corpus file missing: ${FILE}`);
const probe = await createScratchDb('intersoc_api_probe');
if ('unavailable' in probe) console.warn(`SKIP api role test: ${probe.unavailable}`);
else await probe.drop();

const ENV = { ...process.env, INTERSOC_LOG_LEVEL: 'silent', INTERSOC_SYSLOG_ENABLED: 'false' };
const children: ChildProcess[] = [];
const dirs: string[] = [];
const run = cliRunner(ENV, children);
let nats: TestNatsServer | undefined;
let db: ScratchDb | undefined;

function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'intersoc-apirole-'));
  dirs.push(d);
  return d;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function until<T>(get: () => Promise<T | undefined>, what: string, ms = 180_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Starts a `serve` process and waits for `line` on its stderr; returns the process and its log. */
async function serve(args: string[], line: RegExp, env: NodeJS.ProcessEnv = ENV): Promise<[ChildProcess, string]> {
  const { child, done } = cliRunner(env, children)(['serve', ...args]);
  let err = '';
  child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  const m = await until(
    async () => {
      if (child.exitCode !== null) throw new Error(`serve ${args.join(' ')} exited: ${(await done).err}`);
      return line.exec(err) ?? undefined;
    },
    `serve ${args.join(' ')}`,
  ).catch(async (e: unknown) => {
    throw new Error(`${String(e)}: ${err}`);
  });
  return [child, m[1] ?? ''];
}

/** The parts of the API's answers this test reads. */
interface Body {
  items: { id: string; alertCount: number; eventIds: string[] }[];
  nextCursor?: string;
  id?: string;
}

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await nats?.stop();
  await db?.drop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(bin === undefined || !haveCorpus || !('url' in probe))(
  'the api role on PostgreSQL',
  { tags: ['corpus'] },
  () => {
    let api = '';
    let auth: { authorization: string };
    let url = '';

    beforeAll(async () => {
      nats = await TestNatsServer.start(bin ?? '');
      const scratch = await createScratchDb('intersoc_api');
      if (!('url' in scratch)) throw new Error(scratch.unavailable);
      db = scratch;
      url = scratch.url;
      await migratePg(url);
      const data = tempDir();
      // A token-only service account and its token, straight into the PostgreSQL identity store.
      const user = await run([
        'admin',
        'user',
        'add',
        'reader',
        '--role',
        'analyst',
        '--no-password',
        '--store',
        url,
        '--data',
        data,
      ]).done;
      expect(user.code, user.err).toBe(0);
      const token = await run(['admin', 'token', 'add', '--user', 'reader', '--store', url, '--data', data]).done;
      expect(token.code, token.err).toBe(0);
      auth = { authorization: `Bearer ${token.out.trim()}` };
      await startRole(run, 'correlate', { bus: nats.url, store: url, data: tempDir() });
      await startRole(run, 'detect', { bus: nats.url, store: url, data: tempDir() });
      [, api] = await serve(
        ['--role', 'api', '--store', url, '--data', data, '--port', '0'],
        /api: listening on (http:\S+)/,
      );
    }, 600_000);

    it('serves events, alerts and incidents that ingest, detect and correlate roles wrote', async () => {
      const tcp = await freePort();
      const [ingestRole] = await serve(
        ['--role', 'ingest', '--bus', nats?.url ?? '', '--data', tempDir()],
        /ingest: syslog (.*tcp.*)/,
        {
          ...ENV,
          INTERSOC_SYSLOG_ENABLED: 'true',
          INTERSOC_SYSLOG_TCP_PORT: String(tcp),
          INTERSOC_SYSLOG_UDP_PORT: String(await freePort()),
        },
      );
      const file = await run(['ingest', FILE, '--bus', nats?.url ?? '', '--data', tempDir(), '--json']).done;
      expect(file.code, file.err).toBe(0);
      expect(JSON.parse(file.out)).toMatchObject({ events: 5792, stored: true });
      const sock = connect(tcp, '127.0.0.1');
      await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
      for (let i = 0; i < 3; i++)
        sock.write(`<34>Oct 11 22:14:1${i} gw-api-role su: 'su root' failed for apirole${i} on /dev/pts/8\n`);
      sock.end();

      const get = async (p: string): Promise<{ status: number; body: Body }> => {
        const r = await fetch(`${api}${p}`, { headers: auth });
        return { status: r.status, body: (await r.json()) as Body };
      };
      // No token, no answer.
      expect((await fetch(`${api}/api/events`)).status).toBe(401);

      // The syslog lines arrive through the ingest role's sealed blocks.
      const syslog = await until(
        async () => {
          const r = await get('/api/events?q=gw-api-role&limit=10');
          return r.status === 200 && r.body.items.length === 3 ? r.body.items : undefined;
        },
        'the syslog events through the api',
        120_000,
      );
      expect(JSON.stringify(syslog)).toContain('apirole2');

      // Every event, page by page, equals the store's count.
      let events = 0;
      let cursor = '';
      for (;;) {
        const r = await get(`/api/events?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(r.status).toBe(200);
        events += r.body.items.length;
        if (!r.body.nextCursor) break;
        cursor = r.body.nextCursor;
      }
      expect(events).toBe(5792 + 3);

      const sql = openPg(url, { max: 1 });
      try {
        const stored = (await sql<{ id: string }[]>`SELECT id FROM ev_alerts ORDER BY id`).map((r) => r.id);
        expect(stored.length).toBeGreaterThan(0);
        const alerts = await get('/api/alerts?limit=1000');
        expect(alerts.status).toBe(200);
        expect(alerts.body.items.map((a) => a.id).sort()).toEqual(stored);
        // One event the alerts name, by id.
        const eventId = alerts.body.items[0]?.eventIds[0] ?? '';
        expect((await get(`/api/events/${encodeURIComponent(eventId)}`)).body).toMatchObject({ id: eventId });

        // The api role's incident builder takes every alert once they have settled.
        const incidents = await until(
          async () => {
            const r = await get('/api/incidents?limit=100');
            const n = r.body.items.reduce((s, i) => s + i.alertCount, 0);
            return r.status === 200 && n === stored.length ? r.body.items : undefined;
          },
          'incidents holding every alert',
          120_000,
        );
        const members: string[] = [];
        for (const inc of incidents) {
          const r = await get(`/api/incidents/${inc.id}/alerts`);
          expect(r.status).toBe(200);
          members.push(...r.body.items.map((a) => a.id));
        }
        expect(members.sort()).toEqual(stored);
        console.info(`api role: ${events} events, ${stored.length} alerts in ${incidents.length} incidents`);
        const rows = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM incidents WHERE status != 'merged'`;
        expect(rows[0]?.n).toBe(incidents.length);
      } finally {
        await sql.end({ timeout: 5 });
      }
      expect(ingestRole.exitCode).toBeNull();
    }, 600_000);
  },
);
