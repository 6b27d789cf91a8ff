/**
 * End-to-end: a real node on random ports, fed over syslog UDP, syslog TCP and HTTP, queried
 * back through the authenticated API; two tenants that must never see each other's data.
 */
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema, DEFAULT_TENANT, systemContext } from '@intersoc/core';
import { startNode, type RunningNode } from '@intersoc/node';
import { NODE_DB_FILE, openDatabase, openSqliteAuthStores } from '@intersoc/storage';

let dir: string;
let node: RunningNode;
const tokens: Record<string, string> = {};

interface Item {
  readonly id: string;
  readonly tenant: string;
  readonly source: { readonly kind: string };
}
interface Body {
  readonly items?: Item[];
  readonly error?: { readonly message: string };
  readonly [k: string]: unknown;
}

async function api(
  tenant: string,
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: Body; text: string }> {
  const res = await fetch(`${node.url}${url}`, {
    ...init,
    headers: { authorization: `Bearer ${tokens[tenant]}`, ...(init.headers ?? {}) },
  });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? (JSON.parse(text) as Body) : {}, text };
}

async function until<T>(f: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'intersoc-e2e-'));
  // Tenants, users and tokens are provisioned the way `intersoc admin` does it, before start.
  const db = openDatabase(path.join(dir, NODE_DB_FILE));
  const stores = openSqliteAuthStores(db);
  const op = systemContext(DEFAULT_TENANT);
  await stores.tenants.create(op, { name: 'beta' });
  for (const t of [DEFAULT_TENANT, 'beta']) {
    await stores.users.create(systemContext(t), { name: `analyst-${t}`, role: 'analyst' });
    tokens[t] = (await stores.tokens.create(systemContext(t), { user: `analyst-${t}`, name: 'e2e' })).secret;
  }
  db.close();
  const config = ConfigSchema.parse({
    data: dir,
    http: { port: 0 },
    syslog: { udpPort: 0, tcpPort: 0 },
    ingest: { workers: 1 },
    log: { level: 'silent' },
  });
  node = await startNode(config, { say: () => undefined });
});

afterAll(async () => {
  await node?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a running node', () => {
  it('answers health without credentials and refuses data routes without them', async () => {
    expect((await fetch(`${node.url}/api/health`)).status).toBe(200);
    expect((await fetch(`${node.url}/api/events`)).status).toBe(401);
    const docs = (await (await fetch(`${node.url}/api/docs`)).json()) as { openapi: string };
    expect(docs.openapi).toMatch(/^3\.1/);
  });

  it('ingests over syslog UDP and TCP and finds the events through the API', async () => {
    const udp = node.sources.find((s) => s.name.startsWith('udp'))!;
    const tcp = node.sources.find((s) => s.name.startsWith('tcp'))!;
    const sock = createSocket('udp4');
    await new Promise<void>((r) =>
      sock.send(
        '<38>Jan 12 06:30:00 fw01 sshd[1]: Failed password for root from 203.0.113.9 port 2222 ssh2',
        udp.port,
        '127.0.0.1',
        () => r(),
      ),
    );
    sock.close();
    const c = connect(tcp.port, '127.0.0.1');
    const msg = '<165>1 2024-01-12T06:30:01Z web01 app 77 ID1 [origin ip="10.0.0.5"] tcp-framed-message';
    c.end(`${Buffer.byteLength(msg)} ${msg}`);
    const found = await until(async () => {
      const r = await api(DEFAULT_TENANT, `/api/events?q=${encodeURIComponent('203.0.113.9 OR "tcp-framed-message"')}`);
      return r.body.items?.length === 2 ? r.body.items : undefined;
    });
    expect(found.map((e) => e.source.kind).sort()).toEqual(['tcp', 'udp']);
  });

  it('ingests over HTTP into the caller tenant only, dead-lettering junk', async () => {
    const body = '{"host":{"name":"beta-srv"},"message":"beta secret thing"}\n{"broken":\n';
    const r = await api('beta', '/api/ingest?format=json', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-ndjson' },
    });
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ accepted: 1, rejected: 1, deadLettered: 1 });
    const mine = await until(async () => {
      const x = await api('beta', '/api/events?q=secret');
      return x.body.items?.length === 1 ? x.body.items[0] : undefined;
    });
    expect(mine.tenant).toBe('beta');
    // The other tenant sees neither the event, nor its id, nor the dead letter.
    expect((await api(DEFAULT_TENANT, '/api/events?q=secret')).body.items).toEqual([]);
    expect((await api(DEFAULT_TENANT, `/api/events/${mine.id}`)).status).toBe(404);
    expect((await api(DEFAULT_TENANT, '/api/dead-letters')).body.items).toEqual([]);
    expect((await api('beta', '/api/dead-letters')).body.items).toHaveLength(1);
    expect((await api('beta', '/api/events?q=fw01')).body.items).toEqual([]);
  });

  it('rejects bad queries and formats with 4xx and a clear message', async () => {
    const bad = await api(DEFAULT_TENANT, `/api/events?q=${encodeURIComponent('host.name:(unclosed')}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toMatch(/query/);
    const fmt = await api(DEFAULT_TENANT, '/api/ingest?format=nope', { method: 'POST', body: 'x' });
    expect(fmt.status).toBe(415);
  });

  it('exposes pipeline metrics', async () => {
    const m = await api(DEFAULT_TENANT, '/metrics');
    expect(m.status).toBe(200);
    expect(m.text).toMatch(/intersoc_events_stored_total [1-9]/);
    expect(m.text).toMatch(/intersoc_dead_letters_total [1-9]/);
  });
});
