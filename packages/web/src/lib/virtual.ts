/**
 * @module
 * Windowing math for virtualised tables: which rows to render for a scroll position, with fixed
 * row heights or with a few rows expanded to a taller height. Only the visible slice is ever in
 * the DOM, so 100,000 rows scroll like 50.
 */

/** The slice of rows to render and where it sits. */
export interface VirtualSlice {
  /** First row to render (inclusive). */
  readonly start: number;
  /** Row after the last one to render (exclusive). */
  readonly end: number;
  /** Pixel offset of `start` from the top of the content. */
  readonly offset: number;
  /** Height of all rows together. */
  readonly total: number;
}

/** Row layout with a base height and optional taller rows (expanded records). */
export class RowLayout {
  /** `offsets[i]` is the top of row i; `offsets[count]` the total height. */
  private readonly offsets: Float64Array;

  constructor(
    readonly count: number,
    readonly rowHeight: number,
    heightOf?: (index: number) => number,
  ) {
    this.offsets = new Float64Array(count + 1);
    let y = 0;
    for (let i = 0; i < count; i++) {
      this.offsets[i] = y;
      y += heightOf ? heightOf(i) : rowHeight;
    }
    this.offsets[count] = y;
  }

  /** Height of all rows. */
  get total(): number {
    return this.offsets[this.count] ?? 0;
  }

  /** Top of row `index`. */
  top(index: number): number {
    return this.offsets[Math.max(0, Math.min(index, this.count))] ?? 0;
  }

  /** Height of row `index`. */
  height(index: number): number {
    return this.top(index + 1) - this.top(index);
  }

  /** Index of the row at pixel `y` (binary search over the offsets). */
  indexAt(y: number): number {
    if (this.count === 0) return 0;
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.offsets[mid] ?? 0) <= y) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Rows to render for a viewport, with `overscan` extra rows above and below. */
  slice(scrollTop: number, viewport: number, overscan = 6): VirtualSlice {
    if (this.count === 0) return { start: 0, end: 0, offset: 0, total: 0 };
    const top = Math.max(0, scrollTop);
    const first = this.indexAt(top);
    const last = this.indexAt(top + Math.max(0, viewport));
    const start = Math.max(0, first - overscan);
    const end = Math.min(this.count, last + 1 + overscan);
    return { start, end, offset: this.top(start), total: this.total };
  }

  /**
   * The scroll position that brings row `index` into view (unchanged when it already is).
   * Used by keyboard navigation so the active row never leaves the viewport.
   */
  scrollToReveal(index: number, scrollTop: number, viewport: number): number {
    const top = this.top(index);
    const bottom = top + this.height(index);
    if (top < scrollTop) return top;
    if (bottom > scrollTop + viewport) return Math.max(0, bottom - viewport);
    return scrollTop;
  }
}

/** The row index keyboard navigation moves to, clamped to the table. */
export function moveIndex(current: number, key: string, count: number, pageRows: number): number | undefined {
  if (count === 0) return undefined;
  const clamp = (i: number): number => Math.max(0, Math.min(count - 1, i));
  switch (key) {
    case 'ArrowDown':
    case 'j':
      return clamp(current + 1);
    case 'ArrowUp':
    case 'k':
      return clamp(current - 1);
    case 'PageDown':
      return clamp(current + Math.max(1, pageRows));
    case 'PageUp':
      return clamp(current - Math.max(1, pageRows));
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return undefined;
  }
}
