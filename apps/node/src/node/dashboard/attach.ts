/**
 * @module
 * Adds the dashboard to a node's API: builds the dashboard services over the node's stores,
 * pipeline and bus, registers their routes, and serves the built web app (`@intersoc/web`) on
 * the same port.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_TENANT, systemContext, type Config } from '@intersoc/core';
import { registerDashboardRoutes, registerWebApp, type FederationService, type SearchService } from '@intersoc/api';
import type { Bus } from '@intersoc/bus';
import { openSqliteCtiStore } from '@intersoc/cti';
import { CtiObservableEnricher } from '@intersoc/cases';
import { SqliteAssetStore, SqliteIncidentStore } from '@intersoc/correlate';
import type { RunningSource } from '@intersoc/ingest';
import { SqliteAlertTriage, type AuthStores, type SqliteDb, type SqliteEventReader } from '@intersoc/storage';
import type { PipelineStats } from '../../pipeline/pipeline.js';
import { intelService } from './intel.js';
import { socNetworkService } from './network.js';
import { stixValidationService } from './stix-validation.js';
import type { StageHealth } from '../../pipeline/pipeline.js';
import { nodeStatusService } from './node-status.js';
import { roleInstancesReader } from '../role-instances.js';
import { overviewService, RateSampler } from './overview.js';
import { ruleService } from './rules.js';
import { alertFeed, triageService } from './triage.js';
import { entityService } from './entities.js';
import type { Searcher } from '../search/searcher.js';

/** Bytes a parse worker may have queued (the pipeline's `maxInflightBytes`, see start-pipeline.ts). */
const WORKER_CREDIT_BYTES = 16 * 1024 * 1024;

/**
 * Folder of the built dashboard: `INTERSOC_WEB_ROOT`, else `dist/` of the `@intersoc/web`
 * workspace package, else the same folder found from this file in a source checkout.
 */
export function webRoot(): string {
  const fromEnv = process.env['INTERSOC_WEB_ROOT'];
  if (fromEnv) return path.resolve(fromEnv);
  try {
    const pkg = createRequire(import.meta.url).resolve('@intersoc/web/package.json');
    return path.join(path.dirname(pkg), 'dist');
  } catch {
    return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../packages/web/dist');
  }
}

/** What the dashboard is built from. */
export interface DashboardWiring {
  readonly config: Config;
  readonly db: SqliteDb;
  readonly stores: AuthStores;
  readonly reader: SqliteEventReader;
  readonly search: SearchService;
  /** Runs the queries that walk the store (reader threads, time budget, per-user limit). */
  readonly searcher: Searcher;
  readonly bus: Bus;
  readonly stats: PipelineStats;
  readonly workers: number;
  readonly sources: () => readonly RunningSource[];
  /** The stages' own health (the same checks as /api/health). */
  readonly health: () => Readonly<Record<string, StageHealth>>;
  /** The node's federation, when it has an identity (the SOC network view). */
  readonly federation?: FederationService | undefined;
  /** Rebuilds the pipeline's detectors after rules or indicators changed. */
  readonly reloadDetectors: () => Promise<void>;
  readonly onError: (err: unknown) => void;
}

/** Registers the dashboard's routes and app on `app`; returns what to stop on close. */
export function attachDashboard(app: FastifyInstance, w: DashboardWiring): { files: number; close(): void } {
  const triage = new SqliteAlertTriage(w.reader.db);
  const sampler = new RateSampler(w.reader, async () =>
    (await w.stores.tenants.list(systemContext(DEFAULT_TENANT))).map((t) => t.name),
  );
  sampler.start(w.onError);
  const cti = openSqliteCtiStore(w.db);
  // A failed reload must not fail the change that caused it: the change is stored either way.
  const reload = (): Promise<void> => w.reloadDetectors().catch(w.onError);
  const rules = ruleService({ data: w.config.data, reader: w.reader, onChange: reload });
  const udpDropped = (): number =>
    w.stats.udpDropped +
    w
      .sources()
      .reduce((a, s) => a + (s.name.startsWith('udp') ? s.counters.dropped + (s.counters.kernelDropped ?? 0) : 0), 0);
  const stixValidation = stixValidationService();
  const incidents = new SqliteIncidentStore(w.db);
  // Alerts carry their incident and case; closing an incident's alerts as false positives closes it.
  // Alerts also carry the indicators of the CTI store that match their entities.
  const queue = triageService(triage, w.searcher, incidents, new CtiObservableEnricher(cti));
  const overview = overviewService({ searcher: w.searcher, sampler, dropped: udpDropped });
  const roleInstances = roleInstancesReader(w.config.bus.monitorUrl);
  registerDashboardRoutes(app, {
    search: w.search,
    triage: queue,
    feed: alertFeed(w.bus),
    overview,
    // Host and user pages.
    entities: entityService({
      triage: queue,
      search: w.search,
      overview,
      incidents,
      assets: new SqliteAssetStore(w.db),
    }),
    rules,
    // Imports are checked as /api/intel/validate checks: code rules, and the OASIS schemas when found.
    intel: intelService(cti, reload, {
      validate: (o) => {
        const e = stixValidation.validate(o).errors[0];
        return e ? `${e.path} ${e.message}` : undefined;
      },
    }),
    stixValidation,
    network: socNetworkService(w.federation),
    node: nodeStatusService({
      config: w.config,
      reader: w.reader,
      stats: w.stats,
      workers: w.workers,
      maxInflightBytes: WORKER_CREDIT_BYTES,
      sources: w.sources,
      health: w.health,
      started: Date.now(),
      ...(roleInstances ? { roleInstances } : {}),
    }),
  });
  const root = webRoot();
  const { files } = registerWebApp(app, { root });
  if (!existsSync(path.join(root, 'index.html'))) w.onError(new Error(`dashboard not built (no ${root}/index.html)`));
  return { files, close: () => sampler.stop() };
}
