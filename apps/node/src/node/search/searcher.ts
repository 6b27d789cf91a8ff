/**
 * @module
 * Runs the jobs that walk the event store with the node's search settings: admission per user,
 * a time budget per call (the job stops between blocks at its deadline and answers a partial
 * page with a cursor), the expensive-query limits, and a pool of reader threads so the main
 * event loop (health, ingest, every other route) never waits for a search. With
 * `search.readers = 0` the jobs run on the calling thread under the same budget and limits.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AuthContext, Config } from '@intersoc/core';
import { EVENTS_DB_FILE, type QueryLimits, type SqliteEventReader } from '@intersoc/storage';
import { workerUrl } from '../../pipeline/worker-url.js';
import { JobRunner, outcomeError, type Guard, type Job, type JobOp, type JobTypes } from './jobs.js';
import type { JobMessage, ReaderInit, ResultMessage } from './reader-worker.js';
import { WorkerPool } from './reader-pool.js';
import { UserGate } from './user-gate.js';

/** The `search` section of the configuration. */
export type SearchSettings = Config['search'];

/** Heap of one reader thread, MB: a runaway page fails its job instead of the process. */
const READER_HEAP_MB = 1024;
/** Jobs that may wait for a reader thread per thread. */
const QUEUE_PER_READER = 16;

/** Runs store-walking jobs for the API. */
export interface Searcher {
  run<K extends JobOp>(ctx: AuthContext, op: K, args: JobTypes[K]['in']): Promise<JobTypes[K]['out']>;
  /** Reader threads terminated for overrunning since start. */
  readonly terminated: number;
  close(): Promise<void>;
}

function limitsOf(s: SearchSettings): QueryLimits {
  return {
    maxWildcardSegments: s.maxWildcardSegments,
    maxClauses: s.maxClauses,
    maxDepth: s.maxDepth,
    leadingWildcardMaxDays: s.leadingWildcardMaxDays,
  };
}

/**
 * The searcher of a node whose data folder is `data`. `inline` is the reader used when
 * `settings.readers` is 0.
 */
export function startSearcher(
  settings: SearchSettings,
  data: string,
  inline: SqliteEventReader,
  onError?: (message: string) => void,
): Searcher {
  const gate = new UserGate(settings.maxConcurrentPerUser);
  const limits = limitsOf(settings);
  const guard = (): Guard => ({ limits, deadline: Date.now() + settings.timeBudgetMs });
  // A search is expected to end within its budget; the Retry-After of a refusal is based on that.
  const admit = (ctx: AuthContext): (() => void) => gate.enter(ctx, Date.now() + settings.timeBudgetMs);

  if (settings.readers === 0) {
    const runner = new JobRunner(inline);
    return {
      async run(ctx, op, args) {
        const leave = admit(ctx);
        try {
          return runner.run({ op, ctx, args } as Job<typeof op>, guard());
        } finally {
          leave();
        }
      },
      terminated: 0,
      close: async () => undefined,
    };
  }

  const init: ReaderInit = { file: path.join(data, EVENTS_DB_FILE) };
  const pool = new WorkerPool({
    size: settings.readers,
    spawn: () =>
      new Worker(workerUrl(import.meta.url, 'reader-worker'), {
        workerData: init,
        resourceLimits: { maxOldGenerationSizeMb: READER_HEAP_MB },
      }),
    overrunMs: settings.timeBudgetMs + settings.overrunGraceMs,
    maxQueue: settings.readers * QUEUE_PER_READER,
    ...(onError ? { onError } : {}),
  });
  return {
    async run(ctx, op, args) {
      const leave = admit(ctx);
      try {
        const job: Job = { op, ctx, args } as Job;
        // The deadline is set when a thread takes the job, so waiting in the queue costs no budget.
        const reply = (await pool.run((id): JobMessage => ({ id, job, guard: guard() }))) as ResultMessage;
        if (!reply.ok) throw outcomeError(reply);
        return reply.value as JobTypes[typeof op]['out'];
      } finally {
        leave();
      }
    },
    get terminated() {
      return pool.terminated;
    },
    close: () => pool.close(),
  };
}
