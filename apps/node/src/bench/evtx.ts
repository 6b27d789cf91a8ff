/**
 * @module
 * `bench evtx`: decoding speed of the native EVTX reader.
 * - Corpus: every `.evtx.gz` of `corpora/evtx`, decompressed in memory first, decoded to event
 *   objects and to JSON text (what `intersoc evtx dump` prints).
 * - Big file: ~100 MB (20 MB with `--quick`) built by concatenating the corpus's non-empty
 *   chunks, streamed from disk on one core (with memory sampled along the way) and, split in
 *   four files, on all cores through the worker-thread directory reader.
 * Baseline, same run: libevtx's `evtxexport` on the big file when it is installed (the issue's
 * reference); otherwise `JSON.parse` of the corpus's JSON renderings of the same records, i.e.
 * reading the records from text instead of binary. `ratio` is our records/s over the baseline's.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { crc32, gunzipSync } from 'node:zlib';
import { AppError } from '@intersoc/core';
import { readEvtx, readEvtxBuffer, readEvtxDirectoryJson } from '@intersoc/evtx';
import { benchResult, type BenchModule, type BenchOptions } from './types.js';

const CHUNK = 65536;
const HEADER = 4096;

function evtxFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...evtxFiles(p));
    else if (name.endsWith('.evtx.gz')) out.push(p);
  }
  return out;
}

const seconds = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;

/** Best of `rounds` timed runs of `fn`, which returns how many records it handled. */
function best(rounds: number, fn: () => number): { records: number; seconds: number } {
  let top = { records: 0, seconds: Number.POSITIVE_INFINITY };
  for (let i = 0; i < rounds; i++) {
    const t0 = process.hrtime.bigint();
    const records = fn();
    const s = seconds(t0);
    if (s < top.seconds) top = { records, seconds: s };
  }
  return top;
}

/** A big file of real chunks: a valid header, then the corpus's non-empty chunks over and over. */
function buildBigFile(buffers: readonly Buffer[], bytes: number, file: string): number {
  const chunks: Buffer[] = [];
  for (const b of buffers) {
    for (let o = HEADER; o + CHUNK <= b.length; o += CHUNK) {
      if (b.toString('latin1', o, o + 7) === 'ElfChnk' && b.readUInt32LE(o + 48) > 512)
        chunks.push(b.subarray(o, o + CHUNK));
    }
  }
  const count = Math.ceil(bytes / CHUNK);
  const out = Buffer.alloc(HEADER + count * CHUNK);
  for (let i = 0; i < count; i++) (chunks[i % chunks.length] as Buffer).copy(out, HEADER + i * CHUNK);
  out.write('ElfFile\0', 0, 'latin1');
  out.writeBigUInt64LE(BigInt(count - 1), 16);
  out.writeUInt32LE(128, 32);
  out.writeUInt16LE(1, 36);
  out.writeUInt16LE(3, 38);
  out.writeUInt16LE(HEADER, 40);
  out.writeUInt16LE(Math.min(count, 0xffff), 42);
  out.writeUInt32LE(crc32(out.subarray(0, 120)) >>> 0, 124);
  writeFileSync(file, out);
  return chunks.length;
}

/** Runs libevtx's evtxexport when installed; returns its records/s and seconds, or undefined. */
function evtxexport(file: string, records: number, o: BenchOptions): { rps: number; seconds: number } | undefined {
  const probe = spawnSync('evtxexport', ['-V'], { encoding: 'utf8' });
  if (probe.error) {
    o.log('evtxexport not installed (Debian libevtx-utils): falling back to the JSON.parse baseline');
    return undefined;
  }
  const t0 = process.hrtime.bigint();
  const run = spawnSync('evtxexport', ['-f', 'xml', file], {
    stdio: ['ignore', 'ignore', 'ignore'],
    maxBuffer: 1 << 30,
  });
  const s = seconds(t0);
  if (run.status !== 0) o.log(`evtxexport exited with ${String(run.status)}`);
  return { rps: records / s, seconds: s };
}

/** Streams the big file on one core, sampling memory; returns the rate and memory figures. */
async function streamBig(file: string): Promise<Record<string, number>> {
  const size = statSync(file).size;
  const rss: number[] = [];
  let records = 0;
  let lastOffset = 0;
  const marks: number[] = [];
  const t0 = process.hrtime.bigint();
  for await (const item of readEvtx(file)) {
    if (!item.ok) continue;
    records++;
    lastOffset = item.record.offset;
    // Memory at each tenth of the file: flat means it does not grow with the part already read.
    if (lastOffset >= ((marks.length + 1) * size) / 10) {
      marks.push(lastOffset);
      rss.push(process.memoryUsage().rss);
    }
  }
  const s = seconds(t0);
  const first = rss[0] ?? 0;
  return {
    records,
    seconds: s,
    rps: records / s,
    mbps: size / 1e6 / s,
    rssFirstTenthMb: first / 1e6,
    rssEndMb: (rss[rss.length - 1] ?? 0) / 1e6,
    rssMaxMb: Math.max(0, ...rss) / 1e6,
  };
}

/** The EVTX benchmark. */
export const bench: BenchModule = {
  description: 'native EVTX decoding (corpus and a 100 MB file) vs evtxexport or JSON.parse of the same records',
  async run(o) {
    const loadBefore = loadavg()[0] ?? 0;
    const dir = path.join(o.corpora, 'evtx');
    let files: string[];
    try {
      files = evtxFiles(dir);
    } catch (err) {
      throw new AppError('NOT_FOUND', `EVTX corpus not found at ${dir}`, { cause: err });
    }
    if (o.quick) files = files.slice(0, 80);
    const buffers = files.map((f) => gunzipSync(readFileSync(f)));
    const renderings = files.flatMap((f) =>
      gunzipSync(readFileSync(f.replace(/\.evtx\.gz$/, '.jsonl.gz')))
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== ''),
    );
    const corpusBytes = buffers.reduce((n, b) => n + b.length, 0);
    o.log(
      `${files.length} corpus files, ${(corpusBytes / 1e6).toFixed(1)} MB uncompressed, ${renderings.length} JSON renderings`,
    );

    const rounds = o.quick ? 2 : 3;
    const decodeCorpus = (toJson: boolean): number => {
      let n = 0;
      let chars = 0;
      for (const b of buffers) {
        for (const item of readEvtxBuffer(b)) {
          if (!item.ok) continue;
          n++;
          if (toJson) chars += JSON.stringify(item.record.event).length;
        }
      }
      if (chars < 0) throw new Error('unreachable');
      return n;
    };
    decodeCorpus(false); // warm-up: JIT and template paths
    const objects = best(rounds, () => decodeCorpus(false));
    const json = best(rounds, () => decodeCorpus(true));
    const parse = best(rounds, () => {
      let keys = 0;
      for (const l of renderings) keys += Object.keys(JSON.parse(l) as object).length;
      return keys >= 0 ? renderings.length : 0;
    });
    const raw = best(rounds, () => {
      let c = 0;
      for (const b of buffers) c = crc32(b, c);
      return c === -1 ? 0 : buffers.length;
    });
    o.log(
      `corpus: ${Math.round(objects.records / objects.seconds)} records/s to objects, ${Math.round(json.records / json.seconds)} to JSON text`,
    );
    o.log(`JSON.parse of the renderings: ${Math.round(parse.records / parse.seconds)} records/s`);

    const tmp = mkdtempSync(path.join(tmpdir(), 'intersoc-bench-evtx-'));
    try {
      const bigBytes = (o.quick ? 20 : 100) * 1024 * 1024;
      const big = path.join(tmp, 'big.evtx');
      const distinct = buildBigFile(buffers, bigBytes, big);
      const size = statSync(big).size;
      o.log(`big file: ${(size / 1e6).toFixed(0)} MB from ${distinct} distinct corpus chunks`);
      const one = await streamBig(big);
      o.log(
        `big file, 1 core: ${Math.round(one['rps'] ?? 0)} records/s, ${(one['mbps'] ?? 0).toFixed(1)} MB/s, RSS ${(one['rssFirstTenthMb'] ?? 0).toFixed(0)} → ${(one['rssEndMb'] ?? 0).toFixed(0)} MB`,
      );
      const bigBuffer = readFileSync(big);
      const bigJson = best(1, () => {
        let n = 0;
        for (const item of readEvtxBuffer(bigBuffer)) if (item.ok && JSON.stringify(item.record.event).length > 0) n++;
        return n;
      });

      // All cores: the big file cut in four, read by the worker-thread directory reader, events as
      // JSON text (what `evtx dump DIR` prints; compare with big_file_json_records_per_s).
      const parts = path.join(tmp, 'parts');
      const per = Math.ceil((size - HEADER) / CHUNK / 4);
      const header = bigBuffer.subarray(0, HEADER);
      mkdirSync(parts);
      for (let i = 0; i < 4; i++) {
        const body = bigBuffer.subarray(HEADER + i * per * CHUNK, Math.min(size, HEADER + (i + 1) * per * CHUNK));
        writeFileSync(path.join(parts, `part-${i}.evtx`), Buffer.concat([header, body]));
      }
      const cores = availableParallelism();
      const t0 = process.hrtime.bigint();
      let allRecords = 0;
      for await (const { item } of readEvtxDirectoryJson(parts, { workers: cores })) if (item.ok) allRecords++;
      const allSeconds = seconds(t0);
      o.log(`big file, ${cores} workers (JSON text): ${Math.round(allRecords / allSeconds)} records/s`);

      const ext = evtxexport(big, one['records'] ?? 0, o);
      const value = Math.round(one['rps'] ?? 0);
      const baseline = ext ? Math.round(ext.rps) : Math.round(parse.records / parse.seconds);
      return benchResult({
        name: 'evtx',
        unit: 'records/s',
        value,
        baseline_value: baseline,
        cores: 1,
        extra: {
          baseline_kind: ext
            ? 'evtxexport -f xml on the big file'
            : 'JSON.parse of the corpus JSON renderings of the same records',
          corpus_files: files.length,
          corpus_bytes: corpusBytes,
          corpus_records: objects.records,
          corpus_records_per_s: Math.round(objects.records / objects.seconds),
          corpus_mb_per_s: Math.round((corpusBytes / 1e6 / objects.seconds) * 10) / 10,
          corpus_json_records_per_s: Math.round(json.records / json.seconds),
          corpus_json_mb_per_s: Math.round((corpusBytes / 1e6 / json.seconds) * 10) / 10,
          json_parse_records_per_s: Math.round(parse.records / parse.seconds),
          crc32_mb_per_s: Math.round(corpusBytes / 1e6 / raw.seconds),
          big_file_bytes: size,
          big_file_records: one['records'],
          big_file_seconds: Math.round((one['seconds'] ?? 0) * 100) / 100,
          big_file_records_per_s: value,
          big_file_mb_per_s: Math.round((one['mbps'] ?? 0) * 10) / 10,
          big_file_json_records_per_s: Math.round(bigJson.records / bigJson.seconds),
          big_file_json_mb_per_s: Math.round((size / 1e6 / bigJson.seconds) * 10) / 10,
          big_file_all_cores: cores,
          big_file_all_cores_json_records_per_s: Math.round(allRecords / allSeconds),
          big_file_all_cores_json_mb_per_s: Math.round((size / 1e6 / allSeconds) * 10) / 10,
          rss_mb_at_first_tenth: Math.round(one['rssFirstTenthMb'] ?? 0),
          rss_mb_at_end: Math.round(one['rssEndMb'] ?? 0),
          rss_mb_max_sampled: Math.round(one['rssMaxMb'] ?? 0),
          // Other work on the machine skews every figure; this says how busy it was.
          load_average_1m_before: Math.round(loadBefore * 10) / 10,
          load_average_1m_after: Math.round((loadavg()[0] ?? 0) * 10) / 10,
          evtxexport_records_per_s: ext ? Math.round(ext.rps) : null,
          evtxexport_seconds: ext ? Math.round(ext.seconds * 100) / 100 : null,
        },
      });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};
