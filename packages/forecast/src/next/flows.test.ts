import { describe, expect, it } from 'vitest';
import { parseAfb, parseFlowBundle } from './flows.js';

describe('attack flow reading', () => {
  it('joins builder actions through conditions and operators, not through assets', () => {
    const anchors = (p: string): Record<string, string> => ({ '0': `${p}-a0`, '90': `${p}-a1` });
    const doc = {
      schema: 'attack_flow_v2',
      objects: [
        {
          id: 'action',
          instance: 'A',
          properties: [
            ['technique_id', 'T1566.001'],
            ['tactic_id', 'TA0001'],
          ],
          anchors: anchors('A'),
        },
        { id: 'condition', instance: 'C', properties: [['description', 'opened']], anchors: anchors('C') },
        { id: 'action', instance: 'B', properties: [['technique_id', 't1204.002']], anchors: anchors('B') },
        { id: 'OR_operator', instance: 'O', anchors: anchors('O') },
        { id: 'action', instance: 'D', properties: [['technique_id', 'T1059.001']], anchors: anchors('D') },
        { id: 'asset', instance: 'S', properties: [['name', 'host']], anchors: anchors('S') },
        { id: 'action', instance: 'E', properties: [['technique_id', 'T1486']], anchors: anchors('E') },
        { id: 'horizontal_anchor', instance: 'A-a1', latches: ['L1'] },
        { id: 'horizontal_anchor', instance: 'C-a1', latches: ['L2'] },
        { id: 'horizontal_anchor', instance: 'B-a1', latches: ['L3'] },
        { id: 'horizontal_anchor', instance: 'O-a1', latches: ['L4'] },
        { id: 'horizontal_anchor', instance: 'D-a1', latches: ['L5'] },
        { id: 'horizontal_anchor', instance: 'S-a1', latches: ['L6'] },
        { id: 'dynamic_line', instance: 'x1', source: 'L1', target: 'C-a0' },
        { id: 'dynamic_line', instance: 'x2', source: 'L2', target: 'B-a0' },
        { id: 'dynamic_line', instance: 'x3', source: 'L3', target: 'O-a0' },
        { id: 'dynamic_line', instance: 'x4', source: 'L4', target: 'D-a0' },
        { id: 'dynamic_line', instance: 'x5', source: 'L5', target: 'S-a0' },
        { id: 'dynamic_line', instance: 'x6', source: 'L6', target: 'E-a0' },
      ],
    };
    const f = parseAfb(doc, 'fixture');
    expect(f.actions.get('A')).toEqual({ technique: 'T1566.001', tactic: 'TA0001' });
    expect(f.actions.get('B')).toEqual({ technique: 'T1204.002' });
    expect([...f.edges].sort()).toEqual([
      ['A', 'B'],
      ['B', 'D'],
    ]);
  });

  it('reads STIX attack-action bundles the same way', () => {
    const f = parseFlowBundle(
      {
        type: 'bundle',
        objects: [
          { type: 'attack-action', id: 'a', technique_id: 'T1190', effect_refs: ['c'] },
          { type: 'attack-condition', id: 'c', on_true_refs: ['b'] },
          { type: 'attack-action', id: 'b', technique_id: 'T1505.003', effect_refs: ['x'] },
          { type: 'attack-asset', id: 'x' },
        ],
      },
      'bundle',
    );
    expect(f.edges).toEqual([['a', 'b']]);
  });

  it('gives an empty flow for junk instead of throwing', () => {
    for (const junk of [null, 42, 'x', { objects: 'no' }, { objects: [null, 1, { id: 'dynamic_line' }] }]) {
      expect(parseAfb(junk, 'j').edges).toEqual([]);
      expect(parseFlowBundle(junk, 'j').edges).toEqual([]);
    }
  });
});
