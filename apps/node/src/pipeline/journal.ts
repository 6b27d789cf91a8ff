/**
 * @module
 * The ingest journal: a write-ahead log of what network sources and HTTP ingest hand to the
 * pipeline. Parse workers keep up to a block of events in memory before it is committed, so
 * without the journal a crash loses every event of the open blocks, although HTTP had answered
 * 202. Each entry is appended (group commit: one write + fdatasync for everything that arrived
 * meanwhile) before the answer; a checkpoint rotates the segment, flushes the pipeline and
 * deletes the segment; a restart replays what is left. Replays are idempotent because event ids
 * come from each entry's stream identity and position, which the journal keeps.
 *
 * Frame: u32 payload length, u32 CRC-32 of the payload, payload = u8 kind, u32 header length,
 * header (JSON), body. A torn or corrupt tail (a crash mid-write) ends the segment: it was never
 * acknowledged.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { EventSource } from '@intersoc/core';
import type { SourceRecord } from '@intersoc/ingest';

/** Folder of the journal inside the data folder. */
export const JOURNAL_DIR = 'journal';

/** A journalled HTTP body or stream chunk. */
export interface ChunkEntry {
  readonly kind: 'chunk';
  readonly stream: string;
  readonly tenant: string;
  readonly source: EventSource;
  readonly format?: string;
  readonly whole: boolean;
  readonly end: boolean;
  readonly bytes: Uint8Array;
}

/** Journalled framed records (syslog over UDP or TCP). */
export interface RecordsEntry {
  readonly kind: 'records';
  readonly tenant: string;
  readonly records: readonly SourceRecord[];
}

/** One journal entry. */
export type JournalEntry = ChunkEntry | RecordsEntry;

const KIND_CHUNK = 1;
const KIND_RECORDS = 2;
const FRAME_HEAD = 8;

/** Encodes one entry as a frame. */
export function encodeEntry(e: JournalEntry): Buffer {
  let header: Buffer;
  let body: Uint8Array;
  let kind: number;
  if (e.kind === 'chunk') {
    kind = KIND_CHUNK;
    const { bytes, kind: _k, ...rest } = e;
    header = Buffer.from(JSON.stringify(rest));
    body = bytes;
  } else {
    kind = KIND_RECORDS;
    const packed = packRecords(e.records);
    header = Buffer.from(JSON.stringify({ tenant: e.tenant, ...packed.header }));
    body = packed.body;
  }
  const payloadLength = 1 + 4 + header.length + body.length;
  const frame = Buffer.allocUnsafe(FRAME_HEAD + payloadLength);
  frame.writeUInt8(kind, FRAME_HEAD);
  frame.writeUInt32LE(header.length, FRAME_HEAD + 1);
  header.copy(frame, FRAME_HEAD + 5);
  frame.set(body, FRAME_HEAD + 5 + header.length);
  frame.writeUInt32LE(payloadLength, 0);
  frame.writeUInt32LE(crc32(frame.subarray(FRAME_HEAD)), 4);
  return frame;
}

/** Decodes the frames of a segment; stops at the first torn or corrupt frame. */
export function decodeSegment(buf: Buffer): { entries: JournalEntry[]; tornBytes: number } {
  const entries: JournalEntry[] = [];
  let at = 0;
  while (at + FRAME_HEAD <= buf.length) {
    const len = buf.readUInt32LE(at);
    const end = at + FRAME_HEAD + len;
    if (len < 5 || end > buf.length) break;
    const payload = buf.subarray(at + FRAME_HEAD, end);
    if (crc32(payload) !== buf.readUInt32LE(at + 4)) break;
    const kind = payload.readUInt8(0);
    const hlen = payload.readUInt32LE(1);
    if (5 + hlen > payload.length) break;
    let header: unknown;
    try {
      header = JSON.parse(payload.subarray(5, 5 + hlen).toString('utf8'));
    } catch {
      break;
    }
    if (kind === KIND_CHUNK) {
      entries.push({
        ...(header as Omit<ChunkEntry, 'kind' | 'bytes'>),
        kind: 'chunk',
        bytes: payload.subarray(5 + hlen),
      });
    } else if (kind === KIND_RECORDS) {
      const h = header as PackedHeader & { tenant: string };
      const records = unpackRecords(h, payload.subarray(5 + hlen));
      if (!records) break;
      entries.push({ kind: 'records', tenant: h.tenant, records });
    } else break;
    at = end;
  }
  return { entries, tornBytes: buf.length - at };
}

/**
 * Records of one entry share a few sources, formats and key prefixes (a listener, a peer, a
 * connection): those go once into the header, each record as a row of indexes plus its key's
 * last part, and the record texts as length-prefixed bytes. It halves the bytes and the
 * encoding time of plain JSON, which matters at syslog rates on the main thread.
 */
interface PackedHeader {
  readonly sources: EventSource[];
  readonly formats: string[];
  readonly prefixes: string[];
  /** Per record: source, format, key prefix index, key suffix, then label and error or null. */
  readonly rows: (number | string | null)[];
}

const ROW = 6;

function packRecords(records: readonly SourceRecord[]): { header: PackedHeader; body: Buffer } {
  const sources: EventSource[] = [];
  const formats: string[] = [];
  const prefixes: string[] = [];
  const rows: (number | string | null)[] = [];
  const index = <T>(list: T[], v: T): number => {
    let i = list.indexOf(v);
    if (i < 0) i = list.push(v) - 1;
    return i;
  };
  let bytes = 0;
  for (const r of records) bytes += 4 + Buffer.byteLength(r.record);
  const body = Buffer.allocUnsafe(bytes);
  let at = 0;
  for (const r of records) {
    // Sources are shared objects: identity finds them; a copy with equal content costs one entry.
    const cut = r.key.lastIndexOf(':') + 1;
    rows.push(
      index(sources, r.source),
      index(formats, r.format),
      index(prefixes, r.key.slice(0, cut)),
      r.key.slice(cut),
      r.label ?? null,
      r.error ?? null,
    );
    const n = body.write(r.record, at + 4);
    body.writeUInt32LE(n, at);
    at += 4 + n;
  }
  return { header: { sources, formats, prefixes, rows }, body };
}

function unpackRecords(h: PackedHeader, body: Buffer): SourceRecord[] | undefined {
  if (!Array.isArray(h.rows) || h.rows.length % ROW !== 0) return undefined;
  const out: SourceRecord[] = [];
  let at = 0;
  for (let i = 0; i < h.rows.length; i += ROW) {
    if (at + 4 > body.length) return undefined;
    const n = body.readUInt32LE(at);
    if (at + 4 + n > body.length) return undefined;
    const record = body.toString('utf8', at + 4, at + 4 + n);
    at += 4 + n;
    const [src, fmt, pre, suffix, label, error] = h.rows.slice(i, i + ROW);
    const source = h.sources[src as number];
    if (!source) return undefined;
    out.push({
      record,
      source,
      format: h.formats[fmt as number] ?? '',
      key: `${h.prefixes[pre as number] ?? ''}${String(suffix)}`,
      ...(typeof label === 'string' ? { label } : {}),
      ...(typeof error === 'string' ? { error } : {}),
    });
  }
  return out;
}

interface Pending {
  readonly frame: Buffer;
  readonly done: () => void;
  readonly failed: (e: Error) => void;
}

interface Segment {
  readonly file: string;
  entries: number;
  bytes: number;
  handle: FileHandle | undefined;
}

/** The journal of one data folder. Only the writer-lock holder may open it. */
export class IngestJournal {
  private readonly dir: string;
  private next: number;
  private current: Segment;
  private queue: { seg: Segment; p: Pending }[] = [];
  private writing: Promise<void> | undefined;
  private failure: Error | undefined;
  /** Segments rotated out but not yet removed (in order). */
  private readonly sealed: Segment[] = [];
  /** Counters for metrics. */
  readonly stats = { appended: 0, bytes: 0, syncs: 0, replayed: 0 };

  private constructor(
    dataDir: string,
    /** Segments left by an earlier run: replay, then remove them. */
    readonly leftover: readonly string[],
  ) {
    this.dir = path.join(dataDir, JOURNAL_DIR);
    const last = leftover.at(-1);
    this.next = last === undefined ? 1 : Number(path.basename(last, '.log')) + 1;
    this.current = this.newSegment();
  }

  /** Opens the journal, listing segments an earlier run left behind. */
  static open(dataDir: string): IngestJournal {
    const dir = path.join(dataDir, JOURNAL_DIR);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const leftover = readdirSync(dir)
      .filter((f) => /^\d{12}\.log$/.test(f))
      .sort()
      .map((f) => path.join(dir, f));
    return new IngestJournal(dataDir, leftover);
  }

  /** Entries of a segment file (a torn tail is ignored: it was never acknowledged). */
  static read(file: string): JournalEntry[] {
    return decodeSegment(readFileSync(file)).entries;
  }

  private newSegment(): Segment {
    const file = path.join(this.dir, `${String(this.next++).padStart(12, '0')}.log`);
    return { file, entries: 0, bytes: 0, handle: undefined };
  }

  /** Entries appended to the current segment. */
  get currentEntries(): number {
    return this.current.entries;
  }

  /**
   * Appends an entry; resolves once it is on disk (fdatasync). Call it synchronously where the
   * entry is handed to the pipeline, so that entry order matches dispatch order.
   */
  append(e: JournalEntry): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const frame = encodeEntry(e);
    this.current.entries++;
    this.current.bytes += frame.length;
    this.stats.appended++;
    this.stats.bytes += frame.length;
    const seg = this.current;
    return new Promise<void>((done, failed) => {
      this.queue.push({ seg, p: { frame, done, failed } });
      this.writing ??= this.drain();
    });
  }

  /** Writes queued frames in order, one write and one fdatasync per segment per round. */
  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const round = this.queue;
        this.queue = [];
        for (let i = 0; i < round.length;) {
          const seg = round[i]!.seg;
          let j = i;
          while (j < round.length && round[j]!.seg === seg) j++;
          const part = round.slice(i, j);
          try {
            seg.handle ??= await open(seg.file, 'a', 0o600);
            await seg.handle.writev(part.map((x) => x.p.frame));
            await seg.handle.datasync();
            this.stats.syncs++;
            for (const x of part) x.p.done();
          } catch (err) {
            // A journal that cannot write cannot promise durability: fail loudly from now on.
            this.failure = new Error(`ingest journal: ${(err as Error).message}`);
            for (const x of round.slice(i)) x.p.failed(this.failure);
            for (const x of this.queue.splice(0)) x.p.failed(this.failure);
            return;
          }
          i = j;
        }
      }
    } finally {
      this.writing = undefined;
      if (this.queue.length > 0 && !this.failure) this.writing = this.drain();
    }
  }

  /** Why the journal stopped, if it did. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /**
   * Seals the current segment and starts a new one. Resolves with the sealed segment's file
   * once everything appended to it is on disk. Returns undefined when it was empty.
   */
  async rotate(): Promise<string | undefined> {
    if (this.current.entries === 0) return undefined;
    const seg = this.current;
    this.current = this.newSegment();
    this.sealed.push(seg);
    while (this.writing || this.queue.some((x) => x.seg === seg)) {
      this.writing ??= this.drain();
      await this.writing;
    }
    if (this.failure) throw this.failure;
    await seg.handle?.close();
    seg.handle = undefined;
    return seg.file;
  }

  /** Sealed segments not yet removed, oldest first. */
  sealedFiles(): string[] {
    return this.sealed.map((s) => s.file);
  }

  /** Deletes a segment whose entries are all committed to the store. */
  remove(file: string): void {
    const i = this.sealed.findIndex((s) => s.file === file);
    if (i >= 0) this.sealed.splice(i, 1);
    rmSync(file, { force: true });
  }

  /** Waits for pending writes and closes the current segment (it stays for the next start). */
  async close(): Promise<void> {
    while (this.writing) await this.writing;
    await this.current.handle?.close();
    this.current.handle = undefined;
    if (this.current.entries === 0) rmSync(this.current.file, { force: true });
  }
}
