/**
 * @module
 * `evtxInfo`: what a file holds and what could not be read: header fields, chunk and record
 * counts (declared by the chunk headers and actually decoded) and the problems, per chunk.
 */
import type { EvtxChunkInfo, EvtxInfo, EvtxOptions, EvtxProblem } from '../types.js';
import { chunkOptions, EvtxWalker, walkEvtx } from '../reader/index.js';
import type { ByteSource } from '../reader/index.js';

/** Problems kept in the summary; the per-chunk lists and counts stay complete. */
const MAX_PROBLEMS = 1000;

/**
 * Reads a whole EVTX source and summarises it. Memory grows with the number of chunks (one
 * small summary each), not with the records.
 * @example
 * const info = await evtxInfo('Security.evtx');
 * console.log(info.records, info.declaredRecords, info.skipped);
 */
export async function evtxInfo(source: ByteSource, options?: EvtxOptions): Promise<EvtxInfo> {
  const chunkList: EvtxChunkInfo[] = [];
  const walker = new EvtxWalker(chunkOptions(options), (c) => chunkList.push(c));
  const problems: EvtxProblem[] = [];
  let records = 0;
  let carved = 0;
  let skipped = 0;
  let bytes = 0;
  let firstId: number | null = null;
  let lastId: number | null = null;
  let timeMin: number | null = null;
  let timeMax: number | null = null;
  for await (const item of walkEvtx(source, walker)) {
    if (item.ok) {
      const r = item.record;
      records++;
      if (r.carved === true) carved++;
      if (firstId === null || r.recordId < firstId) firstId = r.recordId;
      if (lastId === null || r.recordId > lastId) lastId = r.recordId;
      if (Number.isFinite(r.time)) {
        if (timeMin === null || r.time < timeMin) timeMin = r.time;
        if (timeMax === null || r.time > timeMax) timeMax = r.time;
      }
      bytes = Math.max(bytes, r.offset);
    } else {
      if (item.chunk < 0) skipped++;
      if (problems.length < MAX_PROBLEMS) problems.push(item);
    }
  }
  for (const c of chunkList) skipped += c.problems.length;
  const last = chunkList[chunkList.length - 1];
  const h = walker.header;
  return {
    bytes: last === undefined ? bytes : last.offset + last.size,
    header: {
      valid: h?.valid ?? false,
      version: h?.valid === true ? `${h.majorVersion}.${h.minorVersion}` : '',
      firstChunk: h?.firstChunk ?? 0,
      lastChunk: h?.lastChunk ?? 0,
      chunkCount: h?.chunkCount ?? 0,
      nextRecordId: h?.nextRecordId ?? 0,
      dirty: h?.dirty ?? false,
      full: h?.full ?? false,
      checksumOk: h?.checksumOk ?? false,
    },
    chunks: chunkList.length,
    emptyChunks: chunkList.filter((c) => c.status === 'empty').length,
    declaredRecords: chunkList.reduce((n, c) => n + c.declared, 0),
    records,
    carvedRecords: carved,
    skipped,
    firstRecordId: firstId,
    lastRecordId: lastId,
    timeMin,
    timeMax,
    chunkList,
    problems,
  };
}
