/**
 * @module
 * A small pool of worker threads that take one task at a time. Tasks wait in a bounded queue
 * for a free thread. A thread still busy `overrunMs` after it took a task is terminated (a task
 * that ignores its deadline must not hold a thread for ever) and its task fails with `TIMEOUT`;
 * threads are started on demand, so a replacement comes with the next task, and a thread that
 * cannot start fails that task instead of restarting in a loop.
 */
import type { Worker } from 'node:worker_threads';
import { AppError } from '@intersoc/core';

/** Pool settings. */
export interface PoolOptions {
  /** Most threads at once. */
  readonly size: number;
  /** Starts one thread. */
  readonly spawn: () => Worker;
  /** A thread still busy this long after it took a task is terminated, ms. */
  readonly overrunMs: number;
  /** Tasks that may wait for a thread; more are refused with `BACKPRESSURE`. */
  readonly maxQueue: number;
  /** Told when a thread fails outside a task. */
  readonly onError?: (message: string) => void;
}

interface Task {
  /** Builds the message when a thread takes the task (so deadlines start then). */
  readonly message: (id: number) => unknown;
  readonly resolve: (reply: unknown) => void;
  readonly reject: (err: AppError) => void;
}

interface Lane {
  readonly worker: Worker;
  task?: Task | undefined;
  timer?: NodeJS.Timeout | undefined;
}

/** Worker threads behind a queue, with a hard time limit per task. */
export class WorkerPool {
  private readonly lanes = new Set<Lane>();
  private readonly queue: Task[] = [];
  private seq = 0;
  private closed = false;
  /** Threads terminated for overrunning, since start. */
  terminated = 0;

  constructor(private readonly o: PoolOptions) {}

  /** Runs a task; resolves with the thread's reply (a message carrying the same `id`). */
  run(message: (id: number) => unknown): Promise<unknown> {
    if (this.closed) return Promise.reject(new AppError('BACKPRESSURE', 'the node is shutting down'));
    if (this.queue.length >= this.o.maxQueue) {
      return Promise.reject(
        new AppError('BACKPRESSURE', 'too many searches are waiting; retry shortly', {
          details: { retryAfterSeconds: 1 },
        }),
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      this.pump();
    });
  }

  /** Threads running a task now, and tasks waiting. */
  get load(): { busy: number; queued: number } {
    let busy = 0;
    for (const l of this.lanes) if (l.task) busy++;
    return { busy, queued: this.queue.length };
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let lane = [...this.lanes].find((l) => !l.task);
      if (!lane && this.lanes.size < this.o.size) lane = this.start();
      if (!lane) return;
      const task = this.queue.shift() as Task;
      this.assign(lane, task);
    }
  }

  private start(): Lane {
    const lane: Lane = { worker: this.o.spawn() };
    this.lanes.add(lane);
    lane.worker.on('message', (m: { id?: unknown }) => {
      const task = lane.task;
      if (!task || !this.lanes.has(lane)) return;
      this.settle(lane);
      task.resolve(m);
      this.pump();
    });
    lane.worker.on('error', (err) => this.lost(lane, new AppError('INTERNAL', `reader thread failed: ${err.message}`)));
    lane.worker.on('exit', (code) => this.lost(lane, new AppError('INTERNAL', `reader thread exited (code ${code})`)));
    return lane;
  }

  private assign(lane: Lane, task: Task): void {
    lane.task = task;
    lane.timer = setTimeout(() => {
      this.terminated++;
      this.lost(
        lane,
        new AppError('TIMEOUT', `the search ran ${this.o.overrunMs} ms without finishing and was stopped; narrow it`),
      );
    }, this.o.overrunMs);
    lane.timer.unref();
    try {
      lane.worker.postMessage(task.message(++this.seq));
    } catch (err) {
      this.lost(lane, new AppError('INTERNAL', `cannot hand the task to a reader thread: ${(err as Error).message}`));
    }
  }

  private settle(lane: Lane): void {
    clearTimeout(lane.timer);
    lane.task = undefined;
    lane.timer = undefined;
  }

  /** Drops a lane (terminating its thread); its task, if any, fails with `err`. */
  private lost(lane: Lane, err: AppError): void {
    if (!this.lanes.delete(lane)) return;
    const task = lane.task;
    this.settle(lane);
    void lane.worker.terminate();
    if (task) task.reject(err);
    else if (!this.closed) this.o.onError?.(err.message);
    if (!this.closed) this.pump();
  }

  /** Stops every thread; waiting tasks fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) t.reject(new AppError('BACKPRESSURE', 'the node is shutting down'));
    const lanes = [...this.lanes];
    this.lanes.clear();
    for (const l of lanes) {
      l.task?.reject(new AppError('BACKPRESSURE', 'the node is shutting down'));
      this.settle(l);
    }
    await Promise.all(lanes.map((l) => l.worker.terminate()));
  }
}
