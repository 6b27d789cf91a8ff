/**
 * Bodies for the mutating routes, valid for their schemas, so that a refusal of another tenant's
 * record is a refusal of the record and not of the body; and how to snapshot a tenant's view to
 * show that nothing of it changed.
 */
import type { RunningNode } from '@intersoc/node';
import { call, type Caller, type RawBody } from './http.js';
import { fillRoute } from './routes.js';
import type { TenantData } from './world.js';

type RouteInfo = RunningNode['routes'][number];

const NOW = '2026-01-02T03:04:05Z';

/** A valid body per mutating route with path parameters (`undefined`: the route takes none). */
export const BODIES: Readonly<Record<string, unknown>> = {
  'PATCH /api/tenants/:name': { displayName: 'taken over' },
  'PATCH /api/users/:name': { disabled: true },
  'DELETE /api/tokens/:id': undefined,
  'DELETE /api/federation/peers/:id': undefined,
  'POST /api/federation/peers/:id/revoke': undefined,
  'PUT /api/federation/peers/:id/trust': { reliability: 'F' },
  'POST /api/federation/quarantine/:id': { decision: 'released' },
  'PUT /api/federation/groups/:name': { members: ['f'.repeat(32)] },
  'PUT /api/federation/communities/:name/key': { key: 'cd'.repeat(32) },
  'PATCH /api/rules/:key': { enabled: false },
  'POST /api/incidents/:id/split': { alertIds: ['not-an-alert-of-this-tenant'] },
  'DELETE /api/assets/:kind/:name': undefined,
  'PATCH /api/cases/:id': { title: 'taken over' },
  'POST /api/cases/:id/transition': { status: 'closed', resolution: 'benign' },
  'POST /api/cases/:id/incidents': { incidents: ['not-an-incident'] },
  'POST /api/cases/:id/tasks': { title: 'taken over' },
  'POST /api/cases/:id/tasks/template': {},
  'PATCH /api/cases/:id/tasks/:taskId': { status: 'done' },
  'PUT /api/cases/:id/tasks/order': { tasks: ['taken-over'] },
  'POST /api/cases/:id/tasks/:taskId/logs': { text: 'taken over' },
  'POST /api/cases/:id/observables': { kind: 'domain', value: 'taken-over.example' },
  'POST /api/cases/:id/observables/enrich': undefined,
  'PATCH /api/cases/:id/observables/:obsId': { ioc: false },
  'DELETE /api/cases/:id/observables/:obsId': undefined,
  'POST /api/cases/:id/comments': { text: 'taken over' },
  'POST /api/cases/:id/notes': { time: NOW, text: 'taken over' },
  'DELETE /api/cases/:id/notes/:noteId': undefined,
  'POST /api/cases/:id/nis2/:kind/submitted': { at: NOW },
  'POST /api/cases/:id/attachments': { raw: 'taken over', type: 'text/plain' } satisfies RawBody,
  'PUT /api/case-templates/:key': { name: 'taken over', tasks: [{ title: 'taken over', group: 'triage' }] },
  'DELETE /api/case-templates/:key': undefined,
  'POST /api/feedback/suggestions/:sid': { accept: true },
  'PUT /api/cascade/graphs/:name': { format: 'json', content: { dependencies: [{ source: 'taken', target: 'over' }] } },
  'DELETE /api/cascade/graphs/:name': undefined,
  'POST /api/ml/models/:name/deploy': {},
  'POST /api/ml/models/:name/retire': {},
  'POST /api/ml/models/:name/retrain': {},
  'POST /api/reports/:id/review': { decisions: [{ item: 'i1', decision: 'reject' }], add: [] },
  'POST /api/reports/:id/publish': undefined,
  'DELETE /api/reports/:id': undefined,
  'POST /api/cascade/graphs/:name/whatif': { fail: ['taken-over'] },
  'POST /api/cascade/graphs/:name/share': undefined,
  'PUT /api/incidents/:id/category': { category: 'intrusions/system-compromise', tactic: 'none' },
  'POST /api/respond/playbooks/:id/sign': undefined,
  'POST /api/respond/playbooks/:id/verify': undefined,
  'POST /api/respond/playbooks/:id/share': { tlp: 'green' },
  'POST /api/respond/runs/:id/steps/:step/approve': { reason: 'taken over' },
  'POST /api/respond/runs/:id/steps/:step/deny': { reason: 'taken over' },
  'POST /api/respond/runs/:id/steps/:step/answer': { values: { __answer__: 'taken over' } },
  'POST /api/respond/runs/:id/steps/:step/resolve': { resolution: 'done' },
  'POST /api/respond/runs/:id/cancel': { reason: 'taken over' },
  'POST /api/respond/runs/:id/rollback': undefined,
  'POST /api/respond/runs/:id/actions/:action/extend': { ms: 3_600_000 },
  'POST /api/training/runs/:run/levels/:level/answer': { answer: 'taken over' },
  'POST /api/training/runs/:run/levels/:level/hint': undefined,
  'POST /api/training/runs/:run/levels/:level/solution': undefined,
  'POST /api/training/runs/:run/access': { password: 'taken-over-password-1' },
  'POST /api/privacy/reidentify/:id/decision': { approve: true },
  'DELETE /taxii2/:root/collections/:cid/objects/:oid/': undefined,
  'POST /taxii2/:root/collections/:cid/objects/': { raw: '{"objects":[]}', type: 'application/taxii+json;version=2.1' },
};

/**
 * PUT routes that create or replace a record under a key the caller chooses (names are per
 * tenant): aimed at the other tenant's key they may create the caller's own record of that name.
 * Every other mutating route must refuse the other tenant's ids.
 */
export const UPSERTS: ReadonlySet<string> = new Set([
  'PUT /api/case-templates/:key',
  'PUT /api/cascade/graphs/:name',
  'PUT /api/federation/groups/:name',
  'PUT /api/federation/communities/:name/key',
]);

/** Extra query a route needs besides its path (the attachment's name). */
export function queryFor(route: RouteInfo): string {
  return route.url.endsWith('/attachments') ? '?name=taken-over.txt' : '';
}

/** Keys whose values change on their own (clocks, usage stamps, live rate samples), left out of snapshots. */
const VOLATILE = new Set(['lastUsed', 'remainingMs', 'uptimeSeconds', 'generated', 'rate']);

function stable(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), (k, v: unknown) => (VOLATILE.has(k) ? undefined : v));
  } catch {
    return text;
  }
}

/**
 * A query that pins the time window of each GET route that takes `from` and `to` (read from the
 * node's OpenAPI document), so summaries over "the last hours" can be compared between two calls.
 */
export async function windowPins(base: string, from: number, to: number): Promise<Map<string, string>> {
  const res = await fetch(`${base}/api/docs`);
  const doc = (await res.json()) as {
    paths: Record<string, { get?: { parameters?: { in: string; name: string }[] } }>;
  };
  const pins = new Map<string, string>();
  for (const [p, ops] of Object.entries(doc.paths)) {
    const names = new Set((ops.get?.parameters ?? []).filter((x) => x.in === 'query').map((x) => x.name));
    if (names.has('from') && names.has('to')) {
      pins.set(
        p.replace(/\{([^}]+)\}/g, ':$1'),
        `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`,
      );
    }
  }
  return pins;
}

/** What `owner`'s admin sees on every GET route, by URL, except the routes in `skip`. */
export async function snapshot(
  routes: readonly RouteInfo[],
  owner: TenantData,
  skip: ReadonlySet<string>,
  pins: ReadonlyMap<string, string>,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const who: Caller = owner.as.admin;
  for (const r of routes) {
    if (r.method !== 'GET' || skip.has(r.url)) continue;
    const filled = fillRoute(r.url, owner);
    if ('error' in filled) continue;
    const pin = pins.get(r.url);
    const url = pin === undefined ? filled.url : `${filled.url}?${pin}`;
    const a = await call(who, 'GET', url);
    out.set(url, `${a.status} ${stable(a.text)}`);
  }
  return out;
}
