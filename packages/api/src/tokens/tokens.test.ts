import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, TEST_PASSWORD } from '../internal/testing.js';
import type { Harness } from '../internal/testing.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

async function mint(authorization: string, name: string): Promise<string> {
  const r = await h.app.inject({
    method: 'POST',
    url: '/api/tokens',
    headers: { authorization },
    payload: { name },
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json<{ secret: string }>().secret;
}

async function works(secret: string): Promise<boolean> {
  const r = await h.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${secret}` } });
  return r.statusCode === 200;
}

describe('tokens minted with a password', () => {
  it('are revoked when that password changes; tokens minted otherwise stay', async () => {
    const login = await h.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { tenant: 'acme', username: 'annie', password: TEST_PASSWORD },
    });
    const session = login.json<{ token: string }>().token;
    const fromSession = await mint(`Bearer ${session}`, 'from-session');
    const basic = `Basic ${Buffer.from(`acme/annie:${TEST_PASSWORD}`).toString('base64')}`;
    const fromBasic = await mint(basic, 'from-basic');
    // A token minted by a password-bound token is bound too: no laundering through a second token.
    const child = await mint(`Bearer ${fromSession}`, 'child');
    const independent = await mint(h.bearer('acme/annie').authorization, 'from-api-token');
    for (const s of [fromSession, fromBasic, child, independent]) expect(await works(s)).toBe(true);

    const change = await h.app.inject({
      method: 'PATCH',
      url: '/api/users/annie',
      headers: h.bearer('acme/alice'),
      payload: { password: `${TEST_PASSWORD} anew` },
    });
    expect(change.statusCode).toBe(200);

    expect(await works(session)).toBe(false);
    expect(await works(fromSession)).toBe(false);
    expect(await works(fromBasic)).toBe(false);
    expect(await works(child)).toBe(false);
    expect(await works(independent)).toBe(true);
    expect(await works(h.tokens['acme/annie'] as string)).toBe(true);

    const listed = await h.app.inject({
      method: 'GET',
      url: '/api/tokens?user=annie',
      headers: h.bearer('acme/alice'),
    });
    const revoked = listed
      .json<{ items: { name: string; revoked: number | null }[] }>()
      .items.filter((t) => t.revoked !== null)
      .map((t) => t.name)
      .sort();
    expect(revoked).toEqual(['child', 'from-basic', 'from-session']);
  });

  it("binds an admin's token minted for someone else to the admin's own password", async () => {
    const login = await h.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { tenant: 'globex', username: 'gina', password: TEST_PASSWORD },
    });
    const session = login.json<{ token: string }>().token;
    const r = await h.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { authorization: `Bearer ${session}` },
      payload: { name: 'for-gus', user: 'gus' },
    });
    expect(r.statusCode).toBe(201);
    const secret = r.json<{ secret: string }>().secret;
    expect(await works(secret)).toBe(true);
    const change = await h.app.inject({
      method: 'PATCH',
      url: '/api/users/gina',
      headers: h.bearer('globex/gina'),
      payload: { password: `${TEST_PASSWORD} changed` },
    });
    expect(change.statusCode).toBe(200);
    expect(await works(secret)).toBe(false);
  });
});
