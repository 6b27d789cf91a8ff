import { describe, expect, it } from 'vitest';
import { buildFile, ChunkBuilder, eventTemplate, V } from '../internal/testing/builder.js';
import { evtxInfo } from './index.js';

function file(): Buffer {
  const t = eventTemplate(1, ['n'], [0x08]);
  const chunks: Uint8Array[] = [];
  let id = 1;
  for (let k = 0; k < 3; k++) {
    const c = new ChunkBuilder();
    for (let i = 0; i < 5; i++, id++) {
      c.record(id, '2020-01-01T00:00:00Z', t, [
        V.str('P'),
        V.u16(1),
        V.filetime(`2020-01-0${k + 1}T00:00:0${i}Z`),
        V.str('C'),
        V.u32(id),
      ]);
    }
    chunks.push(c.finish(id - 5));
  }
  chunks.push(new Uint8Array(65536));
  return buildFile(chunks, { dirty: true, nextRecordId: 16 });
}

describe('evtxInfo', () => {
  it('summarises header, chunks, records and time range', async () => {
    const info = await evtxInfo(file());
    expect(info).toMatchObject({
      bytes: 4096 + 4 * 65536,
      header: {
        valid: true,
        version: '3.1',
        chunkCount: 4,
        nextRecordId: 16,
        dirty: true,
        full: false,
        checksumOk: true,
      },
      chunks: 4,
      emptyChunks: 1,
      declaredRecords: 15,
      records: 15,
      carvedRecords: 0,
      skipped: 0,
      firstRecordId: 1,
      lastRecordId: 15,
      timeMin: Date.parse('2020-01-01T00:00:00Z'),
      timeMax: Date.parse('2020-01-03T00:00:04Z'),
      problems: [],
    });
    expect(
      info.chunkList.map((c) => [c.status, c.declared, c.decoded, c.firstRecordId, c.lastRecordId, c.templates]),
    ).toEqual([
      ['ok', 5, 5, 1, 5, 1],
      ['ok', 5, 5, 6, 10, 1],
      ['ok', 5, 5, 11, 15, 1],
      ['empty', 0, 0, 0, 0, 0],
    ]);
  });

  it('counts what a damaged chunk lost', async () => {
    const b = file();
    const second = 4096 + 65536;
    const rec = b.indexOf(Buffer.from([0x2a, 0x2a, 0, 0]), second + 512 + 10); // the 2nd record of chunk 1
    b.writeUInt32LE(3, rec + 4);
    const info = await evtxInfo(b);
    expect(info.records).toBe(14);
    expect(info.declaredRecords).toBe(15);
    expect(info.chunkList[1]?.status).toBe('damaged');
    expect(info.chunkList[1]?.problems).toEqual([
      'event records checksum mismatch',
      'record size 3 is invalid or does not match its trailing copy',
    ]);
    expect(info.skipped).toBe(2);
    expect(info.problems.map((p) => p.chunk)).toEqual([1, 1]);
  });
});
