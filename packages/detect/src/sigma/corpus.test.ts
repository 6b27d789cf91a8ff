/**
 * Corpus tests: the specification's example documents and SigmaHQ's rule trees.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { listRuleFiles, loadSigmaTree } from './loader/load-tree.js';
import { parseSigmaText } from './parse/documents.js';
import { parseYaml } from './parse/yaml-nodes.js';
import { validateDocument } from './parse/validate.js';
import { buildRuleSet } from './ruleset/rule-set.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const corpora = process.env['INTERSOC_CORPORA'] ?? path.resolve(repo, '../shared/corpora');
const spec = path.join(corpora, 'sigma-spec');
const sigma = path.join(corpora, 'sigma');
const BAR = ['rules', 'rules-emerging-threats', 'rules-threat-hunting'].map((d) => path.join(sigma, d));

describe.skipIf(!existsSync(spec))('Sigma specification examples (sigma-spec/tests)', { tags: ['corpus'] }, () => {
  const files = existsSync(spec) ? listRuleFiles([path.join(spec, 'tests')]) : [];

  it('all parse: rules, correlations of every type, filters', () => {
    const kinds: string[] = [];
    for (const f of files) {
      for (const r of parseSigmaText(readFileSync(f, 'utf8'), f)) {
        expect(r.ok, `${f}: ${r.ok ? '' : r.rejection.reason}`).toBe(true);
        if (r.ok) kinds.push(r.doc.kind === 'correlation' ? r.doc.type : r.doc.kind);
      }
    }
    expect(new Set(kinds)).toEqual(
      new Set([
        'rule',
        'filter',
        'event_count',
        'value_count',
        'temporal',
        'temporal_ordered',
        'value_sum',
        'value_avg',
        'value_percentile',
      ]),
    );
  });

  it('our schemas agree with the official ones on the examples and the SigmaHQ rules', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const official = (name: string) => {
      const schema = JSON.parse(readFileSync(path.join(spec, 'json-schema', name), 'utf8')) as Record<string, unknown>;
      delete schema['$schema'];
      return ajv.compile(schema);
    };
    const rule = official('sigma-detection-rule-schema.json');
    const correlation = official('sigma-correlation-rules-schema.json');
    const filter = official('sigma-filters-schema.json');
    let compared = 0;
    const disagreements: string[] = [];
    for (const f of [...files, ...(existsSync(sigma) ? listRuleFiles(BAR) : [])]) {
      for (const doc of [parseYaml(readFileSync(f, 'utf8')) as Record<string, unknown>]) {
        const kind = 'correlation' in doc ? 'correlation' : 'filter' in doc ? 'filter' : 'rule';
        const theirs = (kind === 'rule' ? rule : kind === 'filter' ? filter : correlation)(doc);
        const ours = validateDocument(kind, doc);
        compared++;
        if (theirs !== (ours.error === undefined && ours.warnings.length === 0)) disagreements.push(f);
      }
    }
    expect(disagreements).toEqual([]);
    expect(compared).toBeGreaterThan(files.length);
  });
});

describe.skipIf(!existsSync(sigma))('SigmaHQ rule trees', { tags: ['corpus'] }, () => {
  it('every document of rules, rules-emerging-threats and rules-threat-hunting loads', () => {
    const tree = loadSigmaTree(BAR);
    expect(tree.rejected).toEqual([]);
    const plain = buildRuleSet(tree.parsed);
    // Without configuration only rules that need a placeholder value are rejected, each saying which.
    for (const r of plain.rejected) expect(r.reason).toMatch(/placeholder %\w+% has no configured value/);
    console.log(
      `SigmaHQ: ${tree.documents} documents, ${tree.documents - plain.rejected.length} loaded without placeholders; rejected: ${plain.rejected.map((r) => `${path.basename(r.path)} (${r.reason})`).join('; ')}`,
    );
    const configured = buildRuleSet(tree.parsed, { placeholders: { known_cdcs: ['dc01.corp.example', '10.0.0.10'] } });
    expect(configured.rejected).toEqual([]);
    expect(configured.ruleSet.rules).toHaveLength(tree.documents);
  });

  it('deprecated and unsupported documents are rejected only for obsolete syntax or unresolved placeholders', () => {
    const tree = loadSigmaTree(['deprecated', 'unsupported'].map((d) => path.join(sigma, d)));
    const built = buildRuleSet(tree.parsed);
    const reasons = [...tree.rejected, ...built.rejected].map((r) => r.reason);
    for (const reason of reasons) {
      expect(reason).toMatch(/obsolete|placeholder|unexpected "%\w+%;" in condition/);
    }
    console.log(
      `deprecated+unsupported: ${tree.documents} documents, ${built.ruleSet.rules.length} loaded, ${reasons.length} rejected`,
    );
  });
});
