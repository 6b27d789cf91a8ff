import { describe, expect, it } from 'vitest';
import { ConfigSchema, retentionFor } from './config.js';

describe('config schema', () => {
  it('fills safe defaults from an empty object', () => {
    const c = ConfigSchema.parse({});
    expect(c.http).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(c.syslog).toMatchObject({ host: '127.0.0.1', udpPort: 5514, tcpPort: 5514 });
    expect(c.data).toBe('./data');
    expect(c.search).toMatchObject({ readers: 2, maxConcurrentPerUser: 3, maxWildcardSegments: 16 });
  });
  it('rejects unknown keys and bad values with their path', () => {
    const r = ConfigSchema.safeParse({ http: { port: 70000 }, nope: 1 });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['http.port']));
  });
  it('applies per-tenant retention overrides', () => {
    const c = ConfigSchema.parse({ storage: { retentionDays: 30, tenants: { acme: { retentionDays: 7 } } } });
    expect(retentionFor(c, 'acme')).toEqual({ maxAgeDays: 7, maxBytes: 0 });
    expect(retentionFor(c, 'other')).toEqual({ maxAgeDays: 30, maxBytes: 0 });
  });
});
