import { describe, expect, it } from 'vitest';
import { isAppError, type AppErrorCode } from '@intersoc/core';
import { toGraphml } from '../export/graphml.js';
import { DependencyGraph } from '../model/graph.js';
import { cascadeRounds } from '../models/functional.js';
import { compile } from '../model/compiled.js';
import { importGraph } from './detect.js';
import { graphFromStix, toStixBundle } from './stix.js';

const CSV = `source,target,type,strength,min_inputs_of_source
telecom-site-7,substation-1,physical,0.9,1
payments,telecom-site-7,cyber,1,1
payments,backup-link,cyber,1,1
hospital,substation-1,physical,1,2
hospital,generator,physical,1,2
`;

function code(f: () => unknown): AppErrorCode | undefined {
  try {
    f();
  } catch (err) {
    return isAppError(err) ? err.code : 'INTERNAL';
  }
  return undefined;
}

describe('import', () => {
  it('reads the dependency CSV: source depends on target, min_inputs of the source', () => {
    const r = importGraph(CSV);
    expect(r.format).toBe('csv');
    const g = DependencyGraph.from(r.data);
    expect(g.suppliers('payments').sort()).toEqual(['backup-link', 'telecom-site-7']);
    expect(g.entity('hospital')?.minInputs).toBe(2);
    expect(g.entity('substation-1')?.minInputs).toBe(1);
    expect(r.data.dependencies.find((d) => d.source === 'telecom-site-7')).toMatchObject({
      type: 'physical',
      strength: 0.9,
    });
    expect(cascadeRounds(compile(g), ['substation-1']).steps).toEqual([
      ['substation-1'],
      ['hospital', 'telecom-site-7'],
    ]);
  });

  it('reports bad CSV rows with their line and a code, never a crash', () => {
    expect(code(() => importGraph('source,target,type\na,b,electric\n'))).toBe('VALIDATION');
    expect(code(() => importGraph('source,target,strength\na,b,2\n'))).toBe('VALIDATION');
    expect(code(() => importGraph('source,target\n"a,b\n', { format: 'csv' }))).toBe('PARSE');
    expect(code(() => importGraph('source,target,min_inputs_of_source\na,b,1.5\n'))).toBe('VALIDATION');
    expect(code(() => importGraph('source,target\n,b\n'))).toBe('VALIDATION');
    try {
      importGraph('source,target,type\na,b,physical\nc,d,electric\n');
    } catch (err) {
      expect((err as Error).message).toContain('line 3');
    }
  });

  it('warns on conflicting min_inputs, repeats and entities that need more suppliers than they have', () => {
    const r = importGraph(
      'source,target,type,strength,min_inputs_of_source\na,b,physical,1,1\na,c,physical,1,3\na,c,cyber,1,3\n',
    );
    expect(r.warnings.join('\n')).toMatch(/changes from 1 to 3/);
    expect(r.warnings.join('\n')).toMatch(/repeated/);
    expect(r.warnings.join('\n')).toMatch(/need more suppliers/);
  });

  it('reads headerless edge lists as undirected links with coordinates', () => {
    const r = importGraph('1,2\n2,3\n3,3\n', { format: 'csv', coordinates: '1,50.1,4.2\n2,51,5\n' });
    expect(r.format).toBe('edgelist');
    expect(r.data.dependencies).toHaveLength(4);
    expect(r.data.entities.find((e) => e.id === '1')).toMatchObject({ lat: 50.1, lon: 4.2, sector: 'energy' });
    expect(r.warnings).toEqual(['1 self-links ignored']);
  });

  it('reads JSON strictly', () => {
    const r = importGraph(
      JSON.stringify({
        entities: [{ id: 'x', kind: 'service', buffers: { physical: 8 } }],
        dependencies: [{ source: 'x', target: 'y' }],
      }),
    );
    expect(r.format).toBe('json');
    expect(r.data.entities[0]).toMatchObject({ id: 'x', kind: 'service', minInputs: 1, buffers: { physical: 8 } });
    expect(code(() => importGraph('{"dependencies":[{"source":"a","target":"b","strenght":1}]}'))).toBe('VALIDATION');
    expect(code(() => importGraph('{"dependencies":', { format: 'json' }))).toBe('PARSE');
  });

  it('round-trips GraphML and STIX', () => {
    const g = DependencyGraph.from({
      entities: [
        { id: 'grid-op', kind: 'organisation', sector: 'energy', minInputs: 1, buffers: {}, peer: 'ab'.repeat(16) },
        {
          id: 'sub & <1>',
          kind: 'asset',
          org: 'grid-op',
          minInputs: 1,
          buffers: { physical: 8 },
          asset: 'scada-01',
          lat: 50,
          lon: 4,
        },
      ],
      dependencies: [
        { source: 'telecom', target: 'sub & <1>', type: 'physical', strength: 0.75, ttiHours: 1.5, recoveryHours: 12 },
        { source: 'bank', target: 'telecom', type: 'cyber', strength: 1, ttiHours: 0, recoveryHours: 4 },
      ],
    });
    const data = g.toData();
    const back = importGraph(toGraphml(data));
    expect(back.format).toBe('graphml');
    expect(DependencyGraph.from(back.data).toData()).toEqual(data);
    const bundle = toStixBundle(data, { graph: 'g', time: '2026-01-01T00:00:00.000Z' });
    const fromStix = importGraph(JSON.stringify(bundle));
    expect(fromStix.format).toBe('stix');
    expect(DependencyGraph.from(fromStix.data).toData()).toEqual(data);
    // Deterministic ids: the same graph gives the same objects.
    expect(toStixBundle(data, { graph: 'g', time: '2026-01-01T00:00:00.000Z' })).toEqual(bundle);
  });

  it('reads plain STIX infrastructure with depends-on relationships, ignoring the rest', () => {
    const t = '2026-01-01T00:00:00.000Z';
    const infra = (n: number, name: string) => ({
      type: 'infrastructure',
      spec_version: '2.1',
      id: `infrastructure--00000000-0000-4000-8000-00000000000${n}`,
      created: t,
      modified: t,
      name,
    });
    const r = graphFromStix({
      type: 'bundle',
      id: 'bundle--00000000-0000-4000-8000-000000000000',
      objects: [
        infra(1, 'power plant'),
        infra(2, 'data centre'),
        {
          type: 'relationship',
          spec_version: '2.1',
          id: 'relationship--00000000-0000-4000-8000-000000000009',
          created: t,
          modified: t,
          relationship_type: 'depends-on',
          source_ref: 'infrastructure--00000000-0000-4000-8000-000000000002',
          target_ref: 'infrastructure--00000000-0000-4000-8000-000000000001',
        },
        {
          type: 'relationship',
          spec_version: '2.1',
          id: 'relationship--00000000-0000-4000-8000-000000000008',
          created: t,
          modified: t,
          relationship_type: 'uses',
          source_ref: 'infrastructure--00000000-0000-4000-8000-000000000002',
          target_ref: 'infrastructure--00000000-0000-4000-8000-000000000001',
        },
      ],
    });
    expect(r.data.dependencies).toEqual([
      { source: 'data centre', target: 'power plant', type: 'physical', strength: 1, ttiHours: 0, recoveryHours: 0 },
    ]);
    expect(r.warnings).toEqual(['1 other STIX objects ignored']);
  });

  it('refuses XML with entities, and malformed XML, with a code', () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><graphml><graph>&lol;</graph></graphml>';
    expect(code(() => importGraph(bomb))).toBe('UNSUPPORTED');
    expect(code(() => importGraph('<graphml><graph><node id="a"></graph>'))).toBe('PARSE');
    expect(code(() => importGraph('<graphml></graphml>'))).toBe('PARSE');
  });
});
