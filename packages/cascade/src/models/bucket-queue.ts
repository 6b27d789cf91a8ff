/**
 * @module
 * A monotone bucket queue (Dial 1969) for the timed cascade when every time to impact and
 * buffer is a whole multiple of one quantum: keys never decrease below the last popped key and
 * never run further ahead than `span` quanta, so a ring of `span + 1` buckets holds every pending
 * event, and push and pop cost O(1) instead of a heap's O(log n). Entries keep their exact keys;
 * the quantum only picks the bucket.
 */

/** The quanta tried, largest first (hours): an hour down to a minute. */
const QUANTA = [1, 0.5, 0.25, 1 / 6, 1 / 12, 1 / 60];

/** Most buckets a ring may have. */
const MAX_BUCKETS = 1 << 20;

/** True when `x` is a whole multiple of `q` (to floating-point precision). */
export function isMultiple(x: number, q: number): boolean {
  const r = x / q;
  return Math.abs(r - Math.round(r)) < 1e-9 * Math.max(1, r);
}

/** The quantum and ring size for a set of delays, or undefined when no quantum fits. */
export function quantumFor(
  delays: ArrayLike<number>,
  maxDelay: number,
): { quantum: number; buckets: number } | undefined {
  for (const q of QUANTA) {
    const buckets = Math.round(maxDelay / q) + 2;
    if (buckets > MAX_BUCKETS) continue;
    let ok = true;
    for (let i = 0; i < delays.length; i++) {
      if (!isMultiple(delays[i] as number, q)) {
        ok = false;
        break;
      }
    }
    if (ok) return { quantum: q, buckets };
  }
  return undefined;
}

/** The queue: same surface as `MinHeap`. */
export class BucketQueue {
  private readonly heads: Int32Array;
  private next: Int32Array;
  private keys: Float64Array;
  private vals: Int32Array;
  private free = -1;
  private used = 0;
  private cursor = 0;
  private base = 0;
  size = 0;

  constructor(
    readonly quantum: number,
    buckets: number,
    capacity = 1024,
  ) {
    this.heads = new Int32Array(buckets).fill(-1);
    this.next = new Int32Array(capacity);
    this.keys = new Float64Array(capacity);
    this.vals = new Int32Array(capacity);
  }

  clear(): void {
    if (this.size > 0) this.heads.fill(-1);
    this.size = 0;
    this.used = 0;
    this.free = -1;
    this.cursor = 0;
    this.base = 0;
  }

  private slotOf(key: number): number {
    return Math.round(key / this.quantum);
  }

  push(key: number, val: number): void {
    let e = this.free;
    if (e !== -1) this.free = this.next[e] as number;
    else {
      if (this.used === this.keys.length) this.grow();
      e = this.used++;
    }
    this.keys[e] = key;
    this.vals[e] = val;
    const slot = this.slotOf(key);
    // The cursor follows the smallest pending slot: before the first pop (seeds may come in any
    // order) and whenever the queue was empty. Later pushes are never below the last popped key.
    if (this.size === 0 || slot < this.base) {
      this.base = slot;
      this.cursor = slot % this.heads.length;
    }
    const b = slot % this.heads.length;
    this.next[e] = this.heads[b] as number;
    this.heads[b] = e;
    this.size++;
  }

  private advance(): void {
    while (this.heads[this.cursor] === -1) {
      this.cursor = (this.cursor + 1) % this.heads.length;
      this.base++;
    }
  }

  peekKey(): number {
    this.advance();
    return this.keys[this.heads[this.cursor] as number] as number;
  }

  pop(): number {
    this.advance();
    const e = this.heads[this.cursor] as number;
    this.heads[this.cursor] = this.next[e] as number;
    this.next[e] = this.free;
    this.free = e;
    this.size--;
    return this.vals[e] as number;
  }

  private grow(): void {
    const n = this.keys.length * 2;
    const next = new Int32Array(n);
    next.set(this.next);
    this.next = next;
    const keys = new Float64Array(n);
    keys.set(this.keys);
    this.keys = keys;
    const vals = new Int32Array(n);
    vals.set(this.vals);
    this.vals = vals;
  }
}
