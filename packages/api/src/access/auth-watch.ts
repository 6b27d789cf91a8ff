/**
 * @module
 * Keeps long-lived responses (Server-Sent Events) authorised. A request is authorised once, when
 * it starts; a stream lives for hours. So the stream re-checks its credentials when the API
 * changes a user, tenant, token or session (at once), and periodically (for changes made by the
 * CLI in another process, expiries and revocations), and ends when they no longer hold.
 */
import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '@intersoc/core';

/** Tells open streams that identities changed. One per API instance. */
export class AuthChanges {
  readonly #listeners = new Set<() => void>();

  /** Calls `fn` on every change until the returned function is called. */
  subscribe(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Something that can revoke access changed (a user, tenant, token or session). */
  changed(): void {
    for (const fn of [...this.#listeners]) fn();
  }
}

/** Actions after whose success open streams re-check their credentials. */
export const AUTH_CHANGING_ACTIONS = /^(user|tenant|token)\.|^auth\.logout$/;

interface Watchable {
  /** The caller's context if the credentials still hold and still grant the route, else undefined. */
  readonly recheck: () => Promise<AuthContext | undefined>;
  readonly changes: AuthChanges;
}

const watchable = new WeakMap<FastifyRequest, Watchable>();

/** Records how to re-check the request's credentials (the access hook calls it). */
export function setRecheck(
  request: FastifyRequest,
  recheck: () => Promise<AuthContext | undefined>,
  changes: AuthChanges,
): void {
  watchable.set(request, { recheck, changes });
}

/**
 * Re-checks the request's authorisation on every identity change and every `everyMs`, and calls
 * `onLost` once when it no longer holds (or `still` throws for the new check). Returns the
 * function that stops watching; call it when the response ends.
 *
 * @example
 * const unwatch = watchAuthorization(request, () => res.end(), { everyMs: 15_000 });
 * res.on('close', unwatch);
 */
export function watchAuthorization(
  request: FastifyRequest,
  onLost: () => void,
  o: {
    readonly everyMs: number;
    /** Throws when the new context no longer allows what the stream does (e.g. `?tenant=`). */
    readonly still?: (ctx: AuthContext) => void;
  },
): () => void {
  const w = watchable.get(request);
  if (!w) return () => undefined;
  let stopped = false;
  let running = false;
  let again = false;
  const check = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        const ctx = await w.recheck().catch(() => undefined);
        let ok = ctx !== undefined;
        if (ctx !== undefined && o.still) {
          try {
            o.still(ctx);
          } catch {
            ok = false;
          }
        }
        if (!ok && !stopped) {
          stop();
          onLost();
          return;
        }
      } while (again && !stopped);
    } finally {
      running = false;
    }
  };
  const unsubscribe = w.changes.subscribe(() => void check());
  const timer = setInterval(() => void check(), o.everyMs);
  timer.unref();
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    unsubscribe();
  };
  return stop;
}
