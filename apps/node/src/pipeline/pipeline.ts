/**
 * @module
 * The pipeline coordinator on the main thread. It starts parse workers and the writer thread
 * (or runs the stage inline for single-core mode and tests), routes work to workers (a stream
 * always to the same worker, files and datagrams to the least loaded), applies backpressure with
 * per-worker byte credit, and aggregates the counters behind `/metrics`.
 */
import path from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { EVENTS_DB_FILE, openEventWriter, type SqliteEventWriter, type WriteResult } from '@intersoc/storage';
import { AppError, type Alert } from '@intersoc/core';
import type { RecordSink } from '@intersoc/ingest';
import type { DetectorSpec } from './detectors.js';
import { loadDetectors } from './detectors.js';
import { createHydrator } from './hydrator.js';
import { Processor, zeroCounters } from './processor.js';
import type { ChunkMessage, FromWorker, FromWriter, ParseCounters, RecordsMessage, ToWorker } from './protocol.js';
import type { ParseWorkerInit } from './parse-worker.js';
import type { WriterInit } from './writer-thread.js';
import { workerUrl } from './worker-url.js';

/** Pipeline options. */
export interface PipelineOptions {
  readonly dataDir: string;
  /** Parse worker threads; 0 runs everything on the calling thread. */
  readonly workers: number;
  readonly blockEvents: number;
  readonly maxRecordBytes: number;
  /** Bytes a worker may have queued before sources must wait (or UDP drops). */
  readonly maxInflightBytes: number;
  readonly detectors: DetectorSpec;
  /** Open blocks are flushed after this much idle time, ms (bounds search latency). */
  readonly idleFlushMs: number;
  /** Called for every committed batch of alerts (bus, dashboard, correlation). */
  readonly onAlerts?: (alerts: readonly Alert[]) => void;
  /** Called for internal errors (detector failures, write errors). */
  readonly onError?: (message: string) => void;
}

/** Counters exported as metrics. */
export interface PipelineStats {
  parsed: ParseCounters;
  stored: { events: number; duplicates: number; alerts: number; deadLetters: number; blocks: number };
  udpDropped: number;
  inflightBytes: number;
  pendingIndexBlocks: number;
}

/** A stream chunk as sources submit it. */
export type ChunkInput = Omit<ChunkMessage, 'type' | 'seq'>;

/** Young-generation size of parse workers, MB. */
const PARSE_WORKER_YOUNG_MB = 64;

interface Lane {
  worker: Worker;
  inflight: number;
  files: number;
}

interface Pending {
  resolve: (c: ParseCounters) => void;
  reject: (e: Error) => void;
  weight: number;
  lane: number;
  onProgress: ((bytes: number, total: number) => void) | undefined;
}

/** The running pipeline. */
export class Pipeline {
  readonly stats: PipelineStats = {
    parsed: zeroCounters(),
    stored: { events: 0, duplicates: 0, alerts: 0, deadLetters: 0, blocks: 0 },
    udpDropped: 0,
    inflightBytes: 0,
    pendingIndexBlocks: 0,
  };
  private seq = 0;
  private token = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly tokenWaiters = new Map<number, { left: number; resolve: () => void }>();
  private readonly creditWaiters: (() => void)[] = [];
  private lanes: Lane[] = [];
  private writerThread: Worker | undefined;
  private inline: { proc: Processor; writer: SqliteEventWriter; idle?: NodeJS.Timeout } | undefined;
  private readonly streamLane = new Map<string, number>();

  private constructor(private readonly opts: PipelineOptions) {}

  /** Starts workers and the writer, or the inline stage. */
  static async start(opts: PipelineOptions): Promise<Pipeline> {
    const p = new Pipeline(opts);
    if (opts.workers <= 0) await p.startInline();
    else await p.startThreads();
    return p;
  }

  private async startInline(): Promise<void> {
    const writer = openEventWriter(path.join(this.opts.dataDir, EVENTS_DB_FILE), createHydrator());
    const proc = new Processor({
      blockEvents: this.opts.blockEvents,
      maxRecordBytes: this.opts.maxRecordBytes,
      detectors: await loadDetectors(this.opts.detectors),
      sink: (out) => {
        this.onWritten(writer.write(out));
        if (out.alerts.length > 0) this.opts.onAlerts?.(out.alerts);
      },
      onDetectorError: (id, err) => this.opts.onError?.(`detector ${id}: ${(err as Error).message}`),
    });
    this.inline = { proc, writer };
  }

  private async startThreads(): Promise<void> {
    const channels = Array.from({ length: this.opts.workers }, () => new MessageChannel());
    // Several threads detect: correlations move to the writer thread's correlation stage.
    const detectors: DetectorSpec = { ...this.opts.detectors, externalCorrelation: true };
    const writerInit: WriterInit = {
      file: path.join(this.opts.dataDir, EVENTS_DB_FILE),
      ports: channels.map((c) => c.port1),
      indexStep: 8,
      detectors,
    };
    this.writerThread = new Worker(workerUrl(import.meta.url, 'writer-thread'), {
      workerData: writerInit,
      transferList: channels.map((c) => c.port1),
    });
    this.writerThread.on('message', (m: FromWriter) => this.onWriterMessage(m));
    this.writerThread.on('error', (err) => this.opts.onError?.(`writer thread: ${err.message}`));
    await once(this.writerThread, 'ready');
    this.lanes = await Promise.all(
      channels.map(async (ch, id) => {
        const init: ParseWorkerInit = {
          id,
          writer: ch.port2,
          blockEvents: this.opts.blockEvents,
          maxRecordBytes: this.opts.maxRecordBytes,
          detectors,
          idleFlushMs: this.opts.idleFlushMs,
        };
        const worker = new Worker(workerUrl(import.meta.url, 'parse-worker'), {
          workerData: init,
          transferList: [ch.port2],
          // Parsed events are short-lived: a larger young generation lets them die in scavenges
          // instead of being promoted (old-space collection dominated parse-worker profiles).
          resourceLimits: { maxYoungGenerationSizeMb: PARSE_WORKER_YOUNG_MB },
        });
        worker.on('message', (m: FromWorker) => this.onWorkerMessage(m));
        worker.on('error', (err) => this.opts.onError?.(`parse worker ${id}: ${err.message}`));
        await once(worker, 'ready');
        return { worker, inflight: 0, files: 0 };
      }),
    );
  }

  private onWorkerMessage(m: FromWorker): void {
    if (m.type === 'ack') {
      addCounters(this.stats.parsed, m.counters);
      this.settle(m.seq, (p) => p.resolve(m.counters));
    } else if (m.type === 'progress') {
      this.pending.get(m.seq)?.onProgress?.(m.bytes, m.total);
    } else if (m.type === 'error') {
      if (m.seq >= 0 && this.pending.has(m.seq)) this.settle(m.seq, (p) => p.reject(new Error(m.message)));
      else this.opts.onError?.(m.message);
    }
  }

  private onWriterMessage(m: FromWriter): void {
    if (m.type === 'written') {
      this.onWritten(m.result);
      for (const t of m.tokens) {
        const w = this.tokenWaiters.get(t);
        if (w && --w.left === 0) {
          this.tokenWaiters.delete(t);
          w.resolve();
        }
      }
    } else if (m.type === 'alerts') {
      this.opts.onAlerts?.(m.alerts);
    } else if (m.type === 'indexed') {
      this.stats.pendingIndexBlocks = m.pending;
    } else if (m.type === 'error') {
      this.opts.onError?.(m.message);
    }
  }

  private onWritten(r: WriteResult): void {
    const s = this.stats.stored;
    s.events += r.events;
    s.duplicates += r.duplicates;
    s.alerts += r.alerts;
    s.deadLetters += r.deadLetters;
    s.blocks += r.blocks;
  }

  private settle(seq: number, f: (p: Pending) => void): void {
    const p = this.pending.get(seq);
    if (!p) return;
    this.pending.delete(seq);
    const lane = this.lanes[p.lane];
    if (lane) {
      lane.inflight -= p.weight;
      this.stats.inflightBytes -= p.weight;
    }
    f(p);
    for (const w of this.creditWaiters.splice(0)) w();
  }

  private laneFor(stream: string | undefined): number {
    if (stream !== undefined) {
      const known = this.streamLane.get(stream);
      if (known !== undefined) return known;
    }
    let best = 0;
    this.lanes.forEach((l, i) => {
      const b = this.lanes[best] as Lane;
      if (l.inflight + l.files * this.opts.maxInflightBytes < b.inflight + b.files * this.opts.maxInflightBytes)
        best = i;
    });
    if (stream !== undefined) this.streamLane.set(stream, best);
    return best;
  }

  private send(
    lane: number,
    m: ToWorker,
    weight: number,
    onProgress?: (b: number, t: number) => void,
  ): Promise<ParseCounters> {
    const l = this.lanes[lane] as Lane;
    l.inflight += weight;
    this.stats.inflightBytes += weight;
    return new Promise<ParseCounters>((resolve, reject) => {
      if ('seq' in m) this.pending.set(m.seq, { resolve, reject, weight, lane, onProgress });
      const transfer =
        m.type === 'chunk' && m.bytes.byteOffset === 0 && m.bytes.byteLength === m.bytes.buffer.byteLength
          ? [m.bytes.buffer as ArrayBuffer]
          : [];
      l.worker.postMessage(m, transfer);
    });
  }

  /** True when the lane a chunk would go to has credit left. */
  private hasCredit(lane: number, weight: number): boolean {
    const l = this.lanes[lane] as Lane;
    return l.inflight === 0 || l.inflight + weight <= this.opts.maxInflightBytes;
  }

  /** Submits a stream chunk, waiting for credit (TCP, HTTP). Resolves when it is parsed. */
  async submitChunk(c: ChunkInput, timeoutMs?: number): Promise<ParseCounters> {
    if (this.inline) return this.runInline(() => this.inline!.proc.chunk({ type: 'chunk', seq: 0, ...c }));
    const lane = this.laneFor(c.whole ? undefined : c.stream);
    const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
    while (!this.hasCredit(lane, c.bytes.length)) {
      if (Date.now() >= deadline) {
        this.streamLane.delete(c.stream);
        throw new AppError('BACKPRESSURE', 'the pipeline is full; retry later', { details: { retryAfterSeconds: 5 } });
      }
      await new Promise<void>((r) => {
        this.creditWaiters.push(r);
        if (deadline !== Infinity) setTimeout(r, Math.max(0, deadline - Date.now()));
      });
    }
    const done = this.send(lane, { type: 'chunk', seq: ++this.seq, ...c }, c.bytes.length);
    if (c.end) this.streamLane.delete(c.stream);
    return done;
  }

  /** Submits records only if there is credit now (UDP); false means they were dropped and counted. */
  trySubmitRecords(tenant: string, records: RecordsMessage['records']): boolean {
    if (this.inline) {
      void this.runInline(() => this.inline!.proc.records({ type: 'records', seq: 0, tenant, records }));
      return true;
    }
    const weight = records.reduce((a, r) => a + r.record.length, 0);
    const lane = this.laneFor(undefined);
    if (!this.hasCredit(lane, weight)) {
      this.stats.udpDropped += records.length;
      return false;
    }
    void this.send(lane, { type: 'records', seq: ++this.seq, tenant, records }, weight).catch(() => undefined);
    return true;
  }

  /** The pipeline as a sink for network sources. */
  asSink(): RecordSink {
    return {
      submit: async (tenant, records) => {
        await this.submitRecords(tenant, records);
      },
      trySubmit: (tenant, records) => this.trySubmitRecords(tenant, records),
    };
  }

  /** Ingests a file (plain or .gz; format detected unless given). Resolves when it is parsed. */
  async ingestFile(
    file: string,
    o: { tenant: string; format?: string; label?: string; onProgress?: (bytes: number, total: number) => void },
  ): Promise<ParseCounters> {
    const msg = {
      type: 'file',
      seq: ++this.seq,
      path: file,
      tenant: o.tenant,
      ...(o.format ? { format: o.format } : {}),
      ...(o.label ? { label: o.label } : {}),
    } as const;
    if (this.inline) return this.runInline(() => this.inline!.proc.file(msg, o.onProgress ?? (() => undefined)));
    const lane = this.laneFor(undefined);
    const l = this.lanes[lane] as Lane;
    l.files++;
    try {
      return await this.send(lane, msg, 0, o.onProgress);
    } finally {
      l.files--;
    }
  }

  /** Submits pre-framed, labelled records (simulator, replays). */
  async submitRecords(tenant: string, records: RecordsMessage['records']): Promise<ParseCounters> {
    const weight = records.reduce((a, r) => a + r.record.length, 0);
    if (this.inline)
      return this.runInline(() => this.inline!.proc.records({ type: 'records', seq: 0, tenant, records }));
    const lane = this.laneFor(undefined);
    while (!this.hasCredit(lane, weight)) await new Promise<void>((r) => this.creditWaiters.push(r));
    return this.send(lane, { type: 'records', seq: ++this.seq, tenant, records }, weight);
  }

  private async runInline(f: () => Promise<ParseCounters>): Promise<ParseCounters> {
    const c = await f();
    addCounters(this.stats.parsed, c);
    const inl = this.inline!;
    if (inl.idle) clearTimeout(inl.idle);
    inl.idle = setTimeout(() => void inl.proc.flush(), this.opts.idleFlushMs);
    return c;
  }

  /** Encodes every open block and waits until all of it is committed. */
  async flush(): Promise<void> {
    if (this.inline) {
      await this.inline.proc.flush();
      return;
    }
    const token = ++this.token;
    const done = new Promise<void>((resolve) => this.tokenWaiters.set(token, { left: this.lanes.length, resolve }));
    for (const l of this.lanes) l.worker.postMessage({ type: 'flush', token } satisfies ToWorker);
    await done;
  }

  /**
   * Rebuilds every thread's detectors from their spec (after rules or indicators changed).
   * Resolves when all threads run the new set; events are never paused or dropped meanwhile.
   */
  async reloadDetectors(): Promise<void> {
    if (this.inline) {
      const next = await loadDetectors(this.opts.detectors);
      for (const d of this.inline.proc.setDetectors(next)) await d.close?.();
      return;
    }
    const token = ++this.token;
    this.writerThread?.postMessage({ type: 'reload' });
    await Promise.all(
      this.lanes.map(async (l) => {
        const done = new Promise<void>((resolve) => {
          const on = (m: FromWorker): void => {
            if (m.type !== 'reloaded' || m.token !== token) return;
            l.worker.off('message', on);
            resolve();
          };
          l.worker.on('message', on);
        });
        l.worker.postMessage({ type: 'reload', token } satisfies ToWorker);
        await done;
      }),
    );
  }

  /** Builds the term index for every unindexed block now (benchmarks, tests). */
  async indexAll(): Promise<void> {
    if (this.inline) {
      while (this.inline.writer.indexPending(64) > 0);
      this.stats.pendingIndexBlocks = 0;
      return;
    }
    const w = this.writerThread as Worker;
    for (;;) {
      w.postMessage({ type: 'index-now' });
      await once(w, 'index-done');
      if (this.stats.pendingIndexBlocks === 0) return;
    }
  }

  /** Applies a tenant's retention policy in the writer. */
  async retention(
    tenant: string,
    policy: { maxAgeDays: number; maxBytes: number },
  ): Promise<{ deletedBlocks: number; deletedEvents: number }> {
    if (this.inline) return this.inline.writer.applyRetention(tenant, policy, Date.now());
    const w = this.writerThread as Worker;
    w.postMessage({ type: 'retention', tenant, policy });
    return (await once(w, 'retained')) as { deletedBlocks: number; deletedEvents: number };
  }

  /** Flushes and stops all threads. */
  async close(): Promise<void> {
    await this.flush();
    if (this.inline) {
      if (this.inline.idle) clearTimeout(this.inline.idle);
      this.inline.writer.close();
      return;
    }
    await Promise.all(
      this.lanes.map(async (l) => {
        const exited = new Promise((r) => l.worker.once('exit', r));
        l.worker.postMessage({ type: 'close' } satisfies ToWorker);
        await exited;
      }),
    );
    const w = this.writerThread as Worker;
    const exited = new Promise((r) => w.once('exit', r));
    w.postMessage({ type: 'close' });
    await exited;
  }
}

function addCounters(into: ParseCounters, c: ParseCounters): void {
  into.records += c.records;
  into.events += c.events;
  into.deadLetters += c.deadLetters;
  into.skipped += c.skipped;
  into.alerts += c.alerts;
  into.bytes += c.bytes;
}

/** Resolves with the first message of `type` from a worker. */
function once(w: Worker, type: string): Promise<unknown> {
  return new Promise((resolve) => {
    const on = (m: { type?: string }): void => {
      if (m.type !== type) return;
      w.off('message', on);
      resolve(m);
    };
    w.on('message', on);
  });
}
