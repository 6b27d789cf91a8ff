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

/** A block of one bus partition (scale-out ingest). */
export interface PartitionedBlock extends EncodedBlock {
  readonly partition?: number;
}

/** Accumulates events into per-partition blocks. */
export class BlockBuilder {
  private readonly open = new Map<string, BlockPacker>();
  private pendingCount = 0;
  /** The partition of the last event: consecutive events nearly always share it. */
  private last: BlockPacker | undefined;
  private lastPart: number | undefined;
  /** Bus partition of each open block, when partitioned. */
  private readonly parts = new Map<BlockPacker, number>();

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
   * values) goes into the block's term index; see `BlockPacker.add`. `part` (the scale-out bus
   * partition of the event's host) keeps hosts of different partitions in different blocks; the
   * block then carries it (`PartitionedBlock`).
   */
  add(tenant: string, event: BlockEvent, derived?: DerivedValues, part?: number): EncodedBlock | undefined {
    const day = dayOf(event.time);
    let slot = this.last;
    if (slot === undefined || slot.day !== day || slot.tenant !== tenant || this.lastPart !== part) {
      const key = part === undefined ? `${tenant}\0${day}` : `${tenant}\0${day}\0${part}`;
      slot = this.open.get(key);
      if (!slot) {
        slot = new BlockPacker(tenant, day, this.blockEvents);
        this.open.set(key, slot);
        if (part !== undefined) this.parts.set(slot, part);
      }
      this.last = slot;
      this.lastPart = part;
    }
    slot.add(event, derived);
    this.pendingCount++;
    if (slot.count < this.blockEvents && slot.bytes < this.maxBlockBytes) return undefined;
    this.open.delete(part === undefined ? `${tenant}\0${day}` : `${tenant}\0${day}\0${part}`);
    this.last = undefined;
    this.pendingCount -= slot.count;
    return this.finish(slot);
  }

  private finish(slot: BlockPacker): EncodedBlock {
    const block = slot.finish();
    const partition = this.parts.get(slot);
    if (partition === undefined) return block;
    this.parts.delete(slot);
    const out: PartitionedBlock = { ...block, partition };
    return out;
  }

  /** Encodes every unfinished block. */
  flush(): EncodedBlock[] {
    const out: EncodedBlock[] = [];
    for (const slot of this.open.values()) out.push(this.finish(slot));
    this.open.clear();
    this.last = undefined;
    this.pendingCount = 0;
    return out;
  }
}
