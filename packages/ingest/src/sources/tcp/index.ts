/**
 * @module
 * Syslog over TCP with RFC 6587 framing (octet counting and newline, per frame). Each connection
 * has its own framer; while the pipeline has no room, the socket is paused, so TCP's own flow
 * control slows the sender instead of the node buffering without bound.
 */
import { createServer, type Socket } from 'node:net';
import { createSyslogFramer } from '../../framing/syslog-tcp/index.js';
import { streamLife } from '../stream-life.js';
import type { RecordSink, RunningSource, SourceCounters, SourceRecord } from '../types.js';

/** Options of the TCP listener. */
export interface TcpOptions {
  readonly host: string;
  readonly port: number;
  readonly tenant: string;
  readonly format?: string;
  readonly maxMessageBytes: number;
  /** Connections beyond this are refused. */
  readonly maxConnections?: number;
  /** Idle connections are closed after this long, ms. */
  readonly idleTimeoutMs?: number;
}

/** Starts a TCP syslog listener. */
export async function startTcpSource(opts: TcpOptions, sink: RecordSink): Promise<RunningSource> {
  const counters: SourceCounters = { received: 0, bytes: 0, dropped: 0, oversize: 0, connections: 0 };
  const sockets = new Set<Socket>();
  let name = `tcp:${opts.host}:${opts.port}`;
  const format = opts.format ?? '';

  const server = createServer((sock) => {
    counters.connections++;
    sockets.add(sock);
    const framer = createSyslogFramer({ maxMessageBytes: opts.maxMessageBytes });
    const peer = sock.remoteAddress ?? 'unknown';
    const source = { format, kind: 'tcp' as const, name, peer };
    // Connection identity + record number: identical lines stay distinct events.
    const conn = `${name}:${peer}:${streamLife()}`;
    let n = 0;
    let chain = Promise.resolve();
    const deliver = (records: SourceRecord[]): void => {
      if (records.length === 0) return;
      sock.pause();
      chain = chain
        .then(() => sink.submit(opts.tenant, records))
        .catch(() => {
          counters.dropped += records.length;
        })
        .finally(() => {
          if (!sock.destroyed) sock.resume();
        });
    };
    sock.setTimeout(opts.idleTimeoutMs ?? 15 * 60_000, () => sock.destroy());
    sock.on('data', (chunk: Buffer) => {
      counters.bytes += chunk.length;
      const out: SourceRecord[] = [];
      for (const item of framer.push(chunk)) {
        counters.received++;
        const key = `${conn}:${n++}`;
        if (item.ok) out.push({ record: item.text, source, format, key });
        else {
          counters.oversize++;
          out.push({ record: item.raw, source, format, key, error: item.reason });
        }
      }
      deliver(out);
    });
    sock.on('end', () => {
      const out: SourceRecord[] = [];
      for (const item of framer.end()) {
        counters.received++;
        const key = `${conn}:${n++}`;
        out.push(
          item.ok
            ? { record: item.text, source, format, key }
            : { record: item.raw, source, format, key, error: item.reason },
        );
      }
      deliver(out);
      void chain.finally(() => sock.end());
    });
    sock.on('error', () => sock.destroy());
    sock.on('close', () => sockets.delete(sock));
  });
  server.maxConnections = opts.maxConnections ?? 1024;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  name = `tcp:${opts.host}:${port}`;
  return {
    name,
    address: `${opts.host}:${port}`,
    port,
    counters,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
