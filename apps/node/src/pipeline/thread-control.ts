/**
 * @module
 * Messages the coordinator sends to every thread at once: rebuild the detectors (the writer's
 * correlation stage and each live parse worker, answered per worker with its token), and close
 * (parse workers first, each after its flush, then the writer, which commits what they sent).
 */
import type { Worker } from 'node:worker_threads';
import type { Lane } from './lane-router.js';
import type { FromWorker, ToWorker } from './protocol.js';

/** Asks the writer and every live lane to rebuild their detectors; resolves when every lane has. */
export async function reloadThreads(lanes: readonly Lane[], writer: Worker | undefined, token: number): Promise<void> {
  writer?.postMessage({ type: 'reload' });
  await Promise.all(
    lanes
      .filter((l) => l.alive)
      .map(async (l) => {
        const done = new Promise<void>((resolve) => {
          const on = (m: FromWorker): void => {
            if (m.type !== 'reloaded' || m.token !== token) return;
            l.worker.off('message', on);
            resolve();
          };
          l.worker.on('message', on);
        });
        l.worker.postMessage({ type: 'reload', token } satisfies ToWorker);
        await done;
      }),
  );
}

/** Closes every live lane, then the writer; resolves when all have exited. */
export async function closeThreads(lanes: readonly Lane[], writer: Worker): Promise<void> {
  await Promise.all(
    lanes
      .filter((l) => l.alive)
      .map(async (l) => {
        const exited = new Promise((r) => l.worker.once('exit', r));
        l.worker.postMessage({ type: 'close' } satisfies ToWorker);
        await exited;
      }),
  );
  const exited = new Promise((r) => writer.once('exit', r));
  writer.postMessage({ type: 'close' });
  await exited;
}
