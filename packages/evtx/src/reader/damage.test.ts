import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildFile, ChunkBuilder, eventTemplate, V } from '../internal/testing/builder.js';
import type { EvtxItem, EvtxProblem } from '../types.js';
import { readEvtxBuffer } from './index.js';

const HEADER = 4096;
const CHUNK = 65536;
const T = eventTemplate(1, ['User', 'Count'], [0x01, 0x08]);

interface Built {
  readonly file: Buffer;
  /** Chunk-relative offsets of each chunk's records. */
  readonly offsets: number[][];
}

/** `chunks` chunks of `perChunk` records, ids counting from 1. */
function build(chunks = 2, perChunk = 10): Built {
  const out: Uint8Array[] = [];
  const offsets: number[][] = [];
  let id = 1;
  for (let k = 0; k < chunks; k++) {
    const c = new ChunkBuilder();
    const offs: number[] = [];
    for (let i = 0; i < perChunk; i++) {
      offs.push(
        c.record(id, '2021-05-06T07:08:09Z', T, [
          V.str('Prov'),
          V.u16(4624),
          V.filetime('2021-05-06T07:08:09Z'),
          V.str('Security'),
          V.str(`user${id}`),
          V.u32(id),
        ]),
      );
      id++;
    }
    out.push(c.finish(id - perChunk));
    offsets.push(offs);
  }
  return { file: buildFile(out), offsets };
}

function split(items: Iterable<EvtxItem>): { ids: number[]; problems: EvtxProblem[] } {
  const ids: number[] = [];
  const problems: EvtxProblem[] = [];
  for (const it of items) {
    if (it.ok) ids.push(it.record.recordId);
    else problems.push(it);
  }
  return { ids, problems };
}

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** Recomputes a chunk's header checksum after an edit that should only break something else. */
function fixHeaderCrc(file: Buffer, chunk: number): void {
  const at = HEADER + chunk * CHUNK;
  file.writeUInt32LE(crc32(file.subarray(at + 128, at + 512), crc32(file.subarray(at, at + 120))) >>> 0, at + 124);
}

describe('damaged input', () => {
  it('reads a clean file without problems', () => {
    const { file } = build();
    expect(split(readEvtxBuffer(file))).toEqual({ ids: range(1, 20), problems: [] });
  });

  it('reports a chunk header checksum mismatch and still decodes the chunk', () => {
    const { file } = build();
    file[HEADER + CHUNK + 64] = 0x55; // unused header bytes, covered by the CRC
    const { ids, problems } = split(readEvtxBuffer(file));
    expect(ids).toEqual(range(1, 20));
    expect(problems).toEqual([
      { ok: false, chunk: 1, offset: HEADER + CHUNK, reason: 'chunk header checksum mismatch' },
    ]);
    expect(split(readEvtxBuffer(file, { checksums: false })).problems).toEqual([]);
  });

  it('reports an event data checksum mismatch and keeps every decodable record', () => {
    const { file, offsets } = build();
    const rec = HEADER + (offsets[0]?.[3] ?? 0);
    const at = file.indexOf(Buffer.from('user4', 'utf16le'), rec);
    file[at] = 'X'.charCodeAt(0);
    const items = [...readEvtxBuffer(file)];
    const { ids, problems } = split(items);
    expect(ids).toEqual(range(1, 20));
    expect(problems.map((p) => [p.chunk, p.reason])).toEqual([[0, 'event records checksum mismatch']]);
    const changed = items.find((i) => i.ok && i.record.recordId === 4);
    expect(JSON.stringify(changed)).toContain('Xser4');
  });

  it('skips a record whose size is corrupt and resynchronises on the next one', () => {
    const { file, offsets } = build();
    file.writeUInt32LE(0xfffff, HEADER + (offsets[0]?.[4] ?? 0) + 4);
    const { ids, problems } = split(readEvtxBuffer(file, { checksums: false }));
    expect(ids).toEqual([...range(1, 4), ...range(6, 20)]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ chunk: 0, offset: HEADER + (offsets[0]?.[4] ?? 0) });
    expect(problems[0]?.reason).toMatch(/record size/);
  });

  it('reports a record with broken BinXML and decodes the rest', () => {
    const { file, offsets } = build();
    const rec = HEADER + (offsets[0]?.[6] ?? 0);
    file[rec + 24 + 4] = 0x77; // the template instance token
    const { ids, problems } = split(readEvtxBuffer(file, { checksums: false }));
    expect(ids).toEqual([...range(1, 6), ...range(8, 20)]);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.reason).toMatch(/^record 7: unexpected BinXML token 0x77/);
  });

  it('reads what a truncated file still holds and says where it was cut', () => {
    const { file, offsets } = build(2, 10);
    const cut = HEADER + CHUNK + (offsets[1]?.[6] ?? 0) + 30;
    const { ids, problems } = split(readEvtxBuffer(file.subarray(0, cut)));
    expect(ids).toEqual(range(1, 16));
    expect(problems.map((p) => p.chunk)).toEqual([1, 1]);
    expect(problems[0]?.reason).toMatch(/^chunk truncated at/);
    expect(problems[1]?.reason).toMatch(/record/);
  });

  it('reports a file cut inside its header', () => {
    const { file } = build(1, 1);
    const { ids, problems } = split(readEvtxBuffer(file.subarray(0, 1000)));
    expect(ids).toEqual([]);
    expect(problems.map((p) => p.reason)).toEqual(['file truncated in its header block (1000 bytes)']);
  });

  it('follows records written after a stale chunk header (dirty file)', () => {
    const { file, offsets } = build(1, 10);
    const at = HEADER;
    // The header was last flushed after record 6: free space and last record number lag behind.
    file.writeUInt32LE(offsets[0]?.[6] ?? 0, at + 48);
    file.writeBigUInt64LE(6n, at + 16);
    file.writeUInt32LE(crc32(file.subarray(at + 512, at + (offsets[0]?.[6] ?? 0))) >>> 0, at + 52);
    fixHeaderCrc(file, 0);
    file.writeUInt32LE(1, 120); // dirty flag
    file.writeUInt32LE(crc32(file.subarray(0, 120)) >>> 0, 124);
    const { ids, problems } = split(readEvtxBuffer(file));
    expect(ids).toEqual(range(1, 10));
    expect(problems).toEqual([]);
  });

  it('carves slack space only when asked, and marks what it found', () => {
    const { file, offsets } = build(1, 10);
    const at = HEADER;
    const cutAt = offsets[0]?.[8] ?? 0;
    // Records 9 and 10 become slack: an older header that ends at record 8, and ids that do not follow on.
    file.writeUInt32LE(cutAt, at + 48);
    file.writeBigUInt64LE(8n, at + 16);
    file.writeUInt32LE(crc32(file.subarray(at + 512, at + cutAt)) >>> 0, at + 52);
    fixHeaderCrc(file, 0);
    file.writeUInt32LE(3, at + cutAt + 8); // record 9 now claims id 3: not a continuation
    expect(split(readEvtxBuffer(file))).toEqual({ ids: range(1, 8), problems: [] });
    const carved = [...readEvtxBuffer(file, { carve: true })].filter((i) => i.ok && i.record.carved === true);
    expect(carved.map((i) => i.ok && i.record.recordId)).toEqual([3, 10]);
  });

  it('treats an all-zero chunk as unused, and reports a garbage chunk without stopping', () => {
    const { file } = build(3, 5);
    file.fill(0, HEADER + CHUNK, HEADER + 2 * CHUNK);
    expect(split(readEvtxBuffer(file))).toEqual({ ids: [...range(1, 5), ...range(11, 15)], problems: [] });
    for (let i = HEADER + CHUNK; i < HEADER + 2 * CHUNK; i++) file[i] = (i * 7919) & 0xff;
    const { ids, problems } = split(readEvtxBuffer(file));
    expect(ids).toEqual([...range(1, 5), ...range(11, 15)]);
    expect(problems).toEqual([{ ok: false, chunk: 1, offset: HEADER + CHUNK, reason: 'no chunk signature' }]);
  });

  it('recovers the records of a chunk whose header is destroyed, by their signatures', () => {
    const { file } = build(2, 10);
    file.fill(0xee, HEADER, HEADER + 128);
    const items = [...readEvtxBuffer(file)];
    const { ids, problems } = split(items);
    expect(ids).toEqual(range(1, 20));
    expect(problems).toEqual([{ ok: false, chunk: 0, offset: HEADER, reason: 'no chunk signature' }]);
    const flagged = items.filter((i) => i.ok && i.record.carved === true).map((i) => i.ok && i.record.recordId);
    expect(flagged).toEqual(range(1, 10));
  });

  it('reports a broken file header and still reads the chunks', () => {
    const { file } = build(1, 3);
    file.write('XXXX', 0, 'latin1');
    const { ids, problems } = split(readEvtxBuffer(file));
    expect(ids).toEqual(range(1, 3));
    expect(problems.map((p) => [p.chunk, p.reason])).toEqual([[-1, 'no EVTX file signature']]);
    const ok = build(1, 1).file;
    ok[100] = 1;
    expect(split(readEvtxBuffer(ok)).problems.map((p) => p.reason)).toEqual(['file header checksum mismatch']);
  });

  it('bounds the problems reported per chunk', () => {
    const { file } = build(1, 40);
    // Break every record's trailing size copy: each one becomes a problem.
    let p = HEADER + 512;
    for (let i = 0; i < 40; i++) {
      const size = file.readUInt32LE(p + 4);
      file.writeUInt32LE(1, p + size - 4);
      p += size;
    }
    const { ids, problems } = split(readEvtxBuffer(file, { checksums: false, maxProblemsPerChunk: 5 }));
    expect(ids).toEqual([]);
    expect(problems).toHaveLength(6);
    expect(problems[5]?.reason).toBe('35 more problems in this chunk not listed');
  });
});
