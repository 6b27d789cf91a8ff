/**
 * @module
 * The extraction worker: reads one report with `extractDocument` and posts the document back,
 * or the error's code and message. Started by `extractIsolated` with a heap cap.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toAppError } from '@intersoc/core';
import { extractDocument, type ExtractOptions } from './extract.js';

const { bytes, options } = workerData as { bytes: Uint8Array; options: ExtractOptions };

extractDocument(bytes, options).then(
  (doc) => parentPort?.postMessage({ ok: true, doc }),
  (err: unknown) => {
    const e = toAppError(err);
    parentPort?.postMessage({ ok: false, code: e.code, message: e.message });
  },
);
