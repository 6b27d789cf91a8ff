/**
 * @module
 * Run changes read from the store, for processes that share the store but not the engine (the
 * `api` role serves the dashboard while the `respond` role drives the runs). The embedded node
 * hears every change from its engine (`onChange` on the bus); here a poller per tenant compares
 * what the store holds with what it saw: a run still going has changed when it has transitions
 * past the last one seen (its row is rewritten only when its status changes, so the row alone
 * would miss step progress), a finished one when its status or time changed. One poller serves
 * every subscriber of a tenant, so ten open dashboards cost one set of queries per interval.
 */
import { systemContext } from '@intersoc/core';
import type { RunStatus, RunSummary } from '../engine/types.js';
import type { RespondStore } from './respond-store.js';

/** Options of `runWatcher`. */
export interface RunWatcherOptions {
  /** How often each watched tenant is read (default 1 s). */
  readonly intervalMs?: number;
  /** How many runs, newest first and still going, are compared per read (default 50). */
  readonly limit?: number;
  /** Told when a read fails (the poller goes on). */
  readonly onError?: (err: unknown) => void;
}

/** Subscribes to a tenant's run changes; returns the unsubscribe function. */
export type RunSubscribe = (tenant: string, fn: (run: RunSummary) => void) => () => void;

const GOING: readonly RunStatus[] = ['running', 'waiting'];

interface Seen {
  readonly status: RunStatus;
  readonly updated: number;
  /** The last transition seen of a run still going; -1 when not read. */
  readonly seq: number;
}

/**
 * A tenant's runs as they change, polled from `store`. The first read only learns the state;
 * later reads report the runs that started, moved or finished since.
 *
 * @example
 * const subscribe = runWatcher(new PgRespondStore(pg, audit));
 * const stop = subscribe('default', (run) => console.log(run.id, run.status));
 */
export function runWatcher(store: RespondStore, o: RunWatcherOptions = {}): RunSubscribe {
  const every = o.intervalMs ?? 1_000;
  const limit = o.limit ?? 50;
  const tenants = new Map<string, { fns: Set<(run: RunSummary) => void>; timer: NodeJS.Timeout }>();

  function changes(tenant: string, seen: Map<string, Seen>, first: boolean): RunSummary[] {
    const ctx = systemContext(tenant);
    const runs = new Map<string, RunSummary>();
    // Runs finished between two reads appear only among the newest; long ones only among those going.
    for (const r of store.listRuns(ctx, { limit }).items) runs.set(r.id, r);
    for (const r of store.listRuns(ctx, { status: GOING, limit }).items) runs.set(r.id, r);
    const out: RunSummary[] = [];
    for (const [id, r] of runs) {
      const before = seen.get(id);
      let seq = before?.seq ?? -1;
      let moved = false;
      if (GOING.includes(r.status)) {
        const ts = store.transitions(ctx, id, seq < 0 ? undefined : seq);
        const last = ts[ts.length - 1];
        if (last !== undefined) {
          moved = seq >= 0;
          seq = last.seq;
        }
      }
      const changed = before === undefined || before.status !== r.status || before.updated !== r.updated || moved;
      seen.set(id, { status: r.status, updated: r.updated, seq });
      if (changed && !first) out.push(r);
    }
    // Forget runs that left both lists: finished and older than the newest `limit`.
    for (const id of seen.keys()) if (!runs.has(id)) seen.delete(id);
    return out;
  }

  return (tenant, fn) => {
    let t = tenants.get(tenant);
    if (!t) {
      const seen = new Map<string, Seen>();
      const fns = new Set<(run: RunSummary) => void>();
      let first = true;
      const tick = (): void => {
        try {
          for (const r of changes(tenant, seen, first)) for (const f of fns) f(r);
          first = false;
        } catch (err) {
          o.onError?.(err);
        }
      };
      tick();
      const timer = setInterval(tick, every);
      timer.unref();
      t = { fns, timer };
      tenants.set(tenant, t);
    }
    const entry = t;
    entry.fns.add(fn);
    return () => {
      entry.fns.delete(fn);
      if (entry.fns.size === 0 && tenants.get(tenant) === entry) {
        clearInterval(entry.timer);
        tenants.delete(tenant);
      }
    };
  };
}
