/**
 * @module
 * The respond store's interface: what the engine, the playbook service and the request queue call.
 * Synchronous, as it was written for SQLite (the engine reads, decides and writes without an
 * `await` in between); `SqliteRespondStore` keeps it in the node's database and `PgRespondStore`
 * in the PostgreSQL store of the scaled-out roles, over the blocking bridge.
 */
import type { AuthContext } from '@intersoc/core';
import type { RunSummary, Transition } from '../engine/types.js';
import type { OpenWait, PlaybookBrief, RunPage, RunWrite, StoredAction, StoredPlaybook } from './types.js';

/** A filter over runs (`listRuns`). */
export interface RunQuery {
  readonly status?: readonly string[];
  readonly playbook?: string;
  /** Incident or case id that triggered the runs. */
  readonly trigger?: string;
  readonly limit?: number;
  readonly before?: number;
}

/** A queued request (`openRequests`). */
export interface QueuedRequest {
  readonly id: number;
  readonly ctx: AuthContext;
  readonly op: string;
  readonly args: unknown;
}

/** A request's outcome (`requestOutcome`). */
export interface RequestOutcome {
  readonly done: boolean;
  readonly result?: unknown;
  readonly error?: { readonly code: string; readonly message: string };
}

/** Playbook versions, runs as transition logs, open waits, actions and queued requests. */
export interface RespondStore {
  /** Stores a playbook version; false when that version is already stored (same digest), CONFLICT when it differs. */
  putPlaybook(ctx: AuthContext, p: Omit<StoredPlaybook, 'tenant'>): boolean;
  /** One version of a playbook (the latest by default). */
  getPlaybook(ctx: AuthContext, id: string, version?: string): StoredPlaybook | undefined;
  /** The versions of a playbook, newest first. */
  versions(ctx: AuthContext, id: string): { version: string; digest: string; addedAt: number; source: string }[];
  /** Every playbook of the tenant, latest version each, by name. */
  listPlaybooks(ctx: AuthContext): PlaybookBrief[];
  /** Writes runs' transitions, their index changes and audit entries in one transaction. */
  writeBatch(writes: readonly RunWrite[]): void;
  /** A run's transitions after `after`, in order. */
  transitions(ctx: AuthContext, run: string, after?: number): Transition[];
  getRun(ctx: AuthContext, id: string): RunSummary | undefined;
  /** Runs of the tenant, newest first. */
  listRuns(ctx: AuthContext, q?: RunQuery): RunPage;
  /** Child runs (of playbook-action steps) of a run. */
  childRuns(ctx: AuthContext, run: string): string[];
  /** Runs of every tenant that have not finished: what an engine resumes at start (node-internal). */
  unfinishedRuns(): { tenant: string; id: string }[];
  /** The approval inbox: open waits of the tenant, oldest first. */
  openWaits(ctx: AuthContext, run?: string): OpenWait[];
  /** Actions of a run, oldest first. */
  actions(ctx: AuthContext, run: string): StoredAction[];
  /** Active time-boxed actions of every tenant due by `now` (node-internal: the timebox sweeper). */
  dueActions(now: number): StoredAction[];
  /** Queues a request for the engine that drives runs; returns its id. */
  queueRequest(ctx: AuthContext, op: string, args: unknown): number;
  /** Open requests, oldest first (node-internal: the engine owner). */
  openRequests(limit?: number): QueuedRequest[];
  /** Records a request's outcome. */
  finishRequest(id: number, outcome: { result?: unknown; error?: { code: string; message: string } }): void;
  /** A request's outcome, once done. */
  requestOutcome(id: number): RequestOutcome;
  /** The soonest expiry of an active time-boxed action or an open wait (node-internal: timers). */
  nextDeadline(): number | undefined;
}
