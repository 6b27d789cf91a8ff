/**
 * @module
 * Durable ingest for a serving node: HTTP bodies and syslog records pass through the ingest
 * journal on their way into the pipeline. An HTTP request is answered only once its body is on
 * disk, so an acknowledged event survives a crash. Checkpoints (rotate the journal, flush the
 * pipeline, delete the sealed segment) keep the journal small; a restart, or a parse worker that
 * died with open blocks in memory, replays what was not checkpointed. Replays store nothing
 * twice: event ids come from the entry's stream identity and position.
 */
import { AppError } from '@intersoc/core';
import type { RecordSink, SourceRecord } from '@intersoc/ingest';
import { IngestJournal, type JournalEntry } from '../pipeline/journal.js';
import type { ChunkInput, Pipeline } from '../pipeline/pipeline.js';
import type { ParseCounters } from '../pipeline/protocol.js';

/** Options of durable ingest. */
export interface DurableIngestOptions {
  /** How often the journal is checkpointed while it has entries, ms. */
  readonly checkpointMs: number;
  readonly onError: (message: string) => void;
}

/** Journal + pipeline, as the serving node uses them. */
export class DurableIngest {
  private timer: NodeJS.Timeout | undefined;
  private checkpointing: Promise<void> | undefined;
  private closed = false;
  /** Entries replayed since start (earlier run's leftovers and after lost workers). */
  replayed = 0;
  private recovering: Promise<void> | undefined;

  private constructor(
    private readonly pipeline: Pipeline,
    private readonly journal: IngestJournal,
    private readonly opts: DurableIngestOptions,
  ) {}

  /** Opens the journal of `dataDir`, replays what an earlier run left, and starts checkpoints. */
  static async start(pipeline: Pipeline, dataDir: string, opts: DurableIngestOptions): Promise<DurableIngest> {
    const journal = IngestJournal.open(dataDir);
    const d = new DurableIngest(pipeline, journal, opts);
    if (journal.leftover.length > 0) {
      for (const file of journal.leftover) await d.replay(IngestJournal.read(file));
      await pipeline.flush();
      for (const file of journal.leftover) journal.remove(file);
    }
    d.timer = setInterval(() => void d.checkpoint(), opts.checkpointMs);
    d.timer.unref();
    return d;
  }

  /** Journal counters for metrics and health. */
  get stats(): IngestJournal['stats'] {
    return this.journal.stats;
  }

  /** Why the journal stopped, if it did. */
  get failed(): string | undefined {
    return this.journal.failed?.message;
  }

  /**
   * Hands an HTTP body to the pipeline and resolves when it is parsed and its journal entry is on
   * disk: only then may the caller acknowledge it.
   */
  async submit(c: ChunkInput, timeoutMs: number): Promise<ParseCounters> {
    let durable: Promise<void> | undefined;
    const counters = await this.pipeline.submitChunk(c, timeoutMs, () => {
      durable = this.journal.append({ kind: 'chunk', ...c });
    });
    try {
      await durable;
    } catch (err) {
      throw new AppError('UNAVAILABLE', `the ingest journal cannot write: ${(err as Error).message}`, { cause: err });
    }
    return counters;
  }

  /** A sink for syslog sources: records are journalled as they are handed to a worker. */
  sink(): RecordSink {
    return this.pipeline.asSink((tenant, records) => {
      // Syslog has no acknowledgement to hold back; a journal failure shows in health instead.
      this.journal.append({ kind: 'records', tenant, records }).catch(() => undefined);
    });
  }

  /** Re-submits entries (idempotent: their ids are those of the first submission). */
  private async replay(entries: readonly JournalEntry[]): Promise<void> {
    const results = await Promise.allSettled(
      entries.map((e) =>
        e.kind === 'chunk'
          ? this.pipeline.submitChunk({
              stream: e.stream,
              tenant: e.tenant,
              source: e.source,
              ...(e.format ? { format: e.format } : {}),
              bytes: e.bytes,
              whole: e.whole,
              end: e.end,
            })
          : this.pipeline.submitRecords(e.tenant, e.records as SourceRecord[]),
      ),
    );
    this.replayed += entries.length;
    this.journal.stats.replayed += entries.length;
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length > 0)
      this.opts.onError(
        `journal replay: ${failed.length} of ${entries.length} entries failed: ${String((failed[0] as PromiseRejectedResult).reason)}`,
      );
  }

  /**
   * Rotates the journal, commits everything handed on so far, and deletes what is committed.
   * Every entry of a sealed segment was dispatched before the flush message, and each worker
   * handles its messages in order, so the flush covers them all.
   */
  checkpoint(): Promise<void> {
    this.checkpointing ??= (async () => {
      try {
        const sealed = await this.journal.rotate();
        if (sealed === undefined && this.journal.sealedFiles().length === 0) return;
        await this.pipeline.flush();
        for (const f of this.journal.sealedFiles()) this.journal.remove(f);
      } catch (err) {
        // Segments stay on disk and are replayed at the next start.
        if (!this.closed) this.opts.onError(`journal checkpoint: ${(err as Error).message}`);
      } finally {
        this.checkpointing = undefined;
      }
    })();
    return this.checkpointing;
  }

  /**
   * A parse worker died with open blocks in memory: replay every segment not yet checkpointed
   * (entries other workers committed are recognised as duplicates).
   */
  recoverLostWorker(): Promise<void> {
    const run = async (): Promise<void> => {
      await this.checkpointing;
      try {
        await this.journal.rotate();
        for (const f of this.journal.sealedFiles()) await this.replay(IngestJournal.read(f));
      } catch (err) {
        this.opts.onError(`journal replay after a lost worker: ${(err as Error).message}`);
      }
      await this.checkpoint();
    };
    const p = (this.recovering ?? Promise.resolve()).then(run);
    this.recovering = p;
    return p;
  }

  /** Final checkpoint, then closes the journal. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    // A worker that died just before: its replacement and the replay finish first, so the final
    // checkpoint commits what it held (otherwise the segments wait for the next start).
    await this.pipeline.workersSettled();
    await this.recovering;
    await this.checkpoint();
    this.closed = true;
    await this.journal.close();
  }
}
