/**
 * @module
 * Reads every `.evtx` / `.evtx.gz` file under a directory, several at a time on
 * `worker_threads` (one file per worker; items of one file stay in order, files interleave).
 * Without the compiled worker script (e.g. running from sources) it reads the files in turn on
 * the calling thread, with the same results.
 */
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { readEvtx } from '../reader/index.js';
import type { EvtxItem, EvtxOptions } from '../types.js';
import { asJson } from './protocol.js';
import type { EvtxJsonItem, FromWorker, ToWorker } from './protocol.js';

export type { EvtxJsonItem, EvtxJsonRecord } from './protocol.js';

/** An item and the file it came from. */
export interface DirectoryItem {
  readonly file: string;
  readonly item: EvtxItem;
}

/** A JSON-text item and the file it came from. */
export interface DirectoryJsonItem {
  readonly file: string;
  readonly item: EvtxJsonItem;
}

/** Options of the directory reader. */
export interface DirectoryOptions extends EvtxOptions {
  /** Worker threads (default: the machine's parallelism, at most the number of files). 0 reads on this thread. */
  readonly workers?: number;
  /** Descend into subdirectories (default true). */
  readonly recursive?: boolean;
}

const EVTX_NAME = /\.evtx(\.gz)?$/i;

/** Lists the EVTX files under `dir`, sorted. */
export async function listEvtxFiles(dir: string, recursive = true): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true });
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (recursive) await walk(p);
      } else if (EVTX_NAME.test(e.name) && (e.isFile() || (await stat(p)).isFile())) {
        out.push(p);
      }
    }
  };
  await walk(dir);
  return out.sort();
}

/** The compiled worker script, also when this module runs from its TypeScript source. */
export function workerScript(): string | undefined {
  const here = fileURLToPath(import.meta.url);
  const candidates = [path.join(path.dirname(here), 'worker.js')];
  if (here.endsWith('.ts')) {
    candidates.push(
      path.join(path.dirname(here).replace(`${path.sep}src${path.sep}`, `${path.sep}dist${path.sep}`), 'worker.js'),
    );
  }
  return candidates.find((c) => existsSync(c));
}

/** Options a worker can receive (plain data only). */
function readerOptions(o: DirectoryOptions): EvtxOptions {
  const out: { -readonly [K in keyof EvtxOptions]: EvtxOptions[K] } = {};
  if (o.checksums !== undefined) out.checksums = o.checksums;
  if (o.carve !== undefined) out.carve = o.carve;
  if (o.trim !== undefined) out.trim = o.trim;
  if (o.maxProblemsPerChunk !== undefined) out.maxProblemsPerChunk = o.maxProblemsPerChunk;
  return out;
}

/**
 * Reads all EVTX files under `dir` in parallel. A file that cannot be opened yields one problem
 * item for it; nothing else stops the walk. Events cross from the workers as objects, which
 * costs the calling thread about what decoding would: when the events are only to be printed
 * or stored as text, {@link readEvtxDirectoryJson} scales better.
 * @example
 * for await (const { file, item } of readEvtxDirectory('/cases/42/logs')) if (item.ok) index(file, item.record);
 */
export async function* readEvtxDirectory(dir: string, options: DirectoryOptions = {}): AsyncGenerator<DirectoryItem> {
  yield* walk(dir, options, false) as AsyncGenerator<DirectoryItem>;
}

/**
 * Like {@link readEvtxDirectory}, with each event as its JSON text (`record.json`), built on
 * the worker: the calling thread only receives strings.
 * @example
 * for await (const { item } of readEvtxDirectoryJson(dir)) if (item.ok) out.write(item.record.json + '\n');
 */
export async function* readEvtxDirectoryJson(
  dir: string,
  options: DirectoryOptions = {},
): AsyncGenerator<DirectoryJsonItem> {
  yield* walk(dir, options, true) as AsyncGenerator<DirectoryJsonItem>;
}

async function* walk(
  dir: string,
  options: DirectoryOptions,
  json: boolean,
): AsyncGenerator<DirectoryItem | DirectoryJsonItem> {
  const files = await listEvtxFiles(dir, options.recursive ?? true);
  const opts = readerOptions(options);
  const script = workerScript();
  const asked = options.workers;
  const workers = asked !== undefined && Number.isInteger(asked) && asked >= 0 ? asked : availableParallelism();
  const wanted = Math.min(files.length, workers);
  if (wanted === 0 || script === undefined) {
    for (const file of files) {
      try {
        for await (const item of readEvtx(file, opts)) {
          yield json
            ? ({ file, item: asJson(item) } satisfies DirectoryJsonItem)
            : ({ file, item } satisfies DirectoryItem);
        }
      } catch (err) {
        yield {
          file,
          item: { ok: false, chunk: -1, offset: 0, reason: err instanceof Error ? err.message : String(err) },
        };
      }
    }
    return;
  }
  yield* pooled(files, opts, script, wanted, json);
}

async function* pooled(
  files: string[],
  opts: EvtxOptions,
  script: string,
  count: number,
  json: boolean,
): AsyncGenerator<DirectoryItem | DirectoryJsonItem> {
  const pending = [...files];
  const ready: { worker: Worker; msg: FromWorker }[] = [];
  let wake: (() => void) | undefined;
  let active = 0;
  const workers: Worker[] = [];
  const dead = new Set<Worker>();
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  const assign = (w: Worker): boolean => {
    const file = pending.shift();
    if (file === undefined) return false;
    w.postMessage({ type: 'file', file, options: opts, json } satisfies ToWorker);
    return true;
  };
  for (let i = 0; i < count; i++) {
    const w = new Worker(script);
    workers.push(w);
    w.on('message', (msg: FromWorker) => {
      ready.push({ worker: w, msg });
      notify();
    });
    w.on('error', (err) => {
      dead.add(w);
      ready.push({ worker: w, msg: { type: 'failed', file: '', reason: `worker failed: ${err.message}` } });
      notify();
    });
    if (assign(w)) active++;
  }
  try {
    while (active > 0) {
      const next = ready.shift();
      if (next === undefined) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      const { worker, msg } = next;
      if (msg.type === 'items') {
        for (const item of msg.items) yield { file: msg.file, item } as DirectoryItem | DirectoryJsonItem;
        worker.postMessage({ type: 'credit' } satisfies ToWorker);
      } else {
        if (msg.type === 'failed')
          yield { file: msg.file, item: { ok: false, chunk: -1, offset: 0, reason: msg.reason } };
        if (dead.has(worker) || !assign(worker)) active--;
      }
    }
    // Only reached with files left when every worker died.
    for (const file of pending)
      yield { file, item: { ok: false, chunk: -1, offset: 0, reason: 'not read: the workers failed' } };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
