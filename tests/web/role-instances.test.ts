/**
 * The health view's role instances (issue 19, operations): a test-owned nats-server, two real
 * role processes (`serve --role detect` on a shared SQLite store, `serve --role ingest`) that put
 * heartbeats in the bus's KV bucket, and an embedded node with `bus.monitorUrl` on that bus. The
 * operator's `/api/node/status` lists both instances with their consumer lag; another tenant's
 * does not list them; a role stopped cleanly disappears; the dashboard's health view shows each
 * instance with its lag (Chromium).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNatsServer, TestNatsServer } from '../e2e/_nats-server.js';
import { browserSuite, PASSWORD, shot, SKIP_BROWSER, startWebHarness, USERS, type WebHarness } from './harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'bin/intersoc');
const bin = findNatsServer();
if (bin === undefined)
  console.warn('SKIP role instances test: nats-server not found (PATH, /usr/sbin, NATS_SERVER_BIN)');
const ENV = { ...process.env, INTERSOC_SYSLOG_ENABLED: 'false', INTERSOC_LOG_LEVEL: 'silent' };

interface Instance {
  instance: string;
  roles: string[];
  host: string;
  pid: number;
  lag: Record<string, number>;
  stale: boolean;
}
interface Status {
  roles?: { bus: string; instances: Instance[]; error?: string };
}

let nats: TestNatsServer | undefined;
let h: WebHarness | undefined;
const children: ChildProcess[] = [];
const dirs: string[] = [];
const tokens: Partial<Record<keyof typeof USERS, string>> = {};

function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'intersoc-roleview-'));
  dirs.push(d);
  return d;
}

/** Starts `serve --role …` and resolves once it printed its heartbeat instance id. */
async function role(args: string[]): Promise<{ child: ChildProcess; instance: string }> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { env: ENV, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  const end = Date.now() + 120_000;
  for (;;) {
    const m = /heartbeat: instance (\S+)/.exec(err);
    if (m?.[1]) return { child, instance: m[1] };
    if (child.exitCode !== null) throw new Error(`role ${args.join(' ')} exited: ${err}`);
    if (Date.now() > end) throw new Error(`role ${args.join(' ')} printed no heartbeat: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function status(user: keyof typeof USERS): Promise<{ code: number; body: Status }> {
  const res = await fetch(`${h?.node.url ?? ''}/api/node/status`, {
    headers: { authorization: `Bearer ${tokens[user]}` },
  });
  return { code: res.status, body: (await res.json()) as Status };
}

beforeAll(async () => {
  if (bin === undefined || SKIP_BROWSER) return;
  nats = await TestNatsServer.start(bin);
  h = await startWebHarness({ demoHours: 1, config: { bus: { monitorUrl: nats.url } } });
  for (const [key, u] of Object.entries(USERS)) {
    const r = await fetch(`${h.node.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: u.tenant, username: u.name, password: PASSWORD }),
    });
    tokens[key as keyof typeof USERS] = ((await r.json()) as { token: string }).token;
  }
}, 240_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await h?.close();
  await nats?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(bin === undefined || SKIP_BROWSER)(browserSuite('role instances in the health view'), () => {
  it('lists every role instance with its lag, to the operator only', { timeout: 300_000 }, async () => {
    const url = (nats as TestNatsServer).url;
    const detect = await role([
      '--role',
      'detect',
      '--bus',
      url,
      '--store',
      `sqlite:${tempDir()}`,
      '--data',
      tempDir(),
    ]);
    const ingest = await role(['--role', 'ingest', '--bus', url]);

    const own = await status('operator');
    expect(own.code).toBe(200);
    expect(own.body.roles?.error).toBeUndefined();
    const byId = new Map((own.body.roles?.instances ?? []).map((i) => [i.instance, i]));
    expect([...byId.keys()].sort()).toEqual([detect.instance, ingest.instance].sort());
    const d = byId.get(detect.instance) as Instance;
    expect(d.roles).toEqual(['detect']);
    expect(d.pid).toBe(detect.child.pid);
    // The detect group exists and nothing was published: the server reports a lag of 0.
    expect(d.lag).toEqual({ detect: 0 });
    expect(byId.get(ingest.instance)?.lag).toEqual({ detect: 0 });
    expect(d.stale).toBe(false);
    // Nothing secret in a heartbeat: no store URL, no token.
    expect(JSON.stringify(own.body.roles)).not.toMatch(/sqlite:|postgres:|token/i);

    // Another tenant's analyst sees its own status, without the node's role instances.
    const acme = await status('acme');
    expect(acme.code).toBe(200);
    expect(acme.body.roles).toBeUndefined();

    // The dashboard shows each instance with its lag.
    const page = await (h as WebHarness).login('operator');
    await page.goto(`${(h as WebHarness).node.url}/health`);
    const panel = page.getByRole('region', { name: 'Role instances' });
    await panel.waitFor();
    const row = panel.locator(`tr[data-instance="${detect.instance}"]`);
    await row.waitFor();
    expect(await row.locator('td').nth(0).textContent()).toBe('detect');
    expect(await row.locator('td').nth(2).textContent()).toBe('0');
    expect(await row.locator('td').nth(3).textContent()).toBe('detect 0');
    expect(await panel.locator('tbody tr').count()).toBe(2);
    await panel.scrollIntoViewIfNeeded();
    await shot(page, 'health-roles');

    // A role stopped cleanly removes its heartbeat at once.
    const exited = new Promise((r) => ingest.child.once('exit', r));
    ingest.child.kill('SIGTERM');
    await exited;
    const after = await status('operator');
    expect((after.body.roles?.instances ?? []).map((i) => i.instance)).toEqual([detect.instance]);
  });
});
