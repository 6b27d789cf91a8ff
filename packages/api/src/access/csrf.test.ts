import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, TEST_PASSWORD } from '../internal/testing.js';
import type { Harness } from '../internal/testing.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ apiOptions: { allowedOrigins: ['https://soc.example.org'] } });
});
afterAll(async () => {
  await h.close();
});

async function session(): Promise<string> {
  const r = await h.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { tenant: 'acme', username: 'annie', password: TEST_PASSWORD },
  });
  expect(r.statusCode).toBe(200);
  return `intersoc_session=${r.json<{ token: string }>().token}`;
}

/** What the attacking page sends: a no-cors text/plain POST from another port of the same host. */
const FOREIGN = { origin: 'http://localhost:8081', 'sec-fetch-site': 'same-site', 'content-type': 'text/plain' };

describe('CSRF on cookie-authenticated changes', () => {
  it('refuses a no-cors text/plain ingest, attachment-style upload and logout riding on the cookie', async () => {
    const cookie = await session();
    const before = h.events.events.size;
    const ingest = await h.app.inject({
      method: 'POST',
      url: '/api/ingest?format=text',
      headers: { cookie, ...FOREIGN },
      payload: 'forged event',
    });
    expect(ingest.statusCode).toBe(403);
    expect(ingest.json<{ error: { message: string } }>().error.message).toMatch(/x-requested-with/);
    expect(h.events.events.size).toBe(before);
    const token = await h.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { cookie, ...FOREIGN },
      payload: JSON.stringify({ name: 'stolen' }),
    });
    expect(token.statusCode).toBe(403);
    const logout = await h.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie, ...FOREIGN } });
    expect(logout.statusCode).toBe(403);
    // The session survived all three.
    const me = await h.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    expect(me.statusCode).toBe(200);
  });

  it('refuses the header from a foreign origin, and a cross-site fetch without Origin', async () => {
    const cookie = await session();
    const marked = { cookie, 'x-requested-with': 'intersoc', 'content-type': 'text/plain' };
    for (const extra of [
      { origin: 'http://localhost:8081' },
      { origin: 'http://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'cross-site' },
    ]) {
      const r = await h.app.inject({
        method: 'POST',
        url: '/api/ingest?format=text',
        headers: { ...marked, ...extra },
        payload: 'x',
      });
      expect(r.statusCode, JSON.stringify(extra)).toBe(403);
    }
  });

  it("accepts the dashboard's requests: the header, from the node's own or a configured origin", async () => {
    const cookie = await session();
    for (const extra of [
      { origin: 'http://localhost' },
      // Behind a TLS proxy the browser says https while the node sees http, and the proxy passes Host on.
      { origin: 'https://localhost', host: 'localhost' },
      { origin: 'https://soc.example.org' },
      { 'sec-fetch-site': 'same-origin' },
      {},
    ]) {
      const r = await h.app.inject({
        method: 'POST',
        url: '/api/ingest?format=text',
        headers: { cookie, 'x-requested-with': 'intersoc', 'content-type': 'text/plain', ...extra },
        payload: 'real event',
      });
      expect(r.statusCode, JSON.stringify(extra)).toBe(202);
    }
    const out = await h.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie, 'x-requested-with': 'intersoc', origin: 'http://localhost' },
    });
    expect(out.statusCode).toBe(204);
  });

  it('leaves reads and bearer-authenticated changes alone', async () => {
    const cookie = await session();
    const read = await h.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie, ...FOREIGN } });
    expect(read.statusCode).toBe(200);
    const bearer = await h.app.inject({
      method: 'POST',
      url: '/api/ingest?format=text',
      headers: { ...h.bearer('acme/annie'), ...FOREIGN },
      payload: 'from a script',
    });
    expect(bearer.statusCode).toBe(202);
  });

  it('refuses a login posted from a foreign page (login CSRF), not one from a script', async () => {
    const payload = { tenant: 'acme', username: 'annie', password: TEST_PASSWORD };
    const foreign = await h.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { origin: 'http://localhost:8081' },
      payload,
    });
    expect(foreign.statusCode).toBe(403);
    const script = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload });
    expect(script.statusCode).toBe(200);
  });
});
