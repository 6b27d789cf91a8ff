/**
 * The respond API on a real API and engine: roles and tenants on every route, four-eyes approval
 * that one person with two login sessions cannot satisfy, the inbox, a dry run, an incident that
 * starts the playbook its RSIT class triggers, a case (opened, then raised) that starts those its
 * `on_case` triggers match, and the audit chain that records it all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { AppError, systemContext, type Alert, type Role } from '@intersoc/core';
import { buildApi, type BuiltApi } from '@intersoc/api';
import { InProcessBus } from '@intersoc/bus';
import { RESPOND_EXTENSION_DEFINITION, RESPOND_EXTENSION_ID, type Playbook } from '@intersoc/respond';
import { openDatabase, openEventReader, openSqliteAuthStores, type AuthStores, type SqliteDb } from '@intersoc/storage';
import { createHydrator } from '../../pipeline/hydrator.js';
import { attachIncidents, type AttachedIncidents } from '../incidents/attach.js';
import { attachRespond, type AttachedRespond } from './attach.js';

const PASSWORD = 'correct horse battery staple 42';
const USERS: readonly [string, string, Role][] = [
  ['acme', 'alice', 'analyst'],
  ['acme', 'bob', 'analyst'],
  ['acme', 'carol', 'admin'],
  ['acme', 'victor', 'viewer'],
  ['acme', 'paul', 'partner'],
  ['globex', 'gina', 'admin'],
];
const id = (t: string, n: number) => `${t}--00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

let api: BuiltApi;
let url: string;
let db: SqliteDb;
let stores: AuthStores;
let respond: AttachedRespond;
let incidents: AttachedIncidents;
let bus: InProcessBus;
let data: string;
let reader: ReturnType<typeof openEventReader>;
const tokens: Record<string, string> = {};

/** start → intersoc noop (approval policy from the step extension) → end; `triggers` at playbook level. */
function noopPlaybook(n: number, approval: string, triggers?: Record<string, unknown>): Playbook {
  const [start, act, end] = [id('start', n), id('action', n), id('end', n)];
  return {
    type: 'playbook',
    spec_version: 'cacao-2.0',
    id: id('playbook', n),
    name: `noop ${approval} ${n}`,
    created_by: id('identity', 1),
    created: '2025-01-01T00:00:00.000Z',
    modified: '2025-01-01T00:00:00.000Z',
    workflow_start: start,
    workflow: {
      [start]: { type: 'start', on_completion: act },
      [act]: {
        type: 'action',
        name: 'contain',
        commands: [{ type: 'intersoc', command: 'noop' }],
        agent: id('individual', 1),
        on_completion: end,
        step_extensions: { [RESPOND_EXTENSION_ID]: { approval } },
      },
      [end]: { type: 'end' },
    },
    agent_definitions: { [id('individual', 1)]: { type: 'individual', name: 'node' } },
    extension_definitions: { [RESPOND_EXTENSION_ID]: RESPOND_EXTENSION_DEFINITION },
    ...(triggers ? { playbook_extensions: { [RESPOND_EXTENSION_ID]: { triggers } } } : {}),
  };
}

async function call(
  who: string,
  method: string,
  p: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}${p}`, {
    method,
    headers: {
      authorization: `Bearer ${tokens[who] ?? who}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function until(f: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await f()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('timed out');
}

beforeAll(async () => {
  data = mkdtempSync(path.join(tmpdir(), 'respond-api-'));
  db = openDatabase(path.join(data, 'intersoc.db'));
  stores = openSqliteAuthStores(db);
  const operator = systemContext('default');
  await stores.tenants.create(operator, { name: 'acme' });
  await stores.tenants.create(operator, { name: 'globex' });
  for (const [tenant, name, role] of USERS) {
    await stores.users.create(systemContext(tenant), { name, role, password: PASSWORD });
    tokens[name] = (await stores.tokens.create(systemContext(tenant), { user: name, name: 'test' })).secret;
  }
  const unsupported = (): never => {
    throw new AppError('UNSUPPORTED', 'not part of this test');
  };
  api = await buildApi({
    stores,
    services: {
      ingest: { ingest: async () => unsupported() },
      search: {
        searchEvents: async () => unsupported(),
        getEvent: async () => undefined,
        searchAlerts: async () => unsupported(),
        listDeadLetters: async () => unsupported(),
      },
    },
    registry: new Registry(),
  });
  bus = new InProcessBus();
  reader = openEventReader(':memory:', createHydrator());
  incidents = attachIncidents(api.app, {
    config: { data } as never,
    db,
    reader,
    bus,
    reloadDetectors: async () => undefined,
    onError: (e) => {
      throw e;
    },
  });
  respond = attachRespond(api.app, {
    config: { data } as never,
    db,
    bus,
    incidents: incidents.stage.incidents,
    cases: incidents.cases,
    onError: () => undefined,
  });
  url = await api.app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await respond.close();
  incidents.close();
  await api.app.close();
  db.close();
  reader.close();
  rmSync(data, { recursive: true, force: true });
});

describe('respond API', () => {
  it('adds, lists and shows playbooks by role and tenant; validation errors are 4xx with reasons', async () => {
    const pb = noopPlaybook(1, 'four-eyes');
    expect((await call('victor', 'POST', '/api/respond/playbooks', { playbook: pb })).status).toBe(403);
    expect((await call('paul', 'GET', '/api/respond/playbooks')).status).toBe(403);
    const added = await call('alice', 'POST', '/api/respond/playbooks', { playbook: pb });
    expect(added.status).toBe(200);
    expect(added.body['added']).toBe(true);
    const list = await call('victor', 'GET', '/api/respond/playbooks');
    expect((list.body['items'] as { id: string }[]).map((x) => x.id)).toEqual([pb.id]);
    expect(((await call('gina', 'GET', '/api/respond/playbooks')).body['items'] as unknown[]).length).toBe(0);
    expect((await call('gina', 'GET', `/api/respond/playbooks/${pb.id}`)).status).toBe(404);
    const shown = await call('victor', 'GET', `/api/respond/playbooks/${pb.id}`);
    expect((shown.body['graph'] as { edges: unknown[] }).edges).toHaveLength(2);
    const broken = { ...pb, workflow_start: id('start', 99) };
    const bad = await call('alice', 'POST', '/api/respond/playbooks', { playbook: broken });
    expect(bad.status).toBe(400);
    expect(String((bad.body['error'] as { message: string }).message)).toMatch(/missing step/);
    const v = await call('victor', 'POST', '/api/respond/playbooks/validate', broken);
    expect(v.body['valid']).toBe(false);
  });

  it('four eyes: the requester cannot approve, one person with two sessions counts once, a second person completes it', async () => {
    const pb = noopPlaybook(1, 'four-eyes');
    const run = await call('alice', 'POST', '/api/respond/runs', { playbook: pb.id });
    expect(run.status).toBe(200);
    const runId = String(run.body['id']);
    await until(
      async () =>
        (await call('victor', 'GET', `/api/respond/runs/${runId}`)).body['run'] !== undefined &&
        ((await call('victor', 'GET', '/api/respond/inbox')).body['items'] as unknown[]).length === 1,
    );
    const step = id('action', 1);
    const approve = (who: string) => call(who, 'POST', `/api/respond/runs/${runId}/steps/${step}/approve`, {});
    // The requester is refused.
    expect((await approve('alice')).status).toBe(403);
    // Bob logs in twice: two sessions, one person.
    const sessions: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenant: 'acme', username: 'bob', password: PASSWORD }),
      });
      expect(res.status).toBe(200);
      sessions.push(String(((await res.json()) as { token: string }).token));
    }
    expect(sessions[0]).not.toBe(sessions[1]);
    expect((await approve(sessions[0] as string)).status).toBe(200);
    const second = await approve(sessions[1] as string);
    expect(second.status).toBe(403);
    expect(String((second.body['error'] as { message: string }).message)).toMatch(/bob has already decided/);
    expect((await approve(tokens['bob'] as string)).status).toBe(403);
    expect((await call('victor', 'GET', `/api/respond/runs/${runId}`)).body['run']).toMatchObject({
      status: 'waiting',
    });
    // Viewers and the other tenant cannot approve.
    expect((await approve('victor')).status).toBe(403);
    expect((await approve('gina')).status).toBe(404);
    expect((await approve('carol')).status).toBe(200);
    await until(
      async () =>
        ((await call('victor', 'GET', `/api/respond/runs/${runId}`)).body['run'] as { status: string }).status ===
        'succeeded',
    );
    const view = (await call('victor', 'GET', `/api/respond/runs/${runId}`)).body as { steps: { status: string }[] };
    expect(view.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    // The audit chain holds the approvals with their approvers, and verifies.
    const entries = (
      await stores.audit.list(systemContext('acme'), { limit: 1000, action: 'respond.approval' })
    ).items.map((e) => e.actor);
    expect(entries.sort()).toEqual(['bob', 'carol']);
    expect((await stores.audit.verify(systemContext('acme'))).ok).toBe(true);
  });

  it('denies with a reason, dry-runs without acting, and lists runs per tenant', async () => {
    const pb = noopPlaybook(2, 'one');
    await call('alice', 'POST', '/api/respond/playbooks', { playbook: pb });
    const r = await call('alice', 'POST', '/api/respond/runs', { playbook: pb.id });
    const runId = String(r.body['id']);
    await until(
      async () => ((await call('victor', 'GET', `/api/respond/runs/${runId}`)).body['waits'] as unknown[]).length === 1,
    );
    const d = await call('bob', 'POST', `/api/respond/runs/${runId}/steps/${id('action', 2)}/deny`, {
      reason: 'wrong host',
    });
    expect(d.status).toBe(200);
    await until(
      async () =>
        ((await call('victor', 'GET', `/api/respond/runs/${runId}`)).body['run'] as { status: string }).status ===
        'failed',
    );
    expect(((await call('victor', 'GET', `/api/respond/runs/${runId}`)).body['run'] as { reason: string }).reason).toBe(
      'denied by bob: wrong host',
    );
    const dry = await call('alice', 'POST', '/api/respond/runs', { playbook: pb.id, dryRun: true });
    await until(
      async () =>
        ((await call('victor', 'GET', `/api/respond/runs/${String(dry.body['id'])}`)).body['run'] as { status: string })
          .status === 'succeeded',
    );
    const dv = (await call('victor', 'GET', `/api/respond/runs/${String(dry.body['id'])}`)).body as {
      steps: { output?: { commands?: { wouldRun?: string }[] } }[];
    };
    expect(dv.steps[1]?.output?.commands?.[0]?.wouldRun).toMatch(/^intersoc noop/);
    const runs = await call('victor', 'GET', '/api/respond/runs?status=failed');
    expect((runs.body['items'] as { id: string }[]).map((x) => x.id)).toContain(runId);
    expect(((await call('gina', 'GET', '/api/respond/runs')).body['items'] as unknown[]).length).toBe(0);
    expect((await call('gina', 'GET', `/api/respond/runs/${runId}`)).status).toBe(404);
    expect(
      (await call('alice', 'POST', '/api/respond/runs', { playbook: pb.id, variables: { nope: 'x' } })).status,
    ).toBe(400);
  });

  it('an incident starts the playbook its RSIT class triggers, once, linked to the incident', async () => {
    const pb = noopPlaybook(3, 'auto', { rsit: ['intrusion-attempts', 'fraud'], min_severity: 'low' });
    // Same class, but only for high incidents; and a technique this incident does not show.
    const high = noopPlaybook(4, 'auto', { rsit: ['intrusion-attempts'], min_severity: 'high' });
    const other = noopPlaybook(5, 'auto', { techniques: ['T1486'] });
    const parent = noopPlaybook(6, 'auto', { techniques: ['T1110'] });
    for (const p of [pb, high, other, parent])
      expect((await call('alice', 'POST', '/api/respond/playbooks', { playbook: p })).status).toBe(200);
    const alert = (i: number): Alert =>
      ({
        id: `alert-${i}`,
        tenant: 'acme',
        created: Date.now(),
        time: Date.now() - 1000 + i,
        detector: { kind: 'sigma', ruleId: 'brute', ruleTitle: 'Brute force' },
        severity: 'high',
        tactics: ['credential-access'],
        techniques: ['T1110'],
        eventIds: [`e-${i}`],
        entities: [
          { type: 'ip', value: '203.0.113.9', role: 'src' },
          { type: 'user', value: 'admin', role: 'target' },
          { type: 'host', value: 'web-01', role: 'target' },
        ],
        summary: 'failed logons',
      }) as Alert;
    const put = reader.db.prepare(
      'INSERT INTO alerts (id, tenant, time, created, severity, rule_id, doc) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    for (const a of [alert(1), alert(2), alert(3)])
      put.run(a.id, a.tenant, a.time, a.created, a.severity, a.detector.ruleId, JSON.stringify(a));
    incidents.stage.catchUp();
    const inc = incidents.stage.incidents.list(systemContext('acme')).items[0];
    expect(inc).toBeDefined();
    expect(inc?.rsit.class).toBe('intrusion-attempts');
    expect(inc?.severity).toBe('low');
    // The incident stage announces changed incidents on `incidents.<tenant>`.
    for (let i = 0; i < 2; i++) await bus.publish('incidents.acme', { id: inc?.id });
    await until(
      async () =>
        ((await call('victor', 'GET', `/api/respond/runs?trigger=${inc?.id ?? ''}`)).body['items'] as unknown[])
          .length > 0,
    );
    await new Promise((r) => setTimeout(r, 200));
    const runs = (await call('victor', 'GET', `/api/respond/runs?trigger=${inc?.id ?? ''}`)).body['items'] as {
      playbookId: string;
      trigger: { kind: string; reason: string };
      requestedBy: string;
    }[];
    // Published twice, started once per matching playbook: the RSIT one and the technique one (T1110 matches T1110).
    expect(runs.map((r) => r.playbookId).sort()).toEqual([pb.id, parent.id].sort());
    const byRsit = runs.find((r) => r.playbookId === pb.id);
    expect(byRsit?.trigger).toMatchObject({ kind: 'incident', reason: 'RSIT intrusion-attempts, severity low ≥ low' });
    expect(byRsit?.requestedBy).toBe('system');
  });

  it('a case starts the playbooks its on_case triggers match, when opened and when raised, once each, on its timeline', async () => {
    const bySeverity = noopPlaybook(7, 'auto', { on_case: true, min_severity: 'high' });
    const byTag = noopPlaybook(8, 'auto', { on_case: true, tags: ['Ransomware'] });
    // Not marked on_case: for incidents only, although a medium case meets its severity.
    const incidentsOnly = noopPlaybook(9, 'auto', { min_severity: 'low' });
    for (const p of [bySeverity, byTag, incidentsOnly])
      expect((await call('alice', 'POST', '/api/respond/playbooks', { playbook: p })).status).toBe(200);
    // Opened through the API: the case service announces it and respond starts what matches.
    const opened = await call('alice', 'POST', '/api/cases', {
      title: 'Encrypted file shares',
      severity: 'medium',
      tags: ['ransomware', 'finance'],
      template: 'none',
    });
    expect(opened.status).toBeLessThan(300);
    const caseId = String(opened.body['id']);
    type Run = {
      id: string;
      playbookId: string;
      status: string;
      trigger: { kind: string; ref: string; reason: string };
    };
    const runsOf = async (): Promise<Run[]> =>
      (await call('victor', 'GET', `/api/respond/runs?trigger=${caseId}`)).body['items'] as Run[];
    await until(async () => (await runsOf()).some((r) => r.status === 'succeeded'));
    let runs = await runsOf();
    expect(runs.map((r) => r.playbookId)).toEqual([byTag.id]);
    expect(runs[0]?.trigger).toMatchObject({ kind: 'case', ref: caseId, reason: 'case, tag Ransomware' });
    // Raised to high: the severity playbook starts now; the tag one does not start a second time.
    expect((await call('alice', 'PATCH', `/api/cases/${caseId}`, { severity: 'high' })).status).toBe(200);
    await until(async () => (await runsOf()).filter((r) => r.status === 'succeeded').length === 2);
    await new Promise((r) => setTimeout(r, 200));
    runs = await runsOf();
    expect(runs.map((r) => r.playbookId).sort()).toEqual([bySeverity.id, byTag.id].sort());
    expect(runs.find((r) => r.playbookId === bySeverity.id)?.trigger.reason).toBe('case, severity high ≥ high');
    // Both runs are on the case's timeline, started and finished.
    await until(async () => {
      const t = (await call('alice', 'GET', `/api/cases/${caseId}/timeline`)).body['items'] as { title: string }[];
      return t.filter((e) => e.title === 'playbook run succeeded').length === 2;
    });
    const timeline = (await call('alice', 'GET', `/api/cases/${caseId}/timeline`)).body['items'] as { title: string }[];
    expect(timeline.filter((e) => e.title === 'playbook run started')).toHaveLength(2);
  });
});
