/**
 * @module
 * Packs events into a block payload as they arrive. Each record's bytes are copied into the
 * block's buffer at once and its envelope goes into column arrays, so an open block holds no
 * object per event: per-event objects kept while a block fills (2,048 events) outlive young-
 * generation collections and are copied and promoted, which cost more than the copy itself.
 * The block is written with codec 2 (`block-groups.ts`): its header and each group of records
 * compressed apart.
 */
import type { EventSource } from '@intersoc/core';
import {
  CODEC_BROTLI_GROUPS,
  type BlockEvent,
  type BlockHeader,
  type ColumnRow,
  type EncodedBlock,
} from './block-format.js';
import { encodeGrouped } from './block-groups.js';
import { ColumnBuilder } from './columns.js';
import {
  addEventTerms,
  GROUP_EVENTS,
  groupDoc,
  MAX_GROUPS,
  type DerivedValues,
  type QualifiedTokens,
} from './terms.js';

const FIRST_BUFFER = 64 * 1024;
const FIRST_IDS = 64;
/** Payload buffers kept for reuse by the next blocks of this thread. */
const POOL_MAX = 4;
const pool: Buffer[] = [];
const EMPTY = Buffer.alloc(0);

/** The largest pooled buffer when it holds `min` bytes, else a new one. */
function takeBuffer(min: number): Buffer {
  let best = -1;
  for (let i = 0; i < pool.length; i++)
    if (best < 0 || (pool[i] as Buffer).length > (pool[best] as Buffer).length) best = i;
  if (best >= 0 && (pool[best] as Buffer).length >= min) return pool.splice(best, 1)[0] as Buffer;
  // Not from Node's shared slab: a payload is large and its memory is reused.
  return Buffer.allocUnsafeSlow(min);
}

/** Keeps the largest buffers: a small one would only be outgrown again. */
function giveBack(b: Buffer): void {
  if (pool.length < POOL_MAX) {
    pool.push(b);
    return;
  }
  let smallest = 0;
  for (let i = 1; i < pool.length; i++)
    if ((pool[i] as Buffer).length < (pool[smallest] as Buffer).length) smallest = i;
  if ((pool[smallest] as Buffer).length < b.length) pool[smallest] = b;
}

/** Accumulates the events of one tenant and day into a block payload. */
export class BlockPacker {
  private buf: Buffer;
  /** Record bytes start at `gap` (0 since the header is compressed apart, codec 2). */
  private gap: number;
  private end: number;
  private ids: Buffer;
  private readonly h: BlockHeader;
  private readonly srcMap = new Map<string, number>();
  private readonly labMap = new Map<string, number>();
  private readonly ctxMap = new Map<string, number>();
  private lastSource: EventSource | undefined;
  private lastSi = -1;
  private n = 0;
  private finished = false;
  private tMin = Number.POSITIVE_INFINITY;
  private tMax = Number.NEGATIVE_INFINITY;
  /** Tokens of the events' values for the term index; undefined once one event came without them. */
  private terms: Set<string> | undefined = new Set();
  /** Finished groups' term documents and the open group's tokens (see `GROUP_EVENTS`). */
  private readonly groups: string[] = [];
  private groupPlain = new Set<string>();
  private groupQualified: QualifiedTokens = new Map();
  /** Columns from the same parsed values as the terms (dropped with them). */
  private cols: ColumnBuilder | undefined = new ColumnBuilder();

  /** `capacity` is the most events this block will hold (its header space is reserved for them). */
  constructor(
    readonly tenant: string,
    readonly day: number,
    readonly capacity: number,
  ) {
    // A block starts small (many partitions may be open at once) and grows like its records.
    this.buf = takeBuffer(FIRST_BUFFER);
    this.gap = 0;
    this.end = 0;
    this.ids = Buffer.allocUnsafeSlow(Math.min(capacity, FIRST_IDS) * 16);
    this.h = { v: 1, ids: '', t: [], ing: [], src: [], si: [], lab: [], li: [], ctx: [], ci: [], len: [] };
  }

  /** Events added so far. */
  get count(): number {
    return this.n;
  }

  /** Bytes of records added so far. */
  get bytes(): number {
    return this.end - this.gap;
  }

  /**
   * Adds an event: copies its record (`rawBytes` when given, else `raw` as UTF-8) and envelope.
   * `derived` (the values just parsed) feeds the block's term index; without it for every event
   * the block carries no terms and the writer re-derives them from the records.
   */
  add(e: BlockEvent, derived?: DerivedValues): void {
    if (this.n >= this.capacity) throw new Error(`block full (${this.capacity} events)`);
    if (this.finished) throw new Error('block already finished');
    const h = this.h;
    const i = this.n;
    if (this.ids.length < (i + 1) * 16) {
      const ids = Buffer.allocUnsafeSlow(Math.min(this.capacity, 2 * i) * 16);
      this.ids.copy(ids, 0, 0, i * 16);
      this.ids = ids;
    }
    if (e.id.length !== 32 || this.ids.write(e.id, i * 16, 16, 'hex') !== 16) {
      throw new Error(`event id is not 32 hex digits: ${e.id}`);
    }
    h.t.push(e.time);
    h.ing.push(e.ingested);
    if (e.time < this.tMin) this.tMin = e.time;
    if (e.time > this.tMax) this.tMax = e.time;
    const s = e.source;
    // Consecutive events usually share one source object: skip the keyed lookup for those.
    if (s !== this.lastSource) {
      this.lastSource = s;
      this.lastSi = intern(h.src, this.srcMap, `${s.format}\0${s.kind}\0${s.name}\0${s.peer ?? ''}`, s);
    }
    h.si.push(this.lastSi);
    h.li.push(e.label === undefined ? -1 : intern(h.lab, this.labMap, e.label, e.label));
    h.ci.push(e.context === undefined ? -1 : intern(h.ctx, this.ctxMap, e.context, e.context));
    const bytes = e.rawBytes;
    let len: number;
    if (bytes !== undefined) {
      len = bytes.length;
      this.reserve(len);
      this.buf.set(bytes, this.end);
    } else {
      len = Buffer.byteLength(e.raw, 'utf8');
      this.reserve(len);
      this.buf.write(e.raw, this.end, len, 'utf8');
    }
    h.len.push(len);
    this.end += len;
    this.n++;
    if (this.terms !== undefined) {
      if (derived === undefined) {
        this.terms = undefined;
        this.cols = undefined;
      } else {
        addEventTerms(derived, this.groupPlain, this.groupQualified);
        this.cols?.add(e.time, derived);
        if (this.n % GROUP_EVENTS === 0) this.closeGroup();
      }
    }
  }

  private reserve(len: number): void {
    if (this.end + len <= this.buf.length) return;
    const body = this.end - this.gap;
    const need = body + len;
    const next = takeBuffer(Math.max(this.buf.length * 2, need + 16));
    this.buf.copy(next, 0, this.gap, this.end);
    giveBack(this.buf);
    this.buf = next;
    this.gap = 0;
    this.end = body;
  }

  private termDocs(): { terms: string; groups?: string[]; columns?: ColumnRow[] } {
    if (this.n % GROUP_EVENTS !== 0) this.closeGroup();
    const terms = Array.from(this.terms ?? []).join(' ');
    const columns = this.cols?.rows();
    const docs = this.groups.length <= MAX_GROUPS ? { terms, groups: this.groups } : { terms };
    return columns === undefined ? docs : { ...docs, columns };
  }

  private closeGroup(): void {
    // The block's document is the union of its groups' plain tokens.
    const terms = this.terms;
    if (terms !== undefined) for (const t of this.groupPlain) terms.add(t);
    this.groups.push(groupDoc(this.groupPlain, this.groupQualified));
    this.groupPlain = new Set();
    this.groupQualified = new Map();
  }

  /** Compresses the block. The packer must not be used afterwards. */
  finish(): EncodedBlock {
    if (this.finished) throw new Error('block already finished');
    this.finished = true;
    const h = this.h;
    const n = this.n;
    h.ids = this.ids.toString('hex', 0, n * 16);
    const head = JSON.stringify(h);
    // Counted as in codec 1 (header line, then records), so sizes stay comparable across codecs.
    const headLen = Buffer.byteLength(head, 'utf8') + 1;
    const bodyLen = this.end - this.gap;
    const data = encodeGrouped(head, this.buf.subarray(this.gap, this.end), h.len);
    giveBack(this.buf);
    this.buf = EMPTY;
    return {
      tenant: this.tenant,
      day: this.day,
      tMin: n === 0 ? 0 : this.tMin,
      tMax: n === 0 ? 0 : this.tMax,
      count: n,
      rawBytes: headLen + bodyLen,
      codec: CODEC_BROTLI_GROUPS,
      data,
      ids: this.ids.subarray(0, n * 16),
      ...(this.terms === undefined || n === 0 ? {} : this.termDocs()),
    };
  }
}

/** Index of `value` in `dict`, adding it when new; `map` makes lookups O(1). */
function intern<T>(dict: T[], map: Map<string, number>, key: string, value: T): number {
  let i = map.get(key);
  if (i === undefined) {
    i = dict.length;
    dict.push(value);
    map.set(key, i);
  }
  return i;
}
