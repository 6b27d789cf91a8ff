/**
 * Hands-on levels on a real node: a labelled scenario (an encoded PowerShell and a whoami of the
 * attack, a whoami and a PowerShell of an administrator, benign) is replayed into a run's training
 * tenant through the pipeline and detected by the starter Sigma rules. The trainee signs in to
 * that tenant with the password the instructor gave, marks the attack's alerts and the false
 * positives, opens a case from the attack's incident, runs the playbook the level names and
 * writes a Sigma rule; each is checked against the tenant through the real case service, respond
 * engine and Sigma engine: wrong before the work is done (or done wrong), right after.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema, DEFAULT_TENANT, systemContext } from '@intersoc/core';
import { RESPOND_EXTENSION_DEFINITION, RESPOND_EXTENSION_ID } from '@intersoc/respond';
import { NODE_DB_FILE, openDatabase, openSqliteAuthStores } from '@intersoc/storage';
import { startNode, type RunningNode } from '../server.js';

let dir: string;
let node: RunningNode;
let instructor = '';
let admin = '';
let trainee = '';
let run = '';
let tenant = '';
const PASSWORD = 'trainee-password-17';

const uid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

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
const WHOAMI = 'C:\\Windows\\System32\\whoami.exe';
const RECORDS = [
  {
    n: 1,
    host: 'SRV-02',
    user: 'svcadmin',
    image: PS,
    cmd: 'powershell.exe -NoProfile Get-ChildItem C:\\',
    label: 'benign',
  },
  { n: 2, host: 'SRV-02', user: 'svcadmin', image: WHOAMI, cmd: 'whoami /all', label: 'benign' },
  {
    n: 3,
    host: 'WKS-07',
    user: 'dwalsh',
    image: PS,
    cmd: 'powershell.exe -nop -w hidden -enc SQBFAFgA',
    label: 'T1059.001',
  },
  { n: 4, host: 'WKS-07', user: 'dwalsh', image: WHOAMI, cmd: 'whoami /groups', label: 'T1033' },
].map((r) => ({
  format: 'windows',
  source: 'training',
  record: sysmon(r.n, r.host, r.user, r.image, r.cmd),
  label: r.label,
}));

const PLAYBOOK = {
  type: 'playbook',
  spec_version: 'cacao-2.0',
  id: `playbook--${uid(1)}`,
  name: 'Contain workstation',
  created_by: `identity--${uid(1)}`,
  created: '2025-01-01T00:00:00.000Z',
  modified: '2025-01-01T00:00:00.000Z',
  workflow_start: `start--${uid(1)}`,
  workflow: {
    [`start--${uid(1)}`]: { type: 'start', on_completion: `action--${uid(1)}` },
    [`action--${uid(1)}`]: {
      type: 'action',
      name: 'contain',
      commands: [{ type: 'intersoc', command: 'noop' }],
      agent: `individual--${uid(1)}`,
      on_completion: `end--${uid(1)}`,
      step_extensions: { [RESPOND_EXTENSION_ID]: { approval: 'auto' } },
    },
    [`end--${uid(1)}`]: { type: 'end' },
  },
  agent_definitions: { [`individual--${uid(1)}`]: { type: 'individual', name: 'node' } },
  extension_definitions: { [RESPOND_EXTENSION_ID]: RESPOND_EXTENSION_DEFINITION },
};

const scored = { hints: [], solution: '', incorrect_answer_limit: 10 };
const EXERCISE = {
  format: 'intersoc-exercise/1',
  title: 'Hands on',
  scenario: {
    kind: 'records',
    origin: 'test',
    records: RECORDS,
    truth: { first_host: 'WKS-07', attack_hosts: ['WKS-07'], attack_users: ['dwalsh'], techniques: ['T1059.001'] },
    names: { hosts: ['WKS-07'], users: ['dwalsh'] },
  },
  levels: [
    {
      id: 'attack',
      type: 'find',
      title: "Mark the attack's alerts",
      max_score: 10,
      target: 'attack-alerts',
      tolerance: 1,
      ...scored,
    },
    {
      id: 'fps',
      type: 'find',
      title: 'Mark the false positives',
      max_score: 10,
      target: 'false-positives',
      tolerance: 1,
      ...scored,
    },
    {
      id: 'case',
      type: 'task',
      title: 'Open a case for the attack',
      max_score: 20,
      check: 'case-from-incident',
      ...scored,
    },
    {
      id: 'contain',
      type: 'task',
      title: 'Contain the workstation',
      max_score: 20,
      check: 'playbook-run',
      playbook: 'Contain workstation',
      ...scored,
    },
    {
      id: 'rule',
      type: 'task',
      title: 'Detect the encoded PowerShell',
      max_score: 40,
      check: 'sigma-rule',
      techniques: ['T1059.001'],
      ...scored,
    },
  ],
};

type Body = Record<string, unknown>;
async function call(
  token: string,
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; body: Body }> {
  const res = await fetch(`${node.url}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Body };
}
const answer = async (level: string, text: string): Promise<Body> =>
  (await call(trainee, 'POST', `/api/training/runs/${run}/levels/${level}/answer`, { answer: text })).body;

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface AlertItem {
  id: string;
  detector: { ruleTitle: string };
  entities: { type: string; value: string }[];
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'intersoc-training-'));
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
}, 120_000);

afterAll(async () => {
  await node?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('hands-on levels against the training tenant', () => {
  it('the trainee signs in to the training tenant with the password the instructor set', async () => {
    // The playbook the level names lives in the instructor's tenant (an admin added it); the run copies it over.
    const added = await call(admin, 'POST', '/api/respond/playbooks', { playbook: PLAYBOOK });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    const imported = await call(instructor, 'POST', '/api/training/exercises', EXERCISE);
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    const started = await call(instructor, 'POST', '/api/training/runs', {
      exercise: imported.body['id'],
      trainee: 'tess',
    });
    expect(started.body).toMatchObject({ replayed: 4 });
    run = String(started.body['run']);
    tenant = String(started.body['tenant']);
    expect((await call(instructor, 'POST', `/api/training/runs/${run}/access`, { password: PASSWORD })).status).toBe(
      200,
    );
    const login = await fetch(`${node.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-requested-with': 'intersoc' },
      body: JSON.stringify({ tenant, username: 'tess', password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    // The same password is no key to the home tenant.
    const home = await fetch(`${node.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-requested-with': 'intersoc' },
      body: JSON.stringify({ tenant: DEFAULT_TENANT, username: 'tess', password: PASSWORD }),
    });
    expect(home.status).toBe(401);
    const token = await call(instructor, 'POST', `/api/training/runs/${run}/access`, {});
    trainee = String(token.body['token']);
    // That account works its training tenant only.
    expect((await call(trainee, 'GET', `/api/training/runs?tenant=${DEFAULT_TENANT}`)).status).toBe(403);
    expect((await call(trainee, 'GET', `/api/cases?tenant=${DEFAULT_TENANT}`)).status).toBe(403);
  }, 120_000);

  it("marks the attack's alerts and the false positives, checked against the scenario's labels", async () => {
    const alerts = await until('three alerts', async () => {
      const items = ((await call(trainee, 'GET', '/api/alerts?limit=100')).body['items'] ?? []) as AlertItem[];
      return items.length >= 3 ? items : undefined;
    });
    const onServer = (a: AlertItem) => a.entities.some((e) => e.type === 'host' && /SRV-02/i.test(e.value));
    const fps = alerts.filter(onServer).map((a) => a.id);
    const attack = alerts.filter((a) => !onServer(a)).map((a) => a.id);
    expect(fps).toHaveLength(1);
    expect(attack).toHaveLength(2);
    expect(await answer('attack', alerts.map((a) => a.id).join(' '))).toMatchObject({ correct: false });
    expect(await answer('attack', attack.join(', '))).toMatchObject({ correct: true, score: 10 });
    expect(await answer('fps', attack[0] ?? '')).toMatchObject({ correct: false });
    expect(await answer('fps', fps.join(' '))).toMatchObject({ correct: true, score: 10 });
    // The instructor's key holds the same alerts; the trainee reads no key.
    const key = (await call(instructor, 'GET', `/api/training/runs/${run}/answers`)).body['levels'] as {
      id: string;
      accepts: string[];
    }[];
    expect(new Set(key.find((l) => l.id === 'attack')?.accepts)).toEqual(new Set(attack));
    expect((await call(trainee, 'GET', `/api/training/runs/${run}/answers`)).status).toBe(403);
  }, 120_000);

  it('a case by hand is wrong; a case from the attack incident is right', async () => {
    expect(await answer('case', '')).toMatchObject({ correct: false, note: /no case/ });
    const byHand = await call(trainee, 'POST', '/api/cases', { title: 'Something odd', template: 'none' });
    expect(byHand.status, JSON.stringify(byHand.body)).toBe(201);
    expect(await answer('case', `#${String(byHand.body['number'])}`)).toMatchObject({ correct: false });
    const incident = await until('the attack incident', async () => {
      const items = ((await call(trainee, 'GET', '/api/incidents')).body['items'] ?? []) as {
        id: string;
        techniques: string[];
      }[];
      return items.find((i) => i.techniques.some((t) => t.startsWith('T1059')));
    });
    const opened = await call(trainee, 'POST', '/api/cases', { incidents: [incident.id], template: 'none' });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect(await answer('case', String(opened.body['number']))).toMatchObject({ correct: true, score: 20 });
  }, 120_000);

  it('the playbook the level names, run in the training tenant', async () => {
    expect(await answer('contain', '')).toMatchObject({ correct: false, note: /no playbook run/ });
    const started = await call(trainee, 'POST', '/api/respond/runs', { playbook: PLAYBOOK.id });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(await answer('contain', '')).toMatchObject({ correct: true, score: 20 });
  }, 60_000);

  it('a Sigma rule that fires on the attack and on no benign event', async () => {
    const rule = (contains: string) =>
      [
        'title: Encoded PowerShell',
        `id: ${uid(9)}`,
        'logsource:',
        '  category: process_creation',
        '  product: windows',
        'detection:',
        '  sel:',
        `    CommandLine|contains: '${contains}'`,
        '  condition: sel',
        'level: high',
      ].join('\n');
    expect(await answer('rule', 'title: [unclosed')).toMatchObject({ correct: false, note: /does not compile/ });
    // Too wide: the administrator's PowerShell is benign.
    expect(await answer('rule', rule('powershell'))).toMatchObject({ correct: false, note: /1 of 1 benign/ });
    expect(await answer('rule', rule(' -enc '))).toMatchObject({ correct: true, score: 40 });
    const report = (await call(trainee, 'GET', `/api/training/runs/${run}/report`)).body;
    expect(report).toMatchObject({ score: 100, max: 100 });
  }, 60_000);
});
