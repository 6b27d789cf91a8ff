/**
 * @module
 * Entry of the writer thread: owns the event database's single writer connection, commits one
 * transaction per incoming batch (blocks with their term index), and indexes older blocks when idle.
 * Keeping commits here keeps them off the main event loop (sockets, API).
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { eraseBaselinesIn, eraseEventsIn, type EventErasureSpec } from '@intersoc/privacy';
import { openEventWriter } from '@intersoc/storage';
import { startBaselineIdle } from './baseline-idle.js';
import { loadBaselines, loadCorrelator, type DetectorSpec } from './detectors.js';
import { createHydrator } from './hydrator.js';
import { toAlert } from './processor.js';
import type { FromWriter, WriteMessage } from './protocol.js';

/** Data the main thread passes when starting the writer. */
export interface WriterInit {
  readonly file: string;
  /** One port per parse worker; index = worker id. */
  readonly ports: readonly MessagePort[];
  /** Blocks indexed per idle step. */
  readonly indexStep: number;
  /** Detectors of the parse threads, for the correlation stage's rules. */
  readonly detectors: DetectorSpec;
}

/**
 * Quiet time before older blocks (from a database written before the index was built at write
 * time, or rewritten) are indexed: a lull, so the catch-up never takes CPU from a sustained ingest.
 */
const INDEX_IDLE_MS = 2_000;
/** While ingest never pauses, an indexing step runs between batches at most this often. */
const INDEX_BUSY_EVERY_MS = 5_000;

if (parentPort) {
  const init = workerData as WriterInit;
  const main = parentPort;
  const hydrator = createHydrator();
  const writer = openEventWriter(init.file, hydrator);
  // The correlation stage: one instance sees every thread's matches, so windows are complete.
  let correlator = await loadCorrelator(init.detectors);
  // The baseline stage: every thread's observations, so a host's baseline is complete.
  const baselines = await loadBaselines(init.detectors);
  let idleTimer: NodeJS.Timeout | undefined;

  let lastIndexed = Date.now();
  const scheduleIndex = (): void => {
    if (idleTimer) clearTimeout(idleTimer);
    // Under sustained ingest there is no lull: one indexing step every few seconds between
    // batches keeps the index's lag bounded while ingest keeps most of this thread.
    if (Date.now() - lastIndexed >= INDEX_BUSY_EVERY_MS) {
      indexStep();
      return;
    }
    idleTimer = setTimeout(indexStep, INDEX_IDLE_MS);
  };
  const indexStep = (): void => {
    idleTimer = undefined;
    lastIndexed = Date.now();
    try {
      const n = writer.indexPending(init.indexStep);
      if (n > 0) {
        const status = writer.indexStatus();
        main.postMessage({ type: 'indexed', blocks: n, status } satisfies FromWriter);
        // A full step may leave more: blocks without terms, or (not counted as pending) without columns.
        if (status.pendingBlocks > 0 || n >= init.indexStep) setImmediate(indexStep);
      }
    } catch (err) {
      main.postMessage({ type: 'error', message: `indexer: ${(err as Error).message}` } satisfies FromWriter);
    }
  };

  const ports: MessagePort[] = [];
  const listen = (id: number, port: MessagePort): void => {
    ports[id]?.close();
    ports[id] = port;
    port.on('message', (m: WriteMessage) => {
      if (failed) return;
      try {
        let alerts =
          m.feed && correlator
            ? [...m.alerts, ...correlator.push(m.feed).map((h) => toAlert(h.tenant, h.alert))]
            : m.alerts;
        if (m.observations && baselines) {
          const hits = baselines.push(m.observations);
          if (hits.length > 0) alerts = [...alerts, ...hits.map((h) => toAlert(h.tenant, h.alert))];
        }
        const result = writer.write({ ...m, alerts });
        const done: FromWriter = { type: 'written', from: m.from, result, tokens: m.tokens };
        port.postMessage(done);
        main.postMessage(done);
        // Committed alerts go on to the main thread's bus (dashboard, correlation).
        if (alerts.length > 0) main.postMessage({ type: 'alerts', alerts } satisfies FromWriter);
      } catch (err) {
        // A failed commit stops the writer: later batches could not be committed in order, and
        // the main thread stops acknowledging (health goes red) instead of losing events quietly.
        failed = true;
        main.postMessage({
          type: 'error',
          message: `write: ${(err as Error).message}`,
          fatal: true,
        } satisfies FromWriter);
      }
      scheduleIndex();
    });
  };
  let failed = false;
  init.ports.forEach((port, id) => listen(id, port));
  // Silence of tenants that stopped sending altogether (see baseline-idle.ts).
  const sweep = baselines
    ? startBaselineIdle(
        baselines,
        (alerts) => {
          if (failed) return;
          writer.write({ blocks: [], alerts, deadLetters: [] });
          main.postMessage({ type: 'alerts', alerts } satisfies FromWriter);
        },
        (message) => main.postMessage({ type: 'error', message } satisfies FromWriter),
      )
    : undefined;
  main.on(
    'message',
    (m: {
      type: string;
      tenant?: string;
      policy?: { maxAgeDays: number; maxBytes: number };
      id?: number;
      port?: MessagePort;
      spec?: EventErasureSpec;
    }) => {
      if (m.type === 'port' && m.id !== undefined && m.port) {
        // A replacement parse worker's channel.
        listen(m.id, m.port);
      } else if (m.type === 'retention' && m.tenant && m.policy) {
        const r = writer.applyRetention(m.tenant, m.policy, Date.now());
        main.postMessage({ type: 'retained', tenant: m.tenant, ...r });
      } else if (m.type === 'erase' && m.spec) {
        // Erasure of a data subject (packages/privacy): here, between batches, so neither a write
        // nor the term indexer can see a block half rewritten.
        try {
          const r = eraseEventsIn(writer.db, hydrator, m.spec);
          main.postMessage({ type: 'erased', ...r });
        } catch (err) {
          main.postMessage({ type: 'erased', error: (err as Error).message });
        }
      } else if (m.type === 'erase-baselines' && m.spec) {
        try {
          const rows = baselines ? eraseBaselinesIn(baselines.database, m.spec) : 0;
          baselines?.invalidate();
          main.postMessage({ type: 'baselines-erased', rows });
        } catch (err) {
          main.postMessage({ type: 'baselines-erased', error: (err as Error).message });
        }
      } else if (m.type === 'index-now') {
        indexStep();
        main.postMessage({ type: 'index-done' });
      } else if (m.type === 'reload') {
        void loadCorrelator(init.detectors).then((next) => {
          correlator?.close();
          correlator = next;
        });
      } else if (m.type === 'close') {
        correlator?.close();
        if (sweep) clearInterval(sweep);
        baselines?.close();
        if (idleTimer) clearTimeout(idleTimer);
        writer.close();
        process.exit(0);
      }
    },
  );
  // Blocks are indexed as they are written; only an older database has blocks to catch up on.
  const status = writer.indexStatus();
  main.postMessage({ type: 'indexed', blocks: 0, status } satisfies FromWriter);
  if (status.pendingBlocks > 0) scheduleIndex();
  main.postMessage({ type: 'ready' });
}
