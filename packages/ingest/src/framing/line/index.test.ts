import { describe, expect, it } from 'vitest';
import type { FrameItem } from '../types.js';
import { createLineFramer } from './index.js';

function run(chunks: (string | Buffer)[], max?: number): FrameItem[] {
  const f = createLineFramer(max === undefined ? {} : { maxRecordBytes: max });
  const out: FrameItem[] = [];
  for (const c of chunks) out.push(...f.push(typeof c === 'string' ? Buffer.from(c) : c));
  out.push(...f.end());
  return out;
}

describe('line framer', () => {
  it('splits on LF and CRLF with byte offsets, skipping empty lines, keeping the unterminated last line', () => {
    expect(run(['a\r\nbb\n\nccc'])).toMatchObject([
      { ok: true, text: 'a', offset: 0, bytes: 1, invalidUtf8: false },
      { ok: true, text: 'bb', offset: 3, bytes: 2, invalidUtf8: false },
      { ok: true, text: 'ccc', offset: 7, bytes: 3, invalidUtf8: false },
    ]);
  });

  it('gives each record its bytes as a view', () => {
    const [a] = run(['héllo\n']);
    expect(a?.ok === true && Buffer.from(a.data ?? []).toString('utf8')).toBe('héllo');
  });

  it('decodes multi-byte characters split across chunks, with byte offsets', () => {
    const bytes = Buffer.from('é€\n😀x\n');
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    expect(run(chunks).map((i) => (i.ok ? [i.text, i.offset, i.invalidUtf8] : i))).toEqual([
      ['é€', 0, false],
      ['😀x', 6, false],
    ]);
  });

  it('flags invalid UTF-8 and replaces it, but not a genuine U+FFFD', () => {
    const [bad, good] = run([Buffer.concat([Buffer.from([0x61, 0xff, 0x62, 0x0a]), Buffer.from('\uFFFD\n')])]);
    expect(bad).toMatchObject({ ok: true, text: 'a\uFFFDb', invalidUtf8: true });
    expect(good).toMatchObject({ ok: true, text: '\uFFFD', invalidUtf8: false });
  });

  it('reports oversize lines once, drops them without buffering, and keeps the next line', () => {
    const long = 'x'.repeat(100);
    const items = run(['ok1\n', long.slice(0, 40), long.slice(40), '\nok2\n'], 50);
    expect(items.map((i) => (i.ok ? i.text : `${i.reason}@${i.offset}:${i.raw.length}`))).toEqual([
      'ok1',
      'record longer than 50 bytes@4:100',
      'ok2',
    ]);
    const whole = run([`${long}\nnext\n`], 50);
    expect(whole.map((i) => (i.ok ? i.text : `${i.reason}@${i.offset}`))).toEqual([
      'record longer than 50 bytes@0',
      'next',
    ]);
  });

  it('handles a 1 MB line within a 2 MB limit and keeps offsets across many chunks', () => {
    const big = 'y'.repeat(1 << 20);
    const data = Buffer.from(`a\n${big}\nb\n`);
    const chunks: Buffer[] = [];
    for (let i = 0; i < data.length; i += 65536) chunks.push(data.subarray(i, i + 65536));
    const items = run(chunks, 2 << 20);
    expect(items.map((i) => (i.ok ? [i.bytes, i.offset] : i))).toEqual([
      [1, 0],
      [1 << 20, 2],
      [1, (1 << 20) + 3],
    ]);
  });
});
