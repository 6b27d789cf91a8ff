/**
 * @module
 * The worker of the synchronous PostgreSQL bridge: owns one `postgres` connection (`max: 1`, so
 * `BEGIN`/`COMMIT` sent as statements stay on it) and answers each request on the bridge's port,
 * then bumps the shared counter and wakes the blocked caller. It never logs: parameters hold
 * password and token hashes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openPg } from '../connect.js';
import type { BridgeReply, BridgeRequest, BridgeWorkerData, SqlParam, StatementResult } from './protocol.js';

const data = workerData as BridgeWorkerData;
const signal = new Int32Array(data.signal);
const sql = openPg(data.url, { max: 1 });

/** Structured clone turns Buffers into Uint8Arrays; the driver sends only Buffers as bytea. */
function param(p: SqlParam): SqlParam {
  return p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p.buffer, p.byteOffset, p.byteLength) : p;
}

async function run(req: BridgeRequest): Promise<BridgeReply> {
  const results: StatementResult[] = [];
  for (const [at, st] of req.statements.entries()) {
    try {
      const params = (st.params ?? []).map(param) as never[];
      // Named prepared statements for parameterised ones: the stores send the same few texts over
      // and over (parsed and planned once per connection). Without parameters, the simple protocol.
      const res = await sql.unsafe(st.text, params, params.length > 0 ? { prepare: true } : {});
      // Plain rows: the driver's result array carries the statement and column metadata too.
      results.push({ rows: Array.from(res as unknown as Record<string, unknown>[]), count: res.count });
    } catch (err) {
      const e = err as { message?: unknown; code?: unknown; severity?: unknown };
      const message = typeof e.message === 'string' ? e.message : String(err);
      // Server errors carry a severity and a 5-character SQLSTATE; the driver's own codes are words.
      const sqlState = e.severity !== undefined && typeof e.code === 'string' ? e.code : undefined;
      return { id: req.id, ok: false, message, at, ...(sqlState === undefined ? {} : { sqlState }) };
    }
  }
  return { id: req.id, ok: true, results };
}

// One request at a time: the caller is blocked until it gets the reply, so none can overlap.
data.port.on('message', (req: BridgeRequest) => {
  void run(req).then((reply) => {
    data.port.postMessage(reply);
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  });
});

parentPort?.on('message', (m: unknown) => {
  // The thread ends with its connection; the bridge waits for its exit.
  if (m === 'close') void sql.end({ timeout: 2 }).finally(() => process.exit(0));
});
