/**
 * @module
 * Starts the pipeline from a node configuration: one place that turns config into pipeline
 * options, for `serve`, `ingest`, `demo` and the benchmarks.
 */
import type { Alert, Config } from '@intersoc/core';
import type { BaselineSettings } from '@intersoc/learn';
import { Pipeline } from '../pipeline/pipeline.js';
import { patternLimitsOf } from './cti-limits.js';

/** Detector kinds the node enables by default (plus `baseline` when `baselines.enabled`). */
export const DEFAULT_DETECTORS: readonly string[] = ['sigma', 'ioc', 'ml'];

/** The detector kinds a node runs by default under `config`. */
export function defaultDetectors(config: Config): readonly string[] {
  return config.baselines.enabled ? [...DEFAULT_DETECTORS, 'baseline'] : DEFAULT_DETECTORS;
}

/** Starts a pipeline over `config.data`. */
export function startPipeline(
  config: Config,
  o: {
    workers: number;
    detectors?: readonly string[];
    onAlerts?: (a: readonly Alert[]) => void;
    onError?: (m: string) => void;
    onWorkerLost?: (lane: number, reason: string) => void;
    idleFlushMs?: number;
    /** The command that will hold the data folder's writer lock (shown to a refused second writer). */
    lockedBy?: string;
  },
): Promise<Pipeline> {
  return Pipeline.start({
    dataDir: config.data,
    workers: o.workers,
    blockEvents: config.storage.blockEvents,
    indexAtIngest: config.storage.indexAtIngest,
    maxRecordBytes: config.ingest.maxRecordBytes,
    maxInflightBytes: 16 * 1024 * 1024,
    detectors: {
      dataDir: config.data,
      kinds: o.detectors ?? defaultDetectors(config),
      iocBudgetMs: config.cti.iocBudgetMs,
      patternLimits: patternLimitsOf(config),
      baselines: baselineSettings(config),
    },
    idleFlushMs: o.idleFlushMs ?? 500,
    ...(o.onAlerts ? { onAlerts: o.onAlerts } : {}),
    ...(o.onError ? { onError: o.onError } : {}),
    ...(o.onWorkerLost ? { onWorkerLost: o.onWorkerLost } : {}),
    ...(o.lockedBy ? { lockedBy: o.lockedBy } : {}),
  });
}

/** The baseline stage's settings from `baselines.*`. */
function baselineSettings(config: Config): Partial<BaselineSettings> {
  const { enabled: _enabled, ...settings } = config.baselines;
  return settings;
}
