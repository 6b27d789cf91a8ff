/**
 * @module
 * The parse → normalise → detect → block stage, as plain code: parse workers run it, and so
 * does the main thread in single-core mode. Input is raw bytes (or pre-framed records); output
 * goes to a sink as encoded blocks, alerts and dead letters. A malformed record becomes a dead
 * letter with its reason; nothing else about the stream is lost.
 */
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import {
  eventId,
  type Alert,
  type Detector,
  type EventSource,
  type FormatPlugin,
  type ParseResult,
  type RecordParser,
  type SocEvent,
} from '@intersoc/core';
import type { DeadLetter, EncodedBlock } from '@intersoc/storage';
import type { SigmaFeedItem } from '@intersoc/detect';
import type { BaselineObservation } from '@intersoc/learn';
import {
  chooseFramer,
  createJsonFramer,
  createLineFramer,
  detectFormat,
  evtxParseResults,
  getFormat,
  type Framer,
  type FrameItem,
} from '@intersoc/ingest';
import { BlockBuilder } from './block-builder.js';
import { sameValuesOnRead } from './hydrator.js';
import { runDetectors } from './run-detectors.js';
import type { ChunkMessage, FileMessage, ParseCounters, RecordsMessage } from './protocol.js';

export { toAlert } from './run-detectors.js';

/** What the stage hands on. */
export interface StageOutput {
  readonly blocks: EncodedBlock[];
  readonly alerts: Alert[];
  readonly deadLetters: DeadLetter[];
  /** Matches for the correlation stage (when detectors correlate externally). */
  readonly feed?: SigmaFeedItem[];
  /** Observations for the baseline stage (the `baseline` detector kind). */
  readonly observations?: BaselineObservation[];
}

/** Options of the stage. */
export interface ProcessorOptions {
  readonly blockEvents: number;
  /** Collect each block's terms here (else the writer's idle indexer derives them later). */
  readonly indexAtIngest?: boolean;
  readonly maxRecordBytes: number;
  /** Initial detectors; `setDetectors` swaps them between batches (hot reload). */
  readonly detectors: readonly Detector[];
  /** Called whenever blocks, alerts or dead letters are ready. */
  readonly sink: (out: StageOutput) => void | Promise<void>;
  /**
   * The scale-out bus partition of an event (from its host), so a block holds one partition's
   * events and a host's events stay in order on the bus. Absent in the embedded node.
   */
  readonly partitionOf?: (e: SocEvent) => number;
  /** Reports a detector failure (the events are kept). */
  readonly onDetectorError?: (detector: string, err: unknown) => void;
}

/** A parsed event plus what its block needs beyond the envelope. */
/** `rendered`: the parser stored a rendering of a binary record, which the hydrator re-parses. */
type PendingEvent = SocEvent & { context?: string; rawBytes?: Uint8Array; rendered?: boolean };

interface StreamState {
  plugin: FormatPlugin | undefined;
  parser: RecordParser | undefined;
  framer: Framer | undefined;
  /** Header lines of stateful formats, kept so stored records can be re-parsed on read. */
  context: string[];
  contextText: string | undefined;
}

const MAX_CONTEXT_LINES = 32;
/**
 * Events parsed before detection runs and the parsed objects are dropped. Small enough that the
 * parsed fields die in the young generation instead of being promoted (old-space GC dominated
 * the profile at 2,048; 64 keeps a third of 256's survivors), large enough to amortise a detector
 * call (with the starter detectors on, 64 measured no slower than 256).
 */
const DETECT_BATCH = 64;
/** Longest an alert waits for the partial block of its events before that block is cut short. */
const ALERT_HOLD_MS = 1_000;
/**
 * Bytes handed to a framer at once. The frames of one push and their decoded text live together
 * until processed; a smaller slice keeps fewer of them alive across a young-generation collection.
 */
const FRAME_SLICE = 64 * 1024;
const SAMPLE_BYTES = 64 * 1024;
const FILE_CHUNK = 1024 * 1024;

/** Fresh zeroed counters. */
export function zeroCounters(): ParseCounters {
  return { records: 0, events: 0, deadLetters: 0, skipped: 0, alerts: 0, bytes: 0 };
}

/** The parse/normalise/detect/block stage for one thread. */
export class Processor {
  private readonly streams = new Map<string, StreamState>();
  private readonly builder: BlockBuilder;
  private events: PendingEvent[] = [];
  /** Alerts whose events still sit in unfinished blocks. */
  private held: Alert[] = [];
  private heldSince = 0;
  private detectors: readonly Detector[];
  private dead: DeadLetter[] = [];
  /** Baseline observations taken from replaced detectors, for the next write. */
  private carried: BaselineObservation[] = [];

  constructor(private readonly opts: ProcessorOptions) {
    this.builder = new BlockBuilder(opts.blockEvents);
    this.detectors = opts.detectors;
  }

  /**
   * Replaces the detectors. Takes effect at the next batch boundary, so no batch is seen by a
   * mix of old and new detectors and no event is dropped. Returns the previous ones to close.
   */
  setDetectors(next: readonly Detector[]): readonly Detector[] {
    const prev = this.detectors;
    this.detectors = next;
    // Observations the old baseline observer still holds go with the next write, not with it.
    this.carried.push(...takeObservations(prev));
    return prev;
  }

  /** Events held in unfinished blocks. */
  get pending(): number {
    return this.builder.pending;
  }

  /** Processes bytes of a network or HTTP stream. */
  async chunk(m: ChunkMessage): Promise<ParseCounters> {
    const c = zeroCounters();
    c.bytes = m.bytes.length;
    let st = this.streams.get(m.stream);
    if (!st) {
      st = this.openStream(m.format, m.bytes, m.source.name);
      this.streams.set(m.stream, st);
    }
    // A record's id comes from its stream's identity and its position in the stream, never from
    // its content alone: identical records are distinct events, and a replay of the same stream
    // (the ingest journal, a client's Idempotency-Key) gives the same ids.
    const keyBase = `${idKeyBase(m.source)}:${m.stream}`;
    const source: EventSource = st.plugin ? { ...m.source, format: st.plugin.name } : m.source;
    const handle = (r: FrameItem): void => this.record(c, m.tenant, source, st, r, `${keyBase}:${r.offset}`, undefined);
    if (m.whole) {
      handle(wholeRecord(Buffer.from(m.bytes).toString('utf8')));
    } else if (st.framer) {
      for (const r of st.framer.push(m.bytes)) handle(r);
      if (m.end) for (const r of st.framer.end()) handle(r);
    } else {
      this.deadLetter(c, m.tenant, source, `no parser for format ${m.format ?? '(auto)'}`, m.bytes, 0);
    }
    if (m.end) this.streams.delete(m.stream);
    await this.detectAndEmit(c);
    return c;
  }

  /** Processes pre-framed records (simulator, replays). */
  async records(m: RecordsMessage): Promise<ParseCounters> {
    const c = zeroCounters();
    const states = new Map<string, StreamState>();
    for (const r of m.records) {
      if (r.error !== undefined) {
        c.records++;
        this.deadLetter(c, m.tenant, r.source, r.error, Buffer.from(r.record), 0);
        continue;
      }
      // Network listeners leave the format empty: a syslog port carries plain syslog, CEF and
      // LEEF from different devices, so each record is detected on its own.
      const format = r.format || detectFormat(r.record, r.source.name)?.name || '';
      let st = states.get(format);
      if (!st) {
        st = this.openStream(format || undefined, Buffer.from(r.record), r.source.name);
        states.set(format, st);
      }
      c.bytes += r.record.length;
      const source =
        st.plugin && r.source.format !== st.plugin.name ? { ...r.source, format: st.plugin.name } : r.source;
      this.record(c, m.tenant, source, st, wholeRecord(r.record), r.key, r.label);
    }
    await this.detectAndEmit(c);
    return c;
  }

  /** Reads and processes a whole file (gzip transparently), streaming. */
  async file(m: FileMessage, onProgress: (bytes: number, total: number) => void): Promise<ParseCounters> {
    const c = zeroCounters();
    const abs = path.resolve(m.path);
    const total = statSync(abs).size;
    const gz = abs.endsWith('.gz');
    const input = createReadStream(abs, { highWaterMark: FILE_CHUNK });
    const stream = gz ? input.pipe(createGunzip()) : input;
    let st: StreamState | undefined;
    let source: EventSource = { format: m.format ?? '', kind: 'file', name: abs };
    const binary: Buffer[] = [];
    let lastReport = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (!st) {
        st = this.openStream(m.format, chunk, abs.replace(/\.gz$/, ''));
        source = { ...source, format: st.plugin?.name ?? 'unknown' };
      }
      if (st.plugin?.name === 'evtx') {
        // EVTX streams from the file itself, a chunk at a time (and handles .evtx.gz).
        input.destroy();
        let i = 0;
        for await (const res of evtxParseResults(abs)) {
          c.records++;
          this.result(c, m.tenant, source, res, '', `file:${abs}:#${i++}`, m.label, undefined);
          if (this.events.length >= DETECT_BATCH) await this.detectAndEmit(c);
        }
        c.bytes = total;
        break;
      } else if (st.plugin?.framing === 'binary') {
        binary.push(chunk);
      } else if (st.framer) {
        for (let at = 0; at < chunk.length; at += FRAME_SLICE) {
          for (const r of st.framer.push(chunk.subarray(at, at + FRAME_SLICE))) {
            this.record(c, m.tenant, source, st, r, `file:${abs}:${r.offset}`, m.label);
            if (this.events.length >= DETECT_BATCH) await this.detectAndEmit(c);
          }
        }
      } else {
        this.deadLetter(c, m.tenant, source, `cannot detect the format of ${abs}`, chunk.subarray(0, 4096), 0);
        break;
      }
      c.bytes += chunk.length;
      if (this.events.length >= DETECT_BATCH) await this.detectAndEmit(c);
      if (input.bytesRead - lastReport > 4 * FILE_CHUNK) {
        lastReport = input.bytesRead;
        onProgress(input.bytesRead, total);
      }
    }
    if (st?.framer)
      for (const r of st.framer.end()) this.record(c, m.tenant, source, st, r, `file:${abs}:${r.offset}`, m.label);
    if (st?.plugin?.framing === 'binary' && st.plugin.openBinary) {
      const decoder = st.plugin.openBinary({ name: abs });
      let i = 0;
      for (const res of decoder.decode(Buffer.concat(binary))) {
        this.result(c, m.tenant, source, res, '', `file:${abs}:#${i++}`, m.label, undefined);
      }
    }
    onProgress(input.bytesRead, total);
    await this.detectAndEmit(c);
    return c;
  }

  /** Encodes all open blocks and hands them on, with the alerts that waited for them. */
  async flush(): Promise<void> {
    await this.detectAndEmit(zeroCounters());
    const blocks = this.builder.flush();
    const alerts = this.held;
    this.held = [];
    const observations = this.takeObservations();
    if (blocks.length > 0 || alerts.length > 0 || observations.length > 0)
      await this.opts.sink({ blocks, alerts, deadLetters: [], ...(observations.length > 0 ? { observations } : {}) });
  }

  private takeObservations(): BaselineObservation[] {
    const out = takeObservations(this.detectors);
    if (this.carried.length === 0) return out;
    const all = [...this.carried, ...out];
    this.carried = [];
    return all;
  }

  private openStream(format: string | undefined, first: Uint8Array, name: string): StreamState {
    let plugin: FormatPlugin | undefined;
    if (format) {
      plugin = getFormat(format);
    } else {
      plugin = detectFormat(first.subarray(0, SAMPLE_BYTES), name);
    }
    const st: StreamState = { plugin, parser: undefined, framer: undefined, context: [], contextText: undefined };
    if (plugin && plugin.framing !== 'binary' && plugin.open) {
      st.parser = plugin.open({ name });
      const o = { maxRecordBytes: this.opts.maxRecordBytes };
      // NDJSON gets the fast line framer even for json-framed formats (see chooseFramer).
      st.framer = chooseFramer(plugin.framing, first) === 'json' ? createJsonFramer(o) : createLineFramer(o);
    }
    return st;
  }

  private record(
    c: ParseCounters,
    tenant: string,
    source: EventSource,
    st: StreamState,
    r: FrameItem,
    key: string,
    label: string | undefined,
  ): void {
    c.records++;
    if (!r.ok) {
      this.deadLetter(c, tenant, source, r.reason, Buffer.from(r.raw), r.offset);
      return;
    }
    if (!st.parser) {
      this.deadLetter(c, tenant, source, 'no parser for this stream', Buffer.from(r.text), r.offset);
      return;
    }
    let res: ParseResult;
    try {
      res = st.parser.parse(r.text);
    } catch (err) {
      // Parsers return results; a throw is a parser bug, and still must not lose the stream.
      res = { ok: false, reason: `parser error: ${(err as Error).message}` };
    }
    this.result(c, tenant, source, res, r.text, key, label, st, r.offset, r.data);
  }

  private result(
    c: ParseCounters,
    tenant: string,
    source: EventSource,
    res: ParseResult,
    text: string,
    key: string,
    label: string | undefined,
    st: StreamState | undefined,
    offset = 0,
    data?: Uint8Array,
  ): void {
    if (res.ok === 'skip') {
      c.skipped++;
      if (st && st.context.length < MAX_CONTEXT_LINES) {
        st.context.push(text);
        st.contextText = st.context.join('\n');
      }
      return;
    }
    if (!res.ok) {
      this.deadLetter(c, tenant, source, res.reason, Buffer.from(text), offset);
      return;
    }
    const p = res.value;
    const raw = p.raw ?? text;
    const now = Date.now();
    // One object with a fixed shape per event: optional parts are assigned, not spread, because
    // spreading allocates a temporary object per event on the hottest path.
    const e: { -readonly [K in keyof PendingEvent]: PendingEvent[K] } = {
      id: eventId(tenant, key, data !== undefined && p.raw === undefined ? data : raw),
      time: p.time ?? now,
      ingested: now,
      tenant,
      source,
      raw,
      fields: p.fields,
      ecs: p.ecs,
    };
    const lab = label ?? p.label;
    if (lab) e.label = lab;
    if (st?.contextText) e.context = st.contextText;
    // The framed bytes, when the record is stored as received: saves re-encoding it.
    if (data !== undefined && p.raw === undefined) e.rawBytes = data;
    if (p.raw !== undefined) e.rendered = true;
    this.events.push(e);
    c.events++;
  }

  private deadLetter(
    c: ParseCounters,
    tenant: string,
    source: EventSource,
    reason: string,
    raw: Uint8Array,
    offset: number,
  ): void {
    c.deadLetters++;
    this.dead.push({
      tenant,
      time: Date.now(),
      source,
      reason,
      raw: raw.length > this.opts.maxRecordBytes ? raw.subarray(0, this.opts.maxRecordBytes) : raw,
      offset,
    });
  }

  /** Runs detectors over the parsed events, adds them to blocks, and emits what is ready. */
  private async detectAndEmit(c: ParseCounters): Promise<void> {
    const events = this.events;
    this.events = [];
    const alerts = await runDetectors(this.detectors, events, this.opts.onDetectorError);
    const feed: SigmaFeedItem[] = [];
    for (const d of this.detectors) if (hasFeed(d)) feed.push(...d.takeFeed());
    c.alerts += alerts.length;
    const blocks: EncodedBlock[] = [];
    // The builder copies what a block stores (framed bytes when there are any, else the text)
    // and keeps no reference, so the parsed event dies young.
    for (const e of events as PendingEvent[]) {
      // The term index takes the values just parsed when a re-parse of the stored record yields
      // the same; for renderings of binary records the writer derives them from the stored text.
      const b = this.builder.add(
        e.tenant,
        e,
        !this.opts.indexAtIngest || e.rendered || !sameValuesOnRead(e.source.format) ? undefined : e,
        this.opts.partitionOf?.(e),
      );
      if (b) blocks.push(b);
    }
    const dead = this.dead;
    this.dead = [];
    // An alert is committed with (or after) the block of its events, so whoever reads the alert
    // can open its events. Held alerts wait for their partial blocks at most ALERT_HOLD_MS.
    if (alerts.length > 0) {
      if (this.held.length === 0) this.heldSince = Date.now();
      this.held.push(...alerts);
    }
    let out: Alert[] = [];
    if (this.held.length > 0) {
      if (this.builder.pending > 0 && Date.now() - this.heldSince >= ALERT_HOLD_MS)
        blocks.push(...this.builder.flush());
      if (this.builder.pending === 0) {
        out = this.held;
        this.held = [];
      }
    }
    if (blocks.length > 0 || out.length > 0 || dead.length > 0 || feed.length > 0) {
      // Baseline observations ride with the next write (a block is ready, or an idle flush), not one
      // write per detection batch: the observer keeps counting meanwhile, and most baseline alerts
      // are then committed with the blocks of their events.
      const observations = this.takeObservations();
      await this.opts.sink({
        blocks,
        alerts: out,
        deadLetters: dead,
        ...(feed.length > 0 ? { feed } : {}),
        ...(observations.length > 0 ? { observations } : {}),
      });
    }
  }
}

/** A record that needs no framing (datagram, pre-framed record). */
function wholeRecord(text: string): FrameItem {
  return { ok: true, text, offset: 0, bytes: Buffer.byteLength(text), invalidUtf8: false };
}

/** Id key of a stream's source (the stream identity and record position are appended). */
function idKeyBase(s: EventSource): string {
  return s.kind === 'http' ? `http:${s.name}` : `${s.kind}:${s.name}:${s.peer ?? ''}`;
}

function hasFeed(d: Detector): d is Detector & { takeFeed(): SigmaFeedItem[] } {
  return typeof (d as { takeFeed?: unknown }).takeFeed === 'function';
}

function hasObservations(d: Detector): d is Detector & { takeObservations(): BaselineObservation[] } {
  return typeof (d as { takeObservations?: unknown }).takeObservations === 'function';
}

/** What the baseline observers among `detectors` queued since the last call. */
function takeObservations(detectors: readonly Detector[]): BaselineObservation[] {
  const out: BaselineObservation[] = [];
  for (const d of detectors) if (hasObservations(d)) out.push(...d.takeObservations());
  return out;
}
