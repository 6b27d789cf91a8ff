import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, TEST_PASSWORD } from '../internal/testing.js';
import type { Harness } from '../internal/testing.js';

interface Entry {
  seq: number;
  tenant: string;
  actor: string;
  actorTenant: string;
  action: string;
  target: string | null;
  outcome: string;
  status: number;
  requestId: string;
  details: Record<string, unknown>;
}

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

async function entries(who: string, query = ''): Promise<Entry[]> {
  const r = await h.app.inject({ method: 'GET', url: `/api/audit?limit=1000${query}`, headers: h.bearer(who) });
  expect(r.statusCode).toBe(200);
  return r.json<{ items: Entry[] }>().items;
}

describe('audit of API calls', () => {
  it('records every mutating route, with actor, target, outcome and request id', async () => {
    const alice = h.bearer('acme/alice');
    const steps: [string, 'POST' | 'PATCH' | 'DELETE', string, unknown, number][] = [
      ['user.create', 'POST', '/api/users', { name: 'carol', role: 'analyst', password: TEST_PASSWORD }, 201],
      ['user.update', 'PATCH', '/api/users/carol', { role: 'viewer', password: `${TEST_PASSWORD}!` }, 200],
      ['token.create', 'POST', '/api/tokens', { name: 'for-carol', user: 'carol' }, 201],
      ['events.ingest', 'POST', '/api/ingest', '{"message":"x"}', 202],
    ];
    let tokenId = '';
    for (const [action, method, url, payload, status] of steps) {
      const r = await h.app.inject({
        method,
        url,
        headers: { ...alice, 'x-request-id': `test-${action}` },
        payload: payload as string,
      });
      expect(r.statusCode, action).toBe(status);
      if (action === 'token.create') tokenId = r.json<{ token: { id: string } }>().token.id;
    }
    const revoke = await h.app.inject({ method: 'DELETE', url: `/api/tokens/${tokenId}`, headers: alice });
    expect(revoke.statusCode).toBe(200);

    const log = await entries('acme/alice');
    const byAction = new Map(log.map((e) => [e.action, e]));
    expect(byAction.get('user.create')).toMatchObject({
      actor: 'alice',
      actorTenant: 'acme',
      target: 'carol',
      outcome: 'success',
      status: 201,
      requestId: 'test-user.create',
      details: { role: 'analyst' },
    });
    expect(byAction.get('user.update')).toMatchObject({
      target: 'carol',
      details: { role: 'viewer', passwordChanged: true },
    });
    expect(byAction.get('token.create')).toMatchObject({
      target: tokenId,
      details: { user: 'carol', name: 'for-carol' },
    });
    expect(byAction.get('token.revoke')).toMatchObject({ target: tokenId, outcome: 'success' });
    expect(byAction.get('events.ingest')).toMatchObject({ details: { accepted: 1, bytes: 15 } });
    const text = JSON.stringify(log);
    expect(text).not.toContain(TEST_PASSWORD);
    expect(text).not.toMatch(/ist_|iss_/);
  });

  it('records refused and failed calls too', async () => {
    await h.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: h.bearer('acme/victor'),
      payload: { name: 'x', role: 'admin' },
    });
    await h.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: h.bearer('acme/alice'),
      payload: { name: 'alice', role: 'admin' },
    });
    await h.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { authorization: 'Bearer ist_forged' },
      payload: { name: 'x', role: 'admin' },
    });
    const log = await entries('acme/alice', '&action=user.create');
    expect(log.find((e) => e.actor === 'victor')).toMatchObject({
      outcome: 'denied',
      status: 403,
      details: { error: 'FORBIDDEN' },
    });
    expect(log.find((e) => e.status === 409)).toMatchObject({
      actor: 'alice',
      outcome: 'failure',
      details: { error: 'CONFLICT' },
    });
    // Unauthenticated attempts go to the node operator's log.
    const op = await entries('default/root', '&action=user.create');
    expect(op.find((e) => e.actor === 'anonymous')).toMatchObject({ outcome: 'denied', status: 401 });
  });

  it("puts operator actions on a tenant into that tenant's log, naming the operator", async () => {
    const r = await h.app.inject({
      method: 'POST',
      url: '/api/users?tenant=globex',
      headers: h.bearer('default/root'),
      payload: { name: 'gordon', role: 'viewer' },
    });
    expect(r.statusCode).toBe(201);
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/tenants',
      headers: h.bearer('default/root'),
      payload: { name: 'initech' },
    });
    expect(created.statusCode).toBe(201);
    const globex = await entries('globex/gina', '&action=user.create');
    expect(globex[0]).toMatchObject({ tenant: 'globex', actor: 'root', actorTenant: 'default', target: 'gordon' });
    const op = await entries('default/root', '&action=tenant.create');
    expect(op[0]).toMatchObject({ tenant: 'default', actor: 'root', target: 'initech', outcome: 'success' });
  });

  it('verifies the chain through the API and detects tampering', async () => {
    const ok = await h.app.inject({ method: 'GET', url: '/api/audit/verify', headers: h.bearer('acme/alice') });
    const v = ok.json<{ ok: boolean; entries: number; head: string }>();
    expect(v.ok).toBe(true);
    expect(v.entries).toBeGreaterThan(5);
    h.db.exec('DROP TRIGGER audit_log_no_update');
    h.db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE tenant = 'acme' AND seq = 2").run();
    const bad = await h.app.inject({ method: 'GET', url: '/api/audit/verify', headers: h.bearer('acme/alice') });
    expect(bad.json()).toMatchObject({ tenant: 'acme', ok: false, brokenAt: 2 });
    const other = await h.app.inject({
      method: 'GET',
      url: '/api/audit/verify?tenant=globex',
      headers: h.bearer('default/root'),
    });
    expect(other.json()).toMatchObject({ tenant: 'globex', ok: true });
  });

  it('pages newest first', async () => {
    const first = await h.app.inject({ method: 'GET', url: '/api/audit?limit=2', headers: h.bearer('acme/alice') });
    const p1 = first.json<{ items: Entry[]; nextBefore: number }>();
    expect(p1.items).toHaveLength(2);
    expect(p1.items[0]!.seq).toBeGreaterThan(p1.items[1]!.seq);
    const second = await h.app.inject({
      method: 'GET',
      url: `/api/audit?limit=2&before=${p1.nextBefore}`,
      headers: h.bearer('acme/alice'),
    });
    expect(second.json<{ items: Entry[] }>().items[0]!.seq).toBe(p1.items[1]!.seq - 1);
  });
});
