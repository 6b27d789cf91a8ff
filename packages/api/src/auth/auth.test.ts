import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, TEST_PASSWORD } from '../internal/testing.js';
import type { Harness } from '../internal/testing.js';
import { LoginThrottle } from './login-throttle.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

function basic(login: string, password: string): string {
  return `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;
}

describe('API tokens', () => {
  it('401 without credentials, with WWW-Authenticate and the error envelope', async () => {
    const r = await h.app.inject({ method: 'GET', url: '/api/auth/me' });
    expect(r.statusCode).toBe(401);
    expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(r.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.stringMatching(/Bearer/) } });
  });

  it('401 for malformed, unknown, expired and revoked tokens', async () => {
    const bad = ['Bearer', 'Bearer ist_nope', 'Bearer iss_nope', 'Bearer something', 'Token abc', 'Basic !!!'];
    for (const authorization of bad) {
      const r = await h.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization } });
      expect(r.statusCode, authorization).toBe(401);
    }
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: h.bearer('acme/annie'),
      payload: { name: 'short-lived', expiresInSeconds: 3600 },
    });
    expect(created.statusCode).toBe(201);
    const { secret, token } = created.json<{ secret: string; token: { id: string } }>();
    const me = await h.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(me.json()).toMatchObject({ tenant: 'acme', user: 'annie', roles: ['analyst'], via: 'token' });
    // Let the expiry pass by moving it, rather than waiting.
    h.db.prepare('UPDATE api_tokens SET expires = ? WHERE id = ?').run(Date.now() - 1, token.id);
    const expired = await h.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(expired.statusCode).toBe(401);

    const second = await h.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: h.bearer('acme/annie'),
      payload: { name: 'to-revoke' },
    });
    const s2 = second.json<{ secret: string; token: { id: string } }>();
    const revoke = await h.app.inject({
      method: 'DELETE',
      url: `/api/tokens/${s2.token.id}`,
      headers: h.bearer('acme/annie'),
    });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json<{ revoked: number | null }>().revoked).toBeTypeOf('number');
    const after = await h.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${s2.secret}` },
    });
    expect(after.statusCode).toBe(401);
  });

  it('never lists a token secret after creation', async () => {
    const r = await h.app.inject({ method: 'GET', url: '/api/tokens', headers: h.bearer('acme/alice') });
    expect(r.statusCode).toBe(200);
    expect(r.body).not.toMatch(/ist_[A-Za-z0-9_-]{43}/);
    expect(r.body).not.toContain('hash');
  });

  it('403 for a role the route does not allow', async () => {
    const cases: [string, string, string, unknown?][] = [
      ['acme/victor', 'POST', '/api/users', { name: 'x', role: 'viewer' }],
      ['acme/annie', 'GET', '/api/users'],
      ['acme/annie', 'GET', '/api/audit'],
      ['acme/victor', 'POST', '/api/ingest', '{}'],
      ['acme/paul', 'GET', '/api/events'],
      ['acme/paul', 'GET', '/api/alerts'],
      ['acme/victor', 'GET', '/api/dead-letters'],
      ['acme/alice', 'POST', '/api/tenants', { name: 'evil' }],
      ['acme/alice', 'GET', '/metrics'],
      ['default/prom', 'GET', '/api/tenants'],
    ];
    for (const [who, method, url, payload] of cases) {
      const r = await h.app.inject({
        method: method as 'GET' | 'POST',
        url,
        headers: h.bearer(who),
        ...(payload === undefined ? {} : { payload: payload as string }),
      });
      expect(r.statusCode, `${who} ${method} ${url}`).toBe(403);
      expect(r.json<{ error: { code: string } }>().error.code).toBe('FORBIDDEN');
    }
  });
});

describe('password logins and sessions', () => {
  async function login(tenant: string, username: string, password: string, ip = '127.0.0.1') {
    return h.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { tenant, username, password },
      remoteAddress: ip,
    });
  }

  it('sets an HttpOnly SameSite=Strict cookie and returns the same token', async () => {
    const r = await login('acme', 'victor', TEST_PASSWORD);
    expect(r.statusCode).toBe(200);
    const body = r.json<{ token: string; expires: number; role: string }>();
    expect(body.token).toMatch(/^iss_/);
    expect(body.role).toBe('viewer');
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).toContain(`intersoc_session=${body.token}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Max-Age=28800/);
    expect(r.headers['cache-control']).toBe('no-store');

    const viaCookie = await h.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { cookie: `a=b; intersoc_session=${body.token}` },
    });
    expect(viaCookie.json()).toMatchObject({ tenant: 'acme', user: 'victor', via: 'session', operator: false });
    const viaBearer = await h.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${body.token}` },
    });
    expect(viaBearer.statusCode).toBe(200);

    const out = await h.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: `intersoc_session=${body.token}`, 'x-requested-with': 'intersoc' },
    });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/Max-Age=0/);
    const gone = await h.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${body.token}` },
    });
    expect(gone.statusCode).toBe(401);
  });

  it('expires sessions', async () => {
    const r = await login('globex', 'gus', TEST_PASSWORD);
    const { token } = r.json<{ token: string }>();
    h.db.prepare("UPDATE sessions SET expires = ? WHERE tenant = 'globex' AND user = 'gus'").run(Date.now() - 1);
    const me = await h.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.statusCode).toBe(401);
  });

  it('rejects wrong passwords, unknown users and unknown tenants alike', async () => {
    for (const [t, u, p] of [
      ['acme', 'victor', 'wrong password!!'],
      ['acme', 'nobody', TEST_PASSWORD],
      ['nosuch', 'victor', TEST_PASSWORD],
      ['globex', 'victor', TEST_PASSWORD],
    ] as const) {
      const r = await login(t, u, p, '10.1.1.1');
      expect(r.statusCode).toBe(401);
      expect(r.json()).toEqual({
        error: { code: 'UNAUTHENTICATED', message: 'invalid tenant, user name or password' },
      });
    }
  });

  it('accepts HTTP Basic as tenant/user:password, and logout refuses non-session credentials', async () => {
    const ok = await h.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: basic('acme/annie', TEST_PASSWORD) },
    });
    expect(ok.json()).toMatchObject({ tenant: 'acme', user: 'annie' });
    const root = await h.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: basic('root', TEST_PASSWORD) },
    });
    expect(root.json()).toMatchObject({ tenant: 'default', user: 'root', operator: true });
    const bad = await h.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: basic('acme/annie', 'nope nope nope') },
    });
    expect(bad.statusCode).toBe(401);
    const out = await h.app.inject({ method: 'POST', url: '/api/auth/logout', headers: h.bearer('acme/annie') });
    expect(out.statusCode).toBe(400);
  });

  it('exports authenticate() for other servers (TAXII)', async () => {
    const a = h.authenticator;
    expect(await a.authenticate({})).toBeUndefined();
    expect(await a.authenticate({ authorization: basic('globex/gina', TEST_PASSWORD) })).toEqual({
      tenant: 'globex',
      user: 'gina',
      roles: ['admin'],
      via: 'session',
    });
    expect((await a.authenticate({ authorization: `Bearer ${h.tokens['acme/paul']}` }))?.roles).toEqual(['partner']);
    expect(await a.authenticate({ authorization: basic('globex/gina', 'wrong wrong wrong') })).toBeUndefined();
  });
});

describe('brute-force backoff', () => {
  it('locks an account after repeated failures, even for the right password, until the delay passes', async () => {
    let now = 5_000_000;
    const hb = await createHarness({ throttle: new LoginThrottle({ now: () => now }) });
    try {
      const attempt = (password: string, ip = '10.9.9.9') =>
        hb.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { tenant: 'acme', username: 'alice', password },
          remoteAddress: ip,
        });
      for (let i = 0; i < 5; i++) expect((await attempt(`guess number ${i}`)).statusCode).toBe(401);
      const locked = await attempt(TEST_PASSWORD);
      expect(locked.statusCode).toBe(429);
      expect(locked.headers['retry-after']).toBe('1');
      expect(locked.json<{ error: { code: string } }>().error.code).toBe('RATE_LIMITED');
      // Basic credentials share the lock.
      const viaBasic = await hb.app.inject({
        method: 'GET',
        url: '/api/auth/me',
        headers: { authorization: basic('acme/alice', TEST_PASSWORD) },
        remoteAddress: '10.9.9.9',
      });
      expect(viaBasic.statusCode).toBe(429);
      now += 1000;
      expect((await attempt('still guessing')).statusCode).toBe(401);
      const longer = await attempt(TEST_PASSWORD);
      expect(longer.headers['retry-after']).toBe('2');
      now += 2000;
      expect((await attempt(TEST_PASSWORD)).statusCode).toBe(200);
      // Other accounts were never locked by alice's failures.
      const other = await hb.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { tenant: 'acme', username: 'annie', password: TEST_PASSWORD },
        remoteAddress: '10.9.9.8',
      });
      expect(other.statusCode).toBe(200);

      const audit = await hb.app.inject({
        method: 'GET',
        url: '/api/audit?action=auth.login&limit=50',
        headers: hb.bearer('acme/alice'),
      });
      const outcomes = audit.json<{ items: { outcome: string; actor: string }[] }>().items.map((e) => e.outcome);
      // Six wrong passwords and the first throttled refusal; further throttled refusals from the
      // same address are counted into one entry when their window ends (see refusal-counter.ts).
      expect(outcomes.filter((o) => o === 'denied').length).toBeGreaterThanOrEqual(7);
      expect(outcomes.filter((o) => o === 'success').length).toBe(2);
      expect(audit.body).not.toContain(TEST_PASSWORD);
      expect(audit.body).not.toContain('guess number');
    } finally {
      await hb.close();
    }
  });

  it('locks a client address spraying many accounts, but not other addresses', async () => {
    let now = 9_000_000;
    const hb = await createHarness({ throttle: new LoginThrottle({ now: () => now, ip: { freeFailures: 6 } }) });
    try {
      for (let i = 0; i < 6; i++) {
        const r = await hb.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { tenant: 'acme', username: `user${i}`, password: 'spray spray spray' },
          remoteAddress: '10.6.6.6',
        });
        expect(r.statusCode).toBe(401);
      }
      const fromSprayer = await hb.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { tenant: 'acme', username: 'annie', password: TEST_PASSWORD },
        remoteAddress: '10.6.6.6',
      });
      expect(fromSprayer.statusCode).toBe(429);
      const fromElsewhere = await hb.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { tenant: 'acme', username: 'annie', password: TEST_PASSWORD },
        remoteAddress: '10.7.7.7',
      });
      expect(fromElsewhere.statusCode).toBe(200);
      now += 2000;
    } finally {
      await hb.close();
    }
  });
});

describe('parallel guesses', () => {
  /** Counts the password checks the stores really run. */
  function countChecks(hb: Harness): { readonly n: number } {
    const counter = { n: 0 };
    const users = hb.stores.users;
    const verify = users.verifyPassword.bind(users);
    users.verifyPassword = async (...args) => {
      counter.n += 1;
      return verify(...args);
    };
    return counter;
  }

  it('60 concurrent login guesses: 429s, and no more password checks than the free failures', async () => {
    const hb = await createHarness();
    try {
      const checks = countChecks(hb);
      const guesses = Array.from({ length: 60 }, (_, i) =>
        hb.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { tenant: 'acme', username: 'alice', password: i === 59 ? TEST_PASSWORD : `guess number ${i}` },
          remoteAddress: '10.66.0.1',
        }),
      );
      const statuses = (await Promise.all(guesses)).map((r) => r.statusCode);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(55);
      expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
      expect(checks.n).toBeLessThanOrEqual(5);
      // The right password from a fresh address still works; from the guesser's it waits.
      const fresh = await hb.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { tenant: 'acme', username: 'alice', password: TEST_PASSWORD },
        remoteAddress: '10.77.0.1',
      });
      expect(fresh.statusCode).toBe(200);
      const guesser = await hb.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { tenant: 'acme', username: 'alice', password: TEST_PASSWORD },
        remoteAddress: '10.66.0.1',
      });
      expect(guesser.statusCode).toBe(429);
    } finally {
      await hb.close();
    }
  });

  it('60 concurrent Basic guesses are throttled the same way', async () => {
    const hb = await createHarness();
    try {
      const checks = countChecks(hb);
      const guesses = Array.from({ length: 60 }, (_, i) =>
        hb.app.inject({
          method: 'GET',
          url: '/api/auth/me',
          headers: { authorization: basic('acme/annie', `guess number ${i}`) },
          remoteAddress: '10.66.0.2',
        }),
      );
      const statuses = (await Promise.all(guesses)).map((r) => r.statusCode);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(55);
      expect(checks.n).toBeLessThanOrEqual(5);
    } finally {
      await hb.close();
    }
  });
});

describe('authenticate() for other servers', () => {
  it('throws a 429 error for a throttled check, so TAXII does not answer 401', async () => {
    const hb = await createHarness({ throttle: new LoginThrottle({ now: () => 7_000_000 }) });
    try {
      const a = hb.authenticator;
      for (let i = 0; i < 5; i++) {
        expect(await a.authenticate({ authorization: basic('acme/annie', `wrong guess ${i}`), ip: '10.5.5.5' })).toBe(
          undefined,
        );
      }
      await expect(
        a.authenticate({ authorization: basic('acme/annie', TEST_PASSWORD), ip: '10.5.5.5' }),
      ).rejects.toMatchObject({ code: 'RATE_LIMITED', statusCode: 429, retryAfterSeconds: 1 });
      // The same account from another address is not locked.
      expect((await a.authenticate({ authorization: basic('acme/annie', TEST_PASSWORD), ip: '10.5.5.6' }))?.user).toBe(
        'annie',
      );
    } finally {
      await hb.close();
    }
  });
});

describe('Basic credential cache', () => {
  it('checks a Basic password once, not on every request, until the password changes', async () => {
    const hb = await createHarness();
    try {
      let checks = 0;
      const users = hb.stores.users;
      const verify = users.verifyPassword.bind(users);
      users.verifyPassword = async (...args) => {
        checks += 1;
        return verify(...args);
      };
      const me = (password: string) =>
        hb.app.inject({
          method: 'GET',
          url: '/api/auth/me',
          headers: { authorization: basic('acme/annie', password) },
        });
      // Parallel requests of one client share one check.
      const first = await Promise.all(Array.from({ length: 10 }, () => me(TEST_PASSWORD)));
      expect(first.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
      for (let i = 0; i < 10; i++) expect((await me(TEST_PASSWORD)).statusCode).toBe(200);
      expect(checks).toBe(1);
      // A wrong password is never answered from the cache.
      expect((await me('not the password at all')).statusCode).toBe(401);
      expect(checks).toBe(2);

      const changed = await hb.app.inject({
        method: 'PATCH',
        url: '/api/users/annie',
        headers: hb.bearer('acme/alice'),
        payload: { password: `${TEST_PASSWORD} two` },
      });
      expect(changed.statusCode).toBe(200);
      expect((await me(TEST_PASSWORD)).statusCode).toBe(401);
      expect((await me(`${TEST_PASSWORD} two`)).statusCode).toBe(200);
      // Disabled elsewhere (another process writing the database): the cached entry stops working.
      hb.db.prepare("UPDATE users SET disabled = 1 WHERE tenant = 'acme' AND name = 'annie'").run();
      expect((await me(`${TEST_PASSWORD} two`)).statusCode).toBe(401);
    } finally {
      await hb.close();
    }
  });
});
