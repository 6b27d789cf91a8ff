import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '@intersoc/core';
import { createHarness } from '../internal/testing.js';
import type { Harness } from '../internal/testing.js';

/**
 * Two tenants with data of every kind (users, tokens, audit entries, events, alerts, dead
 * letters). Each tenant's readers then call every GET route the API has, and nothing of the
 * other tenant may appear in any answer.
 */
let h: Harness;
let globexEventId: string;
let acmeEventId: string;
const MARK = { acme: 'acme-secret-marker', globex: 'globex-secret-marker' } as const;

beforeAll(async () => {
  h = await createHarness();
  for (const [tenant, user] of [
    ['acme', 'acme/annie'],
    ['globex', 'globex/gus'],
  ] as const) {
    const mark = MARK[tenant];
    const ndjson = `{"message":"login by ${mark}","host":"${tenant}-dc1","user":"${tenant}-admin"}\nnot json ${mark}\n`;
    const r = await h.app.inject({
      method: 'POST',
      url: '/api/ingest',
      headers: { ...h.bearer(user), 'content-type': 'application/x-ndjson' },
      payload: ndjson,
    });
    expect(r.json()).toEqual({ accepted: 1, rejected: 1, deadLettered: 1 });
    h.events.raise(systemContext(tenant), {
      time: Date.now(),
      detector: { kind: 'sigma', ruleId: `${tenant}-rule`, ruleTitle: `rule of ${mark}` },
      severity: 'high',
      tactics: ['credential-access'],
      techniques: ['T1003'],
      entities: [{ type: 'host', value: `${tenant}-dc1` }],
      eventIds: [],
      summary: `alert for ${mark}`,
    });
    // A user and a token created through the API also leave audit entries.
    const admin = tenant === 'acme' ? 'acme/alice' : 'globex/gina';
    await h.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: h.bearer(admin),
      payload: { name: `${tenant}-newbie`, role: 'viewer' },
    });
    await h.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: h.bearer(admin),
      payload: { name: `${tenant}-token-label` },
    });
  }
  const find = async (who: string) =>
    (await h.app.inject({ method: 'GET', url: '/api/events', headers: h.bearer(who) })).json<{
      items: { id: string }[];
    }>().items[0]?.id ?? '';
  globexEventId = await find('globex/gus');
  acmeEventId = await find('acme/annie');
});
afterAll(async () => {
  await h.close();
});

/** Strings that identify globex data; none may reach an acme caller. */
function globexTraces(): string[] {
  const tokenIds = (h.db.prepare("SELECT id FROM api_tokens WHERE tenant = 'globex'").all() as { id: string }[]).map(
    (r) => r.id,
  );
  return ['globex', 'gina', 'gus', MARK.globex, globexEventId, ...tokenIds];
}

function fill(url: string, id: string): string {
  return url.replace(/:([A-Za-z]+)/g, () => id);
}

describe('tenant isolation', () => {
  it('has data in both tenants to leak', async () => {
    expect(globexEventId).toMatch(/^[0-9a-f]{32}$/);
    expect(acmeEventId).toMatch(/^[0-9a-f]{32}$/);
    expect(h.events.deadLetters.length).toBe(2);
  });

  it('no GET route shows an acme caller anything of globex', async () => {
    const gets = h.routes.filter((r) => r.method === 'GET');
    expect(gets.length).toBeGreaterThanOrEqual(10);
    const traces = globexTraces();
    let checked = 0;
    for (const route of gets) {
      for (const who of ['acme/alice', 'acme/annie', 'acme/victor', 'acme/paul']) {
        // Path parameters get globex's own ids: the answer must be a 404, not the object.
        const param = route.url.includes('events') ? globexEventId : 'gina';
        const url = fill(route.url, param);
        const r = await h.app.inject({ method: 'GET', url, headers: h.bearer(who) });
        expect(r.statusCode, `${who} GET ${url}`).toBeLessThan(500);
        if (url !== route.url) expect([403, 404], `${who} GET ${url}`).toContain(r.statusCode);
        if (url.startsWith('/api/docs')) continue;
        // A 404 may echo the id the caller sent; nothing else of globex may appear.
        const body = url === route.url ? r.body : r.body.replaceAll(param, '');
        for (const t of traces) expect(body, `${who} GET ${url} leaks ${t}`).not.toContain(t);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(40);
  });

  it('acme sees its own data on the same routes (so the previous test is not vacuous)', async () => {
    const alice = h.bearer('acme/alice');
    const bodies = await Promise.all(
      [
        '/api/users',
        '/api/tokens',
        '/api/audit',
        '/api/events',
        `/api/events/${acmeEventId}`,
        '/api/alerts',
        '/api/dead-letters',
        '/api/tenants',
      ].map(async (url) => (await h.app.inject({ method: 'GET', url, headers: alice })).body),
    );
    expect(bodies[0]).toContain('acme-newbie');
    expect(bodies[1]).toContain('acme-token-label');
    expect(bodies[2]).toContain('user.create');
    expect(bodies[3]).toContain(MARK.acme);
    expect(bodies[4]).toContain(MARK.acme);
    expect(bodies[5]).toContain(MARK.acme);
    expect(bodies[6]).toContain(Buffer.from(`not json ${MARK.acme}`).toString('base64'));
    expect(bodies[7]).toContain('ACME Corp');
  });

  it('refuses ?tenant= to tenant admins and allows it to the node operator', async () => {
    for (const url of [
      '/api/users?tenant=globex',
      '/api/tokens?tenant=globex',
      '/api/audit?tenant=globex',
      '/api/audit/verify?tenant=globex',
    ]) {
      const r = await h.app.inject({ method: 'GET', url, headers: h.bearer('acme/alice') });
      expect(r.statusCode, url).toBe(403);
      expect(r.body).not.toContain('gina');
    }
    const op = await h.app.inject({
      method: 'GET',
      url: '/api/users?tenant=globex',
      headers: h.bearer('default/root'),
    });
    expect(op.statusCode).toBe(200);
    expect(op.body).toContain('gina');
    const tenants = await h.app.inject({ method: 'GET', url: '/api/tenants', headers: h.bearer('default/root') });
    expect(tenants.json<{ items: { name: string }[] }>().items.map((t) => t.name)).toEqual([
      'acme',
      'default',
      'globex',
    ]);
  });

  it("cannot change another tenant's users or tokens by name or id", async () => {
    const globexToken = (
      h.db.prepare("SELECT id FROM api_tokens WHERE tenant = 'globex' LIMIT 1").get() as { id: string }
    ).id;
    const revoke = await h.app.inject({
      method: 'DELETE',
      url: `/api/tokens/${globexToken}`,
      headers: h.bearer('acme/alice'),
    });
    expect(revoke.statusCode).toBe(404);
    const patch = await h.app.inject({
      method: 'PATCH',
      url: '/api/users/gina',
      headers: h.bearer('acme/alice'),
      payload: { disabled: true },
    });
    expect(patch.statusCode).toBe(404);
    const token = await h.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: h.bearer('acme/alice'),
      payload: { name: 'x', user: 'gina' },
    });
    expect(token.statusCode).toBe(404);
    const me = await h.app.inject({ method: 'GET', url: '/api/auth/me', headers: h.bearer('globex/gina') });
    expect(me.statusCode).toBe(200);
  });

  it("ingest writes only into the caller's tenant", async () => {
    await h.app.inject({
      method: 'POST',
      url: '/api/ingest',
      headers: h.bearer('globex/gus'),
      payload: '{"message":"only-globex-2"}',
    });
    const acme = await h.app.inject({
      method: 'GET',
      url: '/api/events?q=only-globex-2',
      headers: h.bearer('acme/annie'),
    });
    expect(acme.json<{ items: unknown[] }>().items).toEqual([]);
    const globex = await h.app.inject({
      method: 'GET',
      url: '/api/events?q=only-globex-2',
      headers: h.bearer('globex/gus'),
    });
    expect(globex.json<{ items: unknown[] }>().items).toHaveLength(1);
  });
});
