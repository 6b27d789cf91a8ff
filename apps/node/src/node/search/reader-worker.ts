/**
 * @module
 * Entry of a reader thread: its own read connection to the event database (WAL lets readers run
 * beside the writer and each other) and a loop that runs one job at a time, so a slow search
 * occupies this thread and never the main event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openEventReader } from '@intersoc/storage';
import { createHydrator } from '../../pipeline/hydrator.js';
import { JobRunner, type Guard, type Job, type JobOutcome } from './jobs.js';

/** Data the main thread passes when starting a reader thread. */
export interface ReaderInit {
  /** The event database file. */
  readonly file: string;
}

/** A job as the pool posts it: the guard's deadline is set when the job is handed over. */
export interface JobMessage {
  readonly id: number;
  readonly job: Job;
  readonly guard: Guard;
}

/** The answer to a job. */
export type ResultMessage = { readonly id: number } & JobOutcome;

if (parentPort) {
  const main = parentPort;
  const init = workerData as ReaderInit;
  const runner = new JobRunner(openEventReader(init.file, createHydrator()));
  main.on('message', (m: JobMessage) => {
    const answer: ResultMessage = { id: m.id, ...runner.settle(m.job, m.guard) };
    main.postMessage(answer);
  });
}
