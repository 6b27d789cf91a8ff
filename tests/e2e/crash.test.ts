/**
 * End-to-end with real processes: `intersoc serve` is killed with SIGKILL at random points while
 * HTTP batches arrive, restarted, and every event it acknowledged with 202 must be in the store.
 * And a second CLI writer on a served data folder hands its work to the node (`ingest`, `demo`),
 * and the node keeps working. (The refusal of a second writer is tested in durability.test.ts.)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_TENANT, systemContext } from '@intersoc/core';
import { createHydrator } from '@intersoc/node';
import { EVENTS_DB_FILE, NODE_DB_FILE, openDatabase, openEventReader, openSqliteAuthStores } from '@intersoc/storage';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'bin/intersoc');
const dirs: string[] = [];
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function provision(): Promise<{ dir: string; token: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-crash-'));
  dirs.push(dir);
  const db = openDatabase(path.join(dir, NODE_DB_FILE));
  const stores = openSqliteAuthStores(db);
  const ctx = systemContext(DEFAULT_TENANT);
  await stores.users.create(ctx, { name: 'loader', role: 'analyst' });
  const token = (await stores.tokens.create(ctx, { user: 'loader', name: 'crash' })).secret;
  db.close();
  writeFileSync(
    path.join(dir, 'intersoc.json'),
    JSON.stringify({ http: { port: 0 }, syslog: { enabled: false }, ingest: { workers: 1 }, log: { level: 'silent' } }),
  );
  return { dir, token };
}

/** Starts `intersoc serve` on `dir` and resolves with its URL once it listens. */
async function serve(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const info = path.join(dir, 'writer.json');
  rmSync(info, { force: true });
  const child = spawn(process.execPath, [CLI, 'serve', '--data', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  const end = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${stderr}`);
    if (existsSync(info)) {
      const w = JSON.parse(readFileSync(info, 'utf8')) as { pid: number; url?: string };
      if (w.pid === child.pid && w.url) return { child, url: w.url };
    }
    if (Date.now() > end) throw new Error(`serve did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopGracefully(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

function stored(dir: string, q: string): number {
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

/** A small seeded generator, so a failing kill point can be reproduced. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const T = Date.UTC(2026, 0, 6, 9);
const batch = (round: number, b: number): string =>
  Array.from({ length: 100 }, (_, i) =>
    JSON.stringify({ '@timestamp': new Date(T + b * 100 + i).toISOString(), message: `crashr${round}b${b}i${i}` }),
  ).join('\n') + '\n';

describe('SIGKILL while ingesting', () => {
  it('loses nothing that was acknowledged, at several random kill points', async () => {
    const { dir, token } = await provision();
    const rand = prng(20261207);
    let totalAcked = 0;
    for (let round = 0; round < 3; round++) {
      const { child, url } = await serve(dir);
      const killAfter = 5 + Math.floor(rand() * 30);
      const acked: number[] = [];
      let next = 0;
      let killed = false;
      // Four clients post batches until the node dies under them.
      const client = async (): Promise<void> => {
        while (next < 50 && !killed) {
          const b = next++;
          try {
            const r = await fetch(`${url}/api/ingest?format=json`, {
              method: 'POST',
              headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
              body: batch(round, b),
            });
            if (r.status === 202) acked.push(b);
          } catch {
            // Connection reset by the kill: not acknowledged.
          }
          if (acked.length >= killAfter && !killed) {
            killed = true;
            child.kill('SIGKILL');
          }
        }
      };
      await Promise.all([client(), client(), client(), client()]);
      // The kill may already have been reaped while the last clients finished: wait only if not.
      if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
      // Restart: the journal replays; then a clean stop commits everything.
      const again = await serve(dir);
      await stopGracefully(again.child);
      const missing = acked.filter((b) => stored(dir, `message:crashr${round}b${b}i*`) !== 100);
      console.log(
        `crash round ${round}: killed after ${acked.length} acknowledged batches (${acked.length * 100} events); ` +
          `missing batches after restart: ${missing.length}`,
      );
      expect(missing).toEqual([]);
      totalAcked += acked.length * 100;
    }
    expect(stored(dir, 'message:crashr*')).toBeGreaterThanOrEqual(totalAcked);
  }, 420_000);
});

describe('a second writer on a served data folder', () => {
  it('ingest and demo hand their work to the node; the node keeps working', async () => {
    const { dir, token } = await provision();
    const { child, url } = await serve(dir);
    const file = path.join(dir, 'handover.jsonl');
    writeFileSync(
      file,
      Array.from({ length: 300 }, (_, i) =>
        JSON.stringify({ '@timestamp': new Date(T + i).toISOString(), message: `handover${i}` }),
      ).join('\n'),
    );
    const ing = spawnSync(process.execPath, [CLI, 'ingest', file, '--data', dir, '--json'], { encoding: 'utf8' });
    expect(ing.status, ing.stderr).toBe(0);
    const summary = JSON.parse(ing.stdout) as { events: number; handedTo?: string };
    expect(summary.events).toBe(300);
    expect(summary.handedTo).toMatch(/running node/);
    const truthFile = path.join(dir, 'truth.json');
    const demo = spawnSync(
      process.execPath,
      [CLI, 'demo', '--data', dir, '--hours', '1', '--truth', truthFile, '--json'],
      {
        encoding: 'utf8',
      },
    );
    expect(demo.status, demo.stderr).toBe(0);
    const d = JSON.parse(demo.stdout) as { records: number; stored: number; handedTo?: string };
    expect(d.handedTo).toMatch(/running node/);
    expect(d.stored).toBe(d.records);
    const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as { chains: { events: string[] }[] };
    expect(truth.chains.some((c) => c.events.length > 0)).toBe(true);
    const r = await fetch(`${url}/api/ingest?format=json`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ '@timestamp': new Date(T).toISOString(), message: 'stillworks' }),
    });
    expect(r.status).toBe(202);
    const h = (await (await fetch(`${url}/api/health`)).json()) as { status: string };
    expect(h.status).toBe('ok');
    await stopGracefully(child);
    expect(stored(dir, 'message:handover*')).toBe(300);
    expect(stored(dir, 'stillworks')).toBe(1);
  }, 120_000);
});
