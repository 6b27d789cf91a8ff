/**
 * @module
 * Builds small EVTX files byte by byte for tests: file header, chunks with correct CRCs, and
 * records whose BinXML uses templates (inline on first use, by reference after), names (inline
 * or shared), substitutions of any value type, and nested BinXML. Only tests import it.
 */
import { crc32 } from 'node:zlib';

/** Template node: an element, literal text, or a substitution slot. */
export type TNode =
  | {
      readonly el: string;
      readonly attrs?: readonly (readonly [string, readonly TPart[]])[];
      readonly children?: readonly TNode[];
    }
  | TPart;
/** Attribute value part. */
export type TPart =
  { readonly text: string } | { readonly sub: number; readonly type: number; readonly optional?: boolean };

/** A substitution value: its type code and raw bytes, or a nested record body built in place. */
export type TValue =
  | { readonly type: number; readonly bytes: Uint8Array }
  | { readonly nested: TemplateRef; readonly values: readonly TValue[] };

/** A template: an id and its tree (one root element). */
export interface TemplateRef {
  readonly id: number;
  readonly root: TNode;
}

const enc16 = (s: string): number[] => {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out.push(c & 0xff, c >> 8);
  }
  return out;
};

/** Encoders for substitution values. */
export const V = {
  str: (s: string, nul = true): TValue => ({ type: 0x01, bytes: Uint8Array.from(enc16(nul ? `${s}\0` : s)) }),
  ansi: (s: string): TValue => ({ type: 0x02, bytes: Uint8Array.from([...Buffer.from(`${s}\0`, 'latin1')]) }),
  i8: (n: number): TValue => ({ type: 0x03, bytes: Uint8Array.of(n & 0xff) }),
  u8: (n: number): TValue => ({ type: 0x04, bytes: Uint8Array.of(n) }),
  i16: (n: number): TValue => le(0x05, 2, n),
  u16: (n: number): TValue => le(0x06, 2, n),
  i32: (n: number): TValue => le(0x07, 4, n),
  u32: (n: number): TValue => le(0x08, 4, n),
  i64: (n: bigint): TValue => le64(0x09, n),
  u64: (n: bigint): TValue => le64(0x0a, n),
  f32: (n: number): TValue => {
    const b = Buffer.alloc(4);
    b.writeFloatLE(n);
    return { type: 0x0b, bytes: b };
  },
  f64: (n: number): TValue => {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(n);
    return { type: 0x0c, bytes: b };
  },
  bool: (v: boolean): TValue => le(0x0d, 4, v ? 1 : 0),
  binary: (bytes: number[]): TValue => ({ type: 0x0e, bytes: Uint8Array.from(bytes) }),
  guid: (text: string): TValue => {
    const h = text.replace(/[{}-]/g, '');
    const b = Buffer.from(h, 'hex');
    // The first three fields are stored little-endian.
    const out = Buffer.concat([
      Buffer.from(b.subarray(0, 4)).reverse(),
      Buffer.from(b.subarray(4, 6)).reverse(),
      Buffer.from(b.subarray(6, 8)).reverse(),
      b.subarray(8),
    ]);
    return { type: 0x0f, bytes: out };
  },
  sizeT: (n: bigint, size: 4 | 8 = 8): TValue => (size === 8 ? { ...le64(0x10, n) } : le(0x10, 4, Number(n))),
  filetime: (isoOrTicks: string | bigint): TValue => {
    const ticks =
      typeof isoOrTicks === 'bigint' ? isoOrTicks : BigInt(Date.parse(isoOrTicks)) * 10_000n + 116_444_736_000_000_000n;
    return le64(0x11, ticks);
  },
  systemtime: (y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): TValue => {
    const b = Buffer.alloc(16);
    [y, mo, 0, d, h, mi, s, ms].forEach((v, i) => b.writeUInt16LE(v, i * 2));
    return { type: 0x12, bytes: b };
  },
  sid: (text: string): TValue => {
    const parts = text.split('-').slice(1).map(Number);
    const [rev = 1, auth = 0, ...subs] = parts;
    const b = Buffer.alloc(8 + subs.length * 4);
    b[0] = rev;
    b[1] = subs.length;
    b.writeUIntBE(auth, 2, 6);
    subs.forEach((s, i) => b.writeUInt32LE(s, 8 + i * 4));
    return { type: 0x13, bytes: b };
  },
  hex32: (n: number): TValue => le(0x14, 4, n),
  hex64: (n: bigint): TValue => le64(0x15, n),
  null: (size = 0): TValue => ({ type: 0x00, bytes: new Uint8Array(size) }),
  strArray: (items: readonly string[]): TValue => ({
    type: 0x81,
    bytes: Uint8Array.from(items.flatMap((s) => enc16(`${s}\0`))),
  }),
  u16Array: (items: readonly number[]): TValue => ({
    type: 0x86,
    bytes: Uint8Array.from(items.flatMap((n) => [n & 0xff, n >> 8])),
  }),
  raw: (type: number, bytes: number[]): TValue => ({ type, bytes: Uint8Array.from(bytes) }),
} as const;

function le(type: number, size: number, n: number): TValue {
  const b = Buffer.alloc(size);
  if (size === 2) b.writeUInt16LE(n & 0xffff);
  else b.writeUInt32LE(n >>> 0);
  return { type, bytes: b };
}

function le64(type: number, n: bigint): TValue {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt.asUintN(64, n));
  return { type, bytes: b };
}

/** Writes one chunk: records go after the 512-byte header; templates and names are tracked. */
export class ChunkBuilder {
  readonly buf = new Uint8Array(65536);
  private pos = 512;
  private readonly names = new Map<string, number>();
  private readonly templates = new Map<number, number>();
  private firstId = -1;
  private lastId = -1;
  private lastRecordOffset = 0;
  private count = 0;

  /** Free space offset so far. */
  get used(): number {
    return this.pos;
  }

  private w(bytes: ArrayLike<number>): void {
    if (this.pos + bytes.length > this.buf.length) throw new Error('chunk full');
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }
  private u8(n: number): void {
    this.w([n & 0xff]);
  }
  private u16(n: number): void {
    this.w([n & 0xff, (n >> 8) & 0xff]);
  }
  private u32(n: number): void {
    this.w([n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff]);
  }
  private patch32(at: number, n: number): void {
    Buffer.from(this.buf.buffer, this.buf.byteOffset).writeUInt32LE(n >>> 0, at);
  }

  private name(s: string): void {
    const known = this.names.get(s);
    if (known !== undefined) {
      this.u32(known);
      return;
    }
    const at = this.pos + 4;
    this.names.set(s, at);
    this.u32(at);
    this.u32(0);
    this.u16(0); // hash: not checked by readers
    this.u16(s.length);
    this.w(enc16(s));
    this.u16(0);
  }

  private part(p: TPart): void {
    if ('text' in p) {
      this.u8(0x05);
      this.u8(0x01);
      this.u16(p.text.length);
      this.w(enc16(p.text));
    } else {
      this.u8(p.optional === true ? 0x0e : 0x0d);
      this.u16(p.sub);
      this.u8(p.type);
    }
  }

  private node(n: TNode, dependency: boolean): void {
    if (!('el' in n)) {
      this.part(n);
      return;
    }
    const attrs = n.attrs ?? [];
    this.u8(attrs.length > 0 ? 0x41 : 0x01);
    if (dependency) this.u16(0xffff);
    const sizeAt = this.pos;
    this.u32(0);
    this.name(n.el);
    const attrListAt = this.pos;
    if (attrs.length > 0) this.u32(0);
    attrs.forEach(([name, parts], i) => {
      this.u8(i < attrs.length - 1 ? 0x46 : 0x06);
      this.name(name);
      for (const p of parts) this.part(p);
    });
    if (attrs.length > 0) this.patch32(attrListAt, this.pos - attrListAt - 4);
    const children = n.children ?? [];
    if (children.length === 0) {
      this.u8(0x03);
    } else {
      this.u8(0x02);
      for (const c of children) this.node(c, dependency);
      this.u8(0x04);
    }
    this.patch32(sizeAt, this.pos - sizeAt - 4);
  }

  /** Writes a template instance (definition inline on first use) with its values. */
  instance(t: TemplateRef, values: readonly TValue[]): void {
    this.u8(0x0c);
    this.u8(0x01);
    this.u32(t.id);
    const def = this.templates.get(t.id);
    if (def !== undefined) {
      this.u32(def);
    } else {
      const at = this.pos + 4;
      this.templates.set(t.id, at);
      this.u32(at);
      this.u32(0); // next template offset
      this.u32(t.id);
      this.w(new Uint8Array(12)); // rest of the GUID
      const sizeAt = this.pos;
      this.u32(0);
      this.w([0x0f, 0x01, 0x01, 0x00]);
      this.node(t.root, true);
      this.u8(0x00);
      this.patch32(sizeAt, this.pos - sizeAt - 4);
    }
    this.values(values);
  }

  private values(values: readonly TValue[]): void {
    this.u32(values.length);
    const sizes: number[] = [];
    const descAt = this.pos;
    for (const v of values) {
      this.u16(0);
      this.u8('nested' in v ? 0x21 : v.type);
      this.u8(0);
    }
    values.forEach((v, i) => {
      const start = this.pos;
      if ('nested' in v) {
        this.w([0x0f, 0x01, 0x01, 0x00]);
        this.instance(v.nested, v.values);
        this.u8(0x00);
      } else {
        this.w(v.bytes);
      }
      sizes[i] = this.pos - start;
    });
    const b = Buffer.from(this.buf.buffer, this.buf.byteOffset);
    sizes.forEach((s, i) => b.writeUInt16LE(s, descAt + i * 4));
  }

  /** Appends a record whose body is one template instance; returns its chunk offset. */
  record(id: number, written: string, t: TemplateRef, values: readonly TValue[]): number {
    const start = this.pos;
    this.u32(0x00002a2a);
    this.u32(0);
    this.u32(id);
    this.u32(0);
    const ticks = BigInt(Date.parse(written)) * 10_000n + 116_444_736_000_000_000n;
    this.u32(Number(ticks & 0xffffffffn));
    this.u32(Number(ticks >> 32n));
    this.w([0x0f, 0x01, 0x01, 0x00]);
    this.instance(t, values);
    this.u8(0x00);
    while ((this.pos - start + 4) % 8 !== 0) this.u8(0);
    const size = this.pos - start + 4;
    this.u32(size);
    this.patch32(start + 4, size);
    if (this.firstId < 0) this.firstId = id;
    this.lastId = id;
    this.lastRecordOffset = start;
    this.count++;
    return start;
  }

  /** Fills in the chunk header and its checksums and returns the 64 KiB chunk. */
  finish(firstNumber = 1): Uint8Array {
    const b = Buffer.from(this.buf.buffer, this.buf.byteOffset, this.buf.length);
    b.write('ElfChnk\0', 0, 'latin1');
    b.writeBigUInt64LE(BigInt(firstNumber), 8);
    b.writeBigUInt64LE(BigInt(firstNumber + this.count - 1), 16);
    b.writeBigUInt64LE(BigInt(Math.max(0, this.firstId)), 24);
    b.writeBigUInt64LE(BigInt(Math.max(0, this.lastId)), 32);
    b.writeUInt32LE(128, 40);
    b.writeUInt32LE(this.lastRecordOffset, 44);
    b.writeUInt32LE(this.pos, 48);
    b.writeUInt32LE(crc32(b.subarray(512, this.pos)) >>> 0, 52);
    b.writeUInt32LE(crc32(b.subarray(128, 512), crc32(b.subarray(0, 120))) >>> 0, 124);
    return this.buf;
  }
}

/** Builds a whole file from finished chunks. */
export function buildFile(
  chunks: readonly Uint8Array[],
  opts: { readonly dirty?: boolean; readonly nextRecordId?: number } = {},
): Buffer {
  const out = Buffer.alloc(4096 + chunks.length * 65536);
  out.write('ElfFile\0', 0, 'latin1');
  out.writeBigUInt64LE(0n, 8);
  out.writeBigUInt64LE(BigInt(Math.max(0, chunks.length - 1)), 16);
  out.writeBigUInt64LE(BigInt(opts.nextRecordId ?? 1), 24);
  out.writeUInt32LE(128, 32);
  out.writeUInt16LE(1, 36);
  out.writeUInt16LE(3, 38);
  out.writeUInt16LE(4096, 40);
  out.writeUInt16LE(chunks.length, 42);
  out.writeUInt32LE(opts.dirty === true ? 1 : 0, 120);
  out.writeUInt32LE(crc32(out.subarray(0, 120)) >>> 0, 124);
  chunks.forEach((c, i) => out.set(c, 4096 + i * 65536));
  return out;
}

/** The usual `Event/System/EventData` template with `n` named Data substitutions after 4 System ones. */
export function eventTemplate(id: number, dataNames: readonly string[], dataTypes: readonly number[]): TemplateRef {
  return {
    id,
    root: {
      el: 'Event',
      attrs: [['xmlns', [{ text: 'http://schemas.microsoft.com/win/2004/08/events/event' }]]],
      children: [
        {
          el: 'System',
          children: [
            { el: 'Provider', attrs: [['Name', [{ sub: 0, type: 0x01 }]]] },
            { el: 'EventID', children: [{ sub: 1, type: 0x06 }] },
            { el: 'TimeCreated', attrs: [['SystemTime', [{ sub: 2, type: 0x11 }]]] },
            { el: 'Channel', children: [{ sub: 3, type: 0x01 }] },
          ],
        },
        {
          el: 'EventData',
          children: dataNames.map((name, i) => ({
            el: 'Data',
            attrs: [['Name', [{ text: name }]]],
            children: [{ sub: 4 + i, type: dataTypes[i] ?? 0x01, optional: true }],
          })),
        },
      ],
    },
  };
}
