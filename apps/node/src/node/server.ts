/**
 * @module
 * `intersoc serve`: composes the node. Pipeline (parse workers + writer thread), syslog
 * listeners, the HTTP API with its stores, metrics, periodic retention, the first-start
 * operator account and demo offer, and a graceful shutdown that loses nothing queued.
 */
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { DEFAULT_TENANT, retentionFor, systemContext, type Config } from '@intersoc/core';
import {
  apiOptionsFromConfig,
  buildApi,
  createLogger,
  registerFederationRoutes,
  registerPrivacyRoutes,
  type RouteInfo,
} from '@intersoc/api';
import { InProcessBus, type Bus } from '@intersoc/bus';
import { startTcpSource, startUdpSource, type RunningSource } from '@intersoc/ingest';
import { EVENTS_DB_FILE, NODE_DB_FILE, openDatabase, openEventReader } from '@intersoc/storage';
import { createHydrator } from '../pipeline/hydrator.js';
import { attachDashboard } from './dashboard/attach.js';
import { attachIncidents } from './incidents/attach.js';
import { attachForecasts } from './forecast/attach.js';
import { attachMl } from './ml/attach.js';
import { mlMonitorOptions, startMlMonitor, type MlMonitor } from './ml/monitor.js';
import { attachCascade } from './cascade/attach.js';
import { attachRespond } from './respond/attach.js';
import { attachText } from './text/attach.js';
import { attachTraining } from './training/attach.js';
import { withTruthHidden } from './training/truth-view.js';
import { estateAssets } from './incidents/estate.js';
import { runDemo } from './demo.js';
import { openNodeAuthStores } from './audit-keys.js';
import { ensureOperator } from './first-start.js';
import { attachFederation } from './federation.js';
import { registerPipelineMetrics } from './metrics.js';
import { workerCount } from './options.js';
import { ingestService, searchService } from './services.js';
import { startSearcher } from './search/searcher.js';
import { startControlServer } from './control.js';
import { NodePrivacy } from './privacy-api.js';
import { eraseWith, privacyEraseArgs } from './privacy.js';
import { parseSubject } from '@intersoc/privacy';
import { demoJob, runDemoJob } from './demo-job.js';
import { DurableIngest } from './durable-ingest.js';
import { ingestFiles, ingestRequest } from './ingest-files.js';
import { nodeHealth } from './health.js';
import { startPipeline } from './start-pipeline.js';

/** A running node. */
export interface RunningNode {
  readonly url: string;
  /** Stage bus: `alerts.<tenant>` carries every committed alert. */
  readonly bus: Bus;
  /** Rebuilds the detectors in every pipeline thread (after rule or indicator changes). */
  reloadDetectors(): Promise<void>;
  readonly sources: readonly RunningSource[];
  /** Test hook: kills a parse worker the way a crash would (it is replaced). */
  killParseWorkerForTest(lane: number): Promise<void>;
  /** Every HTTP route the node serves, as Fastify registered it (tests sweep them all). */
  readonly routes: readonly RouteInfo[];
  close(): Promise<void>;
}

/** Options of `startNode` beyond the configuration. */
export interface NodeOptions {
  /** Ask on a terminal whether to load demo data when the store is empty. */
  readonly offerDemo?: boolean;
  /** Load demo data without asking when the store is empty. */
  readonly demo?: boolean;
  /** Where banner lines go (stderr by default). */
  readonly say?: (line: string) => void;
}

const RETENTION_EVERY_MS = 3_600_000;

/** Starts the node described by `config`. */
export async function startNode(config: Config, o: NodeOptions = {}): Promise<RunningNode> {
  const say = o.say ?? ((l: string) => process.stderr.write(`${l}\n`));
  const logger = createLogger({ level: config.log.level });
  const db = openDatabase(path.join(config.data, NODE_DB_FILE));
  // The audit chain's checkpoints are signed with the node key (see audit-keys.ts).
  const stores = openNodeAuthStores(db, config.data);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'intersoc_process_' });

  // Committed alerts are published per tenant (`alerts.<tenant>`) for live consumers.
  const bus = new InProcessBus();
  // The journal replays a lost worker's open blocks; it starts after the pipeline it feeds.
  let recoverLostWorker = (): void => undefined;
  const pipeline = await startPipeline(config, {
    workers: workerCount(config),
    lockedBy: 'serve',
    onError: (m) => logger.error({ stage: 'pipeline' }, m),
    onAlerts: (alerts) => {
      for (const a of alerts) void bus.publish(`alerts.${a.tenant}`, a);
    },
    onWorkerLost: () => recoverLostWorker(),
  });
  // Everything an earlier run acknowledged but did not commit is replayed before sources open.
  const journal = await DurableIngest.start(pipeline, config.data, {
    checkpointMs: config.ingest.journalCheckpointMs,
    onError: (m) => logger.error({ stage: 'journal' }, m),
  }).catch(async (err: unknown) => {
    await pipeline.close();
    throw err;
  });
  recoverLostWorker = () => void journal.recoverLostWorker();
  const reader = openEventReader(path.join(config.data, EVENTS_DB_FILE), createHydrator());
  const sources: RunningSource[] = [];
  const closers: (() => Promise<void>)[] = [];
  // Started with the model routes below; the health check reads it from then on.
  let mlWatch: MlMonitor | undefined;
  // Searches and exports run on reader threads, never on this event loop.
  const searcher = startSearcher(config.search, config.data, reader, (m) => logger.warn({ stage: 'search' }, m));
  closers.push(() => searcher.close());
  try {
    if (config.syslog.enabled) {
      const base = { host: config.syslog.host, tenant: config.ingest.defaultTenant };
      sources.push(
        await startUdpSource(
          { ...base, port: config.syslog.udpPort, receiveBufferBytes: config.syslog.udpReceiveBufferBytes },
          journal.sink(),
        ),
      );
      sources.push(
        await startTcpSource(
          { ...base, port: config.syslog.tcpPort, maxMessageBytes: config.syslog.maxMessageBytes },
          journal.sink(),
        ),
      );
    }
    registerPipelineMetrics(registry, pipeline, () => sources);
    // Pseudonymised triage and restriction of processing, applied to every answer at one place.
    const privacy = new NodePrivacy(config, db, reader);
    const { app, authenticator, routes } = await buildApi({
      // Trainees in training tenants see no ground-truth label of the replayed scenario.
      view: withTruthHidden(privacy.responseView(), db),
      stores,
      services: { ingest: ingestService(journal), search: searchService(reader, searcher) },
      registry,
      logger,
      options: apiOptionsFromConfig(config),
      health: async () => ({
        ...nodeHealth({ pipeline, journal, sources }),
        events: (() => {
          try {
            reader.db.prepare('SELECT 1').get();
            return { status: 'ok' as const };
          } catch (err) {
            return { status: 'down' as const, detail: (err as Error).message };
          }
        })(),
      }),
    });
    // TAXII 2.1 at /taxii2/ and the federation between nodes (peers, sharing, sync, lookups).
    const federation = await attachFederation(app, {
      config,
      db,
      stores,
      bus,
      authenticate: (c) => authenticator.authenticate(c),
      reloadDetectors: () => pipeline.reloadDetectors(),
      log: (level, message, details) => logger[level]({ stage: 'federation', ...details }, message),
    });
    closers.push(() => federation.close());
    if (federation.service) registerFederationRoutes(app, { federation: federation.service });
    // Erasure through the API runs here, where the single writer of the event store lives.
    registerPrivacyRoutes(app, {
      privacy: privacy.service((tenant, subject, o) =>
        eraseWith(
          config,
          db,
          subject,
          { tenant, ...o },
          { events: (spec) => pipeline.eraseEvents(spec), baselines: (spec) => pipeline.eraseBaselines(spec) },
        ),
      ),
    });
    // The dashboard: its API routes and the web app, on the same port as the API.
    const dashboard = attachDashboard(app, {
      config,
      db,
      stores,
      reader,
      search: searchService(reader, searcher),
      searcher,
      bus,
      stats: pipeline.stats,
      workers: workerCount(config),
      sources: () => sources,
      health: () => ({ ...nodeHealth({ pipeline, journal, sources }), ...(mlWatch ? { ml: mlWatch.health() } : {}) }),
      reloadDetectors: () => pipeline.reloadDetectors(),
      federation: federation.service,
      onError: (err) => logger.warn({ err }, 'dashboard'),
    });
    closers.push(async () => dashboard.close());
    // Threat reports in, STIX out; the learned alert ranking and incident categoriser.
    const text = attachText(app, { config, db, reader, onError: (err) => logger.warn({ err }, 'text') });
    // Incidents and cases: the incident stage woken by `alerts.*`, case management, NIS2 warnings.
    const incidents = attachIncidents(app, {
      config,
      db,
      reader,
      bus,
      ...(text.categoriser ? { classifier: text.categoriser } : {}),
      reloadDetectors: () => pipeline.reloadDetectors(),
      onError: (err) => logger.warn({ err }, 'incidents'),
      onDeadline: (d) =>
        logger.warn(
          { stage: 'nis2', case: d.case.id, report: d.deadline.kind, due: d.deadline.dueLocal },
          `NIS2 ${d.deadline.kind} of case #${d.case.number} is ${d.deadline.state}`,
        ),
    });
    closers.push(async () => incidents.close());
    // Forecasts and early warnings per tenant (hourly), the sector view, and incidents' likely next steps.
    const forecasts = attachForecasts(app, {
      config,
      db,
      reader,
      bus,
      tenants: async () => (await stores.tenants.list(systemContext(DEFAULT_TENANT))).map((t) => t.name),
      onError: (err) => logger.warn({ err }, 'forecast'),
      onWarning: (x) => logger.warn({ stage: 'forecast', series: x.series }, x.message),
    });
    closers.push(async () => forecasts.close());
    // Learned detection models: list, show, deploy, retire (the registry in the main database).
    attachMl(app, db, reader);
    // The watch: drift of the deployed models (ml health stage), anomalies in the node's own series.
    mlWatch = startMlMonitor(
      {
        db,
        reader,
        tenants: async () => (await stores.tenants.list(systemContext(DEFAULT_TENANT))).map((t) => t.name),
        onAlerts: (alerts) => {
          for (const a of alerts) void bus.publish(`alerts.${a.tenant}`, a);
        },
        onWarning: (x) => logger.warn({ stage: 'ml', tenant: x.tenant, kind: x.kind }, x.message),
        onError: (err) => logger.warn({ err }, 'ml'),
      },
      mlMonitorOptions(config),
    );
    closers.push(async () => mlWatch?.close());
    // Cascades across sectors: incident impact, what-if, warnings to and from peer SOCs.
    const cascade = attachCascade(app, {
      config,
      db,
      bus,
      ...(federation.federation ? { federation: federation.federation } : {}),
      log: (level, message, details) => logger[level]({ stage: 'cascade', ...details }, message),
    });
    closers.push(async () => cascade.close());
    // Response: CACAO playbooks, approvals, connectors, rollback; the engine owns <data>/respond/writer.lock.
    const respond = attachRespond(app, {
      config,
      db,
      bus,
      reader,
      incidents: incidents.stage.incidents,
      cases: incidents.cases,
      ...(federation.federation ? { federation: federation.federation } : {}),
      onError: (err) => logger.warn({ err }, 'respond'),
    });
    closers.push(() => respond.close());
    // Training: exercises, runs in their own training tenants (scenarios replayed through the pipeline),
    // scores; hands-on levels are checked against the cases, playbook runs and events of those tenants.
    attachTraining(app, {
      db,
      stores,
      pipeline,
      data: config.data,
      range: { reader, incidents: incidents.stage.incidents, cases: incidents.cases, respond: respond.store },
    });
    await app.listen({ host: config.http.host, port: config.http.port });
    closers.push(() => app.close());
    const addr = app.server.address();
    const url = `http://${config.http.host}:${typeof addr === 'object' && addr ? addr.port : config.http.port}`;
    // CLI commands on this data folder hand their work over here (this node is its only writer).
    const control = await startControlServer(
      config.data,
      {
        ingest: (args, progress) => ingestFiles(pipeline, ingestRequest(args), progress),
        // Data-subject erasure (intersoc privacy erase): the writer thread rewrites the event store.
        'privacy-erase': (args) =>
          eraseWith(config, db, parseSubject(String(args['subject'])), privacyEraseArgs(args), {
            events: (spec) => pipeline.eraseEvents(spec),
            baselines: (spec) => pipeline.eraseBaselines(spec),
          }),
        demo: (args) => {
          const job = demoJob(args);
          return runDemoJob(pipeline, config.data, job, (estate) =>
            incidents.stage.assets.upsert(systemContext(job.tenant), estateAssets(estate)),
          );
        },
      },
      (m) => logger.error({ stage: 'control' }, m),
    );
    closers.push(() => control.close());
    pipeline.describeHolder({ url, control: control.path });

    const retention = setInterval(() => {
      void (async () => {
        for (const t of await stores.tenants.list(systemContext(DEFAULT_TENANT))) {
          await pipeline.retention(t.name, retentionFor(config, t.name));
        }
      })().catch((err: unknown) => logger.error({ err }, 'retention failed'));
    }, RETENTION_EVERY_MS);
    retention.unref();

    const firstStart = await ensureOperator(stores, config.data);
    say(`INTERSOC node listening on ${url} (API docs: ${url}/api/docs)`);
    say(`  dashboard: ${url}/${dashboard.files > 0 ? '' : ' (not built: run npm run build)'}`);
    for (const s of sources) say(`  syslog ${s.name}`);
    say(`  data: ${path.resolve(config.data)}`);
    if (firstStart) {
      // Only the path goes to the log: the password itself stays in an owner-only file.
      say(`  first start: created operator "${firstStart.user}" in tenant "${firstStart.tenant}"`);
      say(`  its password is in ${firstStart.passwordFile} (mode 0600): log in, change it, delete the file`);
    }
    if (reader.stats(systemContext(config.ingest.defaultTenant)).events === 0) {
      let load = o.demo === true;
      if (!load && o.offerDemo && process.stdin.isTTY) {
        const rl = createInterface({ input: process.stdin, output: process.stderr });
        const answer = await rl.question(
          'The node has no events yet. Load 24 h of simulated attack telemetry (intersoc demo)? [Y/n] ',
        );
        rl.close();
        load = !/^n/i.test(answer.trim());
      } else if (!load) {
        say(
          '  no events yet: run `bin/intersoc demo` for 24 h of simulated, labelled attack telemetry (this node ingests it)',
        );
      }
      if (load) {
        const s = await runDemo(pipeline, {
          tenant: config.ingest.defaultTenant,
          hours: 24,
          seed: 1,
          // The demo's estate goes into the inventory first, so incidents know its hosts.
          onEstate: (estate) =>
            incidents.stage.assets.upsert(systemContext(config.ingest.defaultTenant), estateAssets(estate)),
        });
        say(
          `  demo: ${s.records} events ingested (${Object.keys(s.byLabel).length - 1} attack techniques mixed into benign activity)`,
        );
      }
    }
    return {
      url,
      bus,
      sources,
      routes,
      reloadDetectors: () => pipeline.reloadDetectors(),
      killParseWorkerForTest: (lane) => pipeline.killWorkerForTest(lane),
      close: async () => {
        clearInterval(retention);
        for (const c of closers.reverse()) await c();
        for (const s of sources) await s.close();
        await journal.close();
        await pipeline.close();
        await bus.close();
        reader.close();
        db.close();
      },
    };
  } catch (err) {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    for (const s of sources) await s.close().catch(() => undefined);
    await journal.close().catch(() => undefined);
    await pipeline.close().catch(() => undefined);
    reader.close();
    db.close();
    throw err;
  }
}
