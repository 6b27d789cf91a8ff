import { describe, expect, it } from 'vitest';
import { qualifier } from '../query/prune.js';
import { tokensOf } from '../query/tokens.js';
import { addEventTerms, groupDoc, type QualifiedTokens } from './terms.js';

// The ingest-side tokeniser must find exactly the tokens search finds (tokensOf), or pruning
// would skip blocks that match.
const VALUES = [
  'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe -enc SQBFAFgA',
  'CORP\\rconti',
  'Straße Ünïcode café_NOIR 42',
  'İstanbul \u212Aelvin ǅemal',
  'under_score--dash..dot',
  '',
  'x'.repeat(70) + ' short',
];

describe('term collection at ingest', () => {
  it('finds the tokens search finds, plain and qualified by field', () => {
    for (const v of VALUES) {
      const plain = new Set<string>();
      const byField: QualifiedTokens = new Map();
      addEventTerms(
        { fields: { 'process.command_line': v, list: [v, null] }, ecs: { 'source.port': 7 } },
        plain,
        byField,
      );
      // The group document's qualified tokens, as search's index sees them.
      const qualified = new Set(groupDoc(new Set(), byField).split(' '));
      const want = new Set([...tokensOf(v), '7'].filter((t) => t.length <= 64));
      expect([...plain].sort(), v).toEqual([...want].sort());
      for (const t of tokensOf(v).filter((x) => x.length <= 64)) {
        expect(qualified.has(qualifier('process.command_line') + t)).toBe(true);
        expect(qualified.has(qualifier('list') + t)).toBe(true);
      }
      expect(qualified.has(`${qualifier('source.port')}7`)).toBe(true);
    }
  });

  it('skips a repeated value of a field only: the same value under another field is still qualified', () => {
    const plain = new Set<string>();
    const byField: QualifiedTokens = new Map();
    addEventTerms({ fields: { 'host.name': 'FS-01', 'user.name': 'alice' }, ecs: {} }, plain, byField);
    addEventTerms(
      { fields: { 'host.name': 'FS-01', 'user.name': 'fs-01', n: 12 }, ecs: { 'event.code': 12 } },
      plain,
      byField,
    );
    const qualified = new Set(groupDoc(new Set(), byField).split(' '));
    expect([...plain].sort()).toEqual(['01', '12', 'alice', 'fs']);
    for (const [f, t] of [
      ['host.name', 'fs'],
      ['user.name', 'fs'],
      ['user.name', '01'],
      ['user.name', 'alice'],
      ['n', '12'],
      ['event.code', '12'],
    ] as const) {
      expect(qualified.has(qualifier(f) + t), `${f}:${t}`).toBe(true);
    }
    expect(qualified.has(`${qualifier('host.name')}alice`)).toBe(false);
  });
});
