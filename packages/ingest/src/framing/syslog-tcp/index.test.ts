import { describe, expect, it } from 'vitest';
import type { FrameItem } from '../types.js';
import { createSyslogFramer } from './index.js';

function run(chunks: string[], max?: number): string[] {
  const f = createSyslogFramer(max === undefined ? {} : { maxMessageBytes: max });
  const out: FrameItem[] = [];
  for (const c of chunks) out.push(...f.push(Buffer.from(c)));
  out.push(...f.end());
  return out.map((i) => (i.ok ? `${i.offset}:${i.text}` : `ERR@${i.offset} ${i.reason}`));
}

describe('syslog TCP framer (RFC 6587)', () => {
  it('splits octet-counted frames, also when split across chunks', () => {
    const stream = '11 <13>hello a12 <13>hello\nbb';
    expect(run([stream])).toEqual(['3:<13>hello a', '17:<13>hello\nbb']);
    expect(run(stream.split(''))).toEqual(['3:<13>hello a', '17:<13>hello\nbb']);
  });

  it('splits newline-framed messages (LF, CRLF, NUL) and mixes with octet counting', () => {
    expect(run(['<13>one\r\n<13>two\n', '<13>thr', 'ee\u0000', '8 <13>four<13>five\n'])).toEqual([
      '0:<13>one',
      '9:<13>two',
      '17:<13>three',
      '29:<13>four',
      '37:<13>five',
    ]);
  });

  it('reports oversize octet-counted frames and skips exactly their bytes', () => {
    expect(run(['20 ', 'x'.repeat(20), '5 <13>a'], 10)).toEqual(['ERR@0 message of 20 bytes exceeds 10', '25:<13>a']);
  });

  it('reports oversize newline-framed messages without buffering them', () => {
    expect(run(['<13>' + 'x'.repeat(30), 'y'.repeat(30), '\n<13>ok\n'], 16)).toEqual([
      'ERR@0 message longer than 16 bytes without a line break',
      '65:<13>ok',
    ]);
    expect(run(['<13>' + 'x'.repeat(20) + '\n<13>ok\n'], 16)).toEqual([
      'ERR@0 message longer than 16 bytes',
      '25:<13>ok',
    ]);
  });

  it('reports a connection closed inside an octet-counted frame, and keeps a last unterminated message', () => {
    expect(run(['10 <13>ab'])).toEqual(['ERR@0 connection closed inside an octet-counted frame']);
    expect(run(['<13>last'])).toEqual(['0:<13>last']);
  });

  it('treats digits without a space as a plain message', () => {
    expect(run(['123abc\n'])).toEqual(['0:123abc']);
  });
});
