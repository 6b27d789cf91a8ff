import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, AuthContext } from '@intersoc/core';
import type { ApiApp } from '../internal/app-types.js';
import { createHarness, type Harness } from '../internal/testing.js';
import type { AlertFeed } from '../services.js';
import { registerLiveRoutes } from './routes.js';

let h: Harness;
let address: string;
const listeners = new Set<{ tenant: string; fn: (a: Alert) => void }>();
const feed: AlertFeed = {
  subscribe(ctx: AuthContext, fn: (a: Alert) => void) {
    const l = { tenant: ctx.tenant, fn };
    listeners.add(l);
    return () => listeners.delete(l);
  },
};

function alert(n: number): Alert {
  return {
    id: `acme-live-${n}`,
    tenant: 'acme',
    created: 1_700_000_000_000 + n,
    time: 1_700_000_000_000 + n,
    detector: { kind: 'sigma', ruleId: 'r', ruleTitle: 'Rule' },
    severity: 'high',
    tactics: [],
    techniques: [],
    entities: [],
    eventIds: [],
    summary: `alert ${n}`,
  };
}

beforeAll(async () => {
  h = await createHarness();
  // A short re-check period stands in for changes made by another process (the CLI).
  registerLiveRoutes(h.app as unknown as ApiApp, { feed, recheckMs: 50 });
  address = await h.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await h.close();
});

/** Opens a stream and returns a function that reads until it ends, with everything read. */
async function open(authorization: string): Promise<() => Promise<string>> {
  const res = await fetch(`${address}/api/alerts/stream`, { headers: { authorization } });
  expect(res.status).toBe(200);
  const body = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('event: ready')) text += decoder.decode((await body.read()).value);
  return async () => {
    for (;;) {
      const { value, done } = await body.read();
      if (done) return text;
      text += decoder.decode(value);
    }
  };
}

async function patchUser(name: string, body: Record<string, unknown>): Promise<void> {
  const r = await h.app.inject({
    method: 'PATCH',
    url: `/api/users/${name}`,
    headers: h.bearer('acme/alice'),
    payload: body,
  });
  expect(r.statusCode).toBe(200);
}

describe('live alert stream authorisation', () => {
  it('ends the stream when the API disables its user, and delivers nothing after', { timeout: 20_000 }, async () => {
    const untilEnd = await open(h.bearer('acme/annie').authorization);
    await patchUser('annie', { disabled: true });
    const text = await untilEnd();
    listeners.forEach((l) => l.fn(alert(1)));
    expect(text).not.toContain('acme-live-1');
    await patchUser('annie', { disabled: false });
  });

  it('ends the stream when its user loses every reading role', { timeout: 20_000 }, async () => {
    const untilEnd = await open(h.bearer('acme/victor').authorization);
    await patchUser('victor', { role: 'partner' });
    await untilEnd();
    await patchUser('victor', { role: 'viewer' });
  });

  it('ends the stream when the user is disabled by another process', { timeout: 20_000 }, async () => {
    const untilEnd = await open(h.bearer('acme/annie').authorization);
    h.db.prepare("UPDATE users SET disabled = 1 WHERE tenant = 'acme' AND name = 'annie'").run();
    await untilEnd();
    h.db.prepare("UPDATE users SET disabled = 0 WHERE tenant = 'acme' AND name = 'annie'").run();
  });

  it('keeps a stream whose user is unchanged', { timeout: 20_000 }, async () => {
    const res = await fetch(`${address}/api/alerts/stream`, { headers: h.bearer('acme/alice') });
    const body = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('event: ready')) text += decoder.decode((await body.read()).value);
    // Other users change; this stream re-checks and carries on.
    await patchUser('annie', { role: 'viewer' });
    await patchUser('annie', { role: 'analyst' });
    listeners.forEach((l) => l.fn(alert(2)));
    while (!text.includes('acme-live-2')) {
      const { value, done } = await body.read();
      expect(done).toBe(false);
      text += decoder.decode(value);
    }
    await body.cancel();
  });
});
