/**
 * @module
 * What `/api/health` and the health view say about the node's own stages, computed from what
 * the stages report rather than assumed: a failed commit or a dead writer is `down`; a dead
 * parse worker, a stuck writer, an index that makes no progress, a failing journal and sources
 * that lose messages (in our queues or in the kernel's socket buffer) are `degraded`.
 */
import type { RunningSource } from '@intersoc/ingest';
import type { Pipeline, StageHealth } from '../pipeline/pipeline.js';
import type { DurableIngest } from './durable-ingest.js';

/** Losses stay visible in health this long after the last one. */
const LOSS_VISIBLE_MS = 5 * 60_000;

interface LossMemory {
  readonly last: Map<string, number>;
  readonly at: Map<string, number>;
}

const memories = new WeakMap<object, LossMemory>();

/** Health of the sources: which lose messages now, and where (our queue or the kernel). */
export function sourcesHealth(sources: readonly RunningSource[], now = Date.now()): StageHealth {
  if (sources.length === 0) return { status: 'ok', detail: 'HTTP ingest only (syslog disabled)' };
  let mem = memories.get(sources);
  if (!mem) {
    mem = { last: new Map(), at: new Map() };
    memories.set(sources, mem);
  }
  const losing: string[] = [];
  for (const s of sources) {
    const lost = s.counters.dropped + (s.counters.kernelDropped ?? 0);
    const before = mem.last.get(s.name);
    if (before !== undefined && lost > before) mem.at.set(s.name, now);
    if (before === undefined && lost > 0) mem.at.set(s.name, now);
    mem.last.set(s.name, lost);
    const at = mem.at.get(s.name);
    if (at !== undefined && now - at < LOSS_VISIBLE_MS) {
      const kernel = s.counters.kernelDropped ?? 0;
      losing.push(`${s.name} lost ${lost} (${s.counters.dropped} pipeline full, ${kernel} kernel buffer)`);
    }
  }
  const names = sources
    .map((s) => (s.receiveBuffer ? `${s.name} (buffer ${Math.round(s.receiveBuffer.obtained / 1024)} KiB)` : s.name))
    .join(', ');
  return losing.length > 0
    ? { status: 'degraded', detail: `losing messages: ${losing.join('; ')}` }
    : { status: 'ok', detail: names };
}

/** The node's stage checks for `/api/health`. */
export function nodeHealth(d: {
  readonly pipeline: Pipeline;
  readonly journal: DurableIngest;
  readonly sources: readonly RunningSource[];
}): Record<string, StageHealth> {
  const p = d.pipeline.health();
  const journalFailed = d.journal.failed;
  return {
    sources: sourcesHealth(d.sources),
    parse: p.parse,
    store: p.store,
    index: p.index,
    journal:
      journalFailed !== undefined
        ? { status: 'down', detail: journalFailed }
        : { status: 'ok', detail: `${d.journal.stats.appended} entries journalled since start` },
  };
}
