import { describe, expect, it } from 'vitest';
import type { RunningSource, SourceCounters } from '@intersoc/ingest';
import { sourcesHealth } from './health.js';

function source(name: string, c: Partial<SourceCounters>): RunningSource & { counters: SourceCounters } {
  const counters: SourceCounters = { received: 0, bytes: 0, dropped: 0, oversize: 0, connections: 0, ...c };
  return { name, address: name, port: 1, counters, close: async () => undefined };
}

describe('sources health', () => {
  it('is degraded while a source loses messages, in our queue or in the kernel, and ok again later', () => {
    const udp = source('udp:127.0.0.1:5514', { received: 10 });
    const tcp = source('tcp:127.0.0.1:5514', { received: 5 });
    const all = [udp, tcp];
    const t = Date.now();
    expect(sourcesHealth(all, t).status).toBe('ok');
    udp.counters.dropped = 3;
    const h = sourcesHealth(all, t + 1_000);
    expect(h.status).toBe('degraded');
    expect(h.detail).toMatch(/udp:127.0.0.1:5514 lost 3/);
    // Kernel drops alone count too.
    Object.defineProperty(tcp.counters, 'kernelDropped', { value: 7 });
    expect(sourcesHealth(all, t + 2_000).detail).toMatch(
      /tcp:127.0.0.1:5514 lost 7 \(0 pipeline full, 7 kernel buffer\)/,
    );
    // No new loss for longer than the window: ok again.
    expect(sourcesHealth(all, t + 10 * 60_000).status).toBe('ok');
  });

  it('says when only HTTP ingest runs', () => {
    expect(sourcesHealth([])).toEqual({ status: 'ok', detail: 'HTTP ingest only (syslog disabled)' });
  });
});
