/**
 * Pseudonymised triage over every GET route of a real node (issue 20): the isolation world (every
 * domain seeded in two tenants: events, alerts, incidents with their titles, cases, intel, assets,
 * process trees, entity pages, reports ...) on a node whose analysts and viewers see pseudonyms.
 * The routes come from the node's own route table and are filled by the isolation sweep's FILLS
 * (`routes.ts`), so a route added later is walked too. Each tenant's analyst and viewer call every
 * GET route; no answer may hold the tenant's account names or workstation names, whatever field or
 * free text carries them. The re-identification route is left out: it discloses on purpose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './http.js';
import { fillRoute } from './routes.js';
import { createWorld, TENANTS, type World } from './world.js';

let w: World;

/** Answers that show a value on purpose: an approved re-identification to its requester. */
const DISCLOSES = new Set(['/api/privacy/reidentify/:id']);

beforeAll(async () => {
  w = await createWorld({
    config: {
      privacy: {
        pseudonymiseRoles: ['analyst', 'viewer'],
        // The world's hosts (`<mark>-host`, `<mark>-kiosk`) are workstations for this node.
        workstationPattern: 'qzmark-(host|kiosk)$',
      },
    },
  });
}, 300_000);

afterAll(async () => {
  await w?.close();
});

/** The real personal values of a tenant: its accounts and workstations as the world's events name them. */
function realValues(mark: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}_])${mark}-(?:host|kiosk)(?:-user)?(?![\\p{L}\\p{N}_])`, 'iu');
}

describe('pseudonymised users over every GET route', () => {
  it('no answer holds a real account or workstation name of the tenant', async () => {
    const leaks: string[] = [];
    const unfilled: string[] = [];
    let answered = 0;
    const routes = w.node.routes.filter((r) => r.method === 'GET' && !DISCLOSES.has(r.url));
    for (const me of TENANTS) {
      const d = w.t[me];
      const real = realValues(d.mark);
      for (const route of routes) {
        const filled = fillRoute(route.url, d);
        if ('error' in filled) {
          unfilled.push(filled.error);
          continue;
        }
        for (const role of ['analyst', 'viewer'] as const) {
          const a = await call(d.as[role], 'GET', filled.url);
          if (a.status === 200) answered++;
          const m = real.exec(a.text);
          if (m) {
            const at = Math.max(0, m.index - 60);
            leaks.push(`${me} ${role} GET ${filled.url} (${a.status}): …${a.text.slice(at, m.index + 60)}…`);
          }
        }
      }
    }
    console.info(`privacy sweep: ${routes.length} GET routes, ${answered} answers 200 to pseudonymised users`);
    expect(leaks).toEqual([]);
    // Not vacuous: the admins see the real values, and most routes answered the pseudonymised users.
    const admin = await call(w.t.acme.as.admin, 'GET', '/api/events?q=acmeqzmark&limit=50');
    expect(admin.text).toMatch(realValues('acmeqzmark'));
    expect(unfilled).toEqual([]);
    expect(answered).toBeGreaterThan(routes.length);
  }, 600_000);
});
