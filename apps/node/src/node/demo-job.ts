/**
 * @module
 * A demo run as one job, with its figures and (on request) its ground truth: the `demo` command
 * runs it on its own pipeline, or hands it to the node serving the data folder (the only writer
 * there), which runs it here on its pipeline.
 */
import path from 'node:path';
import { z } from 'zod';
import { AppError, TENANT_PATTERN } from '@intersoc/core';
import type { SimEstate, SimRecord, SimTruth } from '@intersoc/simulate';
import { EVENTS_DB_FILE, openEventReader } from '@intersoc/storage';
import type { Pipeline } from '../pipeline/pipeline.js';
import { createHydrator } from '../pipeline/hydrator.js';
import { runDemo, type DemoSummary } from './demo.js';
import { ChainRecords, demoTruth, type DemoTruth } from './demo-truth.js';

/** What to simulate. */
export interface DemoJob {
  readonly tenant: string;
  readonly hours: number;
  readonly seed: number;
  /** Also compute the chains' ground truth with their stored event ids. */
  readonly truth: boolean;
  /** End of the simulated window, epoch ms (default now): with the seed, the same data every run. */
  readonly end?: number;
}

/** Figures of a demo job (store figures are node-wide while it ran, when handed to a node). */
export interface DemoJobResult extends DemoSummary {
  readonly stored: number;
  readonly duplicates: number;
  readonly alerts: number;
  readonly deadLetters: number;
  readonly truth?: DemoTruth;
}

const JobSchema = z
  .object({
    tenant: z.string().regex(TENANT_PATTERN, 'invalid tenant name'),
    hours: z
      .number()
      .positive()
      .max(24 * 31),
    seed: z.number().int().min(0),
    truth: z.boolean(),
    end: z.number().int().positive().optional(),
  })
  .strict();

/** Validates a hand-over request (the control socket's `demo`). */
export function demoJob(args: unknown): DemoJob {
  const r = JobSchema.safeParse(args);
  if (!r.success) throw new AppError('VALIDATION', `bad demo request: ${r.error.issues[0]?.message ?? 'invalid'}`);
  const { end, ...job } = r.data;
  return end === undefined ? job : { ...job, end };
}

/** Runs a demo job on `pipeline` (whose store is in `dataDir`). */
export async function runDemoJob(
  pipeline: Pipeline,
  dataDir: string,
  job: DemoJob,
  onEstate: (estate: SimEstate) => void,
): Promise<DemoJobResult> {
  const before = { ...pipeline.stats.stored, deadLetters: pipeline.stats.parsed.deadLetters };
  let truth: SimTruth | undefined;
  const records = job.truth ? new ChainRecords() : undefined;
  const s = await runDemo(pipeline, {
    tenant: job.tenant,
    hours: job.hours,
    seed: job.seed,
    ...(job.end === undefined ? {} : { end: job.end }),
    onEstate,
    ...(records ? { onRecord: (r: SimRecord) => records.see(r) } : {}),
    onTruth: (t) => {
      truth = t;
    },
  });
  let withIds: DemoTruth | undefined;
  if (truth && records) {
    // The ids come from the store, so they are the ones incidents and searches show.
    const reader = openEventReader(path.join(dataDir, EVENTS_DB_FILE), createHydrator());
    try {
      withIds = demoTruth(truth, records, reader, job.tenant, s.start, s.end);
    } finally {
      reader.close();
    }
  }
  const after = pipeline.stats;
  return {
    ...s,
    stored: after.stored.events - before.events,
    duplicates: after.stored.duplicates - before.duplicates,
    alerts: after.stored.alerts - before.alerts,
    deadLetters: after.parsed.deadLetters - before.deadLetters,
    ...(withIds ? { truth: withIds } : {}),
  };
}
