/**
 * @module
 * A bounded async queue: the backpressure primitive between stages. Producers either wait for
 * room (`push`, for TCP, HTTP and files, which can slow down) or are told no (`tryPush`, for UDP,
 * which cannot, so its losses are counted instead of buffered without bound).
 */

/** Bounded FIFO with async push/shift. Capacity counts items (or weights when given). */
export class BoundedQueue<T> {
  private readonly items: { item: T; weight: number }[] = [];
  private head = 0;
  private used = 0;
  private closed = false;
  private readonly takers: ((v: T | undefined) => void)[] = [];
  private readonly givers: (() => void)[] = [];

  constructor(readonly capacity: number) {
    if (!(capacity > 0)) throw new RangeError('capacity must be positive');
  }

  /** Items waiting. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** Weight waiting (equals `size` when no weights are given). */
  get load(): number {
    return this.used;
  }

  /** True once `close` has been called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Adds an item if it fits now; returns false (and keeps nothing) when full or closed. */
  tryPush(item: T, weight = 1): boolean {
    if (this.closed) return false;
    // An item heavier than the whole queue is still accepted into an empty queue, or it could never pass.
    if (this.used + weight > this.capacity && this.used > 0) return false;
    this.deliver(item, weight);
    return true;
  }

  /** Adds an item, waiting for room. Rejects when the queue is closed. */
  async push(item: T, weight = 1): Promise<void> {
    while (!this.tryPush(item, weight)) {
      if (this.closed) throw new Error('queue closed');
      await new Promise<void>((resolve) => this.givers.push(resolve));
    }
  }

  /** Takes the next item, waiting for one; undefined once closed and drained. */
  async shift(): Promise<T | undefined> {
    const now = this.tryShift();
    if (now !== undefined || this.closed) return now;
    return new Promise<T | undefined>((resolve) => this.takers.push(resolve));
  }

  /** Takes the next item if there is one. */
  tryShift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const slot = this.items[this.head] as { item: T; weight: number };
    this.items[this.head++] = undefined as unknown as { item: T; weight: number };
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    this.used -= slot.weight;
    this.givers.shift()?.();
    return slot.item;
  }

  /** Stops accepting items; waiting takers get undefined once drained, waiting pushers fail. */
  close(): void {
    this.closed = true;
    if (this.size === 0) for (const t of this.takers.splice(0)) t(undefined);
    for (const g of this.givers.splice(0)) g();
  }

  private deliver(item: T, weight: number): void {
    const taker = this.takers.shift();
    if (taker) {
      taker(item);
      return;
    }
    this.items.push({ item, weight });
    this.used += weight;
  }
}
