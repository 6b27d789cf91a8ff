import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RulesClassifier, type ClassificationInput } from './classifier.js';
import { RSIT_TYPES, rsitType } from './rsit.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const corpora = process.env['INTERSOC_CORPORA'] ?? path.resolve(repo, '../shared/corpora');
const csv = path.join(corpora, 'cti', 'rsit-classes-types.csv');

/** class,type pairs of the published RSIT list (first two id columns of each row). */
function publishedPairs(text: string): { pair: string; classLabel: string; typeLabel: string }[] {
  const out: { pair: string; classLabel: string; typeLabel: string }[] = [];
  for (const line of text.split('\n').slice(1)) {
    if (!line.trim()) continue;
    const cols: string[] = [];
    let cur = '';
    let quoted = false;
    for (const ch of line) {
      if (ch === '"') quoted = !quoted;
      else if (ch === ',' && !quoted) {
        cols.push(cur);
        cur = '';
      } else cur += ch;
    }
    cols.push(cur);
    out.push({ pair: `${cols[0]}/${cols[2]}`, classLabel: cols[1] ?? '', typeLabel: cols[3] ?? '' });
  }
  return out;
}

describe.skipIf(!existsSync(csv))('RSIT table against the published taxonomy', { tags: ['corpus'] }, () => {
  it('has exactly the published classes and types, with their labels', () => {
    const published = publishedPairs(readFileSync(csv, 'utf8'));
    expect(RSIT_TYPES.map((t) => `${t.class}/${t.type}`).sort()).toEqual(published.map((p) => p.pair).sort());
    for (const p of published) {
      const [cls, type] = p.pair.split('/');
      const mine = rsitType(cls ?? '', type ?? '');
      expect(mine?.classLabel).toBe(p.classLabel);
      expect(mine?.typeLabel).toBe(p.typeLabel);
    }
  });
});

const base: ClassificationInput = {
  tactics: [],
  techniques: [],
  rules: [],
  maxSeverity: 'high',
  users: [],
  privileged: false,
  sources: ['host'],
  alertCount: 3,
};

describe('RulesClassifier', () => {
  const c = new RulesClassifier();
  const cases: [Partial<ClassificationInput>, string][] = [
    [
      { tactics: ['impact'], techniques: ['T1486'] },
      'information-content-security/unauthorised-information-modification',
    ],
    [
      { tactics: ['exfiltration', 'collection'], techniques: ['T1048', 'T1560.001'] },
      'information-content-security/data-leak',
    ],
    [{ tactics: ['credential-access'], techniques: ['T1003.001'] }, 'intrusions/privileged-account-compromise'],
    [
      { tactics: ['lateral-movement'], techniques: ['T1021.001'], privileged: true },
      'intrusions/privileged-account-compromise',
    ],
    [{ tactics: ['command-and-control'], techniques: ['T1071.001'] }, 'malicious-code/infected-system'],
    [{ tactics: ['credential-access'], techniques: ['T1110.001'] }, 'intrusion-attempts/brute-force'],
    [
      { tactics: ['credential-access', 'execution'], techniques: ['T1110.001', 'T1059.003'] },
      'intrusions/system-compromise',
    ],
    [
      { tactics: ['initial-access', 'execution'], techniques: ['T1190', 'T1059.004'] },
      'intrusions/application-compromise',
    ],
    [{ tactics: ['initial-access'], techniques: ['T1190'] }, 'intrusion-attempts/ids-alert'],
    [{ tactics: ['discovery'], techniques: ['T1046'] }, 'information-gathering/scanner'],
    [
      {
        tactics: ['impact'],
        techniques: ['T1498'],
        rules: [{ title: 'DDoS amplification flood', kind: 'sigma', count: 1 }],
      },
      'availability/ddos',
    ],
    [{ tactics: ['impact'], techniques: ['T1499'] }, 'availability/dos'],
    [{ tactics: ['impact'], techniques: ['T1496'] }, 'fraud/unauthorised-use-of-resources'],
    [{ tactics: ['initial-access'], techniques: ['T1566.002'] }, 'fraud/phishing'],
    [{}, 'other/undetermined'],
  ];
  for (const [input, expected] of cases) {
    it(`classifies ${JSON.stringify(input.techniques ?? [])} as ${expected}`, () => {
      const r = c.classify({ ...base, ...input });
      expect(`${r.class}/${r.type}`).toBe(expected);
      expect(rsitType(r.class, r.type)).toBeDefined();
      expect(r.reason.length).toBeGreaterThan(0);
      expect(r.classifier).toBe('rules/2');
    });
  }

  it('does not classify a lone low-severity finding, and is less sure of several', () => {
    const rule = { title: 'Scheduled Task Registered', kind: 'sigma', count: 1 };
    const strong = c.classify({ ...base, tactics: ['persistence'], techniques: ['T1547.001'], rules: [rule] });
    expect(strong.type).toBe('infected-system');
    const lone = c.classify({
      ...base,
      tactics: ['persistence'],
      techniques: ['T1053.005'],
      rules: [rule],
      maxSeverity: 'low',
    });
    expect(`${lone.class}/${lone.type}`).toBe('other/undetermined');
    const several = c.classify({
      ...base,
      tactics: ['persistence'],
      techniques: ['T1547.001'],
      rules: [rule, { ...rule, title: 'Shell' }],
      maxSeverity: 'low',
    });
    expect(several.type).toBe('infected-system');
    expect(several.confidence).toBeLessThan(strong.confidence);
  });
});
