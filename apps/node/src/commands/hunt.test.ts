/**
 * The SigmaHQ regression bar: hunting each case's evtx_dump JSON events with the whole rule tree
 * (rules, emerging threats, threat hunting) fires that case's rule, read through the ingest
 * reader exactly as `intersoc hunt` reads files.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Hunt, loadRuleSet, type TimelineRow } from '@intersoc/detect';
import { huntFiles } from './hunt.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const corpora = process.env['INTERSOC_CORPORA'] ?? path.resolve(repo, '../shared/corpora');
const sigma = path.join(corpora, 'sigma');

interface Case {
  rule_id: string;
  rule_path: string;
  json: string;
  match_count: number | null;
}

describe.skipIf(!existsSync(path.join(sigma, 'regression_index.jsonl')))(
  'SigmaHQ regression cases',
  { tags: ['corpus'] },
  () => {
    it('every case fires its rule on its events', { timeout: 300_000 }, async () => {
      const cases = readFileSync(path.join(sigma, 'regression_index.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Case);
      const { ruleSet, allRejected } = loadRuleSet(
        ['rules', 'rules-emerging-threats', 'rules-threat-hunting'].map((d) => path.join(sigma, d)),
        { placeholders: { known_cdcs: ['dc01.corp.example'] } },
      );
      expect(allRejected).toEqual([]);
      const missed: string[] = [];
      const countDiffers: string[] = [];
      let exact = 0;
      for (const c of cases) {
        const rows: TimelineRow[] = [];
        const result = await huntFiles([path.join(sigma, c.json)], new Hunt(ruleSet), (r) => rows.push(r));
        expect(result.unreadable, c.json).toBe(0);
        const n = rows.filter((r) => r.RuleID === c.rule_id).length;
        if (n === 0) missed.push(c.rule_path);
        else if (c.match_count !== null && n !== c.match_count)
          countDiffers.push(`${c.rule_path}: ${n} matches, index says ${c.match_count}`);
        else exact++;
      }
      console.log(
        `regression: ${cases.length} cases, ${cases.length - missed.length} fire, ${exact} with the expected count; count differs: ${countDiffers.join('; ') || 'none'}`,
      );
      expect(missed).toEqual([]);
      // The index's count is lower than the number of events of the JSON rendering that match for
      // a few cases (the JSON holds more matching events than the count); never fewer.
      for (const d of countDiffers)
        expect(Number(/: (\d+) matches/.exec(d)?.[1])).toBeGreaterThan(Number(/says (\d+)/.exec(d)?.[1]));
    });
  },
);
