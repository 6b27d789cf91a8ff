/**
 * End-to-end: the worst searches a viewer may run do not freeze the node. A real node with a
 * store large enough that a full scan takes seconds; several worst-case searches in parallel as
 * viewers; meanwhile `/api/health` and `POST /api/ingest` must answer before any search does.
 * The assertions are on the order of completion, never on durations.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema, DEFAULT_TENANT, systemContext } from '@intersoc/core';
import { startNode, type RunningNode } from '@intersoc/node';
import { NODE_DB_FILE, openDatabase, openSqliteAuthStores } from '@intersoc/storage';

const EVENTS = 60_000;
const BODY_EVENTS = 20_000;

let dir: string;
let node: RunningNode;
const tokens: Record<string, string> = {};
const started = Date.now();
const window = `from=${started - 3_600_000}&to=${started + 3_600_000}`;

function call(who: string, url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${node.url}${url}`, {
    ...init,
    headers: { authorization: `Bearer ${tokens[who]}`, ...(init.headers ?? {}) },
  });
}

/** Words that never form `…b` at a token end, so the worst pattern below must scan everything. */
function record(i: number): string {
  const words = Array.from({ length: 24 }, (_, k) => `a${'a'.repeat((i + k) % 7)}x${(i * 31 + k) % 997}`);
  return JSON.stringify({ host: { name: `h${i % 50}` }, user: { name: `u${i % 13}` }, message: words.join(' ') });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'intersoc-search-load-'));
  const db = openDatabase(path.join(dir, NODE_DB_FILE));
  const stores = openSqliteAuthStores(db);
  const ctx = systemContext(DEFAULT_TENANT);
  for (const [name, role] of [
    ['viewer-a', 'viewer'],
    ['viewer-b', 'viewer'],
    ['ingester', 'analyst'],
  ] as const) {
    await stores.users.create(ctx, { name, role });
    tokens[name] = (await stores.tokens.create(ctx, { user: name, name: 'e2e' })).secret;
  }
  db.close();
  const config = ConfigSchema.parse({
    data: dir,
    http: { port: 0 },
    syslog: { enabled: false },
    ingest: { workers: 1 },
    search: { maxConcurrentPerUser: 2 },
    log: { level: 'silent' },
  });
  node = await startNode(config, { say: () => undefined });
  for (let b = 0; b < EVENTS / BODY_EVENTS; b++) {
    const body = Array.from({ length: BODY_EVENTS }, (_, i) => record(b * BODY_EVENTS + i)).join('\n');
    const r = await call('ingester', '/api/ingest?format=json', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-ndjson' },
    });
    expect(r.status).toBe(202);
  }
  // Stored once the empty-query histogram (block metadata only) counts every event.
  for (let i = 0; ; i++) {
    const h = (await (await call('viewer-a', `/api/events/histogram?${window}&buckets=1`)).json()) as { total: number };
    if (h.total >= EVENTS) break;
    if (i > 600) throw new Error(`only ${h.total} of ${EVENTS} events stored`);
    await sleep(100);
  }
}, 180_000);

afterAll(async () => {
  await node?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a node under its worst searches', () => {
  it('answers health, ingest and other users while viewers run worst-case searches', async () => {
    // 16 segments (the default limit) and a leading wildcard within a bounded range: allowed,
    // unprunable, and evaluated against every value and token of every event.
    const worst = encodeURIComponent(`${'*a'.repeat(14)}*b`);
    const done: string[] = [];
    const track = (name: string, p: Promise<Response>): Promise<Response> =>
      p.then((r) => {
        done.push(name);
        return r;
      });
    const searches = ['viewer-a', 'viewer-a', 'viewer-b', 'viewer-b'].map((who, i) =>
      track(`search-${i}`, call(who, `/api/events?q=${worst}&${window}&limit=100`)),
    );
    // Let the node take the searches before the other requests arrive.
    await sleep(300);
    const health = track('health', fetch(`${node.url}/api/health`));
    const ingest = track(
      'ingest',
      call('ingester', '/api/ingest?format=json', {
        method: 'POST',
        body: record(1),
        headers: { 'content-type': 'application/x-ndjson' },
      }),
    );
    const third = track('third-search', call('viewer-a', `/api/events?q=${worst}&${window}`));

    const [h, ing, t] = await Promise.all([health, ingest, third]);
    // Health, ingest and the refused search all answered while every search was still running.
    expect(done.slice(0, 3).sort()).toEqual(['health', 'ingest', 'third-search']);
    expect(h.status).toBe(200);
    expect(ing.status).toBe(202);
    // A viewer's third concurrent search is refused at once, with a hint when to retry.
    expect(t.status).toBe(429);
    expect(Number(t.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await t.json()) as { error: { message: string } }).error.message).toMatch(/maxConcurrentPerUser/);

    const pages = await Promise.all(searches);
    for (const p of pages) {
      expect(p.status).toBe(200);
      // A full page, or what the time budget allowed with a cursor to go on.
      expect(Array.isArray(((await p.json()) as { items: unknown }).items)).toBe(true);
    }
  }, 120_000);

  it('refuses the reported expensive queries with 422 naming the limit', async () => {
    const r200 = await call('viewer-a', `/api/events?q=${encodeURIComponent(`${'*a'.repeat(200)}*b`)}`);
    expect(r200.status).toBe(422);
    const body = (await r200.json()) as { error: { code: string; message: string; details: { limit: string } } };
    expect(body.error.code).toBe('EXPENSIVE_QUERY');
    expect(body.error.details.limit).toBe('search.maxWildcardSegments');
    expect(body.error.message).toMatch(/use fewer `\*`/);
    const exp = await call('viewer-a', `/api/events/export?q=${encodeURIComponent(`${'*a'.repeat(39)}*b`)}&${window}`);
    expect(exp.status).toBe(422);
    const open = await call('viewer-b', `/api/events?q=${encodeURIComponent('message:*x1*')}`);
    expect(open.status).toBe(422);
    expect(((await open.json()) as { error: { message: string } }).error.message).toMatch(/time range/);
  });
});
