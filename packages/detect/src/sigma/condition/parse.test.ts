import { describe, expect, it } from 'vitest';
import { detectionMatcher, rejectionOf } from '../internal/fixtures.js';
import { parseCondition, resolveOfPattern } from './parse.js';

describe('condition grammar', () => {
  it('binds not > and > or', () => {
    const r = parseCondition('a or b and not c');
    expect(r.ok && r.value).toEqual({
      t: 'or',
      args: [
        { t: 'id', name: 'a' },
        {
          t: 'and',
          args: [
            { t: 'id', name: 'b' },
            { t: 'not', arg: { t: 'id', name: 'c' } },
          ],
        },
      ],
    });
  });

  it('parses x of and brackets', () => {
    const r = parseCondition('(1 of sel* or all of them) and not 1 of filter_*');
    expect(r.ok).toBe(true);
  });

  it('rejects obsolete aggregations and near with a reason', () => {
    const pipe = parseCondition('selection | count() by host > 5');
    expect(!pipe.ok && pipe.reason).toMatch(/obsolete aggregation/);
    const near = parseCondition('a near b');
    expect(!near.ok && near.reason).toMatch(/near/);
    expect(parseCondition('a and').ok).toBe(false);
    expect(parseCondition('(a').ok).toBe(false);
  });

  it('them skips identifiers starting with an underscore', () => {
    expect(resolveOfPattern('them', ['sel', '_hidden', 'filter'])).toEqual(['sel', 'filter']);
    expect(resolveOfPattern('sel*', ['sel_a', 'sel_b', 'other'])).toEqual(['sel_a', 'sel_b']);
  });
});

describe('conditions over events', () => {
  const detection = `    sel_a:
        A: x
    sel_b:
        B: y
    _helper:
        C: z
    filter:
        D: w
`;
  it('evaluates 1 of / all of / not', () => {
    const any = detectionMatcher(`${detection}    condition: 1 of sel_* and not filter\n`);
    expect(any({ A: 'x' })).toBe(true);
    expect(any({ B: 'y' })).toBe(true);
    expect(any({ A: 'x', D: 'w' })).toBe(false);
    const all = detectionMatcher(`${detection}    condition: all of sel_*\n`);
    expect(all({ A: 'x' })).toBe(false);
    expect(all({ A: 'x', B: 'y' })).toBe(true);
    const them = detectionMatcher(`${detection}    condition: all of them\n`);
    expect(them({ A: 'x', B: 'y', D: 'w' })).toBe(true); // _helper is not part of them
  });

  it('a condition list is OR-linked', () => {
    const m = detectionMatcher(`${detection}    condition:\n        - sel_a\n        - sel_b\n`);
    expect(m({ B: 'y' })).toBe(true);
    expect(m({ C: 'z' })).toBe(false);
  });

  it('rejects undefined identifiers and empty patterns', () => {
    const base = 'title: t\nlogsource: {}\ndetection:\n    sel:\n        A: x\n';
    expect(rejectionOf(`${base}    condition: sel and other\n`)).toMatch(/undefined search identifier "other"/);
    expect(rejectionOf(`${base}    condition: 1 of nothing*\n`)).toMatch(/matches no search identifier/);
    expect(rejectionOf(`${base}    condition: sel | count() > 5\n`)).toMatch(/obsolete aggregation/);
  });
});
