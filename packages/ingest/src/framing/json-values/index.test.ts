import { describe, expect, it } from 'vitest';
import type { FrameItem } from '../types.js';
import { createJsonFramer } from './index.js';

function run(input: string | Buffer, chunkSize = Infinity, max?: number): FrameItem[] {
  const data = typeof input === 'string' ? Buffer.from(input) : input;
  const f = createJsonFramer(max === undefined ? {} : { maxRecordBytes: max });
  const out: FrameItem[] = [];
  const step = Math.min(chunkSize, data.length || 1);
  for (let i = 0; i < data.length; i += step) out.push(...f.push(data.subarray(i, i + step)));
  out.push(...f.end());
  return out;
}

const texts = (items: FrameItem[]) => items.map((i) => (i.ok ? i.text : `ERR ${i.reason}`));

describe('JSON value framer', () => {
  const pretty = '{\n  "a": {\n    "b": "x}{]["\n  }\n}\n{\n  "c": "q\\"}"\n}\n';

  it('frames concatenated pretty-printed values with braces and escapes inside strings', () => {
    expect(texts(run(pretty))).toEqual(['{\n  "a": {\n    "b": "x}{]["\n  }\n}', '{\n  "c": "q\\"}"\n}']);
  });

  it('gives the same records whatever the chunking (byte by byte included)', () => {
    const whole = texts(run(pretty));
    for (const size of [1, 2, 3, 7, 16]) expect(texts(run(pretty, size))).toEqual(whole);
  });

  it('unwraps array-wrapped streams and reports byte offsets', () => {
    const items = run('[ {"a":1},\n {"b":"é"} ]');
    expect(items.map((i) => (i.ok ? [i.text, i.offset] : i))).toEqual([
      ['{"a":1}', 2],
      ['{"b":"é"}', 12],
    ]);
  });

  it('frames NDJSON and skips evtx_dump "Record N" lines', () => {
    expect(texts(run('Record 1\n{"a":1}\nRecord 2\r\n{"b":2}\n', 3))).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('yields junk and scalars as records for the parser to reject', () => {
    expect(texts(run('{"a":1} hello 42 "s" } {"b":2}'))).toEqual(['{"a":1}', 'hello', '42', '"s"', '}', '{"b":2}']);
  });

  it('handles escaped backslashes before quotes across chunk boundaries', () => {
    const s = '{"p":"C:\\\\dir\\\\","q":"\\\\\\""}{"n":1}';
    for (const size of [1, 2, 5])
      expect(texts(run(s, size))).toEqual(['{"p":"C:\\\\dir\\\\","q":"\\\\\\""}', '{"n":1}']);
  });

  it('copes with 10k-deep nesting without recursion', () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const items = run(`{"d":${deep}}{"ok":1}`, 4096);
    expect(items.map((i) => i.ok && i.bytes)).toEqual([deep.length + 6, 8]);
  });

  it('reports oversize values once, skips them unbuffered and keeps the next value', () => {
    const big = `{"x":"${'z'.repeat(5000)}","y":{"k":"}"}}`;
    const items = run(`{"a":1}${big}{"b":2}`, 100, 1000);
    expect(items.map((i) => (i.ok ? i.text : `ERR ${i.reason} @${i.offset} raw=${i.raw.length}`))).toEqual([
      '{"a":1}',
      'ERR record longer than 1000 bytes @7 raw=1024',
      '{"b":2}',
    ]);
  });

  it('reports unterminated values at the end', () => {
    expect(texts(run('{"a":1}{"b":'))).toEqual(['{"a":1}', 'ERR unterminated JSON value at end of input (depth 1)']);
    expect(texts(run('{"a":"open'))).toEqual(['ERR unterminated JSON value at end of input (depth 1)']);
    expect(texts(run('"open'))).toEqual(['ERR unterminated JSON string at end of input']);
  });

  it('gives each value its bytes as a view', () => {
    const [item] = run('  {"é":1}  ', 3);
    expect(item?.ok === true && Buffer.from(item.data ?? []).toString('utf8')).toBe('{"é":1}');
  });

  it('flags invalid UTF-8 inside a value', () => {
    const [item] = run(Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]));
    expect(item).toMatchObject({ ok: true, invalidUtf8: true, text: '{"a":"\uFFFD("}' });
  });
});
