/**
 * How the sweep fills a route's path parameters with another tenant's ids, and which routes carry
 * no tenant data at all. A route the tables do not cover fails the sweep with a message saying
 * what to add, so a new route cannot slip past it.
 */
import type { TenantData } from './world.js';

/** Path parameters of `url` (`:name` segments and a trailing `*`). */
export function paramsOf(url: string): string[] {
  const names = [...url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1] as string);
  return url.endsWith('*') ? [...names, '*'] : names;
}

/** Parameters that name a namespace every tenant shares (a TAXII API root, a NIS2 report kind), not a record. */
const SHARED_PARAMS = new Set(['root', 'kind', '*']);

/** Path parameters of `url` that name one tenant's record. */
export function recordParamsOf(url: string): string[] {
  return paramsOf(url).filter((p) => !SHARED_PARAMS.has(p));
}

/** Values for the parameters of routes under a prefix, taken from the owner's records. */
const FILLS: readonly [RegExp, (ids: Record<string, string>, d: TenantData) => Record<string, string>][] = [
  [/^\/api\/events\/:id(\/process-tree)?$/, (i) => ({ id: i['eventId'] ?? '' })],
  [/^\/api\/triage\/alerts\/:id$/, (i) => ({ id: i['alertId'] ?? '' })],
  [/^\/api\/incidents\/:id/, (i) => ({ id: i['incidentId'] ?? '' })],
  [
    /^\/api\/cases\/:id/,
    (i) => ({
      id: i['caseId'] ?? '',
      taskId: i['taskId'] ?? '',
      obsId: i['obsId'] ?? '',
      noteId: i['noteId'] ?? '',
      attId: i['attId'] ?? '',
      kind: 'early-warning',
    }),
  ],
  [/^\/api\/intel\/objects\/:id$/, (i) => ({ id: i['indicatorId'] ?? '' })],
  [/^\/api\/federation\/peers\/:id/, (i) => ({ id: i['peerId'] ?? 'f'.repeat(32) })],
  [/^\/api\/federation\/(provenance|quarantine)\/:id$/, (i) => ({ id: i['indicatorId'] ?? '' })],
  [/^\/api\/federation\/groups\/:name$/, (i) => ({ name: i['groupName'] ?? 'no-group' })],
  [/^\/api\/federation\/communities\/:name\/key$/, (i) => ({ name: i['communityName'] ?? 'no-community' })],
  [/^\/api\/tokens\/:id$/, (i) => ({ id: i['tokenId'] ?? '' })],
  [/^\/api\/users\/:name$/, (_i, d) => ({ name: `${d.tenant}-admin` })],
  [/^\/api\/tenants\/:name$/, (_i, d) => ({ name: d.tenant })],
  [/^\/api\/rules\/:key$/, (i) => ({ key: i['ruleKey'] ?? '' })],
  [/^\/api\/assets\/:kind\/:name$/, (i) => ({ kind: 'host', name: i['assetName'] ?? '' })],
  // A host page: the host of the tenant's events, alerts, incident and asset entry.
  [/^\/api\/entities\/:kind\/:name$/, (i) => ({ kind: 'host', name: i['assetName'] ?? '' })],
  [/^\/api\/case-templates\/:key$/, (i) => ({ key: i['templateKey'] ?? '' })],
  [/^\/api\/feedback\/suggestions\/:sid$/, (i) => ({ sid: i['suggestionId'] ?? '' })],
  [/^\/api\/cascade\/graphs\/:name/, (i) => ({ name: i['cascadeGraph'] ?? '' })],
  [/^\/api\/reports\/:id/, (i) => ({ id: i['reportId'] ?? '' })],
  [/^\/api\/ml\/models\/:name/, (i) => ({ name: i['modelName'] ?? '' })],
  [/^\/api\/respond\/playbooks\/:id/, (i) => ({ id: i['playbookId'] ?? '' })],
  [
    /^\/api\/respond\/runs\/:id/,
    (i) => ({ id: i['runId'] ?? '', step: i['stepId'] ?? '', action: i['actionSeq'] ?? '' }),
  ],
  [/^\/api\/cascade\/incidents\/:id$/, (i) => ({ id: i['cascadeIncidentId'] ?? '' })],
  [/^\/api\/privacy\/reidentify\/:id/, (i) => ({ id: i['reidentificationId'] ?? '' })],
  [/^\/taxii2\/:root\/status\/:id\/$/, (i) => ({ root: 'default', id: i['taxiiStatusId'] ?? '' })],
  [/^\/taxii2\/:root\//, (i, d) => ({ root: 'default', cid: `intel-${d.tenant}`, oid: i['taxiiObjectId'] ?? '' })],
  [/^\/api\/training\/exercises\/:id/, (i) => ({ id: i['exerciseId'] ?? '' })],
  [/^\/api\/training\/runs\/:run/, (i) => ({ run: i['trainingRunId'] ?? '', level: '1' })],
  [/^\/api\/training\/trainees\/:trainee/, (i) => ({ trainee: i['traineeName'] ?? '' })],
  [/^\/\*$/, (_i, d) => ({ '*': `cases/${d.ids['caseId'] ?? ''}` })],
];

/**
 * The route with its parameters set to `owner`'s records, or an error naming what is missing.
 */
export function fillRoute(url: string, owner: TenantData): { url: string } | { error: string } {
  const params = paramsOf(url);
  if (params.length === 0) return { url };
  const fill = FILLS.find(([re]) => re.test(url));
  if (!fill) return { error: `no ${owner.tenant} value for ${params.join(', ')} of ${url}: add it to FILLS` };
  const values = fill[1](owner.ids, owner);
  let out = url;
  for (const p of params) {
    const v = values[p];
    if (v === undefined || v === '') return { error: `no ${owner.tenant} value for :${p} of ${url}` };
    out = p === '*' ? out.slice(0, -1) + v : out.replace(`:${p}`, encodeURIComponent(v));
  }
  return { url: out };
}

/**
 * GET routes that hold nothing of any tenant, so their owner sees no marker there either: the
 * API description, health, node-wide metrics (operator only), node status, the dashboard's static
 * files, the TAXII discovery documents, the federation's peer-facing endpoints, the audit chain's
 * verdict and the live streams of alerts and of response runs (each read by its own test).
 */
export const NO_TENANT_DATA: ReadonlySet<string> = new Set([
  '/api/docs',
  '/api/health',
  '/metrics',
  '/api/node/status',
  '/',
  '/*',
  '/taxii2',
  '/taxii2/:root/',
  '/federation/v1/card',
  '/federation/v1/lookup/set',
  '/api/audit/verify',
  '/api/alerts/stream',
  // Server-Sent Events of the tenant's runs, read by their own test.
  '/api/respond/stream',
  '/api/cascade/sectors',
  // the personal-data inventory: node configuration (tenants' extensions are configuration too)
  '/api/privacy/inventory',
]);

/**
 * GET routes whose answers hold a tenant's data only as numbers and times (counts, buckets,
 * deadlines, versions), so no marker can show in them. A leak there shows as a changed number:
 * the sweep checks that they do not move when the other tenant adds data.
 */
export const NUMBERS_ONLY: ReadonlySet<string> = new Set([
  '/api/incidents/counts',
  '/api/cases/metrics',
  '/api/events/histogram',
  '/api/attack/coverage',
  '/api/nis2/deadlines',
  '/api/cases/:id/nis2',
  '/taxii2/:root/collections/:cid/objects/:oid/versions/',
  // forecasts are counts; predictions name ATT&CK techniques and the node's rules for them
  // model versions of a tenant: names and figures
  '/api/reports/models',
  // a model's input drift: PSI figures per feature of the model's own schema
  '/api/ml/models/:name/drift',
  '/api/incidents/:id/next',
  '/api/forecast/series',
  '/api/forecast/detail',
  '/api/forecast/warnings',
  '/api/forecast/predict',
  '/api/forecast/sector/export',
]);

/** Views of the node's federation, which acts for one tenant (the others are refused or told so). */
export function isFederationView(url: string): boolean {
  return url.startsWith('/api/federation/') || url === '/api/soc-network';
}

/**
 * Federation views filled only by another node (requests refused, objects received, quarantined
 * or sighted). The
 * sweep still checks that other tenants are refused there; tests/federation runs real peers.
 */
export const NEEDS_A_PEER: ReadonlySet<string> = new Set([
  '/api/federation/rejections',
  '/api/federation/quarantine',
  '/api/federation/sightings',
  '/api/federation/provenance/:id',
  // Sector counts are what member SOCs share with a national node.
  '/api/forecast/sector',
  // Cascade warnings are sent to and received from peer SOCs (tests/federation/cascade.test.ts).
  '/api/cascade/warnings',
]);
