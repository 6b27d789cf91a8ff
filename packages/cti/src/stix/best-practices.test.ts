import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusDir } from '../internal/corpus.js';
import { loadStixSchemas } from './schema-validator.js';
import { validateStix } from './validate.js';

const indicator = {
  type: 'indicator',
  spec_version: '2.1',
  id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
  created: '2016-04-06T20:03:48.000Z',
  modified: '2016-04-06T20:03:48.000Z',
  name: 'C2 address',
  description: 'Command and control server',
  indicator_types: ['malicious-activity'],
  pattern: "[ipv4-addr:value = '198.51.100.1']",
  pattern_type: 'stix',
  valid_from: '2016-01-01T00:00:00Z',
};

const warnings = (doc: unknown, schemas?: ReturnType<typeof loadStixSchemas>): string[] => {
  const v = validateStix(doc, schemas ? { schemas } : {});
  // Warnings never make a document invalid.
  expect(v.errors).toEqual([]);
  return v.warnings.map((w) => `${w.path} ${w.rule}`);
};

describe('best practices as warnings (code only)', () => {
  it('has none for a well-made indicator', () => expect(warnings(indicator)).toEqual([]));
  it('wants UUIDv4 ids for domain objects and UUIDv5 for observables', () => {
    expect(warnings({ ...indicator, id: 'indicator--8e2e2d2b-17d4-1cbf-938f-98ee46b3cd3f' })).toEqual([
      '/id uuid-check',
    ]);
    expect(
      warnings({ type: 'ipv4-addr', id: 'ipv4-addr--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', value: '198.51.100.1' }),
    ).toEqual(['/id uuid-check']);
    expect(warnings({ type: 'process', id: 'process--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', pid: 4 })).toEqual([]);
  });
  it('wants custom types named x-<source>-<name>', () => {
    const custom = { ...indicator, type: 'x-thing', id: 'x-thing--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' };
    expect(warnings(custom)).toContain('/type custom-prefix');
    expect(
      warnings({ ...custom, type: 'x-acme-thing', id: 'x-acme-thing--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' }),
    ).not.toContain('/type custom-prefix');
  });
  it('wants indicators named and described', () => {
    const { name: _n, ...unnamed } = indicator;
    expect(warnings(unnamed)).toEqual(['/ indicator-properties']);
  });
  it('flags deprecated properties, unhashed external references and open-vocabulary format', () => {
    expect(
      warnings({ ...indicator, external_references: [{ source_name: 'x', url: 'https://example.org/r' }] }),
    ).toEqual(['/external_references/0 extref-hashes']);
    expect(warnings({ ...indicator, indicator_types: ['Malicious Activity'] })).toEqual([
      '/indicator_types open-vocab-format',
    ]);
    expect(
      warnings({
        ...indicator,
        kill_chain_phases: [{ kill_chain_name: 'lockheed_martin', phase_name: 'recon' }],
      }),
    ).toEqual(['/kill_chain_phases/0/kill_chain_name kill-chain-names']);
  });
  it('flags versions of one object that share modified (duplicate-ids)', () => {
    const bundle = {
      type: 'bundle',
      id: 'bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      objects: [indicator, indicator],
    };
    expect(warnings(bundle)).toEqual(['/objects/1 duplicate-ids']);
    expect(
      warnings({ ...bundle, objects: [indicator, { ...indicator, modified: '2017-01-01T00:00:00.000Z' }] }),
    ).toEqual([]);
  });
});

const schemaDir = corpusDir('cti', 'stix2-json-schemas', 'schemas');

describe.skipIf(!existsSync(schemaDir))(
  'best practices that read the OASIS schemas (corpus)',
  { tags: ['corpus'] },
  () => {
    const schemas = loadStixSchemas(schemaDir);
    it('has none for a well-made indicator', () => expect(warnings(indicator, schemas)).toEqual([]));
    it('wants custom properties named x_<source>_<name>', () => {
      expect(warnings({ ...indicator, priority: 'high' }, schemas)).toEqual(['/priority custom-prefix']);
      expect(warnings({ ...indicator, x_acme_priority: 'high' }, schemas)).toEqual([]);
    });
    it('checks open vocabularies against the values the schemas list', () => {
      expect(warnings({ ...indicator, indicator_types: ['malicious-activity', 'evil'] }, schemas)).toEqual([
        '/indicator_types indicator-types',
      ]);
      const tool = {
        type: 'tool',
        spec_version: '2.1',
        id: 'tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
        created: '2016-04-06T20:03:48.000Z',
        modified: '2016-04-06T20:03:48.000Z',
        name: 'psexec',
        tool_types: ['remote-access'],
      };
      expect(warnings(tool, schemas)).toEqual([]);
      expect(warnings({ ...tool, tool_types: ['hammer'] }, schemas)).toEqual(['/tool_types tool-types']);
    });
  },
);
