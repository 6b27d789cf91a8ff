/**
 * @module
 * The pipeline coordinator on the main thread. It starts parse workers and the writer thread
 * (or runs the stage inline for single-core mode and tests), routes work to workers (a stream
 * always to the same worker, files and datagrams to the least loaded), applies backpressure with
 * per-worker byte credit, and aggregates the counters behind `/metrics`.
 *
 * Beside it: its options, counters and health types (`pipeline-types.ts`, re-exported here), the
 * health judgement (`pipeline-health.ts`) and the maintenance done in the writer (retention and
 * erasure, `writer-ops.ts`).
 */
import path from 'node:path';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import {
  acquireWriterLock,
  EVENTS_DB_FILE,
  type RewriteOutcome,
  type WriteResult,
  type WriterLock,
} from '@intersoc/storage';
import type { EventErasureSpec } from '@intersoc/privacy';
import { AppError } from '@intersoc/core';
import type { RecordSink } from '@intersoc/ingest';
import type { DetectorSpec } from './detectors.js';
import { loadDetectors } from './detectors.js';
import { zeroCounters } from './processor.js';
import { pipelineHealth } from './pipeline-health.js';
import {
  addCounters,
  type ChunkInput,
  type OnDispatch,
  type PipelineHealth,
  type PipelineOptions,
  type PipelineStats,
} from './pipeline-types.js';
import type { FromWorker, FromWriter, ParseCounters, RecordsMessage, ToWorker } from './protocol.js';
import type { ParseWorkerInit } from './parse-worker.js';
import type { WriterInit } from './writer-thread.js';
import { workerUrl } from './worker-url.js';
import { applyRetention, eraseBaselines, eraseEvents, once } from './writer-ops.js';
import { closeInlineStage, startInlineStage, type InlineStage } from './inline-stage.js';
import { LaneRouter, type Lane } from './lane-router.js';
import { closeThreads, reloadThreads } from './thread-control.js';

export type {
  ChunkInput,
  OnDispatch,
  PipelineHealth,
  PipelineOptions,
  PipelineStats,
  StageHealth,
} from './pipeline-types.js';

/** Young-generation size of parse workers, MB. */
const PARSE_WORKER_YOUNG_MB = 64;

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
    index: { indexedBlocks: 0, pendingBlocks: 0, indexedEvents: 0, pendingEvents: 0, columnPendingBlocks: 0 },
  };
  /** Since when blocks have been waiting for the index (undefined: none waiting). */
  private indexPendingSince: number | undefined;
  private seq = 0;
  private token = 0;
  private readonly pending = new Map<number, Pending>();
  /** Workers being replaced after a death (close waits for them, so their lost work is replayed first). */
  private readonly replacements = new Set<Promise<void>>();
  private readonly tokenWaiters = new Map<number, { left: number; resolve: () => void; reject: (e: Error) => void }>();
  private readonly creditWaiters: (() => void)[] = [];
  /** Files waiting for a lane without a file. */
  private readonly fileWaiters: (() => void)[] = [];
  private lanes: Lane[] = [];
  private writerThread: Worker | undefined;
  private inline: InlineStage | undefined;
  /** Which lane takes what (reads `lanes`). */
  private readonly router: LaneRouter;
  private lock: WriterLock | undefined;
  /** Why the pipeline stopped accepting work, once a commit failed or the writer died. */
  private failure: string | undefined;
  private closing = false;
  private lastCommit = Date.now();
  private readonly deaths: { lane: number; at: number; reason: string }[] = [];
  private readonly channels: MessageChannel[] = [];

  private constructor(private readonly opts: PipelineOptions) {
    this.router = new LaneRouter(() => this.lanes, opts.maxInflightBytes);
  }

  /**
   * Takes the data folder's writer lock (AppError `CONFLICT` when another process writes to it),
   * then starts workers and the writer, or the inline stage.
   */
  static async start(opts: PipelineOptions): Promise<Pipeline> {
    const p = new Pipeline(opts);
    p.lock = acquireWriterLock(opts.dataDir, opts.lockedBy ?? 'pipeline');
    try {
      if (opts.workers <= 0) await p.startInline();
      else await p.startThreads();
    } catch (err) {
      p.lock.release();
      throw err;
    }
    return p;
  }

  /** Publishes more about the lock holder (the node's URL and control socket). */
  describeHolder(info: { url?: string; control?: string }): void {
    this.lock?.update(info);
  }

  /** Why the pipeline refuses work, or undefined while it is healthy enough to accept it. */
  get failed(): string | undefined {
    return this.failure;
  }

  /** Stops accepting work after a failed commit or a dead writer: nothing more is acknowledged. */
  private fail(reason: string): void {
    if (this.failure !== undefined || this.closing) return;
    this.failure = reason;
    this.opts.onError?.(`pipeline stopped: ${reason}`);
    const err = unavailable(reason);
    for (const seq of [...this.pending.keys()]) this.settle(seq, (p) => p.reject(err));
    for (const [t, w] of this.tokenWaiters) {
      this.tokenWaiters.delete(t);
      w.reject(err);
    }
    for (const w of this.creditWaiters.splice(0)) w();
    for (const w of this.fileWaiters.splice(0)) w();
  }

  private assertUsable(): void {
    if (this.failure !== undefined) throw unavailable(this.failure);
  }

  /** Health of parse, store and index stages, from what the threads last reported. */
  health(now = Date.now()): PipelineHealth {
    return pipelineHealth(
      {
        deaths: this.deaths,
        lanes: this.lanes,
        inline: this.inline !== undefined,
        stats: this.stats,
        flushesWaiting: this.tokenWaiters.size,
        failure: this.failure,
        lastCommit: this.lastCommit,
        indexPendingSince: this.indexPendingSince,
      },
      now,
    );
  }

  private async startInline(): Promise<void> {
    this.inline = await startInlineStage(this.opts, {
      onWritten: (r) => this.onWritten(r),
      fail: (reason) => this.fail(reason),
      stopped: () => this.failure !== undefined || this.closing,
      ...(this.opts.onAlerts ? { onAlerts: this.opts.onAlerts } : {}),
      ...(this.opts.onError ? { onError: this.opts.onError } : {}),
    });
    this.setIndexStatus(this.inline.writer.indexStatus());
  }

  private async startThreads(): Promise<void> {
    this.channels.push(...Array.from({ length: this.opts.workers }, () => new MessageChannel()));
    const writerInit: WriterInit = {
      file: path.join(this.opts.dataDir, EVENTS_DB_FILE),
      ports: this.channels.map((c) => c.port1),
      indexStep: 8,
      detectors: this.threadDetectors(),
    };
    const writer = new Worker(workerUrl(import.meta.url, 'writer-thread'), {
      workerData: writerInit,
      transferList: this.channels.map((c) => c.port1),
    });
    this.writerThread = writer;
    writer.on('message', (m: FromWriter) => this.onWriterMessage(m));
    writer.on('error', (err) => this.fail(`writer thread: ${err.message}`));
    writer.on('exit', (code) => this.fail(`writer thread exited (code ${code})`));
    await once(writer, 'ready');
    this.lanes = await Promise.all(this.channels.map((ch, id) => this.startWorker(id, ch.port2)));
  }

  /** Several threads detect: correlations move to the writer thread's correlation stage. */
  private threadDetectors(): DetectorSpec {
    return { ...this.opts.detectors, externalCorrelation: true };
  }

  private async startWorker(id: number, writerPort: MessagePort): Promise<Lane> {
    const init: ParseWorkerInit = {
      id,
      writer: writerPort,
      blockEvents: this.opts.blockEvents,
      indexAtIngest: this.opts.indexAtIngest ?? false,
      maxRecordBytes: this.opts.maxRecordBytes,
      detectors: this.threadDetectors(),
      idleFlushMs: this.opts.idleFlushMs,
    };
    const worker = new Worker(workerUrl(import.meta.url, 'parse-worker'), {
      workerData: init,
      transferList: [writerPort],
      // Parsed events are short-lived: a larger young generation lets them die in scavenges
      // instead of being promoted (old-space collection dominated parse-worker profiles).
      resourceLimits: { maxYoungGenerationSizeMb: PARSE_WORKER_YOUNG_MB },
    });
    const lane: Lane = { worker, inflight: 0, files: 0, alive: true };
    let lastError = '';
    worker.on('message', (m: FromWorker) => this.onWorkerMessage(m));
    worker.on('error', (err) => {
      lastError = err.message;
      this.opts.onError?.(`parse worker ${id}: ${err.message}`);
    });
    worker.on('exit', (code) => {
      if (this.closing || this.lanes[id]?.worker !== worker) return;
      const replacing = this.replaceWorker(id, lastError || `exit code ${code}`).finally(() =>
        this.replacements.delete(replacing),
      );
      this.replacements.add(replacing);
    });
    await once(worker, 'ready');
    return lane;
  }

  /**
   * A parse worker died: its queued work fails (the callers see 503 and may retry), the events in
   * its open blocks are gone from memory (the journal replays them), and a new worker takes the lane.
   */
  private async replaceWorker(id: number, reason: string): Promise<void> {
    const lane = this.lanes[id] as Lane;
    lane.alive = false;
    this.deaths.push({ lane: id, at: Date.now(), reason });
    this.opts.onError?.(`parse worker ${id} died: ${reason}; starting a new one`);
    const err = unavailable(`parse worker ${id} died: ${reason}`);
    for (const [seq, p] of [...this.pending]) if (p.lane === id) this.settle(seq, (x) => x.reject(err));
    this.router.forgetLane(id);
    // A flush the dead lane was part of cannot vouch for what that lane held: it fails, so a
    // journal checkpoint waiting on it keeps its segments for the replay instead of deleting them.
    for (const [t, w] of this.tokenWaiters) {
      this.tokenWaiters.delete(t);
      w.reject(err);
    }
    const ch = new MessageChannel();
    this.channels[id] = ch;
    this.writerThread?.postMessage({ type: 'port', id, port: ch.port1 }, [ch.port1]);
    try {
      const next = await this.startWorker(id, ch.port2);
      if (this.closing) {
        await next.worker.terminate();
        return;
      }
      this.lanes[id] = next;
      this.fileWaiters.shift()?.();
      this.opts.onWorkerLost?.(id, reason);
    } catch (e) {
      this.fail(`cannot restart parse worker ${id}: ${(e as Error).message}`);
    }
  }

  /** Resolves once no dead parse worker is still being replaced. */
  async workersSettled(): Promise<void> {
    while (this.replacements.size > 0) await Promise.allSettled([...this.replacements]);
  }

  /** Test hook: kills a parse worker the way a crash would. */
  async killWorkerForTest(id: number): Promise<void> {
    await this.lanes[id]?.worker.terminate();
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
      this.lastCommit = Date.now();
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
      this.setIndexStatus(m.status);
    } else if (m.type === 'error') {
      if (m.fatal) this.fail(m.message);
      else this.opts.onError?.(m.message);
    }
  }

  /** Takes the writer's exact index coverage; a wait starts when blocks first turn up pending. */
  private setIndexStatus(status: PipelineStats['index']): void {
    if (status.pendingBlocks === 0) this.indexPendingSince = undefined;
    else this.indexPendingSince ??= Date.now();
    this.stats.index = { ...status };
    this.stats.pendingIndexBlocks = status.pendingBlocks;
  }

  private onWritten(r: WriteResult): void {
    // Committed blocks are in the term index already (written in the same transaction).
    this.stats.index.indexedBlocks += r.blocks;
    this.stats.index.indexedEvents += r.events;
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

  private send(
    lane: number,
    m: ToWorker,
    weight: number,
    onProgress?: (b: number, t: number) => void,
    onDispatch?: OnDispatch,
  ): Promise<ParseCounters> {
    const l = this.lanes[lane] as Lane;
    if (!l.alive) return Promise.reject(unavailable(`parse worker ${lane} is restarting`));
    onDispatch?.();
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

  /** Submits a stream chunk, waiting for credit (TCP, HTTP). Resolves when it is parsed. */
  async submitChunk(c: ChunkInput, timeoutMs?: number, onDispatch?: OnDispatch): Promise<ParseCounters> {
    this.assertUsable();
    if (this.inline) {
      onDispatch?.();
      return this.runInline(() => this.inline!.proc.chunk({ type: 'chunk', seq: 0, ...c }));
    }
    const lane = this.router.laneFor(c.whole ? undefined : c.stream);
    const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
    while (!this.router.hasCredit(lane, c.bytes.length)) {
      this.assertUsable();
      if (Date.now() >= deadline) {
        this.router.endStream(c.stream);
        throw new AppError('BACKPRESSURE', 'the pipeline is full; retry later', { details: { retryAfterSeconds: 5 } });
      }
      await new Promise<void>((r) => {
        this.creditWaiters.push(r);
        if (deadline !== Infinity) setTimeout(r, Math.max(0, deadline - Date.now()));
      });
    }
    this.assertUsable();
    const done = this.send(lane, { type: 'chunk', seq: ++this.seq, ...c }, c.bytes.length, undefined, onDispatch);
    if (c.end) this.router.endStream(c.stream);
    return done;
  }

  /** Submits records only if there is credit now (UDP); false means they were dropped and counted. */
  trySubmitRecords(tenant: string, records: RecordsMessage['records'], onDispatch?: OnDispatch): boolean {
    if (this.failure !== undefined || (this.lanes.every((l) => !l.alive) && !this.inline)) {
      this.stats.udpDropped += records.length;
      return false;
    }
    if (this.inline) {
      onDispatch?.();
      void this.runInline(() => this.inline!.proc.records({ type: 'records', seq: 0, tenant, records })).catch(
        () => undefined,
      );
      return true;
    }
    const weight = records.reduce((a, r) => a + r.record.length, 0);
    const lane = this.router.laneFor(undefined);
    if (!this.router.hasCredit(lane, weight)) {
      this.stats.udpDropped += records.length;
      return false;
    }
    void this.send(lane, { type: 'records', seq: ++this.seq, tenant, records }, weight, undefined, onDispatch).catch(
      () => undefined,
    );
    return true;
  }

  /** The pipeline as a sink for network sources. */
  asSink(onDispatch?: (tenant: string, records: RecordsMessage['records']) => void): RecordSink {
    const hook = (tenant: string, records: RecordsMessage['records']): OnDispatch | undefined =>
      onDispatch ? () => onDispatch(tenant, records) : undefined;
    return {
      submit: async (tenant, records) => {
        await this.submitRecords(tenant, records, hook(tenant, records));
      },
      trySubmit: (tenant, records) => this.trySubmitRecords(tenant, records, hook(tenant, records)),
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
    this.assertUsable();
    if (this.inline) return this.runInline(() => this.inline!.proc.file(msg, o.onProgress ?? (() => undefined)));
    // A file goes to a lane only once that lane has no file, so a lane that finishes early takes
    // the next one: handing every file out at once left lanes idle while another had a queue.
    let lane = this.fileWaiters.length === 0 ? this.router.fileLane() : -1;
    while (lane < 0) {
      await new Promise<void>((r) => this.fileWaiters.push(r));
      this.assertUsable();
      lane = this.router.fileLane();
    }
    const l = this.lanes[lane] as Lane;
    l.files++;
    try {
      return await this.send(lane, msg, 0, o.onProgress);
    } finally {
      l.files--;
      this.fileWaiters.shift()?.();
    }
  }

  /** Submits pre-framed, labelled records (simulator, replays). */
  async submitRecords(
    tenant: string,
    records: RecordsMessage['records'],
    onDispatch?: OnDispatch,
  ): Promise<ParseCounters> {
    this.assertUsable();
    const weight = records.reduce((a, r) => a + r.record.length, 0);
    if (this.inline) {
      onDispatch?.();
      return this.runInline(() => this.inline!.proc.records({ type: 'records', seq: 0, tenant, records }));
    }
    const lane = this.router.laneFor(undefined);
    while (!this.router.hasCredit(lane, weight)) {
      this.assertUsable();
      await new Promise<void>((r) => this.creditWaiters.push(r));
    }
    this.assertUsable();
    return this.send(lane, { type: 'records', seq: ++this.seq, tenant, records }, weight, undefined, onDispatch);
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
    this.assertUsable();
    if (this.inline) {
      await this.inline.proc.flush();
      return;
    }
    // A dead lane's open blocks are gone: no flush can vouch for them until they are replayed.
    if (this.lanes.some((l) => !l.alive)) throw unavailable('a parse worker is being replaced');
    const token = ++this.token;
    const live = this.lanes.filter((l) => l.alive);
    const done = new Promise<void>((resolve, reject) =>
      this.tokenWaiters.set(token, { left: live.length, resolve, reject }),
    );
    if (live.length === 0) this.tokenWaiters.get(token)?.resolve();
    for (const l of live) l.worker.postMessage({ type: 'flush', token } satisfies ToWorker);
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
    await reloadThreads(this.lanes, this.writerThread, ++this.token);
  }

  /** Builds the term index for every unindexed block now (benchmarks, tests). */
  async indexAll(): Promise<void> {
    if (this.inline) {
      while (this.inline.writer.indexPending(64) > 0);
      this.setIndexStatus(this.inline.writer.indexStatus());
      return;
    }
    const w = this.writerThread as Worker;
    for (;;) {
      w.postMessage({ type: 'index-now' });
      await once(w, 'index-done');
      if (this.stats.index.pendingBlocks === 0) return;
    }
  }

  /** Applies a tenant's retention policy in the writer. */
  async retention(
    tenant: string,
    policy: { maxAgeDays: number; maxBytes: number },
  ): Promise<{ deletedBlocks: number; deletedEvents: number }> {
    return applyRetention(this.inline, this.writerThread, tenant, policy);
  }

  /** Erases a data subject from the event store, in the writer (see `eraseEventsIn`). */
  async eraseEvents(spec: EventErasureSpec): Promise<RewriteOutcome> {
    await this.flush();
    return eraseEvents(this.inline, this.writerThread, spec);
  }

  /** Erases a data subject's rows from the host behaviour baselines, where they live (see `eraseBaselinesIn`). */
  async eraseBaselines(spec: EventErasureSpec): Promise<number> {
    await this.flush();
    return eraseBaselines(this.inline, this.writerThread, spec);
  }

  /** Flushes and stops all threads, then releases the data folder. */
  async close(): Promise<void> {
    try {
      await this.closeStages();
    } finally {
      this.lock?.release();
      this.lock = undefined;
    }
  }

  private async closeStages(): Promise<void> {
    if (this.failure === undefined) await this.flush().catch(() => undefined);
    this.closing = true;
    if (this.inline) {
      closeInlineStage(this.inline);
      return;
    }
    await closeThreads(this.lanes, this.writerThread as Worker);
  }
}

function unavailable(reason: string): AppError {
  return new AppError('UNAVAILABLE', `the pipeline cannot accept events: ${reason}`);
}
