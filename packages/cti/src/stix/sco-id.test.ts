import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, idContributingProperties, scoId } from './sco-id.js';
import { corpusDir } from '../internal/corpus.js';

const vectorsFile = path.join(corpusDir('cti'), 'stix-examples/sco-deterministic-id-vectors.json');

interface Vector {
  type: string;
  id_contributing: Record<string, unknown>;
  canonical: string;
  id: string;
}

describe.skipIf(!existsSync(vectorsFile))('SCO id vectors (corpus)', { tags: ['corpus'] }, () => {
  const vectors = (JSON.parse(readFileSync(vectorsFile, 'utf8')) as { vectors: Vector[] }).vectors;
  it('has vectors', () => expect(vectors.length).toBeGreaterThan(5));
  for (const v of vectors) {
    it(`${v.type} ${v.canonical}`, () => {
      expect(canonicalJson(v.id_contributing)).toBe(v.canonical);
      expect(scoId(v.type, v.id_contributing)).toBe(v.id);
    });
  }
});

describe('scoId', () => {
  it('ignores properties that do not contribute', () => {
    expect(scoId('domain-name', { value: 'example.com', resolves_to_refs: ['ipv4-addr--x'] })).toBe(
      scoId('domain-name', { value: 'example.com' }),
    );
  });
  it('uses one preferred hash', () => {
    expect(idContributingProperties('file', { hashes: { 'SHA-256': 'aa', MD5: 'bb' }, size: 3 })).toEqual({
      hashes: { MD5: 'bb' },
    });
  });
  it('falls back to a random id without contributing properties', () => {
    const a = scoId('process', { pid: 4 });
    const b = scoId('process', { pid: 4 });
    expect(a).toMatch(/^process--[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });
  it('sorts keys canonically', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'] })).toBe('{"a":[true,null,"x"],"b":1}');
  });
});
