/**
 * The scenario's ground truth on a real node: a labelled scenario is replayed into a run's training
 * tenant through the pipeline, the starter Sigma rules raise alerts on it, and the trainee's
 * account there reads events (search, one event, the field catalogue, an export) and an alert's
 * details through the real API. No label appears, and a search on `_label` is refused. The node
 * operator acting in the training tenant still sees the labels and finds events by them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema, DEFAULT_TENANT, systemContext } from '@intersoc/core';
import { NODE_DB_FILE, openDatabase, openSqliteAuthStores } from '@intersoc/storage';
import { startNode, type RunningNode } from '../server.js';

let dir: string;
let node: RunningNode;
let instructor = '';
let admin = '';
let trainee = '';
let tenant = '';

/** A Sysmon process start as NXLog forwards it (the `windows` format). */
function sysmon(n: number, host: string, user: string, image: string, cmd: string): string {
  const t = new Date(Date.UTC(2025, 5, 1, 9, n)).toISOString();
  return JSON.stringify({
    '@timestamp': t,
    EventTime: t.slice(0, 19).replace('T', ' '),
    Hostname: `${host}.corp.example.com`,
    SourceModuleType: 'im_msvistalog',
    Channel: 'Microsoft-Windows-Sysmon/Operational',
    SourceName: 'Microsoft-Windows-Sysmon',
    EventID: 1,
    UtcTime: t.slice(0, 23).replace('T', ' '),
    ProcessGuid: `{c72deb9d-0000-0000-0000-${String(n).padStart(12, '0')}}`,
    ProcessId: String(4000 + n),
    Image: image,
    CommandLine: cmd,
    User: `CORP\\${user}`,
    ParentImage: 'C:\\Windows\\explorer.exe',
    ParentProcessId: '812',
    ParentCommandLine: 'C:\\Windows\\explorer.exe',
  });
}

const PS = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';
const RECORDS = [
  { n: 1, host: 'SRV-02', user: 'svcadmin', cmd: 'powershell.exe -NoProfile Get-ChildItem C:\\', label: 'benign' },
  { n: 2, host: 'WKS-07', user: 'dwalsh', cmd: 'powershell.exe -nop -w hidden -enc SQBFAFgA', label: 'T1059.001' },
].map((r) => ({
  format: 'windows',
  source: 'training',
  record: sysmon(r.n, r.host, r.user, PS, r.cmd),
  label: r.label,
}));

const EXERCISE = {
  format: 'intersoc-exercise/1',
  title: 'Truth',
  scenario: {
    kind: 'records',
    origin: 'test',
    records: RECORDS,
    truth: { first_host: 'WKS-07', attack_hosts: ['WKS-07'], attack_users: ['dwalsh'], techniques: ['T1059.001'] },
    names: { hosts: ['WKS-07'], users: ['dwalsh'] },
  },
  levels: [{ id: 'attack', type: 'find', title: "Mark the attack's alerts", max_score: 10, target: 'attack-alerts' }],
};

type Body = Record<string, unknown>;
async function call(
  token: string,
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  const res = await fetch(`${node.url}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, text: await res.text() };
}
const json = async (token: string, url: string): Promise<Body> => {
  const r = await call(token, 'GET', url);
  expect(r.status, r.text).toBe(200);
  return JSON.parse(r.text) as Body;
};

/** Whether an answer gives away a label of the scenario. */
const TRUTH = /"label"|T1059|benign|"_label"/;

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

let eventIds: string[] = [];
let alertId = '';

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'intersoc-truth-'));
  const db = openDatabase(path.join(dir, NODE_DB_FILE));
  const stores = openSqliteAuthStores(db);
  const home = systemContext(DEFAULT_TENANT);
  await stores.users.create(home, { name: 'ines', role: 'instructor' });
  await stores.users.create(home, { name: 'tess', role: 'trainee' });
  await stores.users.create(home, { name: 'ada', role: 'admin' });
  instructor = (await stores.tokens.create(home, { user: 'ines', name: 'test' })).secret;
  admin = (await stores.tokens.create(home, { user: 'ada', name: 'test' })).secret;
  db.close();
  const config = ConfigSchema.parse({
    data: dir,
    http: { port: 0 },
    syslog: { udpPort: 0, tcpPort: 0 },
    ingest: { workers: 1 },
    log: { level: 'silent' },
  });
  node = await startNode(config, { say: () => undefined });
  const imported = await call(instructor, 'POST', '/api/training/exercises', EXERCISE);
  expect(imported.status, imported.text).toBe(200);
  const started = await call(instructor, 'POST', '/api/training/runs', {
    exercise: (JSON.parse(imported.text) as Body)['id'],
    trainee: 'tess',
  });
  expect(started.status, started.text).toBe(200);
  tenant = String((JSON.parse(started.text) as Body)['tenant']);
  const run = String((JSON.parse(started.text) as Body)['run']);
  const token = await call(instructor, 'POST', `/api/training/runs/${run}/access`, {});
  trainee = String((JSON.parse(token.text) as Body)['token']);
  eventIds = await until('the replayed events', async () => {
    const items = ((await json(trainee, '/api/events?limit=100'))['items'] ?? []) as { id: string }[];
    return items.length >= 2 ? items.map((e) => e.id) : undefined;
  });
  alertId = await until('an alert', async () => {
    const items = ((await json(trainee, '/api/alerts?limit=100'))['items'] ?? []) as { id: string }[];
    return items[0]?.id;
  });
}, 180_000);

afterAll(async () => {
  await node?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the scenario's ground truth in a training tenant", () => {
  it("is in no answer to the trainee's account", async () => {
    const page = await call(trainee, 'GET', '/api/events?limit=100');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/-enc SQBFAFgA/);
    expect(page.text).not.toMatch(TRUTH);
    for (const id of eventIds) {
      const one = await call(trainee, 'GET', `/api/events/${id}`);
      expect(one.status, one.text).toBe(200);
      expect(one.text).not.toMatch(TRUTH);
    }
    const alert = await call(trainee, 'GET', `/api/triage/alerts/${alertId}`);
    expect(alert.status, alert.text).toBe(200);
    expect((JSON.parse(alert.text) as { events: unknown[] }).events.length).toBeGreaterThan(0);
    // The rule's own techniques are the detection's, not the scenario's truth: no label, no `benign`.
    expect(alert.text).not.toMatch(/"label"|benign/);
    for (const format of ['ndjson', 'csv']) {
      const file = await call(trainee, 'GET', `/api/events/export?format=${format}`);
      expect(file.status, file.text).toBe(200);
      expect(file.text).toMatch(/SQBFAFgA/);
      expect(file.text).not.toMatch(/T1059|benign/);
    }
    const fields = await call(trainee, 'GET', '/api/events/fields');
    expect(fields.status, fields.text).toBe(200);
    expect(fields.text).not.toMatch(TRUTH);
  }, 60_000);

  it('cannot be searched by the trainee', async () => {
    for (const q of ['_label:T1059.001', '_label:benign', 'powershell AND _label:*']) {
      const found = await call(trainee, 'GET', `/api/events?q=${encodeURIComponent(q)}`);
      expect(found.status, found.text).toBe(403);
      expect(found.text).not.toMatch(/SQBFAFgA/);
      const file = await call(trainee, 'GET', `/api/events/export?q=${encodeURIComponent(q)}`);
      expect(file.status).toBe(403);
      expect(file.text).not.toMatch(/SQBFAFgA/);
    }
    // Searching the events themselves still works.
    const hit = await call(trainee, 'GET', `/api/events?q=${encodeURIComponent('SQBFAFgA')}`);
    expect(hit.status, hit.text).toBe(200);
    expect((JSON.parse(hit.text) as { items: unknown[] }).items).toHaveLength(1);
  }, 60_000);

  it("is shown to the node operator acting in the training tenant, and to an admin's account there", async () => {
    // Events are searched by accounts of their tenant: the operator gives the instructor one there.
    const made = await call(admin, 'POST', `/api/users?tenant=${tenant}`, { name: 'ines', role: 'admin' });
    expect(made.status, made.text).toBe(201);
    const minted = await call(admin, 'POST', `/api/tokens?tenant=${tenant}`, { name: 'test', user: 'ines' });
    expect(minted.status, minted.text).toBe(201);
    const teacher = String((JSON.parse(minted.text) as Body)['secret']);
    const page = (await json(teacher, '/api/events?limit=100'))['items'] as { label?: string }[];
    expect(page.map((e) => e.label).sort()).toEqual(['T1059.001', 'benign']);
    const one = await json(teacher, `/api/events/${eventIds[0] ?? ''}`);
    expect(['T1059.001', 'benign']).toContain(one['label']);
    const byLabel = await json(teacher, `/api/events?q=${encodeURIComponent('_label:T1059.001')}`);
    expect((byLabel['items'] as { label?: string }[]).map((e) => e.label)).toEqual(['T1059.001']);
    for (const [who, scope] of [
      [teacher, ''],
      [admin, `tenant=${tenant}`],
    ] as const) {
      const alert = await call(who, 'GET', `/api/triage/alerts/${alertId}?${scope}`);
      expect(alert.text).toMatch(/"label":"T1059\.001"/);
      const file = await call(who, 'GET', `/api/events/export?format=ndjson&${scope}`);
      expect(file.text).toMatch(/"label":"T1059\.001"/);
      const csv = await call(
        who,
        'GET',
        `/api/events/export?format=csv&q=${encodeURIComponent('_label:benign')}&${scope}`,
      );
      expect(csv.status, csv.text).toBe(200);
      expect(csv.text).toMatch(/Get-ChildItem/);
      expect(csv.text).not.toMatch(/SQBFAFgA/);
      const fields = await call(who, 'GET', `/api/events/fields?${scope}`);
      expect(fields.text).toMatch(/"_label"/);
    }
  }, 60_000);
});
