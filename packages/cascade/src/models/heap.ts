/**
 * @module
 * A binary min-heap of (key, payload) pairs on typed arrays: float keys, int32 payloads. The
 * timed cascade pushes one entry per propagated dependency, so it must not allocate per entry.
 */

/** Min-heap keyed by a float. */
export class MinHeap {
  private keys: Float64Array;
  private vals: Int32Array;
  size = 0;

  constructor(capacity = 1024) {
    this.keys = new Float64Array(capacity);
    this.vals = new Int32Array(capacity);
  }

  clear(): void {
    this.size = 0;
  }

  push(key: number, val: number): void {
    if (this.size === this.keys.length) this.grow();
    const keys = this.keys;
    const vals = this.vals;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent] as number;
      if (pk <= key) break;
      keys[i] = pk;
      vals[i] = vals[parent] as number;
      i = parent;
    }
    keys[i] = key;
    vals[i] = val;
  }

  /** Smallest key (undefined behaviour when empty). */
  peekKey(): number {
    return this.keys[0] as number;
  }

  /** Removes the smallest entry and returns its payload. */
  pop(): number {
    const keys = this.keys;
    const vals = this.vals;
    const top = vals[0] as number;
    const n = --this.size;
    if (n === 0) return top;
    const key = keys[n] as number;
    const val = vals[n] as number;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && (keys[right] as number) < (keys[child] as number)) child = right;
      if ((keys[child] as number) >= key) break;
      keys[i] = keys[child] as number;
      vals[i] = vals[child] as number;
      i = child;
    }
    keys[i] = key;
    vals[i] = val;
    return top;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    keys.set(this.keys);
    const vals = new Int32Array(this.vals.length * 2);
    vals.set(this.vals);
    this.keys = keys;
    this.vals = vals;
  }
}
