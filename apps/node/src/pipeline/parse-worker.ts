/**
 * @module
 * Entry of a parse worker thread: runs the parse/detect/block stage on the work the main thread
 * sends (raw bytes, file paths, labelled records) and posts encoded blocks straight to the writer
 * thread through its own port. Acknowledgements to the main thread are held back while too many
 * writes are outstanding, which is how a slow disk slows the sources down.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { loadDetectors, type DetectorSpec } from './detectors.js';
import { Processor, type StageOutput } from './processor.js';
import type { FromWorker, FromWriter, ParseCounters, ToWorker, WriteMessage } from './protocol.js';

/** Data the main thread passes when starting a parse worker. */
export interface ParseWorkerInit {
  readonly id: number;
  readonly writer: MessagePort;
  readonly blockEvents: number;
  readonly indexAtIngest: boolean;
  readonly maxRecordBytes: number;
  readonly detectors: DetectorSpec;
  /** Idle time after which open blocks are flushed, ms. */
  readonly idleFlushMs: number;
}

const MAX_OUTSTANDING_WRITES = 4;

if (parentPort) {
  const init = workerData as ParseWorkerInit;
  const main = parentPort;
  let outstanding = 0;
  const heldAcks: FromWorker[] = [];
  const waiting: (() => void)[] = [];
  let pendingTokens: number[] = [];

  const post = (m: FromWorker): void => {
    if (m.type === 'ack' && outstanding > MAX_OUTSTANDING_WRITES) heldAcks.push(m);
    else main.postMessage(m);
  };
  const sink = async (out: StageOutput): Promise<void> => {
    outstanding++;
    const msg: WriteMessage = { type: 'write', ...out, tokens: pendingTokens, from: init.id };
    pendingTokens = [];
    // Transfer the compressed payloads: no copy crosses the thread boundary.
    init.writer.postMessage(msg, out.blocks.map((b) => b.data.buffer as ArrayBuffer).filter(uniqueBuffers()));
    if (outstanding > MAX_OUTSTANDING_WRITES * 2) await new Promise<void>((r) => waiting.push(r));
  };
  init.writer.on('message', (m: FromWriter) => {
    if (m.type !== 'written') return;
    outstanding--;
    if (outstanding <= MAX_OUTSTANDING_WRITES) for (const a of heldAcks.splice(0)) main.postMessage(a);
    for (const w of waiting.splice(0)) w();
  });

  const detectors = await loadDetectors(init.detectors);
  const proc = new Processor({
    blockEvents: init.blockEvents,
    indexAtIngest: init.indexAtIngest,
    maxRecordBytes: init.maxRecordBytes,
    detectors,
    sink,
    onDetectorError: (id, err) =>
      main.postMessage({
        type: 'error',
        seq: -1,
        message: `detector ${id}: ${(err as Error).message}`,
      } satisfies FromWorker),
  });

  let idle: NodeJS.Timeout | undefined;
  const armIdleFlush = (): void => {
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => void proc.flush(), init.idleFlushMs);
  };

  // Work items are processed strictly in arrival order: stream state depends on it.
  let chain = Promise.resolve();
  main.on('message', (m: ToWorker) => {
    chain = chain
      .then(() => handle(m))
      .catch((err: unknown) => {
        main.postMessage({
          type: 'error',
          seq: 'seq' in m ? m.seq : -1,
          message: (err as Error).message,
        } satisfies FromWorker);
      });
  });

  const handle = async (m: ToWorker): Promise<void> => {
    let counters: ParseCounters;
    switch (m.type) {
      case 'chunk':
        counters = await proc.chunk(m);
        break;
      case 'records':
        counters = await proc.records(m);
        break;
      case 'file':
        try {
          counters = await proc.file(m, (bytes, total) =>
            main.postMessage({ type: 'progress', seq: m.seq, bytes, total } satisfies FromWorker),
          );
        } catch (err) {
          main.postMessage({
            type: 'error',
            seq: m.seq,
            message: `${m.path}: ${(err as Error).message}`,
          } satisfies FromWorker);
          return;
        }
        break;
      case 'flush':
        pendingTokens.push(m.token);
        await proc.flush();
        // Nothing was pending: still send the token through the writer so the flush completes in order.
        if (pendingTokens.length > 0) await sink({ blocks: [], alerts: [], deadLetters: [] });
        return;
      case 'reload': {
        // Build first, then swap: events keep flowing through the old detectors meanwhile.
        const next = await loadDetectors(init.detectors);
        for (const d of proc.setDetectors(next)) await d.close?.();
        main.postMessage({ type: 'reloaded', token: m.token, detectors: next.length } satisfies FromWorker);
        return;
      }
      case 'close':
        if (idle) clearTimeout(idle);
        await proc.flush();
        process.exit(0);
    }
    armIdleFlush();
    post({ type: 'ack', seq: m.seq, counters });
  };
  main.postMessage({ type: 'ready' } satisfies FromWorker);
}

/** Filter for distinct ArrayBuffers (a transfer list must not repeat one). */
function uniqueBuffers(): (b: ArrayBuffer) => boolean {
  const seen = new Set<ArrayBuffer>();
  return (b) => (seen.has(b) ? false : (seen.add(b), true));
}
