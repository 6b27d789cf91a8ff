/**
 * @module
 * Worker thread entry: trains one boosted ensemble from `workerData` and posts it back as JSON.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ensembleToJson } from '../model/model.js';
import { trainGbdt, type GbdtParams, type LabelledMatrix } from './train.js';

interface Job {
  readonly train: LabelledMatrix;
  readonly classes: number;
  readonly params: GbdtParams;
  readonly valid: LabelledMatrix;
}

const job = workerData as Job;
const r = trainGbdt(job.train, job.classes, job.params, job.valid);
parentPort?.postMessage({ ensemble: ensembleToJson(r.ensemble), rounds: r.rounds });
