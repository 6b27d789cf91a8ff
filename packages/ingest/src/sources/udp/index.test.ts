import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { RecordSink } from '../types.js';
import { startUdpSource } from './index.js';
import { parseUdpDrops } from './kernel-drops.js';

const PROC_SAMPLE = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  812: 0100007F:1582 00000000:0000 07 00000000 00000000 00:00000000 00000000     0        0 4242 2 0000000000000000 17
  913: 00000000:0035 00000000:0000 07 00000000 00000000 00:00000000 00000000     0        0 4243 2 0000000000000000 5
`;

describe('kernel UDP drops', () => {
  it('reads the drops column of the sockets bound to a port', () => {
    expect(parseUdpDrops(PROC_SAMPLE, 0x1582)).toBe(17);
    expect(parseUdpDrops(PROC_SAMPLE, 53)).toBe(5);
    expect(parseUdpDrops(PROC_SAMPLE, 9999)).toBeUndefined();
  });
});

/** Sends `n` datagrams of `size` bytes to `port` from another thread, as fast as it can. */
function blast(port: number, n: number, size: number): Promise<void> {
  const w = new Worker(
    `const { createSocket } = require('node:dgram');
     const { workerData, parentPort } = require('node:worker_threads');
     const s = createSocket('udp4');
     const msg = Buffer.alloc(workerData.size, 120);
     let sent = 0, done = 0;
     const next = () => {
       while (sent < workerData.n && sent - done < 256) {
         sent++;
         s.send(msg, workerData.port, '127.0.0.1', () => { done++; if (done === workerData.n) { s.close(); parentPort.postMessage('done'); } else next(); });
       }
     };
     next();`,
    { eval: true, workerData: { port, n, size } },
  );
  return new Promise((resolve, reject) => {
    w.once('message', () => void w.terminate().then(() => resolve()));
    w.once('error', reject);
  });
}

describe.runIf(process.platform === 'linux')('UDP source under a burst it cannot absorb', () => {
  it('accounts for every datagram: received by us or dropped by the kernel, and says which', async () => {
    let accepted = 0;
    const sink: RecordSink = {
      submit: async (_t, r) => {
        accepted += r.length;
      },
      trySubmit: (_t, r) => {
        accepted += r.length;
        return true;
      },
    };
    // The smallest buffer, and an event loop that stops reading while the burst arrives.
    const src = await startUdpSource(
      { host: '127.0.0.1', port: 0, tenant: 't', receiveBufferBytes: 64 * 1024, maxDelayMs: 1 },
      sink,
    );
    try {
      const n = 20_000;
      const sending = blast(src.port, n, 512);
      const until = Date.now() + 1_500;
      while (Date.now() < until) {
        // Busy: the socket is not read meanwhile, so the kernel buffer overflows.
      }
      await sending;
      const settle = Date.now() + 5_000;
      while (src.counters.received + (src.counters.kernelDropped ?? 0) < n && Date.now() < settle) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(src.counters.kernelDropped).toBeGreaterThan(0);
      expect(src.counters.received + (src.counters.kernelDropped ?? 0)).toBe(n);
      expect(src.receiveBuffer?.wanted).toBe(64 * 1024);
      expect(src.receiveBuffer?.obtained).toBeGreaterThan(0);
    } finally {
      await src.close();
    }
    expect(accepted).toBeGreaterThan(0);
  });
});
