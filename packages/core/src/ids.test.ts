import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventId, stableId } from './ids.js';

describe('ids', () => {
  it('gives the same event id from a record text and from its UTF-8 bytes', () => {
    const raw = '{"msg":"café 🚀"}';
    expect(eventId('t', 'file:/x:0', Buffer.from(raw, 'utf8'))).toBe(eventId('t', 'file:/x:0', raw));
    expect(eventId('t', 'file:/x:0', raw)).toMatch(/^[0-9a-f]{32}$/);
  });
  it('separates parts so that different splits give different ids', () => {
    expect(eventId('ab', 'c', 'x')).not.toBe(eventId('a', 'bc', 'x'));
    expect(stableId('ab', 'c')).not.toBe(stableId('a', 'bc'));
  });
  it('keeps stable ids as they were: SHA-256 over each part followed by a NUL', () => {
    // Stored incidents and alerts are keyed by these ids: a faster hash must give the same ones.
    for (const parts of [['t1', 'incident', 'alert-1'], [], ['café 🚀', ''], ['a'.repeat(5_000)]]) {
      const h = createHash('sha256');
      for (const p of parts) h.update(p).update('\0');
      expect(stableId(...parts)).toBe(h.digest('hex').slice(0, 32));
    }
  });
});
