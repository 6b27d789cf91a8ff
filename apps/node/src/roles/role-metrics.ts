/**
 * @module
 * `/metrics` of a scale-out role process (issue 19, operations): a small HTTP listener, off unless
 * `bus.metricsPort` / `--metrics-port` / `INTERSOC_BUS_METRICS_PORT` is set (0 = any free port,
 * printed at start). It listens on `http.host` (127.0.0.1 by default) and answers only to the
 * bearer token `bus.metricsToken`: a role process has no user store to check the embedded
 * node's user tokens against. It carries only aggregate counts labelled by role and consumer
 * group, no tenant names or data. Consumer lag is asked from the server at scrape time,
 * so it is right even when this process is idle; the rest mirrors the roles' own counters.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JetStreamBus } from '@intersoc/bus/nats';

/** What a role process reports; every part is optional (a process runs only some roles). */
export interface RoleMetricsSources {
  readonly roles: readonly string[];
  readonly bus: JetStreamBus;
  /** Consumer groups whose lag is reported (`detect`, `correlate`). */
  readonly groups: readonly string[];
  readonly detect?: () => {
    batches: number;
    events: number;
    stored: number;
    redeliveries: number;
    storeErrors: number;
    storeWaiting: number;
  };
  readonly ingest?: () => { batches: number; bytes: number; events: number; retries: number; waiting: number };
  readonly correlate?: () => { messages: number; matches: number; alerts: number };
  /**
   * Correlate partitions this instance holds now: under lease with a PostgreSQL store, all of
   * them for the single owner of a SQLite store.
   */
  readonly correlatePartitions?: () => number;
}

/** Store-write latency buckets, seconds: a batch write is milliseconds on a quiet box, seconds under load. */
const WRITE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The registry of one role process. */
export class RoleMetrics {
  readonly registry = new Registry();
  /** Observed by detect workers around each store write, seconds. */
  readonly storeWrite = new Histogram({
    name: 'intersoc_role_store_write_seconds',
    help: 'time of one store write (a batch: blocks, alerts and dead letters in one transaction), from the first attempt to the commit (waits for an unreachable store included), seconds',
    buckets: WRITE_BUCKETS,
    registers: [this.registry],
  });

  /** The consumer groups whose lag this process reports (its heartbeat reports the same). */
  readonly groups: readonly string[];

  constructor(s: RoleMetricsSources) {
    this.groups = s.groups;
    const info = new Gauge({
      name: 'intersoc_role_info',
      help: 'the roles this process runs (1 per role)',
      labelNames: ['role'],
      registers: [this.registry],
    });
    for (const r of s.roles) info.set({ role: r }, 1);
    const gauge = (name: string, help: string, read: () => number): void => {
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(read());
        },
      });
    };
    const counter = (name: string, help: string, read: () => number): void => {
      new Counter({
        name,
        help,
        registers: [this.registry],
        collect() {
          // prom-client counters cannot be set; reset-then-inc mirrors the roles' absolute totals.
          this.reset();
          this.inc(read());
        },
      });
    };
    if (s.detect) {
      const d = s.detect;
      counter(
        'intersoc_role_batches_written_total',
        'batches the detect workers committed to the store',
        () => d().batches,
      );
      counter(
        'intersoc_role_events_written_total',
        'events of committed batches (duplicates included)',
        () => d().events,
      );
      counter('intersoc_role_events_stored_total', 'events newly stored (not already in the store)', () => d().stored);
      counter(
        'intersoc_role_redeliveries_total',
        'batches this process received with a delivery count above 1 (a worker died, or a write failed)',
        () => d().redeliveries,
      );
      counter(
        'intersoc_role_store_write_errors_total',
        'store writes that failed because the store was unreachable (each retry counts; the batch is held, not acknowledged)',
        () => d().storeErrors,
      );
      gauge(
        'intersoc_role_store_waiting_batches',
        'batches this process holds unacknowledged while it waits for the store to come back',
        () => d().storeWaiting,
      );
      gauge('intersoc_role_store_up', '0 while a store write of this process is failing for an outage, else 1', () =>
        d().storeWaiting > 0 ? 0 : 1,
      );
    }
    if (s.ingest) {
      const i = s.ingest;
      counter(
        'intersoc_role_published_batches_total',
        'batches the ingest role published to the bus',
        () => i().batches,
      );
      counter('intersoc_role_published_bytes_total', 'bytes of published batches (encoded)', () => i().bytes);
      counter('intersoc_role_published_events_total', 'events in published batches', () => i().events);
      counter(
        'intersoc_role_publish_retries_total',
        'publishes retried because the bus refused them (stream full at its byte bound, server unreachable)',
        () => i().retries,
      );
      gauge(
        'intersoc_role_publish_waiting',
        'record submissions and block publishes waiting on the bus (sources slow down while this is high)',
        () => i().waiting,
      );
    }
    if (s.correlate) {
      const c = s.correlate;
      counter(
        'intersoc_role_correlate_messages_total',
        'messages of matches the correlate role handled',
        () => c().messages,
      );
      counter('intersoc_role_correlate_matches_total', 'rule matches fed to the correlations', () => c().matches);
      counter('intersoc_role_correlate_alerts_total', 'correlation alerts written to the store', () => c().alerts);
    }
    if (s.correlatePartitions) {
      const held = s.correlatePartitions;
      // Per instance: summed over the instances it is the partition count once the leases settled;
      // a partition whose holder died counts nowhere until another instance takes it.
      gauge(
        'intersoc_role_correlate_partitions_held',
        'correlate partitions this instance holds now (under lease with a PostgreSQL store; all of them for the single owner of a SQLite store)',
        held,
      );
    }
    if (s.groups.length > 0) this.consumerGauges(s.bus, s.groups);
    this.streamGauges(s.bus);
  }

  /** How full the events stream is against its byte bound: where ingest buffers during an outage. */
  private streamGauges(bus: JetStreamBus): void {
    type Info = Awaited<ReturnType<JetStreamBus['streamInfo']>> | undefined;
    let inFlight: Promise<Info> | undefined;
    const info = (): Promise<Info> =>
      (inFlight ??= bus
        .streamInfo()
        .catch(() => undefined)
        .finally(() => (inFlight = undefined)));
    const gauge = (name: string, help: string, read: (i: NonNullable<Info>) => number): void => {
      new Gauge({
        name,
        help,
        registers: [this.registry],
        async collect() {
          const i = await info();
          if (i === undefined) this.reset();
          else this.set(read(i));
        },
      });
    };
    gauge(
      'intersoc_role_stream_messages',
      'messages in the events stream (batches not yet acknowledged)',
      (i) => i.messages,
    );
    gauge('intersoc_role_stream_bytes', 'bytes in the events stream', (i) => i.bytes);
    gauge(
      'intersoc_role_stream_max_bytes',
      'byte bound of the events stream (-1 unbounded); at the bound publishes are refused and ingest waits',
      (i) => i.maxBytes,
    );
  }

  /** Lag, in-flight and redelivered messages per consumer group, read from the server on scrape. */
  private consumerGauges(bus: JetStreamBus, groups: readonly string[]): void {
    type State = Awaited<ReturnType<JetStreamBus['consumerState']>>;
    // prom-client collects all metrics of a scrape concurrently: they share one round of questions.
    let inFlight: Promise<Map<string, State>> | undefined;
    const states = (): Promise<Map<string, State>> =>
      (inFlight ??= (async () => {
        const out = new Map<string, State>();
        for (const g of groups) out.set(g, await bus.consumerState(g).catch(() => undefined));
        return out;
      })().finally(() => (inFlight = undefined)));
    const gauge = (
      name: string,
      help: string,
      read: (st: NonNullable<State> | undefined) => number | undefined,
    ): void => {
      new Gauge({
        name,
        help,
        labelNames: ['group'],
        registers: [this.registry],
        async collect() {
          for (const [group, st] of await states()) {
            const v = read(st);
            if (v === undefined) this.remove({ group });
            else this.set({ group }, v);
          }
        },
      });
    };
    gauge('intersoc_role_consumer_up', '1 when the server answered for the group, 0 when not or no such group', (st) =>
      st ? 1 : 0,
    );
    gauge('intersoc_role_consumer_pending', 'messages of the group not yet delivered (lag)', (st) => st?.pending);
    gauge('intersoc_role_consumer_ack_pending', 'messages delivered and not yet acknowledged', (st) => st?.ackPending);
    gauge(
      'intersoc_role_consumer_redelivered',
      'messages delivered more than once and not yet acknowledged',
      (st) => st?.redelivered,
    );
    gauge(
      'intersoc_role_consumer_ack_floor',
      'stream sequence up to which every message of the group is acknowledged',
      (st) => st?.ackFloor,
    );
  }

  /**
   * Serves `/metrics` on `host:port` (0 = any free port) to callers that send `token` as a bearer
   * token (what Prometheus's `authorization: { credentials: … }` sends); resolves with the bound
   * address.
   */
  async listen(host: string, port: number, token: string): Promise<{ url: string; close: () => Promise<void> }> {
    // Compared as digests, so the comparison takes the same time whatever the caller sent.
    const want = createHash('sha256').update(`Bearer ${token}`).digest();
    const server = http.createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      const got = createHash('sha256')
        .update(req.headers.authorization ?? '')
        .digest();
      if (!timingSafeEqual(got, want)) {
        res.writeHead(401, { 'www-authenticate': 'Bearer realm="intersoc role metrics"' }).end();
        return;
      }
      this.registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(body),
        (err: unknown) => res.writeHead(500).end(String((err as Error).message)),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const a = server.address() as AddressInfo;
    const h = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return {
      url: `http://${h}:${a.port}/metrics`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }
}
