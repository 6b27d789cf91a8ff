/**
 * End-to-end: what a node acknowledges, it keeps. Identical records are distinct events (while a
 * retry with the same Idempotency-Key is stored once); a failed commit turns health red and stops
 * the acknowledgements, and what was acknowledged before is replayed from the journal at the next
 * start; a dead parse worker shows in health, is replaced, and loses nothing acknowledged; one
 * writer per data folder.
 */
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigSchema, DEFAULT_TENANT, systemContext, type Config } from '@intersoc/core';
import { createHydrator, startNode, startPipeline, type RunningNode } from '@intersoc/node';
import { EVENTS_DB_FILE, NODE_DB_FILE, openDatabase, openEventReader, openSqliteAuthStores } from '@intersoc/storage';

const dirs: string[] = [];
const nodes: RunningNode[] = [];

afterEach(async () => {
  for (const n of nodes.splice(0)) await n.close().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A data folder with an analyst token of the default tenant. */
async function provision(): Promise<{ dir: string; token: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-durable-'));
  dirs.push(dir);
  const db = openDatabase(path.join(dir, NODE_DB_FILE));
  const stores = openSqliteAuthStores(db);
  const ctx = systemContext(DEFAULT_TENANT);
  await stores.users.create(ctx, { name: 'analyst', role: 'analyst' });
  const token = (await stores.tokens.create(ctx, { user: 'analyst', name: 'durability' })).secret;
  db.close();
  return { dir, token };
}

function configOf(dir: string, more: Record<string, unknown> = {}): Config {
  return ConfigSchema.parse({
    data: dir,
    http: { port: 0 },
    syslog: { enabled: false },
    ingest: { workers: 1 },
    log: { level: 'silent' },
    ...more,
  });
}

async function start(config: Config): Promise<RunningNode> {
  const n = await startNode(config, { say: () => undefined });
  nodes.push(n);
  return n;
}

async function stop(n: RunningNode): Promise<void> {
  nodes.splice(nodes.indexOf(n), 1);
  await n.close();
}

function ingest(n: RunningNode, token: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${n.url}/api/ingest?format=json`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson', ...headers },
    body,
  });
}

async function health(
  n: RunningNode,
): Promise<{ status: string; checks: Record<string, { status: string; detail?: string }> }> {
  return (await (await fetch(`${n.url}/api/health`)).json()) as {
    status: string;
    checks: Record<string, { status: string; detail?: string }>;
  };
}

async function until(f: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Stored events of the default tenant whose text matches `q`, read from the store itself. */
function countStored(dir: string, q: string): number {
  const reader = openEventReader(path.join(dir, EVENTS_DB_FILE), createHydrator());
  try {
    let n = 0;
    let cursor: string | undefined;
    do {
      const page = reader.searchEvents(systemContext(DEFAULT_TENANT), {
        q,
        limit: 1000,
        ...(cursor ? { cursor } : {}),
      });
      n += page.items.length;
      cursor = page.next;
    } while (cursor);
    return n;
  } finally {
    reader.close();
  }
}

const T = Date.UTC(2026, 0, 5, 12);
const line = (marker: string, i = 0): string =>
  JSON.stringify({ '@timestamp': new Date(T + i).toISOString(), host: { name: 'h1' }, message: marker });

describe('identical records', () => {
  it('are distinct events over HTTP, TCP and UDP; an Idempotency-Key retry is stored once', async () => {
    const { dir, token } = await provision();
    const n = await start(configOf(dir, { syslog: { enabled: true, udpPort: 0, tcpPort: 0 } }));
    // HTTP: five requests with the same record, and one body with the same record five times.
    for (let i = 0; i < 5; i++) expect((await ingest(n, token, `${line('httpsame')}\n`)).status).toBe(202);
    expect((await ingest(n, token, `${line('bodysame')}\n`.repeat(5))).status).toBe(202);
    // A retried body with the same key is a replay, not new events.
    for (let i = 0; i < 3; i++)
      expect((await ingest(n, token, `${line('retried')}\n`, { 'idempotency-key': 'batch-42' })).status).toBe(202);
    // Syslog: five identical lines over one TCP connection, five identical datagrams.
    const msg = '<34>Jan  5 12:00:00 fw1 sshd[42]: Failed password for root from 192.0.2.7 port 22 ssh2';
    const tcp = n.sources.find((s) => s.name.startsWith('tcp'))!;
    const udp = n.sources.find((s) => s.name.startsWith('udp'))!;
    const c = connect(tcp.port, '127.0.0.1');
    await new Promise<void>((r) => c.once('connect', () => r()));
    c.end(`${msg} tcpsame\n`.repeat(5));
    const sock = createSocket('udp4');
    for (let i = 0; i < 5; i++)
      await new Promise<void>((r) => sock.send(`${msg} udpsame`, udp.port, '127.0.0.1', () => r()));
    sock.close();
    await until(() => countStored(dir, 'udpsame') >= 5 && countStored(dir, 'tcpsame') >= 5);
    await until(() => countStored(dir, 'httpsame') >= 5 && countStored(dir, 'bodysame') >= 5);
    await stop(n);
    expect(countStored(dir, 'httpsame')).toBe(5);
    expect(countStored(dir, 'bodysame')).toBe(5);
    expect(countStored(dir, 'tcpsame')).toBe(5);
    expect(countStored(dir, 'udpsame')).toBe(5);
    expect(countStored(dir, 'retried')).toBe(1);
  });
});

describe('a failed commit', () => {
  it('turns health red and stops acknowledging; what was acknowledged comes back at the next start', async () => {
    const { dir, token } = await provision();
    let n = await start(configOf(dir));
    expect((await ingest(n, token, `${line('before-fault', 1)}\n`)).status).toBe(202);
    await until(() => countStored(dir, 'before-fault') === 1);
    // The disk refuses every new block from now on (a fault injected into the real store).
    const db = openDatabase(path.join(dir, EVENTS_DB_FILE));
    db.exec(`CREATE TRIGGER fault BEFORE INSERT ON blocks BEGIN SELECT RAISE(ABORT, 'injected fault'); END`);
    db.close();
    const acked: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await ingest(n, token, `${line(`during-fault-${i}`, 10 + i)}\n`);
      if (r.status === 202) acked.push(`during-fault-${i}`);
    }
    expect(acked.length).toBeGreaterThan(0);
    // The open block is committed after an idle moment: that commit fails.
    await until(async () => (await health(n)).status === 'down');
    const h = await health(n);
    expect(h.checks['store']?.status).toBe('down');
    const refused = await ingest(n, token, `${line('after-fault', 20)}\n`);
    expect(refused.status).toBe(503);
    await stop(n);
    // Repair the disk and restart: the journal replays what was acknowledged.
    const fix = openDatabase(path.join(dir, EVENTS_DB_FILE));
    fix.exec('DROP TRIGGER fault');
    fix.close();
    n = await start(configOf(dir));
    expect((await health(n)).checks['store']?.status).toBe('ok');
    await stop(n);
    for (const m of acked) expect(countStored(dir, m), m).toBe(1);
    expect(countStored(dir, 'after-fault')).toBe(0);
    expect(countStored(dir, 'before-fault')).toBe(1);
  });
});

describe('a dead parse worker', () => {
  it('shows as degraded, is replaced, and loses nothing that was acknowledged', async () => {
    const { dir, token } = await provision();
    const n = await start(configOf(dir, { ingest: { workers: 2 }, storage: { blockEvents: 4096 } }));
    for (let b = 0; b < 4; b++) {
      const body = Array.from({ length: 200 }, (_, i) => line(`workerb${b}x${i}`, i)).join('\n');
      expect((await ingest(n, token, `${body}\n`)).status).toBe(202);
    }
    await n.killParseWorkerForTest(0);
    await until(async () => (await health(n)).checks['parse']?.status === 'degraded');
    expect((await health(n)).checks['parse']?.detail).toMatch(/died/);
    // Still accepting, on the replacement worker.
    expect((await ingest(n, token, `${line('after-death', 999)}\n`)).status).toBe(202);
    await stop(n);
    expect(countStored(dir, 'after-death')).toBe(1);
    expect(countStored(dir, 'message:workerb*')).toBe(800);
  });
});

describe('one writer per data folder', () => {
  it('refuses a second pipeline on the same folder, naming the holder, and frees it on close', async () => {
    const { dir } = await provision();
    const n = await start(configOf(dir));
    await expect(startPipeline(configOf(dir), { workers: 0, lockedBy: 'demo' })).rejects.toThrow(
      /in use by `intersoc serve`/,
    );
    await stop(n);
    const p = await startPipeline(configOf(dir), { workers: 0, lockedBy: 'demo' });
    await p.close();
  });
});
