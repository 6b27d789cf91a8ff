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
});
