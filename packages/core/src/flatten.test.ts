import { describe, expect, it } from 'vitest';
import type { FlatFields } from './event.js';
import { fieldText, flattenInto } from './flatten.js';

describe('flattenInto', () => {
  it('joins nested keys with dots and keeps scalar arrays', () => {
    const out: FlatFields = {};
    expect(flattenInto(out, { a: { b: 1, c: [1, 'x', null] }, d: [{ e: true }] })).toBe(true);
    expect(out).toEqual({ 'a.b': 1, 'a.c': [1, 'x', null], 'd.0.e': true });
  });
  it('bounds depth and field count on hostile input', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 10_000; i++) deep = { x: deep };
    const out: FlatFields = {};
    expect(flattenInto(out, deep, '', { maxDepth: 8, maxFields: 100 })).toBe(false);
    expect(Object.keys(out)).toHaveLength(1);
    const wide = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]));
    const out2: FlatFields = {};
    expect(flattenInto(out2, wide, '', { maxDepth: 8, maxFields: 100 })).toBe(false);
    expect(Object.keys(out2)).toHaveLength(100);
  });
  it('keeps __proto__ keys as plain fields without touching the prototype', () => {
    const out: FlatFields = {};
    flattenInto(out, JSON.parse('{"__proto__":{"polluted":1},"a":{"__proto__":2}}'));
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out).sort()).toEqual(['__proto__.polluted', 'a.__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
  it('renders field text as search compares it', () => {
    expect(fieldText(4688)).toBe('4688');
    expect(fieldText(['a', 1])).toBe('a,1');
    expect(fieldText(null)).toBeUndefined();
  });
});
