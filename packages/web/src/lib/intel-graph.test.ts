import { describe, expect, it } from 'vitest';
import type { IntelGraph, IntelObject } from '../api/types';
import { frontier, hopsFromRoot, mergeExpansion, readableLabel, startExploring } from './intel-graph';

const obj = (id: string, extra: Partial<IntelObject> = {}): IntelObject => ({
  id,
  type: id.slice(0, id.indexOf('--')),
  revoked: false,
  added: 0,
  source: 'local',
  object: {},
  ...extra,
});

const A = obj('indicator--a', { pattern: "[ipv4-addr:value = '203.0.113.7']" });
const B = obj('malware--b', { name: 'Implant' });
const C = obj('intrusion-set--c', { name: 'Crew' });
const D = obj('attack-pattern--d', { name: 'Phishing' });

const graphOf = (object: IntelObject, nodes: IntelObject[], edges: [string, string, string][]): IntelGraph => ({
  object,
  nodes,
  edges: edges.map(([source, type, target]) => ({ source, type, target })),
});

describe('intel graph exploration', () => {
  it('starts with the object and its neighbours, and expands one node at a time', () => {
    let x = startExploring(graphOf(A, [B], [[A.id, 'indicates', B.id]]));
    expect([...x.nodes.keys()]).toEqual([A.id, B.id]);
    expect(frontier(x).map((o) => o.id)).toEqual([B.id]);
    // B's neighbourhood repeats the edge to A (seen from the other end) and adds C and D.
    x = mergeExpansion(
      x,
      graphOf(
        B,
        [A, C, D],
        [
          [A.id, 'indicates', B.id],
          [C.id, 'uses', B.id],
          [B.id, 'uses', D.id],
        ],
      ),
    );
    expect(x.nodes.size).toBe(4);
    expect(x.edges.size).toBe(3);
    expect(frontier(x).map((o) => o.id)).toEqual([C.id, D.id]);
    expect(Object.fromEntries(hopsFromRoot(x))).toEqual({ [A.id]: 0, [B.id]: 1, [C.id]: 2, [D.id]: 2 });
    expect(x.root).toBe(A.id);
  });

  it('labels objects by name, else the pattern value, else type and id', () => {
    expect(readableLabel(A)).toBe('203.0.113.7');
    expect(readableLabel(B)).toBe('Implant');
    expect(
      readableLabel(obj('indicator--x', { pattern: "[file:hashes.MD5 = 'aa'] OR [file:hashes.MD5 = 'bb']" })),
    ).toBe('aa +1');
    expect(readableLabel(obj('identity--12345678-9abc'))).toBe('identity 12345678');
    expect(readableLabel(obj('malware--z', { name: 'x'.repeat(60) }), 20)).toBe(`${'x'.repeat(19)}…`);
  });
});
