/**
 * @module
 * The dashboard's own routes in the `api` role (alert queue, live alert feed, overview, host
 * and user pages, rules, intel, STIX validation, SOC network, node status) over the shared
 * PostgreSQL store: the embedded node's services (`node/dashboard/*`), given PostgreSQL reads
 * (`node/dashboard/pg-reads.ts`) where the node gives them its SQLite reader and searcher.
 *
 * What differs from the embedded node, because this role has no pipeline and no bus:
 * - the live alert feed polls `ev_alerts` (alerts appear a few seconds after they are written);
 * - the node status shows this role: the store, the term index backlog, storage and retention,
 *   no parse workers, sources, queues or pipeline counters (the ingest/detect roles have those);
 * - rules are the store's packs (`PgRulePacks`), mirrored into `--data` when their revision moved,
 *   and tuning is written to the store, so every detect role picks it up on its next poll;
 * - the SOC network view is the federation's (`api-federation.ts`) when this host holds the identity.
 */
import type { FastifyInstance } from 'fastify';
import { DEFAULT_TENANT, retentionFor, systemContext, type Config } from '@intersoc/core';
import {
  registerDashboardRoutes,
  type NodeStatus,
  type NodeStatusService,
  type SearchService,
  type FederationService,
} from '@intersoc/api';
import { CtiObservableEnricher } from '@intersoc/cases';
import { PgAssetStore, PgIncidentStore } from '@intersoc/correlate';
import type { CtiStore } from '@intersoc/cti';
import { PgAlertTriage, PgRulePacks, type PgEventStore, type SyncPg } from '@intersoc/storage/postgres';
import { entityService } from '../node/dashboard/entities.js';
import { intelService } from '../node/dashboard/intel.js';
import { socNetworkService } from '../node/dashboard/network.js';
import { overviewService, RateSampler } from '../node/dashboard/overview.js';
import { pgAlertFeed, pgArrivals, pgHitCounts, pgSearcher } from '../node/dashboard/pg-reads.js';
import { ruleService } from '../node/dashboard/rules.js';
import { stixValidationService } from '../node/dashboard/stix-validation.js';
import { triageService } from '../node/dashboard/triage.js';
import { roleInstancesReader } from '../node/role-instances.js';
import { mirroredRevision, mirrorRules } from '../node/rules-mirror.js';

/** What the dashboard routes of the api role are built from. */
export interface ApiDashboardWiring {
  readonly config: Config;
  /** The store's URL: the rule packs are read on a small pool of their own. */
  readonly url: string;
  /** The identity stores' bridge (triage, incidents, assets, aggregates). */
  readonly pg: SyncPg;
  readonly events: PgEventStore;
  /** The same search service `buildApi` got (`pgSearchService(events)`). */
  readonly search: SearchService;
  readonly cti: CtiStore;
  /** Tenant names, for the per-tenant ingest rate. */
  readonly tenants: () => Promise<readonly string[]>;
  /** The role's health checks (as /api/health): shown as stages of the node status. */
  readonly health: () => Promise<Readonly<Record<string, { status: 'ok' | 'degraded' | 'down'; detail?: string }>>>;
  /** The federation service when this host holds a node identity (the SOC network view). */
  readonly federation?: FederationService | undefined;
  readonly onError: (err: unknown) => void;
}

/** What `registerApiDashboard` started: stop it when the role closes. */
export interface ApiDashboard {
  close(): Promise<void>;
}

/** Registers the dashboard's routes on the api role's server. */
export function registerApiDashboard(app: FastifyInstance, w: ApiDashboardWiring): ApiDashboard {
  const started = Date.now();
  const searcher = pgSearcher(w.events, w.pg, w.config.search);
  const sampler = new RateSampler(pgArrivals(w.pg), w.tenants);
  sampler.start(w.onError);
  const incidents = new PgIncidentStore(w.pg);
  const queue = triageService(new PgAlertTriage(w.pg), searcher, incidents, new CtiObservableEnricher(w.cti));
  // No sources here: UDP drops are the ingest role's, not known to this process (none shown).
  const overview = overviewService({ searcher, sampler });
  const packs = PgRulePacks.open(w.url);
  const stixValidation = stixValidationService();
  registerDashboardRoutes(app, {
    search: w.search,
    triage: queue,
    feed: pgAlertFeed(w.pg, w.onError),
    overview,
    entities: entityService({ triage: queue, search: w.search, overview, incidents, assets: new PgAssetStore(w.pg) }),
    rules: ruleService({
      data: w.config.data,
      hits: pgHitCounts(w.pg),
      sync: storeRules(packs, w.config.data),
      saveTuning: async (tenant, tuning) => {
        await packs.setTuning(tenant, { ...tuning });
      },
    }),
    // The detect roles read indicators from the store themselves: nothing to reload here.
    intel: intelService(w.cti, async () => undefined, {
      validate: (o) => {
        const e = stixValidation.validate(o).errors[0];
        return e ? `${e.path} ${e.message}` : undefined;
      },
    }),
    stixValidation,
    network: socNetworkService(w.federation),
    node: apiNodeStatus(w, started),
  });
  return {
    close: async () => {
      sampler.stop();
      await packs.close();
    },
  };
}

/**
 * Mirrors the store's packs and tuning into `data` when the revision moved (one small query
 * otherwise); one mirror at a time.
 */
function storeRules(packs: PgRulePacks, data: string): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  return () => {
    running = running
      .catch(() => undefined)
      .then(async () => {
        if ((await packs.revision()) === mirroredRevision(data)) return;
        mirrorRules(await packs.snapshot(), data);
      });
    return running;
  };
}

/** The health view of the api role: its own store and checks, no pipeline. */
function apiNodeStatus(w: ApiDashboardWiring, started: number): NodeStatusService {
  const roleInstances = roleInstancesReader(w.config.bus.monitorUrl);
  return {
    async status(ctx) {
      const operator = ctx.tenant === DEFAULT_TENANT;
      const [checks, store] = await Promise.all([w.health(), w.events.stats(ctx)]);
      const stages: NodeStatus['stages'] = [
        {
          name: 'pipeline',
          status: 'ok',
          detail: 'none in the api role: the ingest, detect and correlate roles take, parse and store the data',
        },
        ...Object.entries(checks).map(([name, c]) => ({ name, status: c.status, detail: c.detail ?? '' })),
        {
          name: 'index',
          status: 'ok' as const,
          detail:
            store.unindexedBlocks === 0
              ? 'every block has its term index'
              : `${store.unindexedBlocks} block(s) without term index yet (searched whole)`,
        },
      ];
      return {
        generated: Date.now(),
        uptimeSeconds: Math.round((Date.now() - started) / 1000),
        stages,
        queues: [],
        counters: {},
        sources: [],
        storage: {
          events: store.events,
          blocks: store.blocks,
          storedBytes: store.storedBytes,
          rawBytes: store.rawBytes,
          days: store.days,
          alerts: store.alerts,
          deadLetters: store.deadLetters,
          unindexedBlocks: store.unindexedBlocks,
          ...(store.tMin === undefined ? {} : { oldest: store.tMin }),
          ...(store.tMax === undefined ? {} : { newest: store.tMax }),
        },
        retention: retentionFor(w.config, ctx.tenant),
        ...(operator && roleInstances ? { roles: await roleInstances() } : {}),
      };
    },
  };
}

/** Tenant names from the identity stores, for `ApiDashboardWiring.tenants`. */
export function tenantNames(tenants: {
  list(ctx: ReturnType<typeof systemContext>): Promise<readonly { name: string }[]>;
}): () => Promise<readonly string[]> {
  return async () => (await tenants.list(systemContext(DEFAULT_TENANT))).map((t) => t.name);
}
