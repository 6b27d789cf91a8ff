/**
 * @module
 * Feeds the attack simulator's labelled telemetry through the pipeline (used by `intersoc demo`
 * and by the first start of `intersoc serve`).
 */
import { simulation, type SimEstate, type SimRecord, type SimTruth } from '@intersoc/simulate';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { RecordsMessage } from '../pipeline/protocol.js';

/** Options of a demo run. */
export interface DemoOptions {
  readonly tenant: string;
  readonly hours: number;
  readonly seed: number;
  /** End of the simulated window, epoch ms (default now). */
  readonly end?: number;
  readonly onProgress?: (records: number) => void;
  /** Receives the simulated estate before anything is ingested (for the asset inventory). */
  readonly onEstate?: (estate: SimEstate) => void;
  /** Sees each simulated record as it is submitted (e.g. to map stored events back to chains). */
  readonly onRecord?: (record: SimRecord) => void;
  /** Receives the ground truth of the simulated attack chains and the estate, once all is ingested. */
  readonly onTruth?: (truth: SimTruth, estate: SimEstate) => void;
}

/** Counts of a demo run. */
export interface DemoSummary {
  readonly records: number;
  readonly byLabel: Record<string, number>;
  readonly byFormat: Record<string, number>;
  readonly start: number;
  readonly end: number;
}

const BATCH = 2_000;

/** Generates and ingests demo telemetry; resolves when all of it is committed. */
export async function runDemo(pipeline: Pipeline, o: DemoOptions): Promise<DemoSummary> {
  const end = o.end ?? Date.now();
  const start = end - o.hours * 3_600_000;
  const byLabel: Record<string, number> = {};
  const byFormat: Record<string, number> = {};
  let batch: RecordsMessage['records'][number][] = [];
  let n = 0;
  const send = async (): Promise<void> => {
    if (batch.length === 0) return;
    const out = batch;
    batch = [];
    await pipeline.submitRecords(o.tenant, out);
    o.onProgress?.(n);
  };
  const run = simulation({ seed: o.seed, hours: o.hours, start });
  o.onEstate?.(run.estate);
  for (const r of run.records as Iterable<SimRecord>) {
    byLabel[r.label] = (byLabel[r.label] ?? 0) + 1;
    byFormat[r.format] = (byFormat[r.format] ?? 0) + 1;
    o.onRecord?.(r);
    batch.push({
      format: r.format,
      source: { format: r.format, kind: 'demo', name: r.source, peer: r.host },
      record: r.record,
      label: r.label,
      // Same seed and window give the same ids, so re-running a demo does not duplicate.
      key: `demo:${o.seed}:${r.source}:${n}`,
    });
    n++;
    if (batch.length >= BATCH) await send();
  }
  await send();
  await pipeline.flush();
  o.onTruth?.(run.truth(), run.estate);
  return { records: n, byLabel, byFormat, start, end };
}
