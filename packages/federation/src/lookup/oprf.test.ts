import { describe, expect, it } from 'vitest';
import { blindInputs, finalizeTags, lookupInput, LookupServer, TagSet } from './oprf.js';

const seed = (n: number) => new Uint8Array(32).fill(n);
const enc = (kind: 'ip' | 'domain', v: string) => lookupInput(kind, v) as Uint8Array;

describe('private lookups (VOPRF over ristretto255)', () => {
  const server = new LookupServer(seed(7));
  const held = [enc('ip', '198.51.100.7'), enc('domain', 'evil.example')];
  const published = TagSet.unpack(TagSet.pack(held.map((h) => server.tag(h))));

  it('answers membership for the asker, through blinded evaluation', () => {
    const q = blindInputs([enc('ip', '198.51.100.7'), enc('domain', 'EVIL.example.'), enc('ip', '203.0.113.1')]);
    const { evaluated, proof } = server.evaluate(q.blinded);
    const tags = finalizeTags(q, evaluated, proof, server.publicKey);
    expect(tags.map((t) => published.has(t))).toEqual([true, true, false]);
  });

  it('shows the server only random-looking points: the same value blinds differently each time', () => {
    const a = blindInputs([enc('ip', '198.51.100.7')]).blinded[0] as Uint8Array;
    const b = blindInputs([enc('ip', '198.51.100.7')]).blinded[0] as Uint8Array;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it('refuses an evaluation made with another key than the published one', () => {
    const other = new LookupServer(seed(8));
    const q = blindInputs([enc('ip', '198.51.100.7')]);
    const { evaluated, proof } = other.evaluate(q.blinded);
    expect(() => finalizeTags(q, evaluated, proof, server.publicKey)).toThrow();
  });

  it('gives tags that cannot be computed without the key', () => {
    const other = new LookupServer(seed(9));
    expect(published.has(other.tag(held[0] as Uint8Array))).toBe(false);
    expect(lookupInput('ip', 'not an ip')).toBeUndefined();
  });
});
