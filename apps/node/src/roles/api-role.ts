/**
 * @module
 * The `api` role: the HTTP API and the dashboard's web app over the shared PostgreSQL store
 * (`serve --role api --store postgres://…`). It reads what the detect and correlate roles wrote
 * (events, alerts), builds incidents from those alerts (`incident-feed.ts`), and serves
 * incidents and cases (`PgIncidentStore`, `PgCaseStore`) and
 * identity, tokens and the audit log (`openPgAuthStores`) from the same database, so several
 * API instances behind a load balancer see one state. It runs no pipeline: HTTP ingest is
 * refused (`UNSUPPORTED`, the ingest role takes the data), and it needs no bus.
 *
 * The asset inventory (`PgAssetStore`) and the false-positive feedback of closed cases
 * (`PgFeedbackStore`) are in the same database, so every instance enriches and suppresses alike;
 * this role keeps nothing in SQLite. Playbooks and runs are served over
 * the PostgreSQL respond store, their operations carried out by the `respond` role
 * (`api-respond.ts`). Not served yet: the dashboard's own routes (triage queue, overview), dead
 * letters, TAXII, federation, training, models.
 */
import { Registry, collectDefaultMetrics } from 'prom-client';
import { AppError, SEVERITIES, systemContext, type Config } from '@intersoc/core';
import {
  apiOptionsFromConfig,
  buildApi,
  createLogger,
  registerCaseRoutes,
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
import { registerApiRespond } from './api-respond.js';
import { startIncidentFeed } from './incident-feed.js';

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
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'intersoc_process_' });
    const { app } = await buildApi({
      stores,
      services: {
        ingest: {
          ingest: async () => {
            throw new AppError(
              'UNSUPPORTED',
              'the api role takes no data: send it to the ingest role (syslog) or a node',
            );
          },
        },
        search: pgSearchService(events),
      },
      registry,
      logger: createLogger({ level: config.log.level }),
      options: apiOptionsFromConfig(config),
      health: async () => {
        try {
          await stores.ping();
          return { store: { status: 'ok' as const } };
        } catch (err) {
          return { store: { status: 'down' as const, detail: (err as Error).message } };
        }
      },
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
