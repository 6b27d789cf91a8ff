/**
 * @module
 * Trains a boosted ensemble on a worker thread (`trainModelInWorkers` runs the detector and the
 * classifier side by side). The matrices are copied to the thread; the result comes back as JSON.
 */
import { Worker } from 'node:worker_threads';
import { AppError } from '@intersoc/core';
import type { EnsembleJson } from '../model/model.js';
import type { GbdtParams, LabelledMatrix } from './train.js';

/** The worker script beside this module (from `dist/` when this runs from TypeScript sources). */
function workerUrl(): URL {
  const here = new URL('./train-worker.js', import.meta.url);
  return import.meta.url.endsWith('.ts') ? new URL(here.href.replace('/src/', '/dist/')) : here;
}

/**
 * Trains on a worker thread.
 * @example
 * const { ensemble, rounds } = await trainGbdtInWorker(train, 2, { ...GBDT_DEFAULTS }, valid);
 */
export function trainGbdtInWorker(
  train: LabelledMatrix,
  classes: number,
  params: GbdtParams,
  valid: LabelledMatrix,
): Promise<{ ensemble: EnsembleJson; rounds: number }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(workerUrl(), { workerData: { train, classes, params, valid } });
    let done = false;
    w.once('message', (m: { ensemble: EnsembleJson; rounds: number }) => {
      done = true;
      resolve(m);
    });
    w.once('error', (err) => reject(new AppError('INTERNAL', 'training thread failed', { cause: err })));
    w.once('exit', (code) => {
      if (!done) reject(new AppError('INTERNAL', `training thread exited with code ${code}`));
    });
  });
}
