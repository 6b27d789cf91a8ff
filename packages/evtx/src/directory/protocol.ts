/**
 * @module
 * Messages between the directory reader and its workers. A worker reads one file at a time and
 * sends items in batches; it waits for credit before sending more, so a slow consumer holds the
 * workers back instead of letting batches pile up in memory.
 */
import type { EvtxItem, EvtxOptions, EvtxProblem, EvtxRecord } from '../types.js';

/** A record with its event as JSON text: cheap to pass between threads, ready to print. */
export type EvtxJsonRecord = Omit<EvtxRecord, 'event'> & { readonly json: string };
/** A record as JSON text, or a problem. */
export type EvtxJsonItem = { readonly ok: true; readonly record: EvtxJsonRecord } | EvtxProblem;

/** Main thread → worker. `json` asks for events as JSON text instead of objects. */
export type ToWorker =
  | { readonly type: 'file'; readonly file: string; readonly options: EvtxOptions; readonly json: boolean }
  | { readonly type: 'credit' };

/** Worker → main thread. */
export type FromWorker =
  | { readonly type: 'items'; readonly file: string; readonly items: (EvtxItem | EvtxJsonItem)[] }
  | { readonly type: 'done'; readonly file: string }
  | { readonly type: 'failed'; readonly file: string; readonly reason: string };

/** Items per batch: large enough to amortise messaging, small enough to keep memory flat. */
export const BATCH = 256;
/** Batches a worker may have in flight before it waits. */
export const CREDIT = 4;

/** The event as JSON text (built where the record was decoded, so only a string crosses threads). */
export function asJson(item: EvtxItem): EvtxJsonItem {
  if (!item.ok) return item;
  const { event, ...rest } = item.record;
  return { ok: true, record: { ...rest, json: JSON.stringify(event) } };
}
