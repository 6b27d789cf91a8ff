/**
 * @module
 * The `api` role: the HTTP API and the dashboard's web app over the shared PostgreSQL store
 * (`serve --role api --store postgres://…`). It reads what the detect and correlate roles wrote
 * (events, alerts), builds incidents from those alerts (`incident-feed.ts`), and serves every
 * domain from the same database, so several API instances behind a load balancer see one state:
 * identity, tokens and audit (`openPgAuthStores`), search, incidents, cases, assets and feedback,
 * the dashboard's triage queue, overview, entity pages, rules and intel (`api-dashboard.ts`),
 * playbooks and runs (`api-respond.ts`, carried out by the `respond` role), forecasts
 * (`api-forecast.ts`, refreshed by one instance at a time), cascades (`api-cascade.ts`), reports
 * (`api-text.ts`), models (`api-ml.ts`), privacy (`api-privacy.ts`) and training
 * (`api-training.ts`); one instance at a time backfills the term index (`term-backfill.ts`). It
 * keeps nothing in SQLite and needs no bus: live views poll the store.
 *
 * It runs no pipeline, so HTTP ingest is refused (`UNSUPPORTED`, the ingest role takes the data),
 * and so are the few operations that need one, each saying so: dead letters, splitting an
 * incident, scenario replays and hands-on training levels, subject export and erasure, model
 * retraining, an incident's likely next steps, sharing cascade dependencies. TAXII 2.1 and the
 * federation run here too (`api-federation.ts`), sync rounds in one instance at a time.
 */
import { Registry, collectDefaultMetrics } from 'prom-client';
import { AppError, DEFAULT_TENANT, SEVERITIES, systemContext, type Config } from '@intersoc/core';
import {
  apiOptionsFromConfig,
  buildApi,
  createLogger,
  registerCaseRoutes,
  registerFederationRoutes,
  registerIncidentRoutes,
  registerWebApp,
  type SearchService,
} from '@intersoc/api';
import { CaseService, CtiObservableEnricher, Nis2Service, PgCaseStore, PgFeedbackStore } from '@intersoc/cases';
import { PgCtiStore } from '@intersoc/cti';
import { PgAssetStore, PgIncidentStore } from '@intersoc/correlate';
import { openPgAuthStores, openPgEventStore, type PgEventStore } from '@intersoc/storage/postgres';
import { createHydrator } from '../pipeline/hydrator.js';
import { openAuditKeyRing } from '../node/audit-keys.js';
import { webRoot } from '../node/dashboard/attach.js';
import { caseApiService, incidentApiService } from '../node/incidents/services.js';
import { registerApiCascade } from './api-cascade.js';
import { registerApiDashboard, tenantNames } from './api-dashboard.js';
import { registerApiFederation } from './api-federation.js';
import { registerApiForecast } from './api-forecast.js';
import { registerApiMl } from './api-ml.js';
import { apiPrivacy, registerApiPrivacy } from './api-privacy.js';
import { registerApiRespond } from './api-respond.js';
import { registerApiText } from './api-text.js';
import { apiTruthView, registerApiTraining } from './api-training.js';
import { startIncidentFeed } from './incident-feed.js';
import { startTermBackfill } from './term-backfill.js';

/** A running API role. */
export interface RunningApiRole {
  readonly url: string;
  close(): Promise<void>;
}

/** Search and lookups over the PostgreSQL event store (the same blocks and predicate as SQLite). */
export function pgSearchService(events: PgEventStore): SearchService {
  return {
    async searchEvents(ctx, q) {
      const page = await events.searchEvents(ctx, q);
      return { items: page.items, ...(page.next ? { nextCursor: page.next } : {}) };
    },
    getEvent: (ctx, id) => events.getEvent(ctx, id),
    async searchAlerts(ctx, q) {
      // A minimum severity is the disjunction of the severities at or above it, as on the node.
      const { minSeverity, ...rest } = q;
      const min = minSeverity === undefined ? -1 : SEVERITIES.indexOf(minSeverity);
      const sev =
        min <= 0
          ? ''
          : `(${SEVERITIES.slice(min)
              .map((s) => `severity:${s}`)
              .join(' OR ')})`;
      const query = [q.q.trim() === '' ? '' : `(${q.q})`, sev].filter(Boolean).join(' AND ');
      const page = await events.searchAlerts(ctx, { ...rest, q: query });
      return { items: page.items, ...(page.next ? { nextCursor: page.next } : {}) };
    },
    async listDeadLetters() {
      throw new AppError('UNSUPPORTED', 'dead letters are not served by the api role yet');
    },
  };
}

/** Starts the API role on `config.store.url` (PostgreSQL, migrated by `intersoc db migrate`). */
export async function startApiRole(config: Config, log: (m: string) => void): Promise<RunningApiRole> {
  const url = config.store.url;
  if (url === undefined || !/^postgres(ql)?:\/\//.test(url))
    throw new AppError(
      'CONFIG',
      'the api role needs a PostgreSQL store: --store postgres://…, store.url, or INTERSOC_STORE_URL',
    );
  const closers: (() => Promise<void> | void)[] = [];
  const close = async (): Promise<void> => {
    for (const c of closers.reverse()) await c();
  };
  try {
    // The audit key ring is this host's (`<data>/audit/keys.json`), as for `intersoc admin --store`.
    const stores = openPgAuthStores(url, { auditKeys: openAuditKeyRing(config.data) });
    closers.push(() => stores.close());
    const events = await openPgEventStore(url, { hydrator: createHydrator() });
    closers.push(() => events.close());
    // Term rows for blocks written without them; until then searches scan those blocks.
    const backfill = startTermBackfill(stores.pg, events, {
      onError: (err) => log(`term index: ${err instanceof Error ? err.message : String(err)}`),
    });
    closers.push(() => backfill.stop());
    // Personal data shown pseudonymised (keys in <data>/privacy/keys, the same on every instance),
    // and a trainee's answers hidden from the responses while an exercise runs.
    const privacy = apiPrivacy(config, stores.pg);
    const health = async () => {
      try {
        await stores.ping();
        return { store: { status: 'ok' as const } };
      } catch (err) {
        return { store: { status: 'down' as const, detail: (err as Error).message } };
      }
    };
    const search = pgSearchService(events);
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'intersoc_process_' });
    const { app, authenticator } = await buildApi({
      stores,
      view: apiTruthView(privacy.responseView(), stores.pg),
      services: {
        ingest: {
          ingest: async () => {
            throw new AppError(
              'UNSUPPORTED',
              'the api role takes no data: send it to the ingest role (syslog) or a node',
            );
          },
        },
        search,
      },
      registry,
      logger: createLogger({ level: config.log.level }),
      options: apiOptionsFromConfig(config),
      health,
    });
    closers.push(() => app.close());
    // Incidents and cases share the identity stores' bridge: one connection, one transaction order.
    const incidents = new PgIncidentStore(stores.pg);
    const feedback = new PgFeedbackStore(stores.pg);
    const assets = new PgAssetStore(stores.pg);
    // Observables and incident entities are matched against the store's CTI objects (`PgCtiStore`).
    const cti = new PgCtiStore(stores.pg);
    const enricher = new CtiObservableEnricher(cti);
    const cases = new CaseService({ store: new PgCaseStore(stores.pg), incidents, feedback, enricher });
    registerIncidentRoutes(app, {
      incidents: incidentApiService(
        {
          incidents,
          assets,
          split: () => {
            throw new AppError(
              'UNSUPPORTED',
              'splitting an incident needs the incident builder, not in the api role yet',
            );
          },
        },
        undefined,
        enricher,
      ),
    });
    registerCaseRoutes(app, {
      cases: caseApiService({
        cases,
        nis2: new Nis2Service(cases),
        feedback,
        data: config.data,
        // No detectors here: accepted tuning is written to --data; the detect roles read theirs.
        reloadDetectors: async () => undefined,
      }),
    });
    // Playbooks and runs; the respond role's engine carries out what is asked here.
    registerApiRespond(app, {
      pg: stores.pg,
      audit: stores.audit,
      data: config.data,
      cti,
      onError: (err) => log(`respond: ${err instanceof Error ? err.message : String(err)}`),
    });
    // Forecasts of every tenant, refreshed by one api instance at a time (an advisory lock).
    const forecast = registerApiForecast(app, {
      pg: stores.pg,
      data: config.data,
      refreshMinutes: config.forecast.refreshMinutes,
      tenants: async () => (await stores.tenants.list(systemContext(DEFAULT_TENANT))).map((t) => t.name),
      onError: (err) => log(`forecast: ${err instanceof Error ? err.message : String(err)}`),
    });
    closers.push(() => forecast.close());
    // Restrictions, pseudonyms and re-identification for a case; analyst training over PgTrainStore.
    registerApiPrivacy(app, { config, pg: stores.pg, privacy });
    registerApiTraining(app, { pg: stores.pg, stores, data: config.data });
    // Reports in, STIX out, category corrections, the ranked alert queue, over the same bridge.
    registerApiText(app, {
      pg: stores.pg,
      cti,
      data: config.data,
      onError: (err) => log(`text: ${err instanceof Error ? err.message : String(err)}`),
    });
    // The model registry (list, show, deploy, retire; drift over the PostgreSQL events).
    registerApiMl(app, { pg: stores.pg, events });
    // Dependency graphs, what-if, criticality, IIM; impacts and warnings stored in the database.
    registerApiCascade(app, { pg: stores.pg, data: config.data });
    // Incidents from the alerts the detect and correlate roles commit (see incident-feed.ts).
    const feed = startIncidentFeed({
      pg: stores.pg,
      incidents,
      // As the embedded stage: events for enrichment, the inventory, accepted suppressions.
      getEvent: (tenant, id) => events.getEvent(systemContext(tenant), id),
      assets: (tenant) => assets.lookup(systemContext(tenant)),
      suppress: (a) => feedback.suppresses(a.tenant, a),
      onError: (err) => log(`incidents: ${err instanceof Error ? err.message : String(err)}`),
    });
    closers.push(() => feed.close());
    // TAXII 2.1 at /taxii2/ and, with a node identity in --data, the federation (rounds in one
    // instance at a time: an advisory lock).
    const federation = await registerApiFederation(app, {
      pg: stores.pg,
      cti,
      audit: stores.audit,
      config,
      tenants: tenantNames(stores.tenants),
      authenticate: (c) => authenticator.authenticate(c),
      log: (level, message, details) =>
        log(`federation ${level}: ${message}${details ? ` ${JSON.stringify(details)}` : ''}`),
    });
    closers.push(() => federation.close());
    if (federation.service) registerFederationRoutes(app, { federation: federation.service });
    // The dashboard's own views: triage queue, overview, host and user pages, rules, intel, node status.
    const dashboard = registerApiDashboard(app, {
      config,
      url,
      pg: stores.pg,
      events,
      search,
      cti,
      tenants: tenantNames(stores.tenants),
      health,
      federation: federation.service,
      onError: (err) => log(`dashboard: ${err instanceof Error ? err.message : String(err)}`),
    });
    closers.push(() => dashboard.close());
    const { files } = registerWebApp(app, { root: webRoot() });
    await app.listen({ host: config.http.host, port: config.http.port });
    const addr = app.server.address();
    const at = `http://${config.http.host}:${typeof addr === 'object' && addr ? addr.port : config.http.port}`;
    log(`api: listening on ${at} (dashboard ${files > 0 ? 'served' : 'not built'}), store ${redactUrl(url)}`);
    return { url: at, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}

function redactUrl(url: string): string {
  return url.replace(/:\/\/([^:@/]+):[^@/]*@/, '://$1:***@');
}
