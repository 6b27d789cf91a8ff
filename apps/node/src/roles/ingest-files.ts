/**
 * @module
 * `intersoc ingest` with a bus: the files are parsed here (the ingest role's stage), published
 * to the bus, and the command returns only once the detect group has acknowledged every batch,
 * which a worker does after the store committed it. It fails with a clear error when no worker
 * group exists or the workers stop making progress.
 */
import type { Config } from '@intersoc/core';
import { connectEventsBus } from './bus-setup.js';
import { BusIngest } from './ingest-role.js';
import { busUrl } from './roles.js';

/** What a bus ingest did. */
export interface BusIngestSummary {
  readonly files: number;
  readonly failed: readonly { path: string; error: string }[];
  readonly bytes: number;
  readonly records: number;
  readonly events: number;
  readonly deadLetters: number;
  /** Messages published, and their size on the wire. */
  readonly batches: number;
  readonly busBytes: number;
  /** Publishes retried because the bus refused them (stream full at its bound, server unreachable). */
  readonly publishRetries: number;
  /** Every published batch was acknowledged by the detect group (i.e. committed to the store). */
  readonly stored: true;
  readonly bus: string;
  readonly seconds: number;
}

/** Parses and publishes `files`, then waits until all of it is stored. */
export async function ingestFilesToBus(
  config: Config,
  req: { files: readonly string[]; tenant: string; format?: string; label?: string },
  opts: { stallMs?: number; onProgress?: (files: number, events: number) => void } = {},
): Promise<BusIngestSummary> {
  const t0 = performance.now();
  const url = busUrl(config);
  const bus = await connectEventsBus({
    url,
    name: 'intersoc-ingest-cli',
    ...(config.bus.streamMaxBytes === undefined ? {} : { maxBytes: config.bus.streamMaxBytes }),
  });
  const failed: { path: string; error: string }[] = [];
  try {
    const bi = new BusIngest({
      bus,
      partitions: config.bus.partitions,
      blockEvents: config.storage.blockEvents,
      maxRecordBytes: config.ingest.maxRecordBytes,
    });
    let done = 0;
    for (const f of req.files) {
      try {
        await bi.file(f, req.tenant, req.format, req.label);
      } catch (err) {
        failed.push({ path: f, error: (err as Error).message });
      }
      opts.onProgress?.(++done, bi.parsed.events);
    }
    await bi.close();
    await bi.waitStored(opts.stallMs === undefined ? {} : { stallMs: opts.stallMs });
    return {
      files: req.files.length,
      failed,
      bytes: bi.parsed.bytes,
      records: bi.parsed.records,
      events: bi.parsed.events,
      deadLetters: bi.parsed.deadLetters,
      batches: bi.stats.batches,
      busBytes: bi.stats.bytes,
      publishRetries: bi.stats.retries,
      stored: true,
      bus: url,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await bus.close();
  }
}
