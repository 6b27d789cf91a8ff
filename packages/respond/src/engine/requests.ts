/**
 * @module
 * One engine per data folder drives runs (it holds `<data>/respond/writer.lock`). Other processes
 * on the same folder (the CLI beside a serving node) hand their operations to it through the
 * store's request table and wait for the outcome; the owner polls the table. The operations and
 * their checks are the engine's own, with the caller's context as given.
 */
import { AppError, isAppError, type AuthContext } from '@intersoc/core';
import type { RespondStore } from '../store/respond-store.js';
import type { Engine, StartRequest } from './engine.js';

/** The operations that change runs. */
export interface RunOps {
  startRun(ctx: AuthContext, req: StartRequest): Promise<unknown>;
  approve(ctx: AuthContext, run: string, step: string, reason?: string): Promise<unknown>;
  deny(ctx: AuthContext, run: string, step: string, reason: string): Promise<unknown>;
  answer(ctx: AuthContext, run: string, step: string, values: Readonly<Record<string, string>>): Promise<unknown>;
  resolve(ctx: AuthContext, run: string, step: string, resolution: 'retry' | 'done' | 'fail'): Promise<unknown>;
  cancel(ctx: AuthContext, run: string, reason?: string): Promise<unknown>;
  rollback(ctx: AuthContext, run: string): Promise<unknown>;
  extend(ctx: AuthContext, run: string, action: number, ms: number): Promise<unknown>;
}

type Op = keyof RunOps;
const OPS: readonly Op[] = ['startRun', 'approve', 'deny', 'answer', 'resolve', 'cancel', 'rollback', 'extend'];

/** Carries out queued requests with `engine`; returns how many it handled. */
export async function serveRequests(store: RespondStore, engine: Engine): Promise<number> {
  const open = store.openRequests();
  for (const r of open) {
    try {
      if (!OPS.includes(r.op as Op)) throw new AppError('BAD_REQUEST', `unknown operation ${r.op}`);
      const args = r.args as unknown[];
      const fn = (engine[r.op as Op] as (ctx: AuthContext, ...a: unknown[]) => Promise<unknown>).bind(engine);
      store.finishRequest(r.id, { result: await fn(r.ctx, ...args) });
    } catch (err) {
      const e = isAppError(err) ? err : new AppError('INTERNAL', (err as Error).message);
      store.finishRequest(r.id, { error: { code: e.code, message: e.message } });
    }
  }
  return open.length;
}

/** Operations handed to the engine owner through the store; each waits up to `timeoutMs` for its outcome. */
export function queuedOps(store: RespondStore, timeoutMs = 30_000): RunOps {
  const call =
    (op: Op) =>
    async (ctx: AuthContext, ...args: unknown[]): Promise<unknown> => {
      const id = store.queueRequest(ctx, op, args);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const o = store.requestOutcome(id);
        if (o.done) {
          if (o.error) throw new AppError(o.error.code as never, o.error.message);
          return o.result;
        }
        if (Date.now() > deadline)
          throw new AppError('TIMEOUT', `the node's response engine did not take request ${id} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
  return Object.fromEntries(OPS.map((op) => [op, call(op)])) as unknown as RunOps;
}
