/**
 * @module
 * Worker entry of the directory reader: reads the files it is given with `readEvtx` and posts
 * their items back in batches, within the credit the main thread grants.
 */
import { parentPort } from 'node:worker_threads';
import { readEvtx, readEvtxFileSync } from '../reader/index.js';
import type { EvtxItem } from '../types.js';
import { asJson, BATCH, CREDIT } from './protocol.js';
import type { EvtxJsonItem, FromWorker, ToWorker } from './protocol.js';

const port = parentPort;
let credit = CREDIT;
let wake: (() => void) | undefined;

function send(msg: FromWorker): void {
  port?.postMessage(msg);
}

async function waitForCredit(): Promise<void> {
  while (credit <= 0) await new Promise<void>((resolve) => (wake = resolve));
}

async function readFile(job: Extract<ToWorker, { type: 'file' }>): Promise<void> {
  const { file, options, json } = job;
  let batch: (EvtxItem | EvtxJsonItem)[] = [];
  try {
    // Blocking reads suit a worker; gzip files go through the streaming reader.
    const items: Iterable<EvtxItem> | AsyncIterable<EvtxItem> =
      readEvtxFileSync(file, options) ?? readEvtx(file, options);
    for await (const item of items) {
      batch.push(json ? asJson(item) : item);
      if (batch.length >= BATCH) {
        await waitForCredit();
        credit--;
        send({ type: 'items', file, items: batch });
        batch = [];
      }
    }
    if (batch.length > 0) {
      await waitForCredit();
      credit--;
      send({ type: 'items', file, items: batch });
    }
    send({ type: 'done', file });
  } catch (err) {
    send({ type: 'failed', file, reason: err instanceof Error ? err.message : String(err) });
  }
}

let queue = Promise.resolve();
port?.on('message', (msg: ToWorker) => {
  if (msg.type === 'credit') {
    credit++;
    wake?.();
    wake = undefined;
    return;
  }
  queue = queue.then(() => readFile(msg));
});
