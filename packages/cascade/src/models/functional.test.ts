import { describe, expect, it } from 'vitest';
import { isAppError } from '@intersoc/core';
import { referenceRounds } from '../internal/reference.js';
import { compile } from '../model/compiled.js';
import { DependencyGraph } from '../model/graph.js';
import type { Dependency, Entity, GraphData } from '../model/types.js';
import { cascadeRounds, cascadeTimed, cascadeTimes, TimedScratch } from './functional.js';
import { randomGraph } from './generate.js';

const dep = (source: string, target: string, extra: Partial<Dependency> = {}): Dependency => ({
  source,
  target,
  type: 'physical',
  strength: 1,
  ttiHours: 0,
  recoveryHours: 0,
  ...extra,
});
const ent = (id: string, extra: Partial<Entity> = {}): Entity => ({
  id,
  kind: 'asset',
  minInputs: 1,
  buffers: {},
  ...extra,
});
const compiled = (data: GraphData) => compile(DependencyGraph.from(data));

describe('functional cascade in rounds', () => {
  it('energy → telecom → finance: each round the next layer', () => {
    const c = compiled({
      entities: [],
      dependencies: [dep('telecom', 'energy'), dep('bank', 'telecom'), dep('shop', 'bank'), dep('other', 'water')],
    });
    expect(cascadeRounds(c, ['energy'])).toEqual({
      failed: ['energy', 'telecom', 'bank', 'shop'],
      steps: [['energy'], ['telecom'], ['bank'], ['shop']],
    });
  });

  it('min_inputs: a node with two feeds survives one loss and fails on the second', () => {
    const data = {
      entities: [ent('dc', { minInputs: 1 }), ent('hospital', { minInputs: 2 })],
      dependencies: [dep('dc', 'feed-a'), dep('dc', 'feed-b'), dep('hospital', 'feed-a'), dep('hospital', 'feed-b')],
    };
    expect(cascadeRounds(compiled(data), ['feed-a']).failed).toEqual(['feed-a', 'hospital']);
    expect(cascadeRounds(compiled(data), ['feed-a', 'feed-b']).steps).toEqual([
      ['feed-a', 'feed-b'],
      ['dc', 'hospital'],
    ]);
  });

  it('nodes without suppliers fail only when seeded; seeds count once', () => {
    const c = compiled({ entities: [ent('lonely')], dependencies: [dep('a', 'b')] });
    expect(cascadeRounds(c, ['b', 'b'])).toEqual({ failed: ['b', 'a'], steps: [['b'], ['a']] });
    expect(cascadeRounds(c, ['lonely'])).toEqual({ failed: ['lonely'], steps: [['lonely']] });
  });

  it('an unknown seed is NOT_FOUND, naming it', () => {
    const c = compiled({ entities: [], dependencies: [dep('a', 'b')] });
    try {
      cascadeRounds(c, ['nope']);
      expect.unreachable();
    } catch (err) {
      expect(isAppError(err, 'NOT_FOUND')).toBe(true);
      expect((err as Error).message).toContain('nope');
    }
  });

  it('equals the full-sweep reference on 200 random graphs', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const data = randomGraph({ n: 40 + (seed % 60), m: 80 + seed * 2, seed });
      const c = compiled(data);
      const seeds = [`e${seed % 17}`, `e${(seed * 7) % 31}`];
      const got = cascadeRounds(c, seeds);
      const want = referenceRounds(data, seeds).map((s) => [...s].sort());
      expect(
        got.steps.map((s) => [...s].sort()),
        `seed ${seed}`,
      ).toEqual(want);
    }
  });
});

describe('functional cascade in time', () => {
  it('adds times to impact and the buffer of the type that tipped the entity', () => {
    const c = compiled({
      entities: [ent('telecom', { buffers: { physical: 4 } }), ent('bank')],
      dependencies: [
        dep('telecom', 'energy', { ttiHours: 0.5 }),
        dep('bank', 'telecom', { type: 'cyber', ttiHours: 1 }),
      ],
    });
    expect(cascadeTimed(c, ['energy'])).toEqual([
      { id: 'energy', at: 0 },
      { id: 'telecom', at: 4.5 },
      { id: 'bank', at: 5.5 },
    ]);
  });

  it('with min_inputs 2 the second loss decides the time', () => {
    const c = compiled({
      entities: [ent('x', { minInputs: 2 })],
      dependencies: [dep('x', 'a', { ttiHours: 1 }), dep('x', 'b', { ttiHours: 5 }), dep('x', 'c', { ttiHours: 3 })],
    });
    // x has three suppliers and needs two: it fails at the second loss.
    expect(cascadeTimed(c, ['a', 'b', 'c']).find((f) => f.id === 'x')?.at).toBe(3);
    expect(cascadeTimed(c, ['a', 'b']).find((f) => f.id === 'x')?.at).toBe(5);
    expect(cascadeTimed(c, ['a']).find((f) => f.id === 'x')).toBeUndefined();
  });

  it('the smallest buffer among the inputs lost by the threshold applies; a later loss can end it sooner', () => {
    const c = compiled({
      entities: [ent('x', { minInputs: 2, buffers: { physical: 4 } }), ent('y', { buffers: { physical: 4 } })],
      dependencies: [
        dep('x', 'power', { ttiHours: 5 }),
        dep('x', 'net', { type: 'cyber', ttiHours: 5 }),
        dep('y', 'feed-a'),
        dep('y', 'feed-b', { ttiHours: 2 }),
        dep('y', 'dns', { type: 'cyber', ttiHours: 3 }),
      ],
    });
    const at = (seeds: string[], id: string) => cascadeTimed(c, seeds).find((f) => f.id === id)?.at;
    expect(at(['power', 'net'], 'x')).toBe(5);
    // y needs 1 of 3: the third loss (at 3) crosses the threshold; its smallest buffer (cyber: 0) applies.
    expect(at(['feed-a', 'feed-b', 'dns'], 'y')).toBe(3);
    const y2 = compiled({
      entities: [ent('y', { buffers: { physical: 4 } })],
      dependencies: [
        dep('y', 'feed-a'),
        dep('y', 'feed-b', { ttiHours: 2 }),
        dep('y', 'dns', { type: 'cyber', ttiHours: 7 }),
      ],
    });
    // Threshold at 7 with the cyber loss: 7 + 0.
    expect(cascadeTimed(y2, ['feed-a', 'feed-b', 'dns']).find((f) => f.id === 'y')?.at).toBe(7);
  });

  it('the bucket queue and the binary heap give the same times', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const data = randomGraph({ n: 150, m: 500, seed, fragile: 0.5 });
      const c = compiled(data);
      const seeds = [{ index: seed % 150 }, { index: (seed * 13) % 150, at: 3 }];
      const scratch = new TimedScratch(c);
      expect(scratch.buckets, 'integer hours fit a bucket queue').toBeDefined();
      const buckets = Array.from(cascadeTimes(c, seeds, { scratch }));
      const heap = Array.from(cascadeTimes(c, seeds, { scratch, queue: 'heap' }));
      expect(buckets).toEqual(heap);
      expect(buckets.filter((t) => t !== Number.POSITIVE_INFINITY).length).toBeGreaterThan(2);
    }
  });

  it('reaches the same set as the rounds on random graphs (times only reorder)', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const data = randomGraph({ n: 80, m: 240, seed, integerHours: false });
      const c = compiled(data);
      const seeds = [`e${seed}`];
      expect(new Set(cascadeTimed(c, seeds).map((f) => f.id))).toEqual(new Set(cascadeRounds(c, seeds).failed));
    }
  });
});
