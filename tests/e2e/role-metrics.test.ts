/**
 * @module
 * `/metrics` of a scale-out role (issue 19, operations): a real `intersoc serve --role
 * detect,correlate` process with `--metrics-port 0` on a test-owned nats-server and a SQLite
 * store; a Mordor file is published with `intersoc ingest --bus`, and the role's /metrics then
 * shows both groups' lag at 0, the batches and events written, and store-write observations.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findNatsServer, TestNatsServer } from './_nats-server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'bin/intersoc');
const FILE = path.resolve(
  ROOT,
  '../shared/corpora/mordor/windows/credential_access/host/empire_mimikatz_opth_2019-03-19131123.jsonl.gz',
);
const bin = findNatsServer();
const haveCorpus = existsSync(FILE);
if (!haveCorpus) console.warn(`SKIP role metrics test: corpus file missing: ${FILE}`);
if (bin === undefined) console.warn('SKIP role metrics test: no nats-server on PATH');

const ENV = { ...process.env, INTERSOC_SYSLOG_ENABLED: 'false', INTERSOC_LOG_LEVEL: 'silent' };
const TOKEN = 'role-metrics-test-token-0123456789';
const AUTH = { headers: { authorization: `Bearer ${TOKEN}` } };
const children: ChildProcess[] = [];
const dirs: string[] = [];
let nats: TestNatsServer | undefined;

function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'intersoc-rolemetrics-'));
  dirs.push(d);
  return d;
}

function run(
  args: string[],
  env: NodeJS.ProcessEnv = ENV,
): { child: ChildProcess; err: () => string; done: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let err = '';
  child.stdout?.resume();
  child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  const done = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, err: () => err, done };
}

/** Sample value of `name{labels}` in a Prometheus text page, or undefined. */
function sample(page: string, name: string, labels = ''): number | undefined {
  const line = page.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await nats?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(bin === undefined || !haveCorpus)('role /metrics', { tags: ['corpus'] }, () => {
  it(
    'a detect (and correlate) role reports its lag going to 0 and its store writes',
    { timeout: 240_000 },
    async () => {
      nats = await TestNatsServer.start(bin as string);
      const store = tempDir();
      const args = [
        'serve',
        '--role',
        'detect,correlate',
        '--bus',
        nats.url,
        '--store',
        `sqlite:${store}`,
        '--data',
        tempDir(),
        '--metrics-port',
        '0',
      ];
      // Without a token the listener is refused, with a clear reason.
      const refused = run(args);
      expect(await refused.done).not.toBe(0);
      expect(refused.err()).toContain('bus.metricsToken');
      const detect = run(args, { ...ENV, INTERSOC_BUS_METRICS_TOKEN: TOKEN });
      const end = Date.now() + 120_000;
      let url: string | undefined;
      while (url === undefined) {
        url = /metrics: (http:\S+)/.exec(detect.err())?.[1];
        if (detect.child.exitCode !== null) throw new Error(`detect role exited: ${detect.err()}`);
        if (Date.now() > end) throw new Error(`detect role printed no metrics address: ${detect.err()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const before = await (await fetch(url, AUTH)).text();
      expect(sample(before, 'intersoc_role_info', '{role="detect"}')).toBe(1);
      expect(sample(before, 'intersoc_role_consumer_up', '{group="detect"}')).toBe(1);
      expect(sample(before, 'intersoc_role_store_write_seconds_count')).toBe(0);

      const ingest = run(['ingest', FILE, '--bus', nats.url, '--data', tempDir(), '--json']);
      expect(await ingest.done, ingest.err()).toBe(0);

      const page = await (await fetch(url, AUTH)).text();
      expect(sample(page, 'intersoc_role_consumer_pending', '{group="detect"}')).toBe(0);
      expect(sample(page, 'intersoc_role_consumer_ack_pending', '{group="detect"}')).toBe(0);
      expect(sample(page, 'intersoc_role_info', '{role="correlate"}')).toBe(1);
      expect(sample(page, 'intersoc_role_consumer_pending', '{group="correlate"}')).toBe(0);
      expect(sample(page, 'intersoc_role_correlate_messages_total')).toBeDefined();
      // A SQLite store: the single owner holds every partition (bus.correlatePartitions, 8).
      expect(sample(page, 'intersoc_role_correlate_partitions_held')).toBe(8);
      const batches = sample(page, 'intersoc_role_batches_written_total') ?? 0;
      expect(batches).toBeGreaterThan(0);
      expect(sample(page, 'intersoc_role_events_written_total')).toBeGreaterThan(0);
      expect(sample(page, 'intersoc_role_store_write_seconds_count')).toBe(batches);
      expect(sample(page, 'intersoc_role_store_write_seconds_sum')).toBeGreaterThan(0);
      expect(sample(page, 'intersoc_role_redeliveries_total')).toBe(0);
      expect((await fetch(url.replace('/metrics', '/other'))).status).toBe(404);
    },
  );
});
