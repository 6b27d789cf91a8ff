/**
 * @module
 * The ingest role: sources and parsing, without detection or a store. It runs the same
 * `Processor` as the embedded node (frame → parse → encode blocks), with blocks cut per bus
 * partition, and publishes each block as it is sealed on `events.<tenant>.<source>.<partition>`
 * (see `batch-codec.ts`). A publish returns once JetStream stored the batch; `waitStored` then
 * waits until the detect group has acknowledged everything this process published, which a
 * worker does only after the store committed it.
 */
import { AppError } from '@intersoc/core';
import type { RecordSink, SourceRecord } from '@intersoc/ingest';
import type { JetStreamBus } from '@intersoc/bus/nats';
import { Processor, zeroCounters, type StageOutput } from '../pipeline/processor.js';
import type { PartitionedBlock } from '../pipeline/block-builder.js';
import type { ParseCounters } from '../pipeline/protocol.js';
import { batchId, encodeBatch } from './batch-codec.js';
import { DETECT_GROUP } from './bus-setup.js';
import { correlateBacklog } from './correlate-feed.js';
import { eventSubject, hostOf, partitionOfHost } from './partition.js';

/** A consumer state the server did not give (unreachable, restarting). */
const LOST = Symbol('lost');

/** Settings of the ingest role. */
export interface BusIngestOptions {
  readonly bus: JetStreamBus;
  readonly partitions: number;
  readonly blockEvents: number;
  readonly maxRecordBytes: number;
  readonly onError?: (message: string) => void;
  /** How long a publish is retried (server down, stream full) before it fails, ms (2 min). */
  readonly retryMs?: number;
}

/** What the role published. */
export interface PublishStats {
  batches: number;
  events: number;
  deadLetters: number;
  bytes: number;
  /** Publishes the stream had already stored (a retried publish). */
  duplicates: number;
  /** Highest stream sequence this process published. */
  lastSeq: number;
  /** Publishes retried after a failure (server unreachable, stream full). */
  retries: number;
  /** Record submissions queued plus publishes waiting to retry: what the sources are held back by. */
  waiting: number;
}

/** Parses and publishes; one `Processor` per source kind (`file`, `syslog`), used one call at a time. */
export class BusIngest {
  readonly stats: PublishStats = {
    batches: 0,
    events: 0,
    deadLetters: 0,
    bytes: 0,
    duplicates: 0,
    lastSeq: 0,
    retries: 0,
    waiting: 0,
  };
  readonly parsed: ParseCounters = zeroCounters();
  private readonly procs = new Map<string, { proc: Processor; queue: Promise<unknown> }>();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: BusIngestOptions) {}

  /** Parses one file and publishes its events (files are their own journal: re-ingest is idempotent). */
  async file(file: string, tenant: string, format?: string, label?: string): Promise<ParseCounters> {
    const c = await this.run('file', (p) =>
      p.file(
        { type: 'file', seq: 0, path: file, tenant, ...(format ? { format } : {}), ...(label ? { label } : {}) },
        () => undefined,
      ),
    );
    return c;
  }

  /** Publishes every open block. */
  async flush(): Promise<void> {
    for (const label of this.procs.keys()) await this.run(label, async (p) => (await p.flush(), zeroCounters()));
  }

  /**
   * A record sink for network sources. Records wait in open blocks until a block fills or the idle
   * flush (`idleFlushMs`) publishes them: like the embedded node's parse workers, what a source
   * handed over is not on the bus until then.
   */
  recordSink(idleFlushMs = 500, maxQueued = 64): RecordSink {
    let queued = 0;
    this.flushTimer ??= setInterval(() => void this.flush().catch((e: unknown) => this.error(e)), idleFlushMs);
    const submit = async (tenant: string, records: readonly SourceRecord[]): Promise<void> => {
      queued++;
      this.stats.waiting++;
      try {
        await this.run('syslog', (p) => p.records({ type: 'records', seq: 0, tenant, records }));
      } finally {
        queued--;
        this.stats.waiting--;
      }
    };
    return {
      submit,
      trySubmit: (tenant, records) => {
        if (queued >= maxQueued) return false;
        submit(tenant, records).catch((e: unknown) => this.error(e));
        return true;
      },
    };
  }

  /**
   * Resolves once the detect group acknowledged every batch this process published (so all of it
   * is committed to the store); fails when no consumer group exists or nothing moves for `stallMs`.
   */
  async waitStored(opts: { stallMs?: number; pollMs?: number } = {}): Promise<void> {
    const stallMs = opts.stallMs ?? 60_000;
    const target = this.stats.lastSeq;
    if (target === 0) return;
    let floor = -1;
    let movedAt = Date.now();
    for (;;) {
      // The server may be restarting: an unanswered question is no answer, not a failure.
      const st = await this.opts.bus.consumerState(DETECT_GROUP).catch((): typeof LOST => LOST);
      if (st === LOST) {
        if (Date.now() - movedAt > stallMs)
          throw new AppError('UNAVAILABLE', `the bus did not answer for ${Math.round(stallMs / 1000)} s`);
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      if (st !== undefined && st.ackFloor >= target) return this.waitCorrelated(stallMs, opts.pollMs ?? 100);
      const now = Date.now();
      if (st !== undefined && st.ackFloor !== floor) {
        floor = st.ackFloor;
        movedAt = now;
      }
      if (now - movedAt > stallMs) {
        throw new AppError(
          'UNAVAILABLE',
          st === undefined
            ? `published ${this.stats.batches} batches, but no detect worker group ("${DETECT_GROUP}") exists on the bus after ${Math.round(stallMs / 1000)} s: start 'intersoc serve --role detect'`
            : `published ${this.stats.batches} batches; the detect workers acknowledged up to stream sequence ${st.ackFloor} of ${target} and made no progress for ${Math.round(stallMs / 1000)} s (${st.ackPending} in flight, ${st.pending} waiting): are detect workers running and is the store reachable?`,
        );
      }
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 100));
    }
  }

  /**
   * The detect workers published the batches' correlation matches before acknowledging them: wait
   * until the correlate role (when one runs) has handled everything in its queue.
   */
  private async waitCorrelated(stallMs: number, pollMs: number): Promise<void> {
    let left = -1;
    let movedAt = Date.now();
    for (;;) {
      const st = await correlateBacklog(this.opts.bus).catch((): typeof LOST => LOST);
      if (st === LOST) {
        if (Date.now() - movedAt > stallMs)
          throw new AppError('UNAVAILABLE', `the bus did not answer for ${Math.round(stallMs / 1000)} s`);
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      if (st === undefined || st.pending + st.ackPending === 0) return;
      const now = Date.now();
      if (st.pending + st.ackPending !== left) {
        left = st.pending + st.ackPending;
        movedAt = now;
      }
      if (now - movedAt > stallMs)
        throw new AppError(
          'UNAVAILABLE',
          `all events are stored, but the correlate role has ${left} message(s) of matches left and made no progress for ${Math.round(stallMs / 1000)} s`,
        );
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** Stops the idle flush after publishing what is open. */
  async close(): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flushTimer = undefined;
    await this.flush();
  }

  /** Runs `f` on the source's processor after the calls before it (a processor is not re-entrant). */
  private run(label: string, f: (p: Processor) => Promise<ParseCounters>): Promise<ParseCounters> {
    let slot = this.procs.get(label);
    if (!slot) {
      slot = { proc: this.processor(label), queue: Promise.resolve() };
      this.procs.set(label, slot);
    }
    const p = slot.proc;
    const next = slot.queue.then(() => f(p));
    slot.queue = next.catch(() => undefined);
    return next.then((c) => {
      addCounters(this.parsed, c);
      return c;
    });
  }

  private processor(label: string): Processor {
    const parts = this.opts.partitions;
    return new Processor({
      blockEvents: this.opts.blockEvents,
      maxRecordBytes: this.opts.maxRecordBytes,
      detectors: [],
      partitionOf: (e) => partitionOfHost(hostOf(e), parts),
      sink: (out) => this.publish(label, out),
    });
  }

  private async publish(source: string, out: StageOutput): Promise<void> {
    for (const b of out.blocks as PartitionedBlock[]) {
      await this.send(eventSubject(b.tenant, source, b.partition ?? 0), { blocks: [b], deadLetters: [] });
      this.stats.events += b.count;
    }
    const byTenant = new Map<string, StageOutput['deadLetters']>();
    for (const d of out.deadLetters) byTenant.set(d.tenant, [...(byTenant.get(d.tenant) ?? []), d]);
    for (const [tenant, deadLetters] of byTenant) {
      await this.send(eventSubject(tenant, source, 0), { blocks: [], deadLetters });
      this.stats.deadLetters += deadLetters.length;
    }
  }

  private async send(subject: string, batch: Parameters<typeof encodeBatch>[0]): Promise<void> {
    const body = encodeBatch(batch);
    const id = batchId(body);
    // A server restart or a full stream fails the publish: retry with the same id (the stream
    // stores it once) until `retryMs`, so a short outage slows ingest instead of failing it.
    const until = Date.now() + (this.opts.retryMs ?? 120_000);
    let ack;
    for (let wait = 100; ; wait = Math.min(wait * 2, 2_000)) {
      try {
        ack = await this.opts.bus.publishAck(subject, body, { msgID: id });
        break;
      } catch (err) {
        if (Date.now() + wait > until) throw err;
        this.stats.retries++;
        this.stats.waiting++;
        await new Promise((r) => setTimeout(r, wait)).finally(() => this.stats.waiting--);
      }
    }
    this.stats.batches++;
    this.stats.bytes += body.length;
    if (ack.duplicate) this.stats.duplicates++;
    this.stats.lastSeq = Math.max(this.stats.lastSeq, ack.seq);
  }

  private error(e: unknown): void {
    this.opts.onError?.(`ingest role: ${(e as Error).message}`);
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
