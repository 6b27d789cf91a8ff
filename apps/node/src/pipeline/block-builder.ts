/**
 * @module
 * Groups parsed events into blocks of one tenant and one day partition, and encodes a block when
 * it is full or when asked to flush (idle timer, shutdown, explicit flush). Events are packed as
 * they arrive (`BlockPacker`), so nothing of an event stays on the heap while its block fills.
 */
import { dayOf } from '@intersoc/core';
import { BlockPacker, type BlockEvent, type DerivedValues, type EncodedBlock } from '@intersoc/storage';

/**
 * Record bytes at which a block is cut before it has `blockEvents` events: a block is decoded
 * whole on read, and 2,048 records near the record size limit would make it gigabytes.
 */
export const MAX_BLOCK_BYTES = 32 * 1024 * 1024;

/** Accumulates events into per-partition blocks. */
export class BlockBuilder {
  private readonly open = new Map<string, BlockPacker>();
  private pendingCount = 0;
  /** The partition of the last event: consecutive events nearly always share it. */
  private last: BlockPacker | undefined;

  constructor(
    private readonly blockEvents: number,
    private readonly maxBlockBytes = MAX_BLOCK_BYTES,
  ) {}

  /** Events waiting in unfinished blocks. */
  get pending(): number {
    return this.pendingCount;
  }

  /**
   * Adds an event; returns a block when its partition's block became full. `derived` (the parsed
   * values) goes into the block's term index; see `BlockPacker.add`.
   */
  add(tenant: string, event: BlockEvent, derived?: DerivedValues): EncodedBlock | undefined {
    const day = dayOf(event.time);
    let slot = this.last;
    if (slot === undefined || slot.day !== day || slot.tenant !== tenant) {
      const key = `${tenant}\0${day}`;
      slot = this.open.get(key);
      if (!slot) {
        slot = new BlockPacker(tenant, day, this.blockEvents);
        this.open.set(key, slot);
      }
      this.last = slot;
    }
    slot.add(event, derived);
    this.pendingCount++;
    if (slot.count < this.blockEvents && slot.bytes < this.maxBlockBytes) return undefined;
    this.open.delete(`${tenant}\0${day}`);
    this.last = undefined;
    this.pendingCount -= slot.count;
    return slot.finish();
  }

  /** Encodes every unfinished block. */
  flush(): EncodedBlock[] {
    const out: EncodedBlock[] = [];
    for (const slot of this.open.values()) out.push(slot.finish());
    this.open.clear();
    this.last = undefined;
    this.pendingCount = 0;
    return out;
  }
}
