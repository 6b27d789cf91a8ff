import { afterEach, describe, expect, it } from 'vitest';
import { ConfigSchema } from '@intersoc/core';
import { apiOptionsFromConfig } from '../build-api.js';
import { createHarness, TEST_PASSWORD } from '../internal/testing.js';
import type { Harness } from '../internal/testing.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function loginIp(harness: Harness, remoteAddress: string, forwarded?: string): Promise<unknown> {
  const r = await harness.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { tenant: 'acme', username: 'annie', password: TEST_PASSWORD },
    remoteAddress,
    headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
  });
  expect(r.statusCode).toBe(200);
  const audit = await harness.app.inject({
    method: 'GET',
    url: '/api/audit?action=auth.login&limit=1',
    headers: harness.bearer('acme/alice'),
  });
  return audit.json<{ items: { details: { ip: string } }[] }>().items[0]?.details.ip;
}

describe('http.secureCookies and http.trustProxy from the configuration', () => {
  it('marks the session cookie Secure when configured', async () => {
    const config = ConfigSchema.parse({ http: { secureCookies: true } });
    h = await createHarness({ apiOptions: apiOptionsFromConfig(config) });
    const r = await h.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { tenant: 'acme', username: 'annie', password: TEST_PASSWORD },
    });
    expect(String(r.headers['set-cookie'])).toMatch(/; Secure/);
  });

  it('leaves the cookie without Secure by default', async () => {
    h = await createHarness({ apiOptions: apiOptionsFromConfig(ConfigSchema.parse({})) });
    const r = await h.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { tenant: 'acme', username: 'annie', password: TEST_PASSWORD },
    });
    expect(String(r.headers['set-cookie'])).not.toMatch(/Secure/);
  });

  it('believes X-Forwarded-For only from the configured proxies', async () => {
    const config = ConfigSchema.parse({ http: { trustProxy: '10.0.0.1' } });
    h = await createHarness({ apiOptions: apiOptionsFromConfig(config) });
    expect(await loginIp(h, '10.0.0.1', '203.0.113.7')).toBe('203.0.113.7');
    // A client that is not the proxy cannot choose its address.
    expect(await loginIp(h, '198.51.100.9', '203.0.113.8')).toBe('198.51.100.9');
  });

  it('takes a hop count', async () => {
    h = await createHarness({ apiOptions: apiOptionsFromConfig(ConfigSchema.parse({ http: { trustProxy: 1 } })) });
    expect(await loginIp(h, '10.0.0.1', '198.51.100.1, 203.0.113.7')).toBe('203.0.113.7');
  });

  it('ignores X-Forwarded-For by default', async () => {
    h = await createHarness({ apiOptions: apiOptionsFromConfig(ConfigSchema.parse({})) });
    expect(await loginIp(h, '10.0.0.1', '203.0.113.7')).toBe('10.0.0.1');
  });
});
