import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FlatFields } from '@intersoc/core';
import { flattenInto } from '@intersoc/core';
import { CORPORA, listFiles, readLines } from './corpora.js';
import { decimal, flattenOwned, flattenValue, MAX_DEPTH, MAX_FIELDS, newFlattenState, setField } from './fields.js';

const flatCopy = (v: unknown): FlatFields => {
  const out: FlatFields = {};
  flattenValue(out, v, '', 0, newFlattenState());
  return out;
};

describe('flattening', () => {
  const sample = {
    a: 1,
    b: { c: 'x', d: [1, 2, null], e: [{ f: true }, { g: 1.5 }] },
    h: null,
    i: [],
    'j.k': 'dotted',
  };

  it('gives the same fields as core flattenInto', () => {
    const core: FlatFields = {};
    flattenInto(core, structuredClone(sample));
    expect(flatCopy(structuredClone(sample))).toEqual(core);
    expect(flattenOwned(structuredClone(sample), newFlattenState())).toEqual(core);
  });

  it('marks nesting beyond the depth limit and counts the cut', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < MAX_DEPTH + 5; i++) deep = { n: deep };
    const st = newFlattenState();
    const out: FlatFields = {};
    flattenValue(out, deep, '', 0, st);
    expect(Object.values(out)).toEqual(['[nested too deep]']);
    expect(st.truncated).toBe(true);
  });

  it('stops at the field limit', () => {
    const wide = Object.fromEntries(Array.from({ length: MAX_FIELDS + 10 }, (_, i) => [`k${i}`, { v: i }]));
    const st = newFlattenState();
    const out = flattenOwned(wide, st);
    expect(Object.keys(out)).toHaveLength(MAX_FIELDS);
    expect(st.truncated).toBe(true);
  });

  it('keeps __proto__ as an own field and converts non-finite numbers to text', () => {
    const out: FlatFields = {};
    setField(out, '__proto__', [1]);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(flattenOwned(JSON.parse('{"x":1e400,"y":[-1e400]}') as Record<string, unknown>, newFlattenState())).toEqual({
      x: 'Infinity',
      y: ['-Infinity'],
    });
  });

  it('reads decimal integers only', () => {
    expect([
      decimal('0'),
      decimal('4688'),
      decimal('0x10'),
      decimal(''),
      decimal('1e3'),
      decimal('9'.repeat(16)),
    ]).toEqual([0, 4688, undefined, undefined, undefined, undefined]);
  });
});

const EVTX = path.join(CORPORA, 'evtx/EVTX-ATTACK-SAMPLES');

describe.skipIf(!existsSync(EVTX))(
  'flattening equals core flattenInto on real nested events',
  { tags: ['corpus'] },
  () => {
    it('matches for every record of a sample of evtx renderings', () => {
      let n = 0;
      for (const file of listFiles(EVTX, '.jsonl.gz').slice(0, 40)) {
        for (const line of readLines(file)) {
          const core: FlatFields = {};
          flattenInto(core, JSON.parse(line));
          expect(flattenOwned(JSON.parse(line) as Record<string, unknown>, newFlattenState())).toEqual(core);
          n++;
        }
      }
      console.log(`flatten equivalence: ${n} evtx records`);
      expect(n).toBeGreaterThan(100);
    });
  },
);
