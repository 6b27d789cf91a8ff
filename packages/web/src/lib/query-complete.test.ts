import { describe, expect, it } from 'vitest';
import type { FieldInfo } from '../api/types';
import { applySuggestion, complete, quoteValue } from './query-complete';

const fields: FieldInfo[] = [
  { name: 'host.name', kind: 'ecs', count: 900, values: ['dc1', 'web-01', 'WS 7'] },
  { name: 'process.command_line', kind: 'ecs', count: 120, values: [] },
  { name: 'EventID', kind: 'field', count: 800, values: ['4625', '4624'] },
  { name: 'user.name', kind: 'ecs', count: 700, values: ['alice'] },
  { name: '_label', kind: 'meta', count: 0, values: [] },
];

describe('query autocomplete', () => {
  it('suggests field names by prefix, then by last segment, most frequent first', () => {
    const c = complete('na', 2, fields);
    expect(c.items.map((i) => i.label)).toEqual(['host.name', 'user.name']);
    expect(complete('EVE', 3, fields).items[0]).toMatchObject({ label: 'EventID', insert: 'EventID:', kind: 'field' });
    expect(complete('', 0, fields).items).toEqual([]);
  });

  it('suggests values after field:, quoting what needs quotes', () => {
    const c = complete('host.name:w', 11, fields);
    expect(c.items.map((i) => i.insert)).toEqual(['host.name:web-01', 'host.name:"WS 7"']);
    expect(c.from).toBe(0);
    expect(quoteValue('a b')).toBe('"a b"');
    expect(quoteValue('x"y')).toBe('"x\\"y"');
    expect(quoteValue('C:\\x')).toBe('"C:\\\\x"');
  });

  it('offers operators only after a term', () => {
    expect(complete('EventID:4625 o', 14, fields).items.map((i) => i.label)).toContain('OR');
    expect(complete('o', 1, fields).items.map((i) => i.kind)).not.toContain('operator');
    expect(complete('a AND n', 7, fields).items.map((i) => i.kind)).not.toContain('operator');
  });

  it('completes the token under the caret inside a longer query, keeping negation and parentheses', () => {
    const text = '(EventID:4625 AND -us) OR dc1';
    const caret = text.indexOf(')');
    const c = complete(text, caret, fields);
    expect(c.items[0]?.label).toBe('user.name');
    const applied = applySuggestion(text, c, c.items[0]!);
    expect(applied.text).toBe('(EventID:4625 AND -user.name:) OR dc1');
    expect(applied.caret).toBe(text.indexOf('us') + 'user.name:'.length);
  });
});
