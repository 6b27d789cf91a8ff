/**
 * @module
 * Syslog over UDP (RFC 5426): one datagram is one message. Datagrams are batched briefly to cut
 * per-message thread hand-off costs. UDP cannot push back on a sender, so when the pipeline has
 * no room the batch is dropped and counted, never buffered without bound.
 */
import { createSocket } from 'node:dgram';
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
}

/** Starts a UDP syslog listener. */
export async function startUdpSource(opts: UdpOptions, sink: RecordSink): Promise<RunningSource> {
  const sock = createSocket(opts.host.includes(':') ? 'udp6' : 'udp4');
  const counters: SourceCounters = { received: 0, bytes: 0, dropped: 0, oversize: 0, connections: 0 };
  const maxBatch = opts.maxBatch ?? 512;
  let batch: SourceRecord[] = [];
  let timer: NodeJS.Timeout | undefined;
  let name = `udp:${opts.host}:${opts.port}`;

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
      key: `${name}:${peer}`,
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
  // Ask for a large receive buffer so bursts are absorbed by the kernel rather than lost.
  try {
    sock.setRecvBufferSize(8 * 1024 * 1024);
  } catch {
    // Not permitted on every system; the default buffer still works.
  }
  const addr = sock.address();
  name = `udp:${addr.address}:${addr.port}`;
  return {
    name,
    address: `${addr.address}:${addr.port}`,
    port: addr.port,
    counters,
    close: () =>
      new Promise<void>((resolve) => {
        flush();
        sock.close(() => resolve());
      }),
  };
}
