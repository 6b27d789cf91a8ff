/**
 * @module
 * A synchronous PostgreSQL client for the store interfaces that were written synchronously for
 * better-sqlite3. A worker thread owns the `postgres` connection; the caller posts a request,
 * blocks on `Atomics.wait` over a shared counter, and reads the reply with
 * `receiveMessageOnPort` (the synckit technique, no dependency). One round trip can carry
 * several statements, and `transaction()` sends `BEGIN` with the first statement of its body,
 * so a read-check-write costs three trips, not five.
 *
 * A request that gets no reply within the timeout ends the worker (PostgreSQL rolls back its
 * open transaction when the connection closes) and throws `UNAVAILABLE`; the next call starts a
 * new worker. Messages name the server without its password and never quote parameters.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { AppError } from '@intersoc/core';
import { redact } from '../connect.js';
import type { BridgeReply, BridgeRequest, SqlParam, Statement, StatementResult } from './protocol.js';

export type { SqlParam, Statement, StatementResult } from './protocol.js';

/** Options of `openSyncPg`. */
export interface SyncPgOptions {
  /**
   * How long one round trip may take before the bridge gives up (default 10 s); the first one
   * after the worker starts gets 10 s more for the thread to start and connect.
   */
  readonly timeoutMs?: number;
}

/** A blocking PostgreSQL client over one connection. */
export interface SyncPg {
  /** Runs one statement and returns its rows. */
  query<T = Record<string, unknown>>(text: string, params?: readonly SqlParam[]): T[];
  /** Runs one statement and returns how many rows it changed. */
  run(text: string, params?: readonly SqlParam[]): number;
  /** Runs statements in order in one round trip; stops at the first that fails (and throws). */
  batch(statements: readonly Statement[]): StatementResult[];
  /**
   * Runs `fn` in a transaction (a savepoint when nested): committed when it returns, rolled back
   * when it throws. `fn` must be synchronous; the bridge's calls inside it join the transaction.
   */
  transaction<T>(fn: () => T): T;
  readonly inTransaction: boolean;
  /** Ends the connection and the worker. */
  close(): Promise<void>;
}

/** The worker script, from `dist/` when this module runs from its TypeScript source (tests). */
function workerUrl(): URL {
  const here = new URL('./worker.js', import.meta.url);
  return import.meta.url.endsWith('.ts') ? new URL(here.href.replace('/src/', '/dist/')) : here;
}

/** Driver codes and SQLSTATE classes that mean the server could not be reached or went away. */
const UNREACHABLE = /^(E[A-Z]+|CONNECT_TIMEOUT|CONNECTION_\w+|08\w{3}|57P0[1-3])$/;

/** Extra time the first request of a new worker gets (thread start, driver load, connection). */
const START_ALLOWANCE_MS = 10_000;

interface Live {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly signal: Int32Array;
  readonly generation: number;
}

class Bridge implements SyncPg {
  readonly #url: string;
  readonly #timeoutMs: number;
  #live: Live | undefined;
  #nextId = 1;
  #generation = 0;
  /** BEGIN/SAVEPOINT statements not yet sent: they go out with the next request. */
  #pending: Statement[] = [];
  #depth = 0;
  #closed = false;
  /** True until the first request of the current worker. */
  #fresh = false;

  constructor(url: string, timeoutMs: number) {
    this.#url = url;
    this.#timeoutMs = timeoutMs;
  }

  get inTransaction(): boolean {
    return this.#depth > 0;
  }

  #start(): Live {
    if (this.#closed) throw new AppError('UNAVAILABLE', 'the PostgreSQL bridge is closed');
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(workerUrl(), {
      workerData: { url: this.#url, signal: signal.buffer, port: port2 },
      transferList: [port2],
    });
    // An idle bridge does not keep a CLI process alive.
    worker.unref();
    this.#generation += 1;
    this.#fresh = true;
    this.#live = { worker, port: port1, signal, generation: this.#generation };
    return this.#live;
  }

  #stop(): void {
    const live = this.#live;
    this.#live = undefined;
    if (live) {
      live.port.close();
      void live.worker.terminate();
    }
  }

  #send(statements: readonly Statement[]): StatementResult[] {
    const live = this.#live ?? this.#start();
    const pending = this.#pending;
    this.#pending = [];
    const req: BridgeRequest = {
      id: this.#nextId++,
      statements: pending.length ? [...pending, ...statements] : statements,
    };
    const seen = Atomics.load(live.signal, 0);
    live.port.postMessage(req);
    // A fresh worker first loads the driver and connects: that start is not the query's time.
    const allowance = this.#fresh ? START_ALLOWANCE_MS : 0;
    this.#fresh = false;
    const deadline = Date.now() + this.#timeoutMs + allowance;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(live.signal, 0, seen, left) === 'timed-out') {
        this.#stop();
        throw new AppError(
          'UNAVAILABLE',
          `PostgreSQL at ${redact(this.#url)} did not answer within ${this.#timeoutMs} ms`,
        );
      }
      const got = receiveMessageOnPort(live.port);
      if (!got) continue;
      const reply = got.message as BridgeReply;
      if (reply.id !== req.id) continue;
      if (reply.ok) return pending.length ? reply.results.slice(pending.length) : reply.results;
      throw this.#error(reply);
    }
  }

  #error(reply: Extract<BridgeReply, { ok: false }>): AppError {
    const where = redact(this.#url);
    if (reply.sqlState === undefined || UNREACHABLE.test(reply.sqlState)) {
      // The connection is gone or never came: a fresh worker reconnects on the next call.
      this.#stop();
      return new AppError('UNAVAILABLE', `PostgreSQL at ${where} is unavailable: ${reply.message}`);
    }
    return new AppError('STORAGE', `PostgreSQL at ${where}: ${reply.message}`, {
      details: { sqlState: reply.sqlState },
    });
  }

  query<T = Record<string, unknown>>(text: string, params?: readonly SqlParam[]): T[] {
    return (this.#send([params ? { text, params } : { text }])[0]?.rows ?? []) as T[];
  }

  run(text: string, params?: readonly SqlParam[]): number {
    return this.#send([params ? { text, params } : { text }])[0]?.count ?? 0;
  }

  batch(statements: readonly Statement[]): StatementResult[] {
    return statements.length ? this.#send(statements) : [];
  }

  transaction<T>(fn: () => T): T {
    const depth = this.#depth;
    const savepoint = `intersoc_sp${depth}`;
    const opened = this.#pending.length;
    this.#pending.push({ text: depth === 0 ? 'BEGIN' : `SAVEPOINT ${savepoint}` });
    const generation = this.#live?.generation ?? this.#generation + 1;
    // Still queued: nothing of the body reached the server, so there is nothing to end.
    const unsent = (): boolean => this.#pending.length > opened;
    this.#depth += 1;
    let result: T;
    try {
      result = fn();
      if (result instanceof Promise) {
        throw new AppError('INTERNAL', 'a synchronous PostgreSQL transaction was given an async function');
      }
    } catch (err) {
      this.#depth = depth;
      if (unsent()) this.#pending.length = opened;
      else if (this.#live?.generation === generation) {
        this.#send([{ text: depth === 0 ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT ${savepoint}` }]);
      }
      throw err;
    }
    this.#depth = depth;
    if (unsent()) this.#pending.length = opened;
    else this.#send([{ text: depth === 0 ? 'COMMIT' : `RELEASE SAVEPOINT ${savepoint}` }]);
    return result;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const live = this.#live;
    this.#live = undefined;
    if (!live) return;
    const exited = new Promise<void>((resolve) => live.worker.once('exit', () => resolve()));
    live.worker.postMessage('close');
    live.worker.ref();
    await exited;
    live.port.close();
  }
}

/**
 * Opens a blocking client on `url`. Nothing connects until the first call.
 *
 * @example
 * const pg = openSyncPg('postgres://postgres@127.0.0.1:5432/intersoc');
 * const [row] = pg.query<{ n: number }>('SELECT count(*)::int AS n FROM tenants');
 * pg.transaction(() => pg.run('UPDATE tenants SET disabled = true WHERE name = $1', ['acme']));
 */
export function openSyncPg(url: string, opts: SyncPgOptions = {}): SyncPg {
  if (!/^postgres(ql)?:\/\//.test(url)) throw new AppError('VALIDATION', `not a PostgreSQL URL: ${redact(url)}`);
  return new Bridge(url, opts.timeoutMs ?? 10_000);
}
