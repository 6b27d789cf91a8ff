/**
 * @module
 * Maintenance work done where the event store is written: retention, and erasure of a data
 * subject from the events and from the host behaviour baselines. With worker threads that is the
 * writer thread, asked by message and answered by message; in inline mode it is the writer on
 * this thread. Kept apart from the coordinator, which only routes the request to the right side.
 */
import type { Worker } from 'node:worker_threads';
import { AppError } from '@intersoc/core';
import type { BaselineEngine } from '@intersoc/learn';
import { eraseBaselinesIn, eraseEventsIn, type EventErasureSpec } from '@intersoc/privacy';
import type { RewriteOutcome, SqliteEventWriter } from '@intersoc/storage';
import { createHydrator } from './hydrator.js';

/** The writer of inline mode, with the baselines it feeds. */
export interface InlineWriter {
  readonly writer: SqliteEventWriter;
  readonly baselines: BaselineEngine | undefined;
}

/** Resolves with the first message of `type` from a worker. */
export function once(w: Worker, type: string): Promise<unknown> {
  return new Promise((resolve) => {
    const on = (m: { type?: string }): void => {
      if (m.type !== type) return;
      w.off('message', on);
      resolve(m);
    };
    w.on('message', on);
  });
}

/** Applies a tenant's retention policy in the writer. */
export async function applyRetention(
  inline: InlineWriter | undefined,
  writerThread: Worker | undefined,
  tenant: string,
  policy: { maxAgeDays: number; maxBytes: number },
): Promise<{ deletedBlocks: number; deletedEvents: number }> {
  if (inline) return inline.writer.applyRetention(tenant, policy, Date.now());
  const w = writerThread as Worker;
  w.postMessage({ type: 'retention', tenant, policy });
  return (await once(w, 'retained')) as { deletedBlocks: number; deletedEvents: number };
}

/** Erases a data subject from the event store, in the writer (see `eraseEventsIn`); the caller flushed. */
export async function eraseEvents(
  inline: InlineWriter | undefined,
  writerThread: Worker | undefined,
  spec: EventErasureSpec,
): Promise<RewriteOutcome> {
  if (inline) return eraseEventsIn(inline.writer.db, createHydrator(), spec);
  const w = writerThread as Worker;
  w.postMessage({ type: 'erase', spec });
  const r = (await once(w, 'erased')) as RewriteOutcome & { error?: string };
  if (r.error !== undefined) throw new AppError('INTERNAL', `erasure in the writer: ${r.error}`);
  return r;
}

/** Erases a data subject's rows from the host behaviour baselines, where they live; the caller flushed. */
export async function eraseBaselines(
  inline: InlineWriter | undefined,
  writerThread: Worker | undefined,
  spec: EventErasureSpec,
): Promise<number> {
  if (inline) {
    const b = inline.baselines;
    if (!b) return 0;
    const rows = eraseBaselinesIn(b.database, spec);
    b.invalidate();
    return rows;
  }
  const w = writerThread as Worker;
  w.postMessage({ type: 'erase-baselines', spec });
  const r = (await once(w, 'baselines-erased')) as { rows?: number; error?: string };
  if (r.error !== undefined) throw new AppError('INTERNAL', `baseline erasure in the writer: ${r.error}`);
  return r.rows ?? 0;
}
