/**
 * @module
 * Who drives runs. One process per data folder holds `<data>/respond/writer.lock` and runs the
 * engine: the serving node for its whole life, or, when no node serves the folder, the CLI
 * command itself (it resumes every unfinished run, does its operation, waits until nothing can
 * move without a person or a timer, and lets go). A CLI command beside a serving node hands its
 * operation to the node's engine through the store and waits for the outcome.
 */
import path from 'node:path';
import { isAppError } from '@intersoc/core';
import { queuedOps, serveRequests, type RespondRuntime, type RunOps } from '@intersoc/respond';
import { acquireWriterLock, type WriterLock } from '@intersoc/storage';

/** The lock folder of the response engine. */
export function respondLockDir(dataDir: string): string {
  return path.join(dataDir, 'respond');
}

/** Takes the engine lock, or undefined when another process holds it. */
export function tryEngineLock(dataDir: string, command: string): WriterLock | undefined {
  try {
    return acquireWriterLock(respondLockDir(dataDir), command);
  } catch (err) {
    if (isAppError(err, 'CONFLICT')) return undefined;
    throw err;
  }
}

/**
 * Runs `fn` with the run operations: the engine in this process when it can own it (then it
 * drives until idle before returning), else the serving node's engine through the store.
 */
export async function withRunOps<T>(
  dataDir: string,
  rt: RespondRuntime,
  fn: (ops: RunOps, local: boolean) => Promise<T>,
  o: { readonly say?: (line: string) => void } = {},
): Promise<T> {
  const lock = tryEngineLock(dataDir, 'playbook');
  if (!lock) return fn(queuedOps(rt.store), false);
  try {
    const resumed = await rt.engine.start();
    if (resumed.resumed > 0)
      o.say?.(`resumed ${resumed.resumed} unfinished run(s), ${resumed.inDoubt} step(s) in doubt`);
    await serveRequests(rt.store, rt.engine);
    const out = await fn(rt.engine, true);
    await rt.engine.idle();
    return out;
  } finally {
    await rt.engine.close();
    lock.release();
  }
}
