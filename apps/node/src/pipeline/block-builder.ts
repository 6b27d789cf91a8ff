/**
 * @module
 * Groups parsed events into blocks of one tenant and one day partition, and encodes a block when
 * it is full or when asked to flush (idle timer, shutdown, explicit flush).
 */
import { dayOf } from '@intersoc/core';
import { encodeBlock, type BlockEvent, type EncodedBlock } from '@intersoc/storage';

/** Accumulates events into per-partition blocks. */
export class BlockBuilder {
  private readonly open = new Map<string, { tenant: string; day: number; events: BlockEvent[] }>();
  private pendingCount = 0;

  constructor(private readonly blockEvents: number) {}

  /** Events waiting in unfinished blocks. */
  get pending(): number {
    return this.pendingCount;
  }

  /** Adds an event; returns a block when its partition's block became full. */
  add(tenant: string, event: BlockEvent): EncodedBlock | undefined {
    const day = dayOf(event.time);
    const key = `${tenant}\0${day}`;
    let slot = this.open.get(key);
    if (!slot) {
      slot = { tenant, day, events: [] };
      this.open.set(key, slot);
    }
    slot.events.push(event);
    this.pendingCount++;
    if (slot.events.length < this.blockEvents) return undefined;
    this.open.delete(key);
    this.pendingCount -= slot.events.length;
    return encodeBlock(tenant, day, slot.events);
  }

  /** Encodes every unfinished block. */
  flush(): EncodedBlock[] {
    const out: EncodedBlock[] = [];
    for (const slot of this.open.values()) out.push(encodeBlock(slot.tenant, slot.day, slot.events));
    this.open.clear();
    this.pendingCount = 0;
    return out;
  }
}
