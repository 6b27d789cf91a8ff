import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createHarness, LogCapture, TEST_PASSWORD } from '../internal/testing.js';
import { createLogger } from './logger.js';

describe('logging', () => {
  it('redacts credentials wherever a log line carries them', () => {
    const out = new LogCapture();
    const log = createLogger({ level: 'info', destination: out });
    log.info(
      {
        req: { headers: { authorization: 'Bearer ist_AAAA', cookie: 'intersoc_session=iss_BBBB' } },
        password: 'p4ssw0rd-one',
        body: { password: 'p4ssw0rd-two', name: 'bob' },
        token: 'ist_CCCC',
      },
      'hello',
    );
    expect(out.text).toContain('hello');
    expect(out.text).toContain('bob');
    for (const secret of ['ist_AAAA', 'iss_BBBB', 'p4ssw0rd-one', 'p4ssw0rd-two', 'ist_CCCC'])
      expect(out.text).not.toContain(secret);
    expect(out.text).toContain('[redacted]');
  });

  it('never writes passwords, tokens or session secrets while serving requests at trace level', async () => {
    const h = await createHarness();
    try {
      const secrets: string[] = [TEST_PASSWORD, ...Object.values(h.tokens)];
      const login = await h.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { tenant: 'acme', username: 'alice', password: TEST_PASSWORD },
      });
      const session = login.json<{ token: string }>().token;
      secrets.push(session);
      await h.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { tenant: 'acme', username: 'alice', password: 'a wrong guess here' },
      });
      secrets.push('a wrong guess here');
      const basic = Buffer.from(`acme/alice:${TEST_PASSWORD}`).toString('base64');
      secrets.push(basic);
      await h.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Basic ${basic}` } });
      await h.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: `intersoc_session=${session}` } });
      const created = await h.app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: { authorization: `Bearer ${session}` },
        payload: { name: 'ci' },
      });
      secrets.push(created.json<{ secret: string }>().secret);
      await h.app.inject({
        method: 'POST',
        url: '/api/users',
        headers: h.bearer('acme/alice'),
        payload: { name: 'dora', role: 'viewer', password: 'dora secret password' },
      });
      secrets.push('dora secret password');
      await h.app.inject({
        method: 'POST',
        url: '/api/users',
        headers: h.bearer('acme/alice'),
        payload: { name: 'eve', role: 'viewer', password: 'tiny' },
      });
      await h.app.inject({
        method: 'POST',
        url: '/api/ingest',
        headers: { ...h.bearer('acme/annie'), 'content-encoding': 'gzip' },
        payload: gzipSync('{"a":1}'),
      });
      await h.app.inject({
        method: 'GET',
        url: '/api/auth/me',
        headers: { authorization: 'Bearer ist_forgedforgedforged' },
      });
      secrets.push('ist_forgedforgedforged');

      expect(h.logs.lines.length).toBeGreaterThan(20);
      expect(h.logs.text).toContain('"reqId"');
      for (const s of secrets) expect(h.logs.text, `log contains ${s.slice(0, 8)}...`).not.toContain(s);
    } finally {
      await h.close();
    }
  });
});
