/**
 * @module
 * The `evtx` benchmark's extra comparison with libevtx's `evtxexport` (Debian's libevtx-utils),
 * where it is installed. Both tools read the same file, made only of chunks `evtxexport` can
 * read to the end: the 2018 release Debian ships stops at the first record it cannot parse (a
 * BinXML value token inside an attribute, which some corpus files use), and crediting it with
 * the records it never exported would flatter it. Times are wall and CPU (the child's, from
 * `/proc/self/stat`, where that exists); exported records are counted from its output.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CHUNK, HEADER, writeChunkFile } from './_evtx-file.js';

/** Clock ticks per second of `/proc` times (USER_HZ, 100 on Linux). */
const TICKS = 100;

/** The version line of an installed `evtxexport`, or undefined. */
export function evtxexportVersion(): string | undefined {
  const probe = spawnSync('evtxexport', ['-V'], { encoding: 'utf8' });
  if (probe.error) return undefined;
  return (probe.stdout || probe.stderr).trim().split('\n')[0];
}

/**
 * Index of the chunk where `evtxexport` gave up, from its error output ("unable to read element
 * data at offset: 0x…", the offset of a record in that chunk), or undefined.
 */
export function failedChunk(stderr: string): number | undefined {
  const m = /unable to read element data at offset: 0x([0-9a-f]+)/i.exec(stderr);
  if (!m) return undefined;
  const offset = parseInt(m[1] as string, 16);
  return offset < HEADER ? undefined : Math.floor((offset - HEADER) / CHUNK);
}

/** Child processes' CPU seconds so far (waited-for children), or undefined off Linux. */
function childCpuSeconds(): number | undefined {
  try {
    // After the command name (which may hold spaces) come fields 3 on: cutime and cstime are 16 and 17.
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) / TICKS;
  } catch {
    return undefined;
  }
}

/** One run of `evtxexport -f xml` over `file`, output to `out` (a path) or discarded. */
export function runEvtxexport(
  file: string,
  out?: string,
): { status: number | null; stderr: string; seconds: number; cpuSeconds: number | undefined } {
  const fd = out === undefined ? 'ignore' : openSync(out, 'w');
  const cpu0 = childCpuSeconds();
  const t0 = process.hrtime.bigint();
  try {
    const r = spawnSync('evtxexport', ['-f', 'xml', file], {
      stdio: ['ignore', fd, 'pipe'],
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu1 = childCpuSeconds();
    return {
      status: r.status,
      stderr: r.stderr,
      seconds,
      cpuSeconds: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0,
    };
  } finally {
    if (typeof fd === 'number') closeSync(fd);
  }
}

/**
 * The chunks `evtxexport` reads to the end. Each run over the chunks not yet settled either
 * succeeds (all of them are readable) or names the chunk it stopped at: the ones before it are
 * readable, that one is dropped, and the next run starts after it.
 */
export function readableChunks(
  chunks: readonly Buffer[],
  dir: string,
): { readable: Buffer[]; dropped: number } | { error: string } {
  const file = path.join(dir, 'evtxexport-probe.evtx');
  const readable: Buffer[] = [];
  let rest = chunks.slice();
  let dropped = 0;
  while (rest.length > 0) {
    writeChunkFile(rest, rest.length, file);
    const run = runEvtxexport(file);
    if (run.status === 0) {
      readable.push(...rest);
      break;
    }
    const bad = failedChunk(run.stderr);
    if (bad === undefined || bad >= rest.length)
      return { error: `evtxexport exited with ${String(run.status)}: ${run.stderr.trim().split('\n').pop() ?? ''}` };
    readable.push(...rest.slice(0, bad));
    rest = rest.slice(bad + 1);
    dropped++;
  }
  return { readable, dropped };
}

/** Records in `evtxexport -f xml` output. */
export function countXmlEvents(xmlFile: string): number {
  const text = readFileSync(xmlFile, 'latin1');
  let n = 0;
  for (let at = text.indexOf('<Event '); at >= 0; at = text.indexOf('<Event ', at + 7)) n++;
  return n;
}
