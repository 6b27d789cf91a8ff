/**
 * @module
 * Which roles a process runs, from `--role` / `roles` / `INTERSOC_ROLES`, and starting the
 * scale-out ones. `all` without a bus or store is the embedded node, unchanged. Built so far:
 * `ingest` (syslog sources → parse → bus), `detect` (bus → detectors → store) and `correlate`
 * (Sigma correlations, partitioned by key with a lease per partition on PostgreSQL). The `api`
 * and `respond` roles need no bus and start beside these (`start.ts`, `api-role.ts`,
 * `respond-role.ts`), so they never reach `parseRoles`.
 */
import { AppError, type Config } from '@intersoc/core';
import { startTcpSource, startUdpSource, type RunningSource } from '@intersoc/ingest';
import type { JetStreamBus } from '@intersoc/bus/nats';
import { loadDetectors, type DetectorSpec } from '../pipeline/detectors.js';
import { correlateGroups, feedPartitioner, startCorrelate, type RunningCorrelate } from './correlate-start.js';
import { patternLimitsOf } from '../node/cti-limits.js';
import { DEFAULT_DETECTORS } from '../node/start-pipeline.js';
import { connectEventsBus, DETECT_GROUP } from './bus-setup.js';
import { DetectWorker } from './detect-worker.js';
import { openEventSink, type EventSink } from './event-sink.js';
import { BusIngest } from './ingest-role.js';
import { RoleMetrics } from './role-metrics.js';
import { startHeartbeat } from './heartbeat.js';
import { loadNodeRuleSets } from '../node/rules.js';
import { startRuleSync } from './rule-sync.js';

/** Role names of issue 19. */
export const ROLES = ['all', 'api', 'ingest', 'detect', 'correlate', 'respond'] as const;
export type Role = (typeof ROLES)[number];

/** Roles that run as separate processes today. */
const BUILT: readonly Role[] = ['ingest', 'detect', 'correlate'];

/** Parses `ingest,detect`; refuses unknown roles and names the ones not built yet. */
export function parseRoles(spec: string): Role[] {
  const out: Role[] = [];
  for (const raw of spec.split(',')) {
    const r = raw.trim();
    if (r === '') continue;
    if (!(ROLES as readonly string[]).includes(r))
      throw new AppError('VALIDATION', `unknown role "${r}" (one of ${ROLES.join(', ')})`);
    out.push(r as Role);
  }
  if (out.length === 0) throw new AppError('VALIDATION', 'no role given');
  if (out.includes('all') && out.length > 1) throw new AppError('VALIDATION', 'role "all" cannot be combined');
  const missing = out.filter((r) => r !== 'all' && !BUILT.includes(r));
  if (missing.length > 0)
    throw new AppError(
      'UNSUPPORTED',
      `role ${missing.join(', ')} is not a bus role (bus roles: ${BUILT.join(', ')}; ` +
        `api and respond are started beside them by serve, roles/start.ts)`,
    );
  return out;
}

/** Running scale-out roles. */
export interface RunningRoles {
  readonly roles: readonly Role[];
  readonly ingest?: BusIngest;
  readonly workers: readonly DetectWorker[];
  readonly sources: readonly RunningSource[];
  /** `http://host:port/metrics` when `bus.metricsPort` is set. */
  readonly metricsUrl?: string;
  close(): Promise<void>;
}

/** The bus URL, or a CONFIG error naming the three ways to give it. */
export function busUrl(config: Config): string {
  const url = config.bus.url;
  if (url === undefined)
    throw new AppError('CONFIG', 'this role needs a bus: --bus nats://HOST:PORT, bus.url, or INTERSOC_BUS_URL');
  return url;
}

/** Starts the roles `config.roles` names (`all` with a bus: ingest and detect in one process). */
export async function startRoles(
  config: Config,
  log: (m: string) => void,
  opts: { detectWorkers?: number } = {},
): Promise<RunningRoles> {
  let roles = parseRoles(config.roles);
  if (roles.includes('all')) roles = ['ingest', 'detect', 'correlate'];
  // Settings first: a role refused for a missing store must not have touched the bus.
  if ((roles.includes('detect') || roles.includes('correlate')) && config.store.url === undefined)
    throw new AppError(
      'CONFIG',
      `the ${roles.includes('detect') ? 'detect' : 'correlate'} role needs a store: --store postgres://…, store.url, or INTERSOC_STORE_URL`,
    );
  const closers: (() => Promise<void>)[] = [];
  const bus: JetStreamBus = await connectEventsBus({
    url: busUrl(config),
    name: `intersoc-${roles.join('+')}`,
    ...(config.bus.streamMaxBytes === undefined ? {} : { maxBytes: config.bus.streamMaxBytes }),
  });
  closers.push(() => bus.close());
  const workers: DetectWorker[] = [];
  const sources: RunningSource[] = [];
  let ingest: BusIngest | undefined;
  let metricsUrl: string | undefined;
  let correlate: RunningCorrelate | undefined;
  const metrics = new RoleMetrics({
    roles,
    bus,
    groups: [
      ...(roles.includes('ingest') || roles.includes('detect') ? [DETECT_GROUP] : []),
      ...(roles.includes('correlate') ? correlateGroups(config) : []),
    ],
    ...(roles.includes('detect') ? { detect: () => sumDetect(workers) } : {}),
    ...(roles.includes('correlate')
      ? {
          correlate: () => correlate?.stats() ?? { messages: 0, matches: 0, alerts: 0 },
          correlatePartitions: () => correlate?.held() ?? 0,
        }
      : {}),
    ...(roles.includes('ingest')
      ? { ingest: () => ingest?.stats ?? { batches: 0, bytes: 0, events: 0, retries: 0, waiting: 0 } }
      : {}),
  });
  try {
    let sink: EventSink | undefined;
    if (roles.includes('detect') || roles.includes('correlate')) {
      if (config.store.url === undefined)
        throw new AppError(
          'CONFIG',
          `the ${roles.includes('detect') ? 'detect' : 'correlate'} role needs a store: --store postgres://…, store.url, or INTERSOC_STORE_URL`,
        );
      const s = await openEventSink(config.store.url);
      sink = s;
      closers.unshift(() => s.close());
    }
    // Rules shared through a PostgreSQL store are mirrored into --data before any rule is loaded.
    const rules =
      sink && /^postgres(ql)?:\/\//.test(config.store.url ?? '')
        ? await startRuleSync({ url: config.store.url ?? '', data: config.data, pollMs: config.bus.rulesPollMs, log })
        : undefined;
    if (rules) closers.unshift(() => rules.close());
    // One partitioner for the process: a rule change re-routes the workers and the correlator alike.
    const partitioner = feedPartitioner(config);
    rules?.onChange(async () => partitioner.setRuleSets(loadNodeRuleSets(config.data)));
    if (roles.includes('correlate') && sink) {
      const c = await startCorrelate(config, bus, sink, log, partitioner);
      correlate = c;
      closers.unshift(() => c.close());
    }
    if (roles.includes('detect') && sink) {
      const spec: DetectorSpec = {
        dataDir: config.data,
        kinds: DEFAULT_DETECTORS,
        // Correlations need one owner per key: the correlate role, partitioned by key.
        externalCorrelation: true,
        iocBudgetMs: config.cti.iocBudgetMs,
        patternLimits: patternLimitsOf(config),
        // Models deployed and indicators posted through the api role are in the shared store.
        ...(config.store.url ? { storeUrl: config.store.url } : {}),
      };
      // The indicators' mark is read before the detectors are built, so none added meanwhile is missed.
      const storeUrl = config.store.url ?? '';
      const intel = /^postgres(ql)?:\/\//.test(storeUrl)
        ? await (await import('./intel-watch.js')).startIntelWatch({ url: storeUrl, log })
        : undefined;
      if (intel) closers.unshift(() => intel.close());
      let detectors = await loadDetectors(spec);
      // New rules or indicators in the store: build the detectors first, swap them between
      // batches, then close the old; one rebuild at a time, so each old set is closed once.
      let rebuilding: Promise<void> = Promise.resolve();
      const rebuild = (): Promise<void> =>
        (rebuilding = rebuilding
          .catch(() => undefined)
          .then(async () => {
            const old = detectors;
            detectors = await loadDetectors(spec);
            await Promise.all(workers.map((w) => w.swapDetectors(detectors)));
            for (const d of old) await d.close?.();
          }));
      rules?.onChange(rebuild);
      intel?.onChange(rebuild);
      // Registered before the workers, so it runs after they stopped: the last set's connections close.
      closers.unshift(async () => {
        await rebuilding.catch(() => undefined);
        for (const d of detectors) await d.close?.();
      });
      for (let i = 0; i < (opts.detectWorkers ?? 1); i++) {
        const w = new DetectWorker({
          bus,
          sink,
          detectors,
          maxAckPending: config.bus.maxAckPending,
          partitioner,
          ackWaitMs: config.bus.ackWaitMs,
          onError: log,
          onStoreWrite: (s) => metrics.storeWrite.observe(s),
        });
        await w.start();
        workers.push(w);
        closers.unshift(() => w.close());
      }
      log(`detect: worker in group on ${config.bus.url ?? ''}, store ${redact(config.store.url)}`);
    }
    if (roles.includes('ingest')) {
      const bi = new BusIngest({
        bus,
        partitions: config.bus.partitions,
        blockEvents: config.storage.blockEvents,
        maxRecordBytes: config.ingest.maxRecordBytes,
        onError: log,
      });
      ingest = bi;
      closers.unshift(() => bi.close());
      if (config.syslog.enabled) {
        const base = { host: config.syslog.host, tenant: config.ingest.defaultTenant };
        const sink = bi.recordSink();
        sources.push(
          await startUdpSource(
            { ...base, port: config.syslog.udpPort, receiveBufferBytes: config.syslog.udpReceiveBufferBytes },
            sink,
          ),
        );
        sources.push(
          await startTcpSource(
            { ...base, port: config.syslog.tcpPort, maxMessageBytes: config.syslog.maxMessageBytes },
            sink,
          ),
        );
        for (const s of sources) closers.unshift(() => s.close());
      }
      log(
        `ingest: syslog ${sources.map((s) => `${s.name} ${s.address}`).join(', ') || 'off'} → ${config.bus.url ?? ''}`,
      );
    }
    if (config.bus.metricsPort !== undefined) {
      const token = config.bus.metricsToken;
      if (token === undefined)
        throw new AppError(
          'VALIDATION',
          "bus.metricsPort needs bus.metricsToken (INTERSOC_BUS_METRICS_TOKEN): a role's /metrics answers only to that bearer token",
        );
      const m = await metrics.listen(config.http.host, config.bus.metricsPort, token);
      metricsUrl = m.url;
      closers.push(m.close);
      log(`metrics: ${m.url}`);
    }
    const hb = await startHeartbeat({
      bus,
      roles,
      groups: metrics.groups,
      ...(roles.includes('detect') ? { storeUp: () => sumDetect(workers).storeWaiting === 0 } : {}),
      onError: log,
    });
    closers.unshift(() => hb.close());
    log(`heartbeat: instance ${hb.instance} in the bus's KV bucket intersoc_roles`);
  } catch (err) {
    for (const c of closers) await c().catch(() => undefined);
    throw err;
  }
  return {
    roles,
    ...(ingest ? { ingest } : {}),
    workers,
    sources,
    ...(metricsUrl === undefined ? {} : { metricsUrl }),
    close: async () => {
      for (const c of closers) await c();
    },
  };
}

/** A store URL without its password, for logs. */
export function redact(url: string | undefined): string {
  return (url ?? '').replace(/:\/\/([^:@/]+):[^@/]*@/, '://$1:***@');
}

/** The detect workers' counters summed, for `/metrics`. */
function sumDetect(workers: readonly DetectWorker[]): {
  batches: number;
  events: number;
  stored: number;
  redeliveries: number;
  storeErrors: number;
  storeWaiting: number;
} {
  const t = { batches: 0, events: 0, stored: 0, redeliveries: 0, storeErrors: 0, storeWaiting: 0 };
  for (const w of workers) {
    t.storeErrors += w.stats.storeErrors;
    t.storeWaiting += w.stats.storeWaiting;
    t.batches += w.stats.batches;
    t.events += w.stats.events;
    t.stored += w.stats.stored;
    t.redeliveries += w.stats.redeliveries;
  }
  return t;
}
