/**
 * @module
 * The bulk load of `bench search`: records go through the store's write path on this one
 * thread (parse and normalise with the format plug-ins, pack blocks with their term index and
 * columns from the values just parsed, commit through the event writer) and nothing else: no
 * Sigma, IOC or ML detection, no ingest journal, no thread hand-offs. That is exactly what the
 * store sees of a pipeline ingest with `storage.indexAtIngest` on; the detectors only add alerts,
 * which the search benchmark does not query. One thread also makes the CPU per event exact
 * (`cpuSeconds` counts only the time spent inside `submit` and `finish`, not the data generation).
 */
import path from 'node:path';
import { ConfigSchema } from '@intersoc/core';
import { EVENTS_DB_FILE, openEventWriter, type SqliteEventWriter } from '@intersoc/storage';
import { createHydrator } from '../pipeline/hydrator.js';
import { Processor, type StageOutput } from '../pipeline/processor.js';
import type { RecordsMessage } from '../pipeline/protocol.js';

/** One record to load. */
export type LoadRecord = RecordsMessage['records'][number];

/** Loads records into the event store of `dataDir`. */
export class BulkLoader {
  private readonly writer: SqliteEventWriter;
  private readonly proc: Processor;
  private seq = 0;
  private cpuMicros = 0;
  /** Events committed so far. */
  stored = 0;
  /** Records that did not parse (dead letters). */
  deadLetters = 0;

  constructor(
    dataDir: string,
    private readonly tenant: string,
  ) {
    const config = ConfigSchema.parse({ data: dataDir });
    this.writer = openEventWriter(path.join(dataDir, EVENTS_DB_FILE), createHydrator());
    // The event database is rebuilt from scratch if the load fails: no need to sync each commit.
    this.writer.db.pragma('synchronous = OFF');
    const sink = (out: StageOutput): void => {
      const r = this.writer.write({ blocks: out.blocks, alerts: out.alerts, deadLetters: out.deadLetters });
      this.stored += r.events;
      this.deadLetters += r.deadLetters;
    };
    this.proc = new Processor({
      blockEvents: config.storage.blockEvents,
      indexAtIngest: true,
      maxRecordBytes: config.ingest.maxRecordBytes,
      detectors: [],
      sink,
    });
  }

  /** CPU seconds (user + system) spent in the store's write path so far. */
  get cpuSeconds(): number {
    return this.cpuMicros / 1e6;
  }

  /** Parses, packs and (for each full block) commits `records`. */
  async submit(records: readonly LoadRecord[]): Promise<void> {
    const c = process.cpuUsage();
    await this.proc.records({ type: 'records', seq: this.seq++, tenant: this.tenant, records });
    const u = process.cpuUsage(c);
    this.cpuMicros += u.user + u.system;
  }

  /** Commits the open blocks, then indexes whatever was written without terms (normally none). */
  async finish(): Promise<{ pendingIndexed: number }> {
    const c = process.cpuUsage();
    await this.proc.flush();
    let pendingIndexed = 0;
    for (let n = this.writer.indexPending(64); n > 0; n = this.writer.indexPending(64)) pendingIndexed += n;
    const u = process.cpuUsage(c);
    this.cpuMicros += u.user + u.system;
    return { pendingIndexed };
  }

  close(): void {
    this.writer.close();
  }
}
