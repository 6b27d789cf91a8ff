/**
 * @module
 * Prometheus metrics of the pipeline and sources, read from their counters at scrape time.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { RunningSource } from '@intersoc/ingest';
import type { Pipeline } from '../pipeline/pipeline.js';

/** Registers pipeline and source metrics on `registry`. */
export function registerPipelineMetrics(
  registry: Registry,
  pipeline: Pipeline,
  sources: () => readonly RunningSource[],
): void {
  const s = pipeline.stats;
  const counter = (name: string, help: string, read: () => number): void => {
    // Counters are monotonic mirrors of the pipeline's own totals; set on collect.
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        // prom-client counters cannot be set; reset-then-inc mirrors the absolute total.
        this.reset();
        this.inc(read());
      },
    });
  };
  counter('intersoc_events_parsed_total', 'events parsed', () => s.parsed.events);
  counter('intersoc_events_stored_total', 'events committed to the store', () => s.stored.events);
  counter('intersoc_events_duplicate_total', 'events skipped as already stored', () => s.stored.duplicates);
  counter('intersoc_dead_letters_total', 'records dead-lettered with a reason', () => s.parsed.deadLetters);
  counter('intersoc_alerts_total', 'alerts committed', () => s.stored.alerts);
  counter('intersoc_ingest_bytes_total', 'bytes received by the pipeline', () => s.parsed.bytes);
  const kernelDropped = (): number =>
    sources().reduce((a, x) => a + (x.name.startsWith('udp') ? (x.counters.kernelDropped ?? 0) : 0), 0);
  counter(
    'intersoc_udp_dropped_total',
    'UDP messages lost: dropped because the pipeline was full, or by the kernel because the socket buffer was full',
    () =>
      s.udpDropped +
      sources().reduce((a, x) => a + (x.name.startsWith('udp') ? x.counters.dropped : 0), 0) +
      kernelDropped(),
  );
  counter(
    'intersoc_udp_kernel_dropped_total',
    'UDP datagrams the kernel dropped because the socket receive buffer was full (Linux /proc/net/udp)',
    kernelDropped,
  );
  const rcvbuf = new Gauge({
    name: 'intersoc_udp_receive_buffer_bytes',
    help: 'kernel receive buffer of each UDP source, as granted (Linux reports twice the size asked)',
    labelNames: ['source'],
    registers: [registry],
    collect() {
      for (const x of sources()) if (x.receiveBuffer) rcvbuf.set({ source: x.name }, x.receiveBuffer.obtained);
    },
  });
  new Gauge({
    name: 'intersoc_pipeline_up',
    help: '1 while the pipeline accepts events, 0 after a failed commit or a dead writer',
    registers: [registry],
    collect() {
      this.set(pipeline.failed === undefined ? 1 : 0);
    },
  });
  new Gauge({
    name: 'intersoc_pipeline_inflight_bytes',
    help: 'bytes queued to parse workers (queue depth)',
    registers: [registry],
    collect() {
      this.set(s.inflightBytes);
    },
  });
  new Gauge({
    name: 'intersoc_index_pending_blocks',
    help: 'stored blocks not yet in the term index',
    registers: [registry],
    collect() {
      this.set(s.pendingIndexBlocks);
    },
  });
  // Events per second over the last scrape window, for dashboards without PromQL.
  let last = { t: Date.now(), n: s.parsed.events };
  new Gauge({
    name: 'intersoc_events_per_second',
    help: 'events parsed per second since the previous scrape',
    registers: [registry],
    collect() {
      const now = Date.now();
      const dt = (now - last.t) / 1000;
      if (dt > 0) this.set((s.parsed.events - last.n) / dt);
      last = { t: now, n: s.parsed.events };
    },
  });
  const src = new Gauge({
    name: 'intersoc_source_received_total',
    help: 'messages received per source',
    labelNames: ['source'],
    registers: [registry],
    collect() {
      for (const x of sources()) src.set({ source: x.name }, x.counters.received);
    },
  });
}
