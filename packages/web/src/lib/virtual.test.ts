import { describe, expect, it } from 'vitest';
import { moveIndex, RowLayout } from './virtual';

describe('RowLayout', () => {
  it('renders only the visible slice of 100,000 rows', () => {
    const layout = new RowLayout(100_000, 32);
    expect(layout.total).toBe(3_200_000);
    const s = layout.slice(1_600_000, 640, 5);
    expect(s.start).toBe(50_000 - 5);
    expect(s.end).toBe(50_000 + 20 + 1 + 5);
    expect(s.offset).toBe((50_000 - 5) * 32);
    expect(s.end - s.start).toBeLessThan(40);
  });

  it('clamps at both ends and handles an empty table', () => {
    const layout = new RowLayout(10, 20);
    expect(layout.slice(-50, 100, 2)).toEqual({ start: 0, end: 8, offset: 0, total: 200 });
    expect(layout.slice(10_000, 100, 2)).toMatchObject({ start: 7, end: 10 });
    expect(new RowLayout(0, 20).slice(0, 100)).toEqual({ start: 0, end: 0, offset: 0, total: 0 });
  });

  it('lays out expanded rows with their own height', () => {
    const layout = new RowLayout(1000, 30, (i) => (i === 10 ? 330 : 30));
    expect(layout.top(10)).toBe(300);
    expect(layout.top(11)).toBe(630);
    expect(layout.height(10)).toBe(330);
    expect(layout.indexAt(629)).toBe(10);
    expect(layout.indexAt(630)).toBe(11);
    expect(layout.total).toBe(999 * 30 + 330);
  });

  it('scrolls just enough to reveal a row', () => {
    const layout = new RowLayout(100, 30);
    expect(layout.scrollToReveal(5, 0, 300)).toBe(0);
    expect(layout.scrollToReveal(20, 0, 300)).toBe(21 * 30 - 300);
    expect(layout.scrollToReveal(2, 600, 300)).toBe(60);
  });
});

describe('moveIndex', () => {
  it('moves with arrows, j/k, pages and Home/End, within bounds', () => {
    expect(moveIndex(0, 'ArrowDown', 10, 5)).toBe(1);
    expect(moveIndex(0, 'k', 10, 5)).toBe(0);
    expect(moveIndex(3, 'PageDown', 10, 5)).toBe(8);
    expect(moveIndex(8, 'PageDown', 10, 5)).toBe(9);
    expect(moveIndex(8, 'PageUp', 10, 5)).toBe(3);
    expect(moveIndex(4, 'Home', 10, 5)).toBe(0);
    expect(moveIndex(4, 'End', 10, 5)).toBe(9);
    expect(moveIndex(4, 'x', 10, 5)).toBeUndefined();
    expect(moveIndex(0, 'ArrowDown', 0, 5)).toBeUndefined();
  });
});
