/**
 * @module
 * Per-block columns of the fields analysts filter on most, and of the event times, so that a
 * query naming only those fields is decided without re-parsing (hydrating) any record, and a
 * histogram counts without decoding the block.
 *
 * Each projected field of a block is one row of `block_columns`: the field's distinct values
 * (exactly as search compares them: `String(v)`, lists kept as lists) and, per event, the index
 * of its value (-1 when absent), deflated. A term is then tested once per distinct value instead
 * of once per event. Beside the data: `lo`/`hi`, the smallest and largest value when every value
 * is a number (a zone map that rules out a numeric range without reading the column), and `long`,
 * whether a value holds a token longer than the term index keeps (wildcard expansion over the
 * term dictionary cannot see those), and `longs`, those over-long tokens themselves (distinct,
 * deflated), so an infix wildcard prunes such a block exactly when none of them holds its literal
 * run instead of scanning every block that has one. The row `@time` holds the event times. Rows carry the
 * block's `ver`: a rewritten block's columns are stale until rebuilt, and readers then hydrate.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { FieldValue } from '@intersoc/core';
import type { Column, ColumnValue } from '../query/columnar.js';
import { numericValue } from '../query/evaluate.js';
import { MAX_TOKEN } from '../query/tokens.js';
import type { SqliteDb } from '../sqlite/database.js';
import type { ColumnRow } from './block-format.js';
import type { DerivedValues } from './terms.js';

/** The projected fields: the ones the query language's users filter, range and count on most. */
export const COLUMN_FIELDS: readonly string[] = [
  'event.code',
  'event.category',
  'event.action',
  'event.outcome',
  'host.name',
  'user.name',
  'process.name',
  'process.parent.name',
  'process.executable',
  'process.command_line',
  'source.ip',
  'source.port',
  'source.bytes',
  'destination.ip',
  'destination.port',
  'destination.bytes',
  'dns.question.name',
  'network.protocol',
  'file.path',
];
const PROJECTED = new Set(COLUMN_FIELDS);
/** The row of a block's event times. */
export const TIME_COLUMN = '@time';

/** A column's row without its data: version, zone map and flags. */
export interface ColumnMeta {
  readonly ver: number;
  /** Smallest and largest value when every value is a number, else null. */
  readonly lo: number | null;
  readonly hi: number | null;
  /** True when no event of the block has the field. */
  readonly absent: boolean;
  /** True when a value holds a token longer than MAX_TOKEN (not in the term index). */
  readonly long: boolean;
}

/** True when `field` has a column. */
export function isColumnField(field: string): boolean {
  return PROJECTED.has(field);
}

/** The value search compares, in the form stored: `String(x)`; list elements that are null dropped. */
function columnValue(v: FieldValue | undefined): ColumnValue | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return (v as readonly unknown[]).filter((x) => x !== null).map((x) => String(x));
  return String(v as unknown);
}

/** Adds the (lower-case) tokens of `s` longer than the term index keeps to `out`. */
function addLongTokens(s: string, out: Set<string>): void {
  if (s.length <= MAX_TOKEN) return;
  for (const m of s.toLowerCase().matchAll(/[\p{L}\p{N}_]+/gu)) if (m[0].length > MAX_TOKEN) out.add(m[0]);
}

/** Collects a block's columns event by event (fed from the indexer's one hydration per event). */
export class ColumnBuilder {
  private readonly times: number[] = [];
  private readonly cols = COLUMN_FIELDS.map(() => ({
    keys: new Map<string, number>(),
    values: [] as ColumnValue[],
    idx: [] as number[],
  }));

  /** Adds one event: its time and derived values (as `eventDoc` reads them: ECS first). */
  add(time: number, d: DerivedValues): void {
    this.times.push(time);
    const ecs = d.ecs as Record<string, FieldValue | undefined>;
    COLUMN_FIELDS.forEach((f, k) => {
      const c = this.cols[k] as (typeof this.cols)[number];
      const v = columnValue(ecs[f] ?? d.fields[f]);
      if (v === undefined) {
        c.idx.push(-1);
        return;
      }
      const key = typeof v === 'string' ? `s${v}` : `a${JSON.stringify(v)}`;
      let i = c.keys.get(key);
      if (i === undefined) {
        i = c.values.length;
        c.values.push(v);
        c.keys.set(key, i);
      }
      c.idx.push(i);
    });
  }

  /**
   * The block's column rows, encoded (plain data: they cross from a parse thread to the writer
   * with the block when the columns are built at ingest, `BlockPacker`).
   */
  rows(): ColumnRow[] {
    const t = new Float64Array(this.times);
    const out: ColumnRow[] = [
      {
        field: TIME_COLUMN,
        lo: null,
        hi: null,
        long: false,
        data: deflateRawSync(Buffer.from(t.buffer, t.byteOffset, t.byteLength)),
        longs: null,
      },
    ];
    COLUMN_FIELDS.forEach((f, k) => {
      const c = this.cols[k] as (typeof this.cols)[number];
      if (c.values.length === 0) {
        out.push({ field: f, lo: null, hi: null, long: false, data: null, longs: null });
        return;
      }
      let lo = Infinity;
      let hi = -Infinity;
      let numeric = true;
      const long = new Set<string>();
      for (const v of c.values) {
        for (const s of typeof v === 'string' ? [v] : v) {
          addLongTokens(s, long);
          const n = numeric ? numericValue(s.toLowerCase()) : undefined;
          if (n === undefined || Number.isNaN(n)) numeric = false;
          else {
            lo = Math.min(lo, n);
            hi = Math.max(hi, n);
          }
        }
      }
      const json = Buffer.from(JSON.stringify(c.values));
      const head = Buffer.alloc(4);
      head.writeUInt32LE(json.length);
      const pad = Buffer.alloc((4 - (json.length % 4)) % 4);
      const idx = new Int32Array(c.idx);
      const data = deflateRawSync(
        Buffer.concat([head, json, pad, Buffer.from(idx.buffer, idx.byteOffset, idx.byteLength)]),
      );
      const zone = numeric && lo <= hi;
      // Tokens hold no space, so one space separates them.
      const longs = long.size === 0 ? null : deflateRawSync(Buffer.from(Array.from(long).join(' ')));
      out.push({ field: f, lo: zone ? lo : null, hi: zone ? hi : null, long: long.size > 0, data, longs });
    });
    return out;
  }

  /** Writes the block's columns (replacing older ones) at version `ver`. */
  write(db: SqliteDb, block: number, ver: number): void {
    writeColumnRows(db, block, ver, this.rows());
  }
}

/** Writes encoded column rows of `block` at version `ver` (replacing older ones). */
export function writeColumnRows(db: SqliteDb, block: number, ver: number, rows: readonly ColumnRow[]): void {
  const put = db.prepare(
    'INSERT OR REPLACE INTO block_columns (block, field, ver, lo, hi, long, data, longs) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  for (const r of rows) put.run(block, r.field, ver, r.lo, r.hi, r.long ? 1 : 0, r.data, r.longs);
}

/** Decodes a column blob. */
export function decodeColumn(data: Uint8Array): Column {
  const plain = inflateRawSync(data);
  const len = plain.readUInt32LE(0);
  const values = JSON.parse(plain.toString('utf8', 4, 4 + len)) as ColumnValue[];
  const start = 4 + len + ((4 - (len % 4)) % 4);
  // Copied into an aligned buffer: the inflated one may start at any offset of a shared pool.
  const idx = new Int32Array((plain.length - start) / 4);
  new Uint8Array(idx.buffer).set(plain.subarray(start));
  return { values, idx };
}

/** Decodes the `@time` blob. */
export function decodeTimes(data: Uint8Array): Float64Array {
  const plain = inflateRawSync(data);
  const out = new Float64Array(plain.length / 8);
  new Uint8Array(out.buffer).set(plain);
  return out;
}

/** Deletes the columns of a block (it was dropped). */
export function deleteColumns(db: SqliteDb, block: number): void {
  db.prepare('DELETE FROM block_columns WHERE block = ?').run(block);
}

/** Budget of decoded columns kept by a reader (bytes, approximate). */
const CACHE_BYTES = 64 * 1024 * 1024;

/**
 * Reads blocks' columns for one reader connection, keeping recently decoded ones (analysts
 * re-run and refine queries over the same blocks; a histogram and its page read the same ones).
 */
export class ColumnReader {
  private readonly metaSt;
  private readonly dataSt;
  private readonly longsSt;
  private readonly cache = new Map<string, { value: Column | Float64Array; bytes: number }>();
  private bytes = 0;

  constructor(db: SqliteDb) {
    this.metaSt = db.prepare(
      'SELECT field, ver, lo, hi, long, data IS NULL AS absent FROM block_columns WHERE block = ?',
    );
    this.dataSt = db.prepare('SELECT data FROM block_columns WHERE block = ? AND field = ? AND ver = ?').pluck();
    this.longsSt = db.prepare('SELECT longs FROM block_columns WHERE block = ? AND field = ? AND ver = ?').pluck();
  }

  /**
   * The over-long tokens of a field's values in the block (see `long`), or undefined when the row
   * is missing or was written before they were kept (its `long` flag is then all there is).
   */
  longTokens(block: number, ver: number, field: string): string[] | undefined {
    const data = this.longsSt.get(block, field, ver) as Uint8Array | null | undefined;
    if (data === null || data === undefined) return undefined;
    return inflateRawSync(data).toString('utf8').split(' ');
  }

  /** The block's column rows at version `ver`, or undefined when its columns are missing or stale. */
  metas(block: number, ver: number): Map<string, ColumnMeta> | undefined {
    const rows = this.metaSt.all(block) as {
      field: string;
      ver: number;
      lo: number | null;
      hi: number | null;
      long: number;
      absent: number;
    }[];
    const out = new Map<string, ColumnMeta>();
    for (const r of rows) {
      if (r.ver !== ver) continue;
      out.set(r.field, { ver: r.ver, lo: r.lo, hi: r.hi, long: r.long === 1, absent: r.absent === 1 });
    }
    return out.has(TIME_COLUMN) ? out : undefined;
  }

  /** A field's column (undefined when no event has the field). */
  column(block: number, ver: number, field: string): Column | undefined {
    return this.cached(block, ver, field, (d) => decodeColumn(d)) as Column | undefined;
  }

  /** The block's event times. */
  times(block: number, ver: number): Float64Array | undefined {
    return this.cached(block, ver, TIME_COLUMN, (d) => decodeTimes(d)) as Float64Array | undefined;
  }

  private cached(
    block: number,
    ver: number,
    field: string,
    decode: (d: Uint8Array) => Column | Float64Array,
  ): Column | Float64Array | undefined {
    const key = `${block}:${ver}:${field}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit.value;
    }
    const data = this.dataSt.get(block, field, ver) as Uint8Array | null | undefined;
    if (data === null || data === undefined) return undefined;
    const value = decode(data);
    // Decoded size: index arrays plus a rough guess for the values' strings.
    const bytes = value instanceof Float64Array ? value.byteLength : value.idx.byteLength + data.length * 4;
    this.cache.set(key, { value, bytes });
    this.bytes += bytes;
    for (const [k, e] of this.cache) {
      if (this.bytes <= CACHE_BYTES) break;
      this.cache.delete(k);
      this.bytes -= e.bytes;
    }
    return value;
  }
}
