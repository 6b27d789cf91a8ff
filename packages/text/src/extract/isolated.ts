/**
 * @module
 * Runs report extraction in a worker thread with a heap cap (`memoryMb`) and a deadline
 * (`timeoutMs`): a PDF bomb or a pathological page ends as `PAYLOAD_TOO_LARGE` or `TIMEOUT` and
 * the worker is gone, without touching the caller's heap or event loop.
 */
import { Worker } from 'node:worker_threads';
import { AppError, type AppErrorCode } from '@intersoc/core';
import type { TextDocument } from '../document/types.js';
import type { ExtractOptions } from './extract.js';
import { DEFAULT_LIMITS } from './limits.js';

/** URL of the worker script: compiled JavaScript, from `dist/` when running from sources (tests). */
function workerUrl(): URL {
  const here = new URL('./worker.js', import.meta.url);
  return import.meta.url.endsWith('.ts') ? new URL(here.href.replace('/src/', '/dist/')) : here;
}

/**
 * `extractDocument` in a worker thread, bounded in time and memory.
 *
 * @example
 * const doc = await extractIsolated(bytes, { name: 'report.pdf', limits: { timeoutMs: 30_000 } });
 */
export function extractIsolated(bytes: Uint8Array, options: ExtractOptions = {}): Promise<TextDocument> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  if (bytes.length > limits.maxBytes)
    return Promise.reject(
      new AppError('PAYLOAD_TOO_LARGE', `the report is ${bytes.length} bytes; at most ${limits.maxBytes} are read`),
    );
  return new Promise<TextDocument>((resolve, reject) => {
    let settled = false;
    const worker = new Worker(workerUrl(), {
      workerData: { bytes, options },
      resourceLimits: {
        maxOldGenerationSizeMb: limits.memoryMb,
        maxYoungGenerationSizeMb: Math.min(64, Math.max(8, limits.memoryMb / 8)),
        stackSizeMb: 4,
      },
      stdout: true,
      stderr: true,
    });
    // PDF.js warns on the console about odd files: the caller does not need it.
    worker.stdout.resume();
    worker.stderr.resume();
    const done = (f: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      f();
      void worker.terminate();
    };
    const timer = setTimeout(
      () =>
        done(() =>
          reject(new AppError('TIMEOUT', `reading the report took longer than ${limits.timeoutMs} ms; stopped`)),
        ),
      limits.timeoutMs,
    );
    worker.on('message', (m: { ok: true; doc: TextDocument } | { ok: false; code: AppErrorCode; message: string }) =>
      done(() => (m.ok ? resolve(m.doc) : reject(new AppError(m.code, m.message)))),
    );
    worker.on('error', (err: Error & { code?: string }) =>
      done(() =>
        reject(
          err.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new AppError('PAYLOAD_TOO_LARGE', `reading the report needed more than ${limits.memoryMb} MiB; stopped`)
            : new AppError('PARSE', `the report could not be read: ${err.message}`, { cause: err }),
        ),
      ),
    );
    worker.on('exit', (code) =>
      done(() => reject(new AppError('PARSE', `the report reader stopped (exit ${code}) without a result`))),
    );
  });
}
