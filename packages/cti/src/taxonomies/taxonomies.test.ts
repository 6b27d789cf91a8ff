import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusDir } from '../internal/corpus.js';
import { formatMachineTag, parseMachineTag } from './machine-tag.js';
import { TaxonomyRegistry } from './registry.js';
import { confidenceFromTags, papLevel } from './semantics.js';
import { normaliseTlp, strictestTlp, TLP_V1_MARKINGS, TLP_V2_MARKINGS, tlpMarkingDefinition } from './tlp.js';

const taxDir = corpusDir('cti', 'misp-taxonomies');
const markingsFile = corpusDir('cti', 'markings', 'tlp-pap-markings.json');

describe.skipIf(!existsSync(taxDir))('MISP taxonomies (corpus)', { tags: ['corpus'] }, () => {
  const reg = new TaxonomyRegistry();
  const n = reg.loadDirectory(taxDir);
  it('loads all taxonomies of the folder', () => {
    expect(n).toBe(22);
    expect(reg.namespaces).toEqual(
      expect.arrayContaining(['tlp', 'PAP', 'admiralty-scale', 'rsit', 'nis2', 'estimative-language']),
    );
  });
  it.each([
    ['tlp:amber+strict', true],
    ['tlp:clear', true],
    ['tlp:purple', false],
    ['PAP:AMBER', true],
    ['admiralty-scale:source-reliability="b"', true],
    ['admiralty-scale:source-reliability="z"', false],
    ['rsit:malicious-code="c2-server"', true],
    ['rsit:malicious-code="nope"', false],
    ['nis2:impact-sectors-impacted="energy"', true],
    ['estimative-language:likelihood-probability="likely"', true],
    ['unknown:tag', false],
    ['plain tag', false],
  ])('%s valid=%s', (tag, valid) => expect(reg.isValid(tag)).toBe(valid));
  it('expands tags with numerical values', () => {
    expect(reg.lookup('admiralty-scale:source-reliability="a"')).toMatchObject({
      expanded: 'Completely reliable',
      numerical_value: 100,
    });
  });
});

describe.skipIf(!existsSync(markingsFile))('TLP markings (corpus)', { tags: ['corpus'] }, () => {
  const m = JSON.parse(readFileSync(markingsFile, 'utf8')) as {
    tlp_1_0_stix21_marking_definitions: { id: string; definition: { tlp: string } }[];
    tlp_2_0_marking_definitions: Record<string, unknown>[];
    suggested_normalisation: Record<string, string[]>;
  };
  it('uses the published TLP 1.0 and 2.0 ids', () => {
    for (const d of m.tlp_1_0_stix21_marking_definitions) {
      expect(TLP_V1_MARKINGS[d.definition.tlp as keyof typeof TLP_V1_MARKINGS]).toBe(d.id);
    }
    for (const d of m.tlp_2_0_marking_definitions) {
      const level = normaliseTlp(d);
      expect(level).toBeDefined();
      if (level) expect(tlpMarkingDefinition(level)).toEqual(d);
    }
  });
  it('normalises every variant id and tag', () => {
    for (const [level, variants] of Object.entries(m.suggested_normalisation)) {
      for (const v of variants) expect(normaliseTlp(v)).toBe(level);
    }
  });
});

describe('tags', () => {
  it('parses and formats machine tags', () => {
    const t = parseMachineTag('misp-galaxy:threat-actor="Sofacy"');
    expect(t).toEqual({ namespace: 'misp-galaxy', predicate: 'threat-actor', value: 'Sofacy' });
    expect(t && formatMachineTag(t)).toBe('misp-galaxy:threat-actor="Sofacy"');
    expect(parseMachineTag('tlp:white')).toEqual({ namespace: 'tlp', predicate: 'white' });
  });
  it('reads PAP, confidence and the strictest TLP', () => {
    expect(papLevel('PAP:WHITE')).toBe('clear');
    expect(confidenceFromTags(['x', 'admiralty-scale:information-credibility="2"'])).toBe(70);
    expect(confidenceFromTags(['estimative-language:likelihood-probability="very-likely"'])).toBe(85);
    expect(strictestTlp(['tlp:green', TLP_V2_MARKINGS.red, 'tlp:white'])).toBe('red');
    expect(normaliseTlp('tlp:ex:chr')).toBeUndefined();
  });
});
