/**
 * Two tenants on one real node (SQLite stores in a temporary folder, the node composed by
 * `startNode` as `intersoc serve` composes it), each with data in every domain, created through
 * the API the way users create it. Every record of a tenant carries that tenant's marker, so a
 * leak shows as the other tenant's marker (or one of its ids) in an answer.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigSchema, DEFAULT_TENANT, systemContext } from '@intersoc/core';
import { cardOf, initIdentity } from '@intersoc/federation';
import { deployModel, startNode, trainAndStore, type RunningNode } from '@intersoc/node';
import { NODE_DB_FILE, openDatabase, openSqliteAuthStores } from '@intersoc/storage';
import { call, until, type Caller } from './http.js';

/** The two tenants. `globex` is also the node's federation tenant. */
export const TENANTS = ['acme', 'globex'] as const;
export type Tenant = (typeof TENANTS)[number];
/** Markers written into every record of a tenant (letters outside hex, so no random id contains one). */
export const MARK: Readonly<Record<Tenant, string>> = { acme: 'acmeqzmark', globex: 'globexqzmark' };
export const ROLES = ['admin', 'analyst', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** What one tenant holds: its callers and the ids of its records. */
export interface TenantData {
  readonly tenant: Tenant;
  readonly mark: string;
  readonly as: Readonly<Record<Role, Caller>>;
  /** Ids of the tenant's records, by kind (see `seedTenant`). */
  readonly ids: Record<string, string>;
}

/** The node and both tenants. */
export interface World {
  readonly node: RunningNode;
  readonly dir: string;
  readonly t: Readonly<Record<Tenant, TenantData>>;
  /** The node operator (admin of the default tenant), who may act for any tenant with `?tenant=`. */
  readonly operator: Caller;
  close(): Promise<void>;
}

/** A Sigma rule that fires on the tenant's marker and names it, with a tenant-specific id. */
function ruleYaml(tenant: Tenant, id: string): string {
  return [
    `title: ${MARK[tenant]} credential theft`,
    `id: ${id}`,
    'status: experimental',
    `description: fires on events that carry ${MARK[tenant]}`,
    'tags: [attack.credential_access, attack.t1003]',
    'logsource: { product: isolation }',
    `detection: { selection: { message|contains: ${MARK[tenant]} }, condition: selection }`,
    'level: high',
    '',
  ].join('\n');
}

/** Rule ids, one per tenant. */
export const RULE_ID: Readonly<Record<Tenant, string>> = {
  acme: '5a1b2c3d-0000-4000-8000-00000000a0e0',
  globex: '5a1b2c3d-0000-4000-8000-0000000091b0',
};

/** Provisions tenants, users, tokens, rule packs and the federation identity before the node starts. */
async function provision(dir: string): Promise<{ tokens: Record<Tenant, Record<Role, string>>; operator: string }> {
  initIdentity(dir, { name: 'isolation-node', sector: 'energy', country: 'DE' });
  writeFileSync(path.join(dir, 'federation.json'), JSON.stringify({ tenant: 'globex', syncIntervalSeconds: 86_400 }));
  const db = openDatabase(path.join(dir, NODE_DB_FILE));
  const stores = openSqliteAuthStores(db);
  const tokens = {} as Record<Tenant, Record<Role, string>>;
  for (const tenant of TENANTS) {
    await stores.tenants.create(systemContext(DEFAULT_TENANT), { name: tenant, displayName: `${MARK[tenant]} corp` });
    tokens[tenant] = {} as Record<Role, string>;
    for (const role of ROLES) {
      const name = `${tenant}-${role}`;
      await stores.users.create(systemContext(tenant), { name, role });
      tokens[tenant][role] = (await stores.tokens.create(systemContext(tenant), { user: name, name: 'sweep' })).secret;
    }
    const pack = path.join(dir, 'rules', tenant, 'packs', 'marker');
    mkdirSync(pack, { recursive: true });
    writeFileSync(path.join(pack, 'marker.yml'), ruleYaml(tenant, RULE_ID[tenant]));
  }
  const op = systemContext(DEFAULT_TENANT);
  await stores.users.create(op, { name: 'operator', role: 'admin' });
  const operator = (await stores.tokens.create(op, { user: 'operator', name: 'sweep' })).secret;
  db.close();
  return { tokens, operator };
}

/** A domain both tenants hold an indicator for: enriching it must find only the caller's own. */
export const SHARED_DOMAIN = 'evil-shared.example';

/** A STIX indicator of the tenant, with a fixed id. */
function indicator(tenant: Tenant, id: string, what: string, domain: string): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id,
    created: '2026-01-01T00:00:00.000Z',
    modified: '2026-01-01T00:00:00.000Z',
    name: `${MARK[tenant]} ${what}`,
    pattern: `[domain-name:value = '${domain}']`,
    pattern_type: 'stix',
    valid_from: '2026-01-01T00:00:00Z',
    confidence: 80,
  };
}

/**
 * A response playbook of the tenant: start → block an indicator (an acting command, so it waits
 * for one approver) → end, with the tenant's marker in its name, description and command, and
 * tenant-specific ids.
 */
function playbook(tenant: Tenant, suffix: string): { doc: Record<string, unknown>; step: string } {
  const id = (type: string) => `${type}--8a3e4d5b-0000-4000-8000-${suffix}`;
  const [start, act, end, agent] = [id('start'), id('action'), id('end'), id('individual')];
  return {
    step: act,
    doc: {
      type: 'playbook',
      spec_version: 'cacao-2.0',
      id: id('playbook'),
      name: `${MARK[tenant]} containment`,
      description: `blocks what ${MARK[tenant]} saw`,
      created_by: id('identity'),
      created: '2026-01-01T00:00:00.000Z',
      modified: '2026-01-01T00:00:00.000Z',
      workflow_start: start,
      workflow: {
        [start]: { type: 'start', on_completion: act },
        [act]: {
          type: 'action',
          name: `${MARK[tenant]} block`,
          commands: [
            {
              type: 'intersoc',
              command: 'block-indicator',
              content: JSON.stringify({
                pattern: `[domain-name:value = '${MARK[tenant]}-blocked.example']`,
                name: `${MARK[tenant]} blocked domain`,
              }),
            },
          ],
          agent,
          on_completion: end,
        },
        [end]: { type: 'end' },
      },
      agent_definitions: { [agent]: { type: 'individual', name: `${MARK[tenant]} duty analyst` } },
    },
  };
}

/** Creates the tenant's records through the API and returns their ids. */
async function seedTenant(d: TenantData, peerCard: Record<string, unknown>): Promise<void> {
  const { tenant, mark, ids } = d;
  ids['adminName'] = `${tenant}-admin`;
  const { admin, analyst } = d.as;
  const suffix = tenant === 'acme' ? 'aaaaaaaaaaaa' : 'bbbbbbbbbbbb';
  ids['indicatorId'] = `indicator--6f1d3c2a-0000-4000-8000-${suffix}`;
  ids['taxiiObjectId'] = `indicator--7e2d3c2a-0000-4000-8000-${suffix}`;
  const now = new Date().toISOString();
  // Two hosts: two incidents, one for the working case and one for a case closed as a false positive.
  const event = (n: number, host: string) =>
    JSON.stringify({
      '@timestamp': now,
      logsource: { product: 'isolation' },
      message: `logon ${n} by ${mark}`,
      host: { name: `${mark}-${host}` },
      user: { name: `${mark}-${host}-user` },
    });
  // A dependency graph whose substation is the tenant's host: its incident gets a cascade impact.
  ids['cascadeGraph'] = `${mark}-graph`;
  const graph = await call(analyst, 'PUT', `/api/cascade/graphs/${ids['cascadeGraph']}`, {
    format: 'json',
    content: {
      entities: [{ id: `${mark}-substation`, name: `${mark} substation`, asset: `${mark}-host` }],
      dependencies: [{ source: `${mark}-telecom`, target: `${mark}-substation` }],
    },
  });
  if (graph.status !== 200) throw new Error(`cascade graph: ${graph.status} ${graph.text}`);
  // A threat report whose sentences, items and STIX carry the marker.
  const report = await call(analyst, 'POST', `/api/reports?name=${mark}.txt&tlp=amber`, {
    raw: `The ${mark} actor used Mimikatz to dump credentials from LSASS memory on ${mark}-host.example.`,
    type: 'text/plain',
  });
  if (report.status !== 201) throw new Error(`report: ${report.status} ${report.text}`);
  ids['reportId'] = (report.json as { summary: { id: string } }).summary.id;
  const ingest = await call(analyst, 'POST', '/api/ingest?format=json', {
    raw: `${event(1, 'host')}\n${event(2, 'host')}\n${event(3, 'kiosk')}\n{not json ${mark}\n`,
    type: 'application/x-ndjson',
  });
  if (ingest.status !== 202) throw new Error(`ingest: ${ingest.status} ${ingest.text}`);
  const alerts = await until(async () => {
    const r = await call(analyst, 'GET', '/api/triage/alerts');
    const items = (r.json as { items?: { alert: { id: string } }[] }).items ?? [];
    return items.length >= 3 ? items : undefined;
  }, `alerts of ${tenant}`);
  ids['alertId'] = alerts[0]?.alert.id ?? '';
  ids['eventId'] = await until(async () => {
    const r = await call(analyst, 'GET', `/api/events?q=${mark}`);
    return (r.json as { items?: { id: string }[] }).items?.[0]?.id;
  }, `events of ${tenant}`);
  const incidents = await until(async () => {
    const r = await call(analyst, 'GET', '/api/incidents');
    const items = (r.json as { items?: { id: string; alertCount?: number }[] }).items ?? [];
    return items.length >= 2 ? items : undefined;
  }, `incidents of ${tenant}`);
  ids['incidentId'] = incidents[0]?.id ?? '';
  ids['cascadeIncidentId'] = await until(async () => {
    for (const i of incidents) {
      const r = await call(analyst, 'GET', `/api/cascade/incidents/${i.id}`);
      if (r.status === 200) return i.id;
    }
    return undefined;
  }, `the cascade impact of an incident of ${tenant}`);
  ids['incidentFpId'] = incidents[1]?.id ?? '';
  const must = async (method: string, url: string, body?: unknown, raw?: { raw: string; type: string }) => {
    const r = await call(admin, method, url, raw ?? body);
    if (r.status >= 300) throw new Error(`${tenant} ${method} ${url}: ${r.status} ${r.text}`);
    return r.json as Record<string, unknown>;
  };
  await must('POST', '/api/triage/alerts/status', {
    ids: [ids['alertId']],
    status: 'acknowledged',
    reason: `${mark} triage`,
  });
  await must('POST', '/api/intel/import', {
    type: 'bundle',
    id: `bundle--6f1d3c2a-0000-4000-8000-${suffix}`,
    objects: [indicator(tenant, ids['indicatorId'], 'imported', SHARED_DOMAIN)],
  });
  const status = await must('POST', `/taxii2/default/collections/intel-${tenant}/objects/`, undefined, {
    raw: JSON.stringify({ objects: [indicator(tenant, ids['taxiiObjectId'], 'taxii', `${mark}-taxii.example`)] }),
    type: 'application/taxii+json;version=2.1',
  });
  ids['taxiiStatusId'] = String(status['id']);
  ids['ruleKey'] = RULE_ID[tenant];
  await must('PATCH', `/api/rules/${ids['ruleKey']}`, { level: 'critical' });
  ids['assetName'] = `${mark}-host`;
  await must('PUT', '/api/assets', {
    assets: [{ kind: 'host', name: ids['assetName'], criticality: 'high', owner: mark }],
  });
  ids['templateKey'] = `${mark}-playbook`;
  await must('PUT', `/api/case-templates/${ids['templateKey']}`, {
    name: `${mark} playbook`,
    tasks: [{ title: `${mark} contain`, group: 'containment' }],
  });
  const kase = await must('POST', '/api/cases', {
    title: `${mark} case`,
    description: `${mark} investigation`,
    incidents: [ids['incidentId']],
    tags: [mark],
  });
  ids['caseId'] = String(kase['id']);
  const c = `/api/cases/${ids['caseId']}`;
  ids['taskId'] = String((await must('POST', `${c}/tasks`, { title: `${mark} task` }))['id']);
  await must('POST', `${c}/tasks/${ids['taskId']}/logs`, { text: `${mark} task log` });
  await must('POST', `${c}/tasks/template`, { key: ids['templateKey'] });
  ids['obsId'] = String(
    (await must('POST', `${c}/observables`, { kind: 'domain', value: SHARED_DOMAIN, tags: [mark] }))['id'],
  );
  await must('POST', `${c}/observables/enrich`);
  await must('POST', `${c}/comments`, { text: `${mark} comment` });
  ids['noteId'] = String((await must('POST', `${c}/notes`, { time: now, text: `${mark} note` }))['id']);
  ids['attId'] = String(
    (
      await must('POST', `${c}/attachments?name=${mark}.txt`, undefined, {
        raw: `${mark} evidence`,
        type: 'text/plain',
      })
    )['id'],
  );
  await must('PATCH', c, { significant: true, awareAt: Date.now() - 3_600_000 });
  await must('POST', `${c}/nis2/early-warning/submitted`, { at: now });
  // A second case, closed as a false positive, gives the rule feedback and a suggestion.
  const fp = await must('POST', '/api/cases', { title: `${mark} false alarm`, incidents: [ids['incidentFpId']] });
  await must('POST', `/api/cases/${String(fp['id'])}/transition`, { status: 'closed', resolution: 'false-positive' });
  ids['suggestionId'] = await until(async () => {
    const r = await call(admin, 'GET', '/api/feedback/suggestions');
    return (r.json as { items?: { id: string }[] }).items?.[0]?.id;
  }, `suggestions of ${tenant}`);
  // A response playbook and a run of it waiting for approval (in the inbox), never approved.
  const pb = playbook(tenant, suffix);
  ids['playbookId'] = String(pb.doc['id']);
  ids['stepId'] = pb.step;
  ids['actionSeq'] = '1';
  const added = await call(analyst, 'POST', '/api/respond/playbooks', { playbook: pb.doc });
  if (added.status !== 200) throw new Error(`playbook: ${added.status} ${added.text}`);
  const run = await call(analyst, 'POST', '/api/respond/runs', { playbook: ids['playbookId'] });
  if (run.status !== 200) throw new Error(`run: ${run.status} ${run.text}`);
  ids['runId'] = String((run.json as { id: string }).id);
  await until(async () => {
    const r = await call(analyst, 'GET', '/api/respond/inbox');
    const items = (r.json as { items?: unknown[] }).items ?? [];
    return JSON.stringify(items).includes(ids['runId'] ?? '-') ? true : undefined;
  }, `the run of ${tenant} waiting for approval`);
  ids['userName'] = `${mark}-newbie`;
  await must('POST', '/api/users', { name: ids['userName'], role: 'viewer' });
  // Training: a trainee, an exercise with the marker in its titles, a run (its own training tenant) and a wrong answer.
  ids['traineeName'] = `${mark}-trainee`;
  await must('POST', '/api/users', { name: ids['traineeName'], role: 'trainee' });
  ids['exerciseId'] = String(
    (
      await must('POST', '/api/training/exercises', {
        format: 'intersoc-exercise/1',
        title: `${mark} exercise`,
        levels: [{ type: 'question', title: `${mark} level`, max_score: 10, answers: ['x'], techniques: ['T1003'] }],
      })
    )['id'],
  );
  ids['trainingRunId'] = String(
    (await must('POST', '/api/training/runs', { exercise: ids['exerciseId'], trainee: ids['traineeName'] }))['run'],
  );
  await must('POST', `/api/training/runs/${ids['trainingRunId']}/levels/1/answer`, { answer: `${mark} guess` });
  ids['tokenId'] = String(
    ((await must('POST', '/api/tokens', { name: `${mark} token` }))['token'] as { id: string }).id,
  );
  if (tenant !== 'globex') return;
  // The federation acts for globex only.
  const peer = await must('POST', '/api/federation/peers', {
    card: peerCard,
    reliability: 'B',
    endpoint: 'http://127.0.0.1:9',
  });
  ids['peerId'] = String(peer['nodeId']);
  ids['groupName'] = `${mark}-group`;
  await must('PUT', `/api/federation/groups/${ids['groupName']}`, { members: [ids['peerId']] });
  ids['communityName'] = `${mark}-community`;
  await must('PUT', `/api/federation/communities/${ids['communityName']}/key`, { key: 'ab'.repeat(32) });
  await must('POST', '/api/federation/share', { ids: [ids['indicatorId']], tlp: 'green', distribution: 'connected' });
}

async function count(who: Caller, url: string): Promise<number> {
  return ((await call(who, 'GET', url)).json as { items?: unknown[] }).items?.length ?? 0;
}

let more = 0;

/** Ingests one more alerting event on a new host and waits for its alert and incident. */
export async function ingestMore(d: TenantData): Promise<string[]> {
  more += 1;
  const alerts = await count(d.as.analyst, '/api/triage/alerts');
  const incidents = await count(d.as.analyst, '/api/incidents');
  const record = {
    '@timestamp': new Date().toISOString(),
    logsource: { product: 'isolation' },
    message: `late logon ${more} by ${d.mark}`,
    host: { name: `${d.mark}-laptop-${more}` },
    user: { name: `${d.mark}-laptop-${more}-user` },
  };
  const r = await call(d.as.analyst, 'POST', '/api/ingest?format=json', {
    raw: JSON.stringify(record),
    type: 'application/x-ndjson',
  });
  if (r.status !== 202) return [`${d.tenant} ingest: ${r.status}`];
  await until(async () => ((await count(d.as.analyst, '/api/triage/alerts')) > alerts ? true : undefined), 'alert');
  await until(async () => ((await count(d.as.analyst, '/api/incidents')) > incidents ? true : undefined), 'incident');
  return [];
}

/**
 * A small flow model per tenant, trained as `intersoc ml train` does (models have no create
 * route), named after the tenant's marker.
 */
async function seedModel(dir: string, d: TenantData): Promise<void> {
  const lines = ['Flow Duration,Total Fwd Packet,Label'];
  for (let i = 0; i < 200; i++)
    lines.push(i % 4 === 0 ? `${5_000_000 + i},${200 + i},DoS` : `${1000 + i * 37},${2 + (i % 9)},BENIGN`);
  const file = path.join(dir, `${d.mark}-flows.csv`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  const db = openDatabase(path.join(dir, NODE_DB_FILE));
  try {
    const ctx = systemContext(d.tenant);
    d.ids['modelName'] = `${d.mark}-model`;
    await trainAndStore(ctx, db, { name: d.ids['modelName'], files: [file], algorithm: 'gbdt', rounds: 5 });
    deployModel(ctx, db, d.ids['modelName']);
  } finally {
    db.close();
  }
}

/**
 * Privacy records of a tenant: a pseudonym of its account as triage showed it (the node remembers
 * pseudonyms when a pseudonymised user sees them; the sweep's users see values, so it is written
 * as the node writes it), its re-identification for the tenant's case, and a restriction.
 */
async function seedPrivacy(dir: string, d: TenantData): Promise<void> {
  const { tenant, mark, ids } = d;
  ids['pseudonym'] = tenant === 'acme' ? 'user-0000aaaa' : 'user-0000bbbb';
  // An account of the tenant's events, which the other tenant's admin tries to erase.
  ids['personalValue'] = `${mark}-host1-user`;
  const db = openDatabase(path.join(dir, NODE_DB_FILE));
  try {
    db.prepare(
      'INSERT OR IGNORE INTO privacy_pseudonyms (tenant, pseudonym, kind, value, first_shown) VALUES (?, ?, ?, ?, ?)',
    ).run(tenant, ids['pseudonym'], 'user', ids['personalValue'], Date.now());
  } finally {
    db.close();
  }
  const re = await call(d.as.analyst, 'POST', '/api/privacy/reidentify', {
    pseudonym: ids['pseudonym'],
    caseId: ids['caseId'],
    reason: `${mark} lateral movement from this account`,
  });
  if (re.status !== 200) throw new Error(`re-identification of ${tenant}: ${re.status} ${re.text}`);
  ids['reidentificationId'] = String((re.json as { id: string }).id);
  const r = await call(d.as.admin, 'POST', '/api/privacy/restrictions', {
    subject: `user:${mark}-restricted`,
    reason: `${mark} Art. 18 request`,
  });
  if (r.status !== 200) throw new Error(`restriction of ${tenant}: ${r.status} ${r.text}`);
}

/** Starts the node and seeds both tenants; `config` adds to the node's configuration (e.g. `privacy`). */
export async function createWorld(o: { readonly config?: Readonly<Record<string, unknown>> } = {}): Promise<World> {
  const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-isolation-'));
  const peerDir = mkdtempSync(path.join(tmpdir(), 'intersoc-isolation-peer-'));
  const { tokens, operator } = await provision(dir);
  const peerCard = {
    ...cardOf(initIdentity(peerDir, { name: 'peer-node', sector: 'energy', country: 'FR' }).identity),
  };
  const config = ConfigSchema.parse({
    data: dir,
    http: { port: 0 },
    syslog: { enabled: false },
    ingest: { workers: 1 },
    log: { level: 'silent' },
    // forecasts only on request: an hourly refresh during the sweep would move every tenant's view
    forecast: { refreshMinutes: 0 },
    // nor the ml watch's timers (drift checks, anomaly series), which would add alerts mid-sweep
    ml: { driftCheckMinutes: 0, anomalyEnabled: false },
    ...o.config,
  });
  const node = await startNode(config, { say: () => undefined });
  const t = {} as Record<Tenant, TenantData>;
  for (const tenant of TENANTS) {
    const as = {} as Record<Role, Caller>;
    for (const role of ROLES) as[role] = { base: node.url, token: tokens[tenant][role] };
    t[tenant] = { tenant, mark: MARK[tenant], as, ids: {} };
  }
  try {
    for (const tenant of TENANTS) await seedTenant(t[tenant], peerCard);
    for (const tenant of TENANTS) await seedModel(dir, t[tenant]);
    for (const tenant of TENANTS) await seedPrivacy(dir, t[tenant]);
  } catch (err) {
    await node.close();
    throw err;
  }
  return {
    node,
    dir,
    t,
    operator: { base: node.url, token: operator },
    async close() {
      await node.close();
      rmSync(dir, { recursive: true, force: true });
      rmSync(peerDir, { recursive: true, force: true });
    },
  };
}
