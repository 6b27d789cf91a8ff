/**
 * @module
 * A small least-recently-used cache of decoded blocks for the read side. Analysts page, refine
 * and re-run queries over the same recent blocks, and the histogram and the result page of one
 * search read the same blocks: decompressing them once saves most of a repeated query. Bounded
 * by the blocks' uncompressed bytes, so a scan over old data cannot grow it without limit.
 */
import { decodeBlock, type BlockEvent } from './block.js';

/** Default budget: uncompressed bytes of the cached blocks. */
export const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;

interface Entry {
  /**
   * The block's version when decoded (`ver`, bumped by rewrites such as erasure, with its count,
   * size and end time, which also tell a new block that reuses a deleted block's id): a stale copy
   * is never served.
   */
  readonly ver: string;
  readonly events: readonly BlockEvent[];
  readonly bytes: number;
}

/** Decoded blocks by block id, evicting the least recently used beyond `maxBytes`. */
export class BlockCache {
  private readonly map = new Map<number, Entry>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxBytes = DEFAULT_CACHE_BYTES) {}

  /** The events of block `id`, decoding `load()`'s payload on a miss. */
  get(
    id: number,
    ver: string,
    rawBytes: number,
    load: () => { codec: number; data: Uint8Array } | undefined,
  ): readonly BlockEvent[] {
    const hit = this.map.get(id);
    if (hit && hit.ver !== ver) this.drop(id);
    else if (hit) {
      // Re-insert: a Map iterates in insertion order, so its first key is the least recent.
      this.map.delete(id);
      this.map.set(id, hit);
      this.hits++;
      return hit.events;
    }
    this.misses++;
    const row = load();
    if (!row) return [];
    const events = decodeBlock(row.codec, row.data, rawBytes);
    if (rawBytes <= this.maxBytes / 4) {
      this.map.set(id, { ver, events, bytes: rawBytes });
      this.bytes += rawBytes;
      for (const [k, e] of this.map) {
        if (this.bytes <= this.maxBytes) break;
        this.map.delete(k);
        this.bytes -= e.bytes;
      }
    }
    return events;
  }

  /** True when block `id` is cached at version `ver` (a reader that fetches payloads in batches asks first). */
  has(id: number, ver: string): boolean {
    return this.map.get(id)?.ver === ver;
  }

  /** Forgets block `id` (rewritten or deleted by the writer). */
  drop(id: number): void {
    const e = this.map.get(id);
    if (!e) return;
    this.map.delete(id);
    this.bytes -= e.bytes;
  }

  /** Forgets everything. */
  clear(): void {
    this.map.clear();
    this.bytes = 0;
  }
}
