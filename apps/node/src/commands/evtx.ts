/**
 * @module
 * `intersoc evtx dump PATH` writes one JSON object per record (evtx_dump's nested shape,
 * `{"Event":{...}}`) per line; problems go to stderr. `intersoc evtx info PATH [--json]` prints
 * header fields, chunk and record counts and what was skipped. Both take `.evtx`, `.evtx.gz`
 * or a directory (read on worker threads).
 */
import { existsSync, statSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { AppError } from '@intersoc/core';
import { evtxInfo, listEvtxFiles, readEvtx, readEvtxDirectoryJson } from '@intersoc/evtx';
import type { EvtxInfo, EvtxOptions, EvtxProblem } from '@intersoc/evtx';

/** Where the command writes (injectable for tests). */
export interface EvtxIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
}

const PROCESS_IO: EvtxIo = { stdout: process.stdout, stderr: process.stderr };

interface ReadFlags {
  readonly trim?: boolean;
  readonly checksums?: boolean;
  readonly carve?: boolean;
  readonly workers?: string;
}

function readerOptions(flags: ReadFlags): EvtxOptions {
  return { trim: flags.trim !== false, checksums: flags.checksums !== false, carve: flags.carve === true };
}

function workerCount(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 256)
    throw new AppError('VALIDATION', `--workers must be an integer from 0 to 256, got ${text}`);
  return n;
}

function checkPath(p: string): 'file' | 'dir' {
  if (!existsSync(p)) throw new AppError('NOT_FOUND', `no such file or directory: ${p}`);
  return statSync(p).isDirectory() ? 'dir' : 'file';
}

/** Buffered stdout that respects back-pressure and stops quietly when the reader goes away (e.g. `| head`). */
class Out {
  private buf = '';
  closed = false;

  constructor(private readonly stream: Writable) {
    // EPIPE (the reader closed) or any other write failure: stop writing, finish quietly.
    stream.on('error', () => {
      this.closed = true;
    });
  }

  async line(s: string): Promise<void> {
    this.buf += `${s}\n`;
    if (this.buf.length >= 1 << 16) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buf === '' || this.closed) return;
    const chunk = this.buf;
    this.buf = '';
    const stream = this.stream;
    if (!stream.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          stream.off('drain', done);
          stream.off('error', done);
          resolve();
        };
        stream.on('drain', done);
        stream.on('error', done);
      });
    }
  }
}

function problemLine(file: string, item: EvtxProblem): string {
  const where = item.chunk < 0 ? 'file header' : `chunk ${item.chunk}`;
  return `intersoc evtx: ${file}: ${where} at offset ${item.offset}: ${item.reason}\n`;
}

async function dump(io: EvtxIo, target: string, flags: ReadFlags): Promise<void> {
  const kind = checkPath(target);
  const options = readerOptions(flags);
  const out = new Out(io.stdout);
  let records = 0;
  let problems = 0;
  // A directory is decoded on worker threads, which hand over ready JSON text.
  type Line =
    { file: string; json: string; problem?: undefined } | { file: string; json?: undefined; problem: EvtxProblem };
  const items: AsyncIterable<Line> =
    kind === 'dir'
      ? (async function* () {
          const workers = flags.workers === undefined ? {} : { workers: workerCount(flags.workers) };
          for await (const { file, item } of readEvtxDirectoryJson(target, { ...options, ...workers })) {
            yield item.ok ? { file, json: item.record.json } : { file, problem: item };
          }
        })()
      : (async function* () {
          for await (const item of readEvtx(target, options)) {
            yield item.ok ? { file: target, json: JSON.stringify(item.record.event) } : { file: target, problem: item };
          }
        })();
  for await (const line of items) {
    if (out.closed) break;
    if (line.problem === undefined) {
      records++;
      await out.line(line.json);
    } else {
      problems++;
      io.stderr.write(problemLine(line.file, line.problem));
    }
  }
  await out.flush();
  if (problems > 0) io.stderr.write(`intersoc evtx: ${records} records, ${problems} problems\n`);
}

const iso = (t: number | null): string => (t === null ? '-' : new Date(t).toISOString());

function infoText(file: string, i: EvtxInfo): string {
  const h = i.header;
  const lines = [
    `${file}`,
    `  bytes ${i.bytes}, header ${h.valid ? `v${h.version}` : 'invalid'}${h.checksumOk ? '' : ' (checksum mismatch)'}` +
      `${h.dirty ? ', dirty' : ''}${h.full ? ', full' : ''}; header says ${h.chunkCount} chunks, next record id ${h.nextRecordId}`,
    `  chunks ${i.chunks} (${i.emptyChunks} empty); records ${i.records} decoded of ${i.declaredRecords} declared` +
      `${i.carvedRecords > 0 ? `, ${i.carvedRecords} carved` : ''}; problems ${i.skipped}`,
    `  record ids ${i.firstRecordId ?? '-'}..${i.lastRecordId ?? '-'}, time ${iso(i.timeMin)} .. ${iso(i.timeMax)}`,
  ];
  for (const c of i.chunkList) {
    if (c.problems.length === 0 && c.decoded === c.declared) continue;
    lines.push(`  chunk ${c.index} @${c.offset}: ${c.status}, ${c.decoded}/${c.declared} records`);
    for (const p of c.problems.slice(0, 5)) lines.push(`    - ${p}`);
    if (c.problems.length > 5) lines.push(`    - … ${c.problems.length - 5} more`);
  }
  for (const p of i.problems.filter((x) => x.chunk < 0)) lines.push(`  file: ${p.reason}`);
  return `${lines.join('\n')}\n`;
}

async function info(io: EvtxIo, target: string, flags: ReadFlags & { readonly json?: boolean }): Promise<void> {
  // A reader that goes away (e.g. `| head`) ends the output, not the process with a stack trace.
  io.stdout.on('error', () => undefined);
  const files = checkPath(target) === 'dir' ? await listEvtxFiles(target) : [target];
  const options = readerOptions(flags);
  const results: (EvtxInfo & { file: string })[] = [];
  for (const file of files) {
    const i = await evtxInfo(file, options);
    if (flags.json === true) results.push({ file, ...i });
    else io.stdout.write(infoText(file, i));
  }
  if (flags.json === true)
    io.stdout.write(`${JSON.stringify(files.length === 1 && checkPath(target) === 'file' ? results[0] : results)}\n`);
}

function readOptions(cmd: Command): Command {
  return cmd
    .option('--no-trim', 'keep whitespace around values exactly as stored (evtx_dump trims it)')
    .option('--no-checksums', 'skip CRC32 verification')
    .option('--carve', 'also recover records from chunk slack space');
}

/** Adds the `evtx` subcommand group. */
export function register(program: Command, io: EvtxIo = PROCESS_IO): void {
  const evtx = program.command('evtx').description('read Windows event log files (.evtx, .evtx.gz)');
  readOptions(
    evtx
      .command('dump')
      .description('print one JSON object per record, evtx_dump style ({"Event":{...}}); problems go to stderr')
      .argument('<path>', '.evtx / .evtx.gz file, or a directory of them')
      .option('--workers <n>', 'worker threads for a directory (default: all cores)'),
  ).action(async (target: string, flags: ReadFlags) => dump(io, target, flags));
  readOptions(
    evtx
      .command('info')
      .description('header, chunk and record counts, and what could not be read')
      .argument('<path>', '.evtx / .evtx.gz file, or a directory of them')
      .option('--json', 'machine-readable output'),
  ).action(async (target: string, flags: ReadFlags & { json?: boolean }) => info(io, target, flags));
}
