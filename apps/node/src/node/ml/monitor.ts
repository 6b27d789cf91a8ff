/**
 * @module
 * The node's watch over its models and its own series, on timers: the drift check of every
 * deployed model (every `driftMinutes`, default 60; PSI over the last `driftHours`) and the live
 * anomaly series (every bucket). Both raise alerts into the event database (published like
 * pipeline alerts by `onAlerts`) and warnings (`onWarning`, logged by the node); drifted models
 * make the `ml` health stage `degraded` until a check finds them stable again.
 */
import type { Alert, Config } from '@intersoc/core';
import type { SqliteDb, SqliteEventReader } from '@intersoc/storage';
import type { StageHealth } from '../../pipeline/pipeline.js';
import { checkDrift, type DriftCheck } from './drift-watch.js';
import { LiveSeries, type LiveSeriesOptions } from './live-series.js';
import { storeNodeAlerts } from './node-alerts.js';

/** Settings of the watch. */
export interface MlMonitorOptions {
  /** Minutes between drift checks (0: never; default 60). */
  readonly driftMinutes?: number;
  /** Window of the drift check, hours (default 24). */
  readonly driftHours?: number;
  /** PSI at or above which a model warns (default 0.25). */
  readonly psiThreshold?: number;
  /** Live anomaly series; `false` turns them off. */
  readonly live?: LiveSeriesOptions | false;
}

/** The watch's settings from the node configuration (`ml.*`). */
export function mlMonitorOptions(config: Config): MlMonitorOptions {
  const c = config.ml;
  return {
    driftMinutes: c.driftCheckMinutes,
    driftHours: c.driftHours,
    psiThreshold: c.driftPsi,
    live: c.anomalyEnabled
      ? {
          bucketMs: c.anomalyBucketMinutes * 60_000,
          probation: c.anomalyProbation,
          threshold: c.anomalyThreshold,
          maxSeries: c.anomalyMaxSeries,
        }
      : false,
  };
}

/** What the watch needs from the node. */
export interface MlMonitorWiring {
  /** The node's main database (registry, series state). */
  readonly db: SqliteDb;
  readonly reader: SqliteEventReader;
  readonly tenants: () => Promise<readonly string[]>;
  /** New alerts, after they are stored. */
  readonly onAlerts: (alerts: readonly Alert[]) => void;
  readonly onWarning: (w: { tenant: string; kind: 'drift' | 'anomaly'; message: string }) => void;
  readonly onError: (err: unknown) => void;
}

/** The running watch. */
export interface MlMonitor {
  /** Runs a drift check now. */
  checkDrift(now?: number): Promise<DriftCheck>;
  /** Reads the closed buckets of the live series now; the alerts raised. */
  runSeries(now?: number): Promise<Alert[]>;
  health(): StageHealth;
  close(): void;
}

/** The first check, after the node settles. */
const FIRST_RUN_MS = 60_000;

/** Starts the watch (its timers do not keep the process alive). */
export function startMlMonitor(w: MlMonitorWiring, o: MlMonitorOptions = {}): MlMonitor {
  const live = o.live === false ? undefined : new LiveSeries(w.db, w.reader, o.live ?? {});
  let last: DriftCheck | undefined;
  let anomalies = 0;
  const raise = (alerts: readonly Alert[]): Alert[] => {
    const added = storeNodeAlerts(w.reader.db, alerts);
    if (added.length > 0) w.onAlerts(added);
    return added;
  };
  const drift = async (now = Date.now()): Promise<DriftCheck> => {
    const r = await checkDrift(w.db, w.reader, await w.tenants(), {
      now,
      ...(o.driftHours === undefined ? {} : { hours: o.driftHours }),
      ...(o.psiThreshold === undefined ? {} : { threshold: o.psiThreshold }),
    });
    last = r;
    for (const x of r.warnings) w.onWarning({ tenant: x.tenant, kind: 'drift', message: x.message });
    raise(r.warnings.map((x) => x.alert));
    return r;
  };
  const series = async (now = Date.now()): Promise<Alert[]> => {
    if (!live) return [];
    const out: Alert[] = [];
    for (const t of await w.tenants()) {
      try {
        const found = await live.run(t, now);
        for (const a of found) w.onWarning({ tenant: t, kind: 'anomaly', message: a.alert.summary });
        out.push(...raise(found.map((a) => a.alert)));
      } catch (err) {
        w.onError(err);
      }
    }
    anomalies += out.length;
    return out;
  };
  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, fn: () => Promise<unknown>): void => {
    if (!(ms > 0)) return;
    let busy = false;
    const run = (): void => {
      // A slow run is never overlapped by the next.
      if (busy) return;
      busy = true;
      fn()
        .catch(w.onError)
        .finally(() => {
          busy = false;
        });
    };
    const first = setTimeout(run, Math.min(FIRST_RUN_MS, ms));
    const t = setInterval(run, ms);
    first.unref();
    t.unref();
    timers.push(first, t);
  };
  every((o.driftMinutes ?? 60) * 60_000, () => drift());
  if (live && o.live !== false) every(Math.min(o.live?.bucketMs ?? 300_000, 300_000), () => series());

  return {
    checkDrift: drift,
    runSeries: series,
    health(): StageHealth {
      if (!last) return { status: 'ok', detail: `no drift check yet; ${anomalies} anomaly alerts since start` };
      const base = `${last.checked} deployed model(s) checked at ${new Date(last.at).toISOString()}; ${anomalies} anomaly alerts since start`;
      if (last.warnings.length === 0) return { status: 'ok', detail: base };
      return { status: 'degraded', detail: `${last.warnings.map((x) => x.message).join('; ')} (${base})` };
    },
    close(): void {
      for (const t of timers) clearTimeout(t);
    },
  };
}
