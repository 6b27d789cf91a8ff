import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness } from '../internal/testing.js';
import type { Harness } from '../internal/testing.js';
import { authOf } from './request-state.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

describe('route access declarations', () => {
  it('refuses routes without config.access, and mutating routes without config.audit', () => {
    expect(() => h.app.get('/api/undeclared', async () => 'x')).toThrow(/must declare config\.access/);
    expect(() => h.app.post('/api/unaudited', { config: { access: ['admin'] } }, async () => 'x')).toThrow(
      /must declare config\.audit/,
    );
  });

  it('gives routes the node adds the same authentication, roles and audit', async () => {
    h.app.post('/api/extra', { config: { access: ['analyst'], audit: 'extra.poke' } }, async (request) => ({
      by: authOf(request).user,
    }));
    expect((await h.app.inject({ method: 'POST', url: '/api/extra' })).statusCode).toBe(401);
    expect(
      (await h.app.inject({ method: 'POST', url: '/api/extra', headers: h.bearer('acme/victor') })).statusCode,
    ).toBe(403);
    const ok = await h.app.inject({ method: 'POST', url: '/api/extra', headers: h.bearer('acme/annie') });
    expect(ok.json()).toEqual({ by: 'annie' });
    expect(ok.headers['cache-control']).toBe('no-store');
    expect(ok.headers['x-content-type-options']).toBe('nosniff');
    expect(ok.headers['x-request-id']).toBeTruthy();
    const log = await h.stores.audit.list(
      { tenant: 'acme', user: 't', roles: ['admin'], via: 'system' },
      { action: 'extra.poke' },
    );
    expect(log.items.map((e) => `${e.actor}:${e.outcome}`)).toEqual(['annie:success', 'victor:denied']);
  });
});
