import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusDir } from '../internal/corpus.js';
import { loadStixSchemas } from './schema-validator.js';
import { validateStix } from './validate.js';
import { stixFiles, validateFiles } from './validate-files.js';

const schemaDir = corpusDir('cti', 'stix2-json-schemas', 'schemas');
const exampleDirs = [corpusDir('cti', 'stix2-json-schemas', 'examples'), corpusDir('cti', 'stix-examples')];
/** A STIX 2.0 bundle (spec_version on the bundle, none on its object) among the 2.1 examples. */
const V20_BUNDLE = 'malware--b42378e0-f147-496f-992a-26a49705395b';

describe.skipIf(!existsSync(schemaDir))('examples against schemas and rules (corpus)', { tags: ['corpus'] }, () => {
  const schemas = loadStixSchemas(schemaDir);
  const files = stixFiles(exampleDirs).filter((f) => !f.endsWith('sco-deterministic-id-vectors.json'));
  const results = validateFiles(files, { schemas });

  it('finds the examples', () => {
    expect(files.length).toBe(47);
  });
  it.each(results.map((r) => [path.relative(corpusDir('cti'), r.path), r]))('valid: %s', (_name, r) => {
    expect(r.errors).toEqual([]);
    expect(r.valid).toBe(true);
  });
  it('reads the 2.0 bundle whose object lacks spec_version as valid STIX 2.0', () => {
    const file = files.find((f) => f.includes(V20_BUNDLE));
    expect(file).toBeDefined();
    const doc = JSON.parse(readFileSync(file as string, 'utf8')) as { spec_version?: string };
    expect(doc.spec_version).toBe('2.0');
    const v = validateStix(doc, { schemas });
    expect(v).toMatchObject({ valid: true, version: '2.0', errors: [] });
    // Read as 2.1, the object misses the spec_version 2.1 requires of every object.
    expect(validateStix(doc, { schemas, version: '2.1' }).errors.map((e) => `${e.path}: ${e.message}`)).toContain(
      "/objects/0: must have required property 'spec_version'",
    );
  });
  it('reports best practices as warnings without failing the examples', () => {
    const rules = new Map<string, number>();
    for (const r of results) for (const w of r.warnings) rules.set(w.rule, (rules.get(w.rule) ?? 0) + 1);
    console.log(
      `stix examples: ${results.length} files, warnings by check: ${JSON.stringify(Object.fromEntries(rules))}`,
    );
    expect(results.every((r) => r.valid)).toBe(true);
    expect(rules.size).toBeGreaterThan(0);
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

describe('versions', () => {
  const v20Indicator = {
    type: 'indicator',
    id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
    created: '2016-04-06T20:03:48.000Z',
    modified: '2016-04-06T20:03:48.000Z',
    labels: ['malicious-activity'],
    pattern: "[ipv4-addr:value = '198.51.100.1']",
    valid_from: '2016-01-01T00:00:00Z',
  };
  const bundle20 = (objects: unknown[]) => ({
    type: 'bundle',
    id: 'bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
    spec_version: '2.0',
    objects,
  });
  const errs = (doc: unknown): string[] => validateStix(doc).errors.map((e) => `${e.path} ${e.rule}`);

  it('reads the objects of a 2.0 bundle as STIX 2.0', () => {
    const v = validateStix(bundle20([v20Indicator]));
    expect(v).toMatchObject({ valid: true, version: '2.0', errors: [] });
  });
  it('applies the 2.0 requirements to them', () => {
    const { labels: _labels, ...unlabelled } = v20Indicator;
    expect(errs(bundle20([unlabelled]))).toEqual(['/objects/0 required']);
    // 2.0 patterns have no EXISTS
    expect(errs(bundle20([{ ...v20Indicator, pattern: '[EXISTS ipv4-addr:value]' }]))).toEqual([
      '/objects/0/pattern pattern',
    ]);
  });
  it('keeps requiring spec_version of a 2.1 object', () => {
    const { spec_version: _sv, ...noVersion } = base;
    expect(errs(noVersion)).toContain('/ required');
    expect(
      errs({ type: 'bundle', id: 'bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', objects: [noVersion] }),
    ).toContain('/objects/0 required');
  });
  it('rejects a bundle version it does not know', () => {
    expect(errs({ ...bundle20([v20Indicator]), spec_version: '3.0' })).toContain('/spec_version bundle');
  });
});

describe('lang is an RFC 5646 tag', () => {
  const errs = (doc: unknown): string[] => validateStix(doc).errors.map((e) => `${e.path} ${e.rule}`);
  it('on objects', () => {
    expect(errs({ ...base, lang: 'en-US' })).toEqual([]);
    expect(errs({ ...base, lang: 'en_US' })).toEqual(['/lang lang']);
    expect(errs({ ...base, lang: 'english!' })).toEqual(['/lang lang']);
  });
  it('on granular markings and language-content keys', () => {
    expect(errs({ ...base, granular_markings: [{ lang: 'fr--FR', selectors: ['pattern'] }] })).toEqual([
      '/granular_markings/0/lang lang',
    ]);
    const lc = {
      type: 'language-content',
      spec_version: '2.1',
      id: 'language-content--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      created: '2016-04-06T20:03:48.000Z',
      modified: '2016-04-06T20:03:48.000Z',
      object_ref: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      object_modified: '2016-04-06T20:03:48.000Z',
      contents: { de: { name: 'x' }, 'de DE': { name: 'y' } },
    };
    expect(errs(lc)).toEqual(['/contents/de DE lang']);
  });
});
