/**
 * Tenant isolation over every route of a real node. Two tenants have data in every domain
 * (events, alerts and triage, dead letters, rules, intelligence, TAXII, incidents, assets, cases
 * with all their parts, NIS2, feedback, users, tokens, audit; federation for the federation
 * tenant). The routes come from the node's own route table, so a new route is swept too: each
 * tenant's users call every GET route with path parameters set to the other tenant's ids, and
 * no answer may carry the other tenant's marker, name or ids; every mutating route with path
 * parameters is aimed at the other tenant's records, and other ids are slipped into bodies, and
 * nothing the other tenant sees may change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, openStream, type Answer } from './http.js';
import { BODIES, queryFor, snapshot, UPSERTS, windowPins } from './mutations.js';
import {
  fillRoute,
  isFederationView,
  NEEDS_A_PEER,
  NO_TENANT_DATA,
  NUMBERS_ONLY,
  paramsOf,
  recordParamsOf,
} from './routes.js';
import {
  createWorld,
  ingestMore,
  ROLES,
  SHARED_DOMAIN,
  TENANTS,
  type Tenant,
  type TenantData,
  type World,
} from './world.js';

let w: World;
let pins: Map<string, string>;

beforeAll(async () => {
  const start = Date.now();
  w = await createWorld();
  pins = await windowPins(w.node.url, start - 7 * 86_400_000, start + 86_400_000);
}, 300_000);

afterAll(async () => {
  await w?.close();
});

const other = (t: Tenant): Tenant => (t === 'acme' ? 'globex' : 'acme');

/** Routes left out of before/after comparisons: no tenant data, or a fresh random id in every answer. */
const CHANGES_BY_ITSELF: ReadonlySet<string> = new Set([...NO_TENANT_DATA, '/api/intel/export']);

/** Strings that identify a tenant's data: its name, its marker and the ids of its records. */
function traces(d: TenantData): string[] {
  return [d.tenant, d.mark, ...Object.values(d.ids).filter((v) => v.length >= 8)];
}

/**
 * What each tenant's users themselves sent of the other tenant (ids and keys in paths and bodies):
 * their own records may repeat it (an audit entry's target, a key chosen for their own template).
 */
const sentBy: Record<Tenant, Set<string>> = { acme: new Set(), globex: new Set() };

/**
 * Record URLs where each tenant's own upserts (PUT by a name the other tenant also uses) answered
 * 2xx: the caller's own record now lives there, so reading it back is no leak. Only the status
 * check skips them; the marker and id checks do not.
 */
const upserted: Record<Tenant, Map<string, string>> = { acme: new Map(), globex: new Map() };

function isOwnUpsert(me: Tenant, url: string): boolean {
  const p = url.split('?')[0] ?? '';
  return [...upserted[me].keys()].some((u) => p === u || p.startsWith(`${u}/`));
}

/** The answer without the values the caller itself sent (a 404 may echo them). */
function withoutEcho(a: Answer, url: string, sent: Iterable<string> = []): string {
  let body = a.text;
  const parts = decodeURIComponent(url.split('?')[0] ?? '')
    .split('/')
    .filter((p) => p.length >= 8);
  for (const part of [...parts, ...sent]) body = body.replaceAll(part, '');
  return body;
}

/** Calls every GET route as every user of each tenant, aimed at the other tenant's records. */
async function sweepGets(): Promise<{ problems: string[]; calls: number }> {
  const problems: string[] = [];
  let calls = 0;
  for (const route of w.node.routes.filter((r) => r.method === 'GET')) {
    for (const me of TENANTS) {
      const them = w.t[other(me)];
      const filled = fillRoute(route.url, them);
      if ('error' in filled) {
        problems.push(filled.error);
        continue;
      }
      // The API's routes also get `?tenant=` naming the other tenant: only the node operator may use it.
      const urls = filled.url.startsWith('/api/') ? [filled.url, `${filled.url}?tenant=${them.tenant}`] : [filled.url];
      for (const role of ROLES) {
        for (const url of urls) {
          const a = await call(w.t[me].as[role], 'GET', url);
          calls += 1;
          if (a.status >= 500) problems.push(`${me}/${role} GET ${url}: ${a.status}`);
          const body = withoutEcho(a, url, sentBy[me]);
          const found = traces(them).filter((t) => body.includes(t));
          if (found.length > 0) problems.push(`${me}/${role} GET ${url} (${a.status}) shows ${found.join(', ')}`);
          if (recordParamsOf(route.url).length > 0 && a.status < 300 && !isOwnUpsert(me, url)) {
            problems.push(`${me}/${role} GET ${url}: ${a.status} on the other tenant's record`);
          }
        }
      }
    }
  }
  return { problems, calls };
}

/** Runs `attempts` as `me` and reports what changed in the other tenant's view, or leaked. */
async function changesOf(me: Tenant, attempts: () => Promise<string[]>): Promise<string[]> {
  const them = w.t[other(me)];
  const before = await snapshot(w.node.routes, them, CHANGES_BY_ITSELF, pins);
  const problems = await attempts();
  const after = await snapshot(w.node.routes, them, CHANGES_BY_ITSELF, pins);
  for (const [url, v] of before) {
    if (after.get(url) !== v) problems.push(`${me} changed what ${them.tenant} sees at GET ${url}`);
  }
  expect(before.size).toBeGreaterThan(40);
  return problems;
}

describe('tenant isolation on a real node', () => {
  it('has both tenants seeded in every domain', () => {
    for (const t of TENANTS) {
      for (const k of ['eventId', 'alertId', 'incidentId', 'caseId', 'indicatorId', 'suggestionId', 'tokenId']) {
        expect(w.t[t].ids[k], `${t} ${k}`).toBeTruthy();
      }
    }
    expect(w.t.globex.ids['peerId']).toMatch(/^[0-9a-f]{32}$/);
    expect(w.node.routes.length).toBeGreaterThan(100);
  });

  it("no GET route shows a tenant's users anything of the other tenant", async () => {
    const { problems, calls } = await sweepGets();
    expect(problems).toEqual([]);
    expect(calls).toBeGreaterThan(w.node.routes.filter((r) => r.method === 'GET').length * 6);
  });

  it('every GET route that holds tenant data shows its owner that data (so the sweep is not vacuous)', async () => {
    const blind: string[] = [];
    const exempt = new Set([...NO_TENANT_DATA, ...NUMBERS_ONLY, ...NEEDS_A_PEER]);
    for (const route of w.node.routes.filter((r) => r.method === 'GET' && !exempt.has(r.url))) {
      for (const me of TENANTS) {
        // The federation acts for globex alone.
        if (me === 'acme' && isFederationView(route.url)) continue;
        const d = w.t[me];
        const filled = fillRoute(route.url, d);
        if ('error' in filled) {
          blind.push(filled.error);
          continue;
        }
        const a = await call(d.as.admin, 'GET', filled.url);
        const body = withoutEcho(a, filled.url);
        if (!traces(d).some((t) => body.includes(t))) blind.push(`${me} GET ${filled.url} (${a.status})`);
      }
    }
    expect(blind, 'seed data for these routes, or classify them in routes.ts').toEqual([]);
    // The `?tenant=` that tenant users are refused works for the node operator.
    for (const url of ['/api/cases?tenant=globex', '/api/users?tenant=globex', '/api/federation/peers?tenant=globex']) {
      const a = await call(w.operator, 'GET', url);
      expect(a.status, url).toBe(200);
      expect(
        traces(w.t.globex).some((t) => a.text.includes(t)),
        url,
      ).toBe(true);
    }
  });

  it("no mutating route changes the other tenant's records through its path", async () => {
    // Upserts by name (PUT) last: they may create the caller's own record under the other's key.
    const mutating = w.node.routes
      .filter((r) => r.method !== 'GET' && paramsOf(r.url).length > 0)
      .sort((a, b) => Number(a.method === 'PUT') - Number(b.method === 'PUT'));
    expect(mutating.length).toBeGreaterThan(30);
    for (const me of TENANTS) {
      const them = w.t[other(me)];
      const problems = await changesOf(me, async () => {
        const out: string[] = [];
        for (const route of mutating) {
          const key = `${route.method} ${route.url}`;
          const filled = fillRoute(route.url, them);
          if (!(key in BODIES)) out.push(`no body for ${key}: add one to BODIES`);
          else if ('error' in filled) out.push(filled.error);
          else {
            for (const [i, part] of filled.url.split('/').entries()) {
              if (part !== route.url.split('/')[i]) sentBy[me].add(decodeURIComponent(part));
            }
            const url = `${filled.url}${queryFor(route)}`;
            const a = await call(w.t[me].as.admin, route.method, url, BODIES[key]);
            // An upsert may create the caller's own record; anything else must be refused.
            if (a.status >= 500 || (!UPSERTS.has(key) && a.status !== 403 && a.status !== 404)) {
              out.push(`${me} ${route.method} ${url}: ${a.status} ${a.text.slice(0, 160)}`);
            }
            if (UPSERTS.has(key) && a.status < 300) upserted[me].set(filled.url, key);
            const body = withoutEcho(a, url);
            const found = traces(them).filter((t) => body.includes(t));
            if (found.length > 0) out.push(`${me} ${route.method} ${url} shows ${found.join(', ')}`);
          }
        }
        return out;
      });
      expect(problems).toEqual([]);
      // What the caller reads back at an upserted URL is its own record (what it sent), nothing of the other's.
      const readable = [...upserted[me]].filter(([, key]) =>
        w.node.routes.some((r) => r.method === 'GET' && `PUT ${r.url}` === key),
      );
      for (const [url] of readable) {
        const a = await call(w.t[me].as.admin, 'GET', url);
        expect(a.status, url).toBe(200);
        expect(a.text, url).toContain('taken');
        expect(
          traces(them).filter((t) => withoutEcho(a, url).includes(t)),
          url,
        ).toEqual([]);
      }
      expect(readable.map(([, key]) => key)).toContain('PUT /api/cascade/graphs/:name');
    }
  });

  it('ids of the other tenant slipped into request bodies, and new data of this one, reach nothing of it', async () => {
    for (const me of TENANTS) {
      const mine = w.t[me];
      const them = w.t[other(me)];
      const own = (k: string) => mine.ids[k] ?? '';
      const theirs = (k: string) => {
        const v = them.ids[k] ?? '';
        sentBy[me].add(v);
        return v;
      };
      const attempts: [string, string, unknown][] = [
        ['POST', '/api/triage/alerts/status', { ids: [theirs('alertId')], status: 'closed', reason: 'x' }],
        ['POST', '/api/incidents/status', { ids: [theirs('incidentId')], status: 'closed' }],
        ['POST', '/api/cases', { title: `${mine.mark} linked`, incidents: [theirs('incidentId')] }],
        ['POST', `/api/cases/${own('caseId')}/incidents`, { incidents: [theirs('incidentId')] }],
        ['POST', `/api/cases/${own('caseId')}/tasks/template`, { key: theirs('templateKey') }],
        ['POST', `/api/incidents/${own('incidentId')}/split`, { alertIds: [theirs('alertId')] }],
        ['POST', '/api/tokens', { name: 'borrowed', user: theirs('adminName') }],
        ['POST', '/api/federation/feedback', { indicator: theirs('indicatorId'), verdict: 'false-positive' }],
        ['POST', '/api/federation/share', { ids: [theirs('indicatorId')] }],
        ['POST', `/api/cases/${own('caseId')}/observables`, { kind: 'domain', value: SHARED_DOMAIN }],
        ['POST', `/api/cases/${own('caseId')}/observables/enrich`, undefined],
        [
          'POST',
          '/api/privacy/reidentify',
          { pseudonym: theirs('pseudonym'), caseId: own('caseId'), reason: 'borrowed pseudonym of the other tenant' },
        ],
        // Erasure is scoped to the caller's tenant: the other tenant's account keeps its records.
        ['POST', '/api/privacy/erase', { subject: `user:${theirs('personalValue')}`, reason: 'not ours to erase' }],
      ];
      const problems = await changesOf(me, async () => {
        const out: string[] = [];
        for (const [method, url, body] of attempts) {
          const a = await call(mine.as.admin, method, url, body);
          if (a.status >= 500) out.push(`${me} ${method} ${url}: ${a.status}`);
          const text = withoutEcho(a, url, sentBy[me]);
          const found = traces(them).filter((t) => text.includes(t));
          if (found.length > 0) out.push(`${me} ${method} ${url} (${a.status}) shows ${found.join(', ')}`);
        }
        // New events, alerts and incidents of this tenant must not move the other's counts either.
        out.push(...(await ingestMore(mine)));
        return out;
      });
      expect(problems).toEqual([]);
    }
    // Whatever those calls stored on the caller's side holds nothing of the other tenant either.
    const { problems } = await sweepGets();
    expect(problems).toEqual([]);
  });

  it("the live alert stream carries only the caller's tenant's alerts", async () => {
    for (const me of TENANTS) {
      const them = w.t[other(me)];
      const stream = await openStream(w.t[me].as.viewer, '/api/alerts/stream');
      try {
        // The other tenant's alert is committed (and published) before this tenant's own.
        expect(await ingestMore(them)).toEqual([]);
        expect(await ingestMore(w.t[me])).toEqual([]);
        const text = await stream.readUntil((t) => t.includes(w.t[me].mark));
        expect(traces(them).filter((t) => text.includes(t))).toEqual([]);
      } finally {
        stream.close();
      }
    }
  });

  it("the live stream of response runs carries only the caller's tenant's runs", async () => {
    for (const me of TENANTS) {
      const mine = w.t[me];
      const them = w.t[other(me)];
      const stream = await openStream(mine.as.viewer, '/api/respond/stream');
      try {
        // A run of the other tenant starts (and is published) before this tenant's own.
        const start = async (d: TenantData): Promise<string> => {
          const r = await call(d.as.analyst, 'POST', '/api/respond/runs', {
            playbook: d.ids['playbookId'],
            dryRun: true,
          });
          expect(r.status, r.text).toBe(200);
          return String((r.json as { id: string }).id);
        };
        const theirs = await start(them);
        const own = await start(mine);
        const text = await stream.readUntil((t) => t.includes(own));
        expect(text).toContain(mine.mark);
        expect([...traces(them), theirs].filter((t) => text.includes(t))).toEqual([]);
      } finally {
        stream.close();
      }
    }
  });
});
