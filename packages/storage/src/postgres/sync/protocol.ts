/**
 * @module
 * Messages between the synchronous PostgreSQL bridge (`bridge.ts`, the caller's thread) and its
 * worker (`worker.ts`, which owns the `postgres` client). One request is in flight at a time: the
 * caller blocks until the reply arrives, so ids only serve to drop a reply that came too late.
 */
import type { MessagePort } from 'node:worker_threads';

/** A bound parameter: what the stores pass (bytea as a Buffer or Uint8Array). */
export type SqlParam = string | number | boolean | null | Uint8Array;

/** One statement with its parameters (`$1`, `$2`, ... placeholders). */
export interface Statement {
  readonly text: string;
  readonly params?: readonly SqlParam[];
}

/** A request: statements run in order on the worker's one connection, in one round trip. */
export interface BridgeRequest {
  readonly id: number;
  readonly statements: readonly Statement[];
}

/** Rows and affected-row count of one statement. */
export interface StatementResult {
  readonly rows: Record<string, unknown>[];
  readonly count: number;
}

/** A reply: every result, or the error of the statement that failed (later ones did not run). */
export type BridgeReply =
  | { readonly id: number; readonly ok: true; readonly results: StatementResult[] }
  | {
      readonly id: number;
      readonly ok: false;
      /** The driver's message: never the parameters or the server's `detail`, which may quote values. */
      readonly message: string;
      /** SQLSTATE, when the server answered; absent for connection failures. */
      readonly sqlState?: string;
      /** Index of the statement that failed. */
      readonly at: number;
    };

/** Data the worker starts with. */
export interface BridgeWorkerData {
  readonly url: string;
  /** Int32Array over a SharedArrayBuffer: slot 0 is incremented when a reply was posted. */
  readonly signal: SharedArrayBuffer;
  readonly port: MessagePort;
}
