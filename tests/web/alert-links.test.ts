/**
 * Alerts, incidents and cases know each other, on a real node with demo data: the queue gives each
 * alert its incident, an incident's alerts carry their triage state, closing every alert of an
 * incident as a false positive closes the incident with that reason, and indicators imported
 * after the alerts mark the alerts and incidents whose entities they name (source, TLP, confidence).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startDemoNode, USERS, type DemoNode } from './harness.js';

let n: DemoNode;
let token = '';

async function api<T>(url: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${n.node.url}${url}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
  });
  return { status: res.status, body: (await res.json()) as T };
}

interface Brief {
  id: string;
  title: string;
  status: string;
  alertCount: number;
  closedReason?: string;
  caseId?: string;
}
interface Intel {
  type: string;
  value: string;
  id: string;
  source?: string;
  tlp?: string;
  confidence?: number;
}
interface Queued {
  alert: { id: string; entities: { type: string; value: string }[] };
  state: { status: string };
  intel?: Intel[];
  incident?: { id: string; title: string; status: string; caseId?: string };
}

/** Waits until the incident stage has placed the demo's alerts (the same totals twice in a row). */
async function incidents(): Promise<Brief[]> {
  let last = -1;
  for (let i = 0; i < 240; i++) {
    const items = (await api<{ items: Brief[] }>('/api/incidents?limit=1000')).body.items;
    const placed = items.reduce((a, b) => a + b.alertCount, 0);
    if (items.length > 0 && placed === last) return items;
    last = placed;
    await new Promise((res) => setTimeout(res, 1000));
  }
  return [];
}

beforeAll(async () => {
  n = await startDemoNode({ demoHours: 2 });
  const u = USERS.analyst;
  const r = await fetch(`${n.node.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: u.tenant, username: u.name, password: PASSWORD }),
  });
  token = ((await r.json()) as { token: string }).token;
}, 180_000);

afterAll(async () => {
  await n?.close();
});

describe('alerts, incidents and cases linked', () => {
  it('gives each queued alert its incident, and each incident alert its state', async () => {
    const list = await incidents();
    expect(list.length).toBeGreaterThan(0);
    const inc = list[0] as Brief;
    const res = await api<{ items: { id: string; state?: { status: string } }[] }>(`/api/incidents/${inc.id}/alerts`);
    expect(res.status).toBe(200);
    const members = { body: res.body.items };
    expect(members.body.length).toBe(inc.alertCount);
    expect(members.body.every((a) => a.state?.status === 'new')).toBe(true);
    const queue = await api<{ items: Queued[] }>('/api/triage/alerts?limit=5000');
    const placed = queue.body.items.filter((q) => q.incident !== undefined);
    expect(placed.length).toBeGreaterThan(0);
    const one = queue.body.items.find((q) => q.alert.id === members.body[0]?.id);
    expect(one?.incident).toMatchObject({ id: inc.id, title: inc.title, status: 'open' });
    const detail = await api<Queued>(`/api/triage/alerts/${members.body[0]?.id}`);
    expect(detail.body.incident?.id).toBe(inc.id);
  });

  it('marks alerts and incidents that known indicators name, for intelligence that arrives after them', async () => {
    const list = await incidents();
    // An address or domain an incident's alert names, before any intelligence is stored.
    let target: { alert: string; incident: string; type: string; value: string } | undefined;
    for (const inc of list) {
      const items = (await api<{ items: Queued['alert'][] }>(`/api/incidents/${inc.id}/alerts`)).body.items;
      for (const a of items) {
        const e = a.entities.find(
          (x) => x.type === 'domain' || (x.type === 'ip' && !/^(10|192\.168|172)\./.test(x.value)),
        );
        if (e) target = { alert: a.id, incident: inc.id, type: e.type, value: e.value };
        if (target) break;
      }
      if (target) break;
    }
    expect(target).toBeDefined();
    const t = target as NonNullable<typeof target>;
    expect((await api<Queued>(`/api/triage/alerts/${t.alert}`)).body.intel).toBeUndefined();
    const pattern = t.type === 'ip' ? `[ipv4-addr:value = '${t.value}']` : `[domain-name:value = '${t.value}']`;
    const bundle = {
      type: 'bundle',
      id: 'bundle--6f0c1d52-3c3e-4f1b-9a57-2f4d3e9b8a11',
      objects: [
        {
          type: 'indicator',
          spec_version: '2.1',
          id: 'indicator--1b0c5f8e-8d39-4c62-a3b4-6a0f0f2f6d21',
          created: '2026-01-01T00:00:00.000Z',
          modified: '2026-01-01T00:00:00.000Z',
          name: 'Known bad infrastructure',
          pattern,
          pattern_type: 'stix',
          valid_from: '2026-01-01T00:00:00Z',
          confidence: 85,
          object_marking_refs: ['marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421'],
        },
      ],
    };
    const imported = await api<{ added: number }>('/api/intel/import', {
      method: 'POST',
      body: JSON.stringify(bundle),
    });
    expect(imported.body.added).toBe(1);
    const want = {
      type: t.type,
      value: t.value,
      id: 'indicator--1b0c5f8e-8d39-4c62-a3b4-6a0f0f2f6d21',
      tlp: 'amber',
      confidence: 85,
    };
    const after = (await api<Queued>(`/api/triage/alerts/${t.alert}`)).body;
    expect(after.intel).toEqual([expect.objectContaining(want)]);
    expect(after.intel?.[0]?.source).toBeTruthy();
    const queue = (await api<{ items: Queued[] }>('/api/triage/alerts?limit=5000')).body.items;
    expect(queue.find((q) => q.alert.id === t.alert)?.intel).toEqual([expect.objectContaining(want)]);
    const inc = (await api<{ intel?: Intel[] }>(`/api/incidents/${t.incident}`)).body;
    expect(inc.intel).toEqual(expect.arrayContaining([expect.objectContaining(want)]));
  });

  it('builds the process tree around a process start: parent, children, siblings, one node per start', async () => {
    // Process starts that carry a GUID, and one whose parent's start is among them.
    const r = await api<{ items: { id: string; time: number; ecs: Record<string, string | number> }[] }>(
      `/api/events?limit=1000&q=${encodeURIComponent('event.action:process-created AND process.entity_id:*')}`,
    );
    const byGuid = new Map(r.body.items.map((e) => [e.ecs['process.entity_id'], e]));
    const child = r.body.items.find((e) => byGuid.has(e.ecs['process.parent.entity_id'] ?? ''));
    expect(child).toBeDefined();
    const c = child as NonNullable<typeof child>;
    const parentEvent = byGuid.get(c.ecs['process.parent.entity_id'] ?? '') as NonNullable<typeof child>;
    interface TreeNode {
      key: string;
      observed: boolean;
      pid?: number;
      eventIds: string[];
      alerts: { id: string }[];
    }
    interface Tree {
      host: string;
      process: TreeNode;
      parents: TreeNode[];
      children: TreeNode[];
      siblings: TreeNode[];
    }
    const tree = (await api<Tree>(`/api/events/${c.id}/process-tree`)).body;
    expect(tree.host).toBe(c.ecs['host.name']);
    expect(tree.process.key).toBe(c.ecs['process.entity_id']);
    expect(tree.process.eventIds).toContain(c.id);
    expect(tree.parents[0]).toMatchObject({ key: parentEvent.ecs['process.entity_id'], observed: true });
    expect(tree.parents[0]?.eventIds).toContain(parentEvent.id);
    // The simulator writes a Security 4688 twin of each Sysmon 1: one node holds both events.
    expect(tree.process.eventIds).toHaveLength(2);
    // Seen from the parent: this process among its children, and the same family as the siblings.
    // The parent started before its children, maybe hours before: look a day ahead of it.
    const up = (await api<Tree>(`/api/events/${parentEvent.id}/process-tree?after=1440`)).body;
    const kids = up.children.map((n) => n.key);
    expect(kids).toContain(tree.process.key);
    expect([...tree.siblings.map((n) => n.key), tree.process.key].sort()).toEqual([...kids].sort());
    expect(up.children.every((n) => n.eventIds.length >= 1)).toBe(true);
    // Unknown ids are 404; another tenant's event is not found either (the sweep checks that).
    expect((await api(`/api/events/${'0'.repeat(32)}/process-tree`)).status).toBe(404);
  });

  it('closes an incident when every one of its alerts is closed as a false positive', async () => {
    const list = await incidents();
    // A small open incident: close all but one of its alerts, then the last.
    const inc = [...list]
      .filter((i) => i.status === 'open' && i.alertCount >= 2)
      .sort((a, b) => a.alertCount - b.alertCount)[0];
    expect(inc).toBeDefined();
    const id = inc?.id ?? '';
    const ids = (await api<{ items: { id: string }[] }>(`/api/incidents/${id}/alerts`)).body.items.map((a) => a.id);
    const close = (some: string[], reason: string): Promise<{ status: number; body: unknown }> =>
      api('/api/triage/alerts/status', {
        method: 'POST',
        body: JSON.stringify({ ids: some, status: 'closed', reason }),
      });
    expect((await close(ids.slice(1), 'False positive')).status).toBe(200);
    expect((await api<Brief>(`/api/incidents/${id}`)).body.status).toBe('open');
    // Another reason on the last alert leaves the incident open.
    await close(ids.slice(0, 1), 'Resolved: contained and remediated');
    expect((await api<Brief>(`/api/incidents/${id}`)).body.status).toBe('open');
    await close(ids.slice(0, 1), 'False positive: scanner test');
    const after = (await api<Brief>(`/api/incidents/${id}`)).body;
    expect(after).toMatchObject({ status: 'closed', closedReason: 'False positive: scanner test' });
    const states = (
      await api<{ items: { state?: { status: string; reason?: string } }[] }>(`/api/incidents/${id}/alerts`)
    ).body.items;
    expect(states.every((a) => a.state?.status === 'closed')).toBe(true);
  });
});
