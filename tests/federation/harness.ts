/**
 * Runs INTERSOC nodes as separate processes on loopback for the federation tests: each with its
 * own data folder and port, an identity made the way `intersoc node init` makes it, an operator
 * token provisioned the way `intersoc admin` does, and `bin/intersoc serve` as the process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_TENANT, systemContext } from '@intersoc/core';
import { initIdentity, type NodeMetaInput } from '@intersoc/federation';
import { NODE_DB_FILE, openDatabase, openSqliteAuthStores } from '@intersoc/storage';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The CLI entry. */
export const BIN = path.join(ROOT, 'bin/intersoc');

/** A node process. */
export interface NodeProc {
  readonly name: string;
  readonly dir: string;
  readonly nodeId: string;
  url: string;
  readonly token: string;
  child: ChildProcess;
  log: string;
}

/** A JSON answer. */
export interface Answer<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
}

/** Calls a node's API with its operator token. */
export async function api<T = Record<string, unknown>>(
  n: NodeProc,
  url: string,
  init: { method?: string; body?: unknown } = {},
): Promise<Answer<T>> {
  const res = await fetch(`${n.url}${url}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${n.token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : {}) as T };
}

/** Waits until `f` returns something. */
export async function until<T>(f: () => Promise<T | undefined>, ms = 30_000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function launch(n: NodeProc): Promise<void> {
  const child = spawn(process.execPath, [BIN, 'serve', '--data', n.dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, INTERSOC_SYSLOG_ENABLED: 'false' },
  });
  n.child = child;
  n.log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${n.name} did not start:\n${n.log}`)), 90_000);
    const onData = (d: Buffer): void => {
      n.log += d.toString();
      const m = /listening on (http:\/\/[0-9.]+:\d+)/.exec(n.log);
      if (m) {
        clearTimeout(timer);
        n.url = m[1] as string;
        resolve();
      }
    };
    child.stderr?.on('data', onData);
    child.stdout?.on('data', (d: Buffer) => (n.log += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!n.url) reject(new Error(`${n.name} exited with ${code}:\n${n.log}`));
    });
  });
}

/** Creates a node's data folder and starts it. */
export async function startNode(
  name: string,
  meta: Omit<NodeMetaInput, 'name'>,
  federation: Record<string, unknown> = {},
): Promise<NodeProc> {
  const dir = mkdtempSync(path.join(tmpdir(), `intersoc-fed-${name}-`));
  const { identity } = initIdentity(dir, { name, ...meta });
  writeFileSync(
    path.join(dir, 'intersoc.json'),
    JSON.stringify({ http: { port: 0 }, syslog: { enabled: false }, ingest: { workers: 1 }, log: { level: 'warn' } }),
  );
  writeFileSync(path.join(dir, 'federation.json'), JSON.stringify({ syncIntervalSeconds: 1, ...federation }));
  const db = openDatabase(path.join(dir, NODE_DB_FILE));
  const stores = openSqliteAuthStores(db);
  const op = systemContext(DEFAULT_TENANT);
  await stores.users.create(op, { name: 'admin', role: 'admin' });
  const token = (await stores.tokens.create(op, { user: 'admin', name: 'tests' })).secret;
  db.close();
  const n: NodeProc = { name, dir, nodeId: identity.nodeId, url: '', token, child: undefined as never, log: '' };
  await launch(n);
  // Later restarts keep the port, so peers' endpoints stay valid.
  const port = Number(new URL(n.url).port);
  const cfg = JSON.parse(readFileSync(path.join(dir, 'intersoc.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(path.join(dir, 'intersoc.json'), JSON.stringify({ ...cfg, http: { port } }));
  return n;
}

/** Stops a node: SIGTERM (graceful) or SIGKILL (a crash). */
export async function stopNode(n: NodeProc, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
  const child = n.child;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill(signal);
  await exited;
}

/** Starts a stopped node again on the same folder and port. */
export async function restartNode(n: NodeProc): Promise<void> {
  n.url = '';
  await launch(n);
}

/** Stops every node and removes their folders. */
export async function stopAll(nodes: readonly (NodeProc | undefined)[]): Promise<void> {
  await Promise.all(nodes.map((n) => (n ? stopNode(n, 'SIGKILL') : Promise.resolve())));
  for (const n of nodes) if (n) rmSync(n.dir, { recursive: true, force: true });
}

/** Peers `a` with `b` (a learns b's card and endpoint), with an admiralty grade. */
export async function addPeer(a: NodeProc, b: NodeProc, reliability = 'B', communities?: string[]): Promise<void> {
  const card = (await api<{ card: Record<string, unknown> }>(b, '/api/federation/node')).body.card;
  const r = await api(a, '/api/federation/peers', {
    method: 'POST',
    body: { card, reliability, endpoint: b.url, ...(communities ? { communities } : {}) },
  });
  if (r.status !== 200) throw new Error(`peering ${a.name} → ${b.name}: ${r.status} ${JSON.stringify(r.body)}`);
}

/** Peers two nodes both ways. */
export async function link(a: NodeProc, b: NodeProc, reliability = 'B'): Promise<void> {
  await addPeer(a, b, reliability);
  await addPeer(b, a, reliability);
}

/** Runs sync rounds on every node, `rounds` times. */
export async function syncRounds(nodes: readonly NodeProc[], rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    for (const n of nodes) {
      const r = await api(n, '/api/federation/sync', { method: 'POST' });
      if (r.status !== 200) throw new Error(`sync on ${n.name}: ${r.status} ${JSON.stringify(r.body)}`);
    }
  }
}

/** TLP 2.0 marking ids. */
export const TLP = {
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'amber+strict': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
} as const;

/** An indicator for an address, valid from now. */
export function indicator(n: number, value: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
    created: now,
    modified: now,
    name: `indicator ${n}`,
    pattern: `[ipv4-addr:value = '${value}']`,
    pattern_type: 'stix',
    valid_from: now,
    confidence: 90,
    ...extra,
  };
}

/** Imports objects into a node's CTI store (as an analyst would). */
export async function importObjects(n: NodeProc, objects: readonly Record<string, unknown>[]): Promise<void> {
  const r = await api<{ rejected: number; reasons: string[] }>(n, '/api/intel/import?format=stix', {
    method: 'POST',
    body: { type: 'bundle', id: `bundle--${crypto.randomUUID()}`, objects },
  });
  if (r.status !== 200 || r.body.rejected > 0) throw new Error(`import on ${n.name}: ${JSON.stringify(r.body)}`);
}

/** True when a node's CTI store holds an object. */
export async function holds(n: NodeProc, id: string): Promise<boolean> {
  const r = await api(n, `/api/intel/objects/${id}`);
  return r.status === 200;
}
