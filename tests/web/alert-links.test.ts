/**
 * Alerts, incidents and cases know each other, on a real node with demo data: the queue gives each
 * alert its incident, an incident's alerts carry their triage state, closing every alert of an
 * incident as a false positive closes the incident with that reason, and a case shows its
 * incidents' titles.
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
interface Queued {
  alert: { id: string };
  state: { status: string };
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
