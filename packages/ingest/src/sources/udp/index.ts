/**
 * @module
 * Syslog over UDP (RFC 5426): one datagram is one message. Datagrams are batched briefly to cut
 * per-message thread hand-off costs. UDP cannot push back on a sender, so when the pipeline has
 * no room the batch is dropped and counted, never buffered without bound.
 */
import { createSocket } from 'node:dgram';
import { streamLife } from '../stream-life.js';
import { kernelUdpDrops } from './kernel-drops.js';
import type { RecordSink, RunningSource, SourceCounters, SourceRecord } from '../types.js';

/** Options of the UDP listener. */
export interface UdpOptions {
  readonly host: string;
  readonly port: number;
  readonly tenant: string;
  /** Format, or '' to detect per message (syslog, CEF and LEEF over syslog). */
  readonly format?: string;
  readonly maxBatch?: number;
  readonly maxDelayMs?: number;
  /** Kernel receive buffer to ask for, bytes. */
  readonly receiveBufferBytes?: number;
}

const DEFAULT_RECEIVE_BUFFER = 32 * 1024 * 1024;

/** Starts a UDP syslog listener. */
export async function startUdpSource(opts: UdpOptions, sink: RecordSink): Promise<RunningSource> {
  const sock = createSocket(opts.host.includes(':') ? 'udp6' : 'udp4');
  const counters: SourceCounters = { received: 0, bytes: 0, dropped: 0, oversize: 0, connections: 0 };
  const maxBatch = opts.maxBatch ?? 512;
  let batch: SourceRecord[] = [];
  let timer: NodeJS.Timeout | undefined;
  let name = `udp:${opts.host}:${opts.port}`;
  const life = streamLife();

  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (batch.length === 0) return;
    const out = batch;
    batch = [];
    if (!sink.trySubmit(opts.tenant, out)) counters.dropped += out.length;
  };
  sock.on('message', (msg, rinfo) => {
    counters.received++;
    counters.bytes += msg.length;
    const peer = rinfo.address;
    batch.push({
      record: msg.toString('utf8').replace(/\r?\n$/, ''),
      source: { format: opts.format ?? '', kind: 'udp', name, peer },
      format: opts.format ?? '',
      // Datagram number within this listener's life: identical messages stay distinct events.
      key: `${name}:${peer}:${life}:${counters.received}`,
    });
    if (batch.length >= maxBatch) flush();
    else timer ??= setTimeout(flush, opts.maxDelayMs ?? 20);
  });
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(opts.port, opts.host, () => {
      sock.off('error', reject);
      resolve();
    });
  });
  // A large receive buffer absorbs bursts in the kernel while the pipeline catches up. Linux
  // caps the request at net.core.rmem_max (and reports twice the size asked, for its overhead).
  const wanted = opts.receiveBufferBytes ?? DEFAULT_RECEIVE_BUFFER;
  try {
    sock.setRecvBufferSize(wanted);
  } catch {
    // Not permitted on every system; the default buffer still works.
  }
  const addr = sock.address();
  name = `udp:${addr.address}:${addr.port}`;
  const port = addr.port;
  // Drops in the socket buffer happen in the kernel, before any counter of ours: read them there.
  const dropsAtStart = kernelUdpDrops(port) ?? 0;
  let closed = false;
  let lastKernel: number | undefined;
  Object.defineProperty(counters, 'kernelDropped', {
    enumerable: true,
    get: () => {
      // After close the socket is gone from /proc: the last reading stands.
      if (closed) return lastKernel;
      const now = kernelUdpDrops(port);
      lastKernel = now === undefined ? undefined : Math.max(0, now - dropsAtStart);
      return lastKernel;
    },
  });
  let obtained = 0;
  try {
    obtained = sock.getRecvBufferSize();
  } catch {
    // Unknown: reported as 0.
  }
  return {
    name,
    address: `${addr.address}:${addr.port}`,
    port,
    counters,
    receiveBuffer: { wanted, obtained },
    close: () =>
      new Promise<void>((resolve) => {
        flush();
        void counters.kernelDropped;
        closed = true;
        sock.close(() => resolve());
      }),
  };
}
