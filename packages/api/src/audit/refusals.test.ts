import { describe, expect, it } from 'vitest';
import { createHarness } from '../internal/testing.js';

interface Row {
  action: string;
  outcome: string;
  status: number;
  details: string;
}

describe('audit of refusals that checked no password', () => {
  it('counts 2,000 anonymous changes from one address in a few rows, and loses none of the count', async () => {
    const h = await createHarness();
    const before = (h.db.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n;
    for (let i = 0; i < 2000; i++) {
      const r = await h.app.inject({
        method: 'POST',
        url: '/api/ingest?format=text',
        payload: 'x',
        headers: { 'content-type': 'text/plain', ...(i % 2 === 0 ? {} : { authorization: 'Bearer ist_forged' }) },
        remoteAddress: '203.0.113.50',
      });
      expect(r.statusCode).toBe(401);
    }
    // A real, authenticated change is still logged on its own.
    const real = await h.app.inject({
      method: 'POST',
      url: '/api/ingest?format=text',
      payload: 'y',
      headers: { 'content-type': 'text/plain', ...h.bearer('acme/annie') },
    });
    expect(real.statusCode).toBe(202);
    await h.app.close();
    try {
      const rows = h.db
        .prepare('SELECT action, outcome, status, details FROM audit_log ORDER BY tenant, seq')
        .all() as Row[];
      const refusals = rows.filter((r) => r.action === 'events.ingest' && r.outcome === 'denied');
      expect(rows.length - before).toBeLessThanOrEqual(3);
      const total = refusals
        .map((r) => JSON.parse(r.details) as { count?: number; ip: string })
        .reduce((n, d) => {
          expect(d.ip).toBe('203.0.113.50');
          return n + (d.count ?? 1);
        }, 0);
      expect(total).toBe(2000);
      expect(rows.some((r) => r.action === 'events.ingest' && r.outcome === 'success')).toBe(true);
      // The chain stays whole.
      const verified = await h.stores.audit.verify({
        tenant: 'default',
        user: 'system',
        roles: ['admin'],
        via: 'system',
      });
      expect(verified.ok).toBe(true);
    } finally {
      h.db.close();
    }
  });
});
