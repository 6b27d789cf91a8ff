import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusDir } from '../internal/corpus.js';
import { loadStixSchemas } from './schema-validator.js';
import { validateStix } from './validate.js';
import { stixFiles, validateFiles } from './validate-files.js';

const schemaDir = corpusDir('cti', 'stix2-json-schemas', 'schemas');
const exampleDirs = [corpusDir('cti', 'stix2-json-schemas', 'examples'), corpusDir('cti', 'stix-examples')];
const INVALID = 'malware--b42378e0-f147-496f-992a-26a49705395b';

describe.skipIf(!existsSync(schemaDir))('examples against schemas and rules (corpus)', { tags: ['corpus'] }, () => {
  const schemas = loadStixSchemas(schemaDir);
  const files = stixFiles(exampleDirs).filter((f) => !f.endsWith('sco-deterministic-id-vectors.json'));
  const results = validateFiles(files, { schemas });

  it('finds the examples', () => {
    expect(files.length).toBe(47);
  });
  it.each(results.filter((r) => !r.path.includes(INVALID)).map((r) => [path.relative(corpusDir('cti'), r.path), r]))(
    'valid: %s',
    (_name, r) => {
      expect(r.errors).toEqual([]);
      expect(r.valid).toBe(true);
    },
  );
  it('rejects the deliberately invalid object for lacking spec_version', () => {
    const bad = results.filter((r) => r.path.includes(INVALID));
    expect(bad.length).toBe(1);
    expect(bad[0]?.valid).toBe(false);
    expect(bad[0]?.errors.map((e) => `${e.path}: ${e.message}`)).toContain(
      "/objects/0: must have required property 'spec_version'",
    );
  });
  it('compiles a schema for every STIX 2.1 type', () => {
    expect(schemas.types.length).toBeGreaterThanOrEqual(40);
  });
});

const base = {
  type: 'indicator',
  spec_version: '2.1',
  id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
  created: '2016-04-06T20:03:48.000Z',
  modified: '2016-04-06T20:03:48.000Z',
  pattern: "[ipv4-addr:value = '198.51.100.1']",
  pattern_type: 'stix',
  valid_from: '2016-01-01T00:00:00Z',
};

describe('code rules', () => {
  const errs = (doc: unknown): string[] => validateStix(doc).errors.map((e) => `${e.path} ${e.rule}`);
  it('accepts a good indicator', () => expect(errs(base)).toEqual([]));
  it('needs modified at or after created', () => {
    expect(errs({ ...base, modified: '2015-01-01T00:00:00.000Z' })).toEqual(['/modified modified-before-created']);
  });
  it('checks the pattern', () => {
    expect(errs({ ...base, pattern: "[ipv4-addr:value = '1.2.3.4'" })).toEqual(['/pattern pattern']);
  });
  it('checks the id prefix of custom objects', () => {
    expect(errs({ ...base, type: 'x-thing', id: 'x-other--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' })).toContain(
      '/id id-type',
    );
  });
  it('checks reference targets', () => {
    expect(errs({ ...base, created_by_ref: 'malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' })).toEqual([
      '/created_by_ref ref-type',
    ]);
  });
  it('checks granular selectors and self-marking', () => {
    const md = {
      type: 'marking-definition',
      spec_version: '2.1',
      id: 'marking-definition--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      created: '2016-04-06T20:03:48.000Z',
      definition_type: 'statement',
      definition: { statement: 'x' },
      object_marking_refs: ['marking-definition--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f'],
      granular_markings: [{ marking_ref: TLP_RED, selectors: ['definition.statement', 'nope'] }],
    };
    expect(errs(md)).toEqual(['/object_marking_refs marking-circular', '/granular_markings/0/selectors/1 selector']);
  });
  it('checks local references in observed-data', () => {
    const od = {
      type: 'observed-data',
      spec_version: '2.1',
      id: 'observed-data--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      created: '2016-04-06T20:03:48.000Z',
      modified: '2016-04-06T20:03:48.000Z',
      first_observed: '2016-04-06T20:03:48.000Z',
      last_observed: '2016-04-06T20:03:48.000Z',
      number_observed: 1,
      objects: { '0': { type: 'network-traffic', dst_ref: '1', protocols: ['tcp'] } },
    };
    expect(errs(od)).toEqual(['/objects/0/dst_ref local-ref']);
  });
  it('checks hashes and bundles with paths', () => {
    const bundle = {
      type: 'bundle',
      id: 'bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      objects: [base, { type: 'file', id: 'file--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', hashes: { MD5: 'zz' } }],
    };
    expect(errs(bundle)).toEqual(['/objects/1/hashes/MD5 hash-format']);
  });
});

const TLP_RED = 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed';

describe('incident core extension', () => {
  it('builds incidents that validate, and rejects a bad determination', async () => {
    const { buildIncident } = await import('./incident-extension.js');
    const inc = buildIncident({
      name: 'phishing',
      core: { determination: 'suspected', investigation_status: 'new', criticality: 70 },
    });
    expect(validateStix(inc).errors).toEqual([]);
    const bad = buildIncident({
      name: 'x',
      core: { determination: 'maybe' as 'suspected', investigation_status: 'new' },
    });
    expect(validateStix(bad).errors.map((e) => e.rule)).toEqual(['incident-core']);
  });
});
