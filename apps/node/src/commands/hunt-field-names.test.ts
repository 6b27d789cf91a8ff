/**
 * Field names with spaces, end to end: SigmaHQ's "Windows Defender Exclusions Added" names the
 * Defender 5007 field `NewValue`; the events spell it `New Value`. Hunted from the real sample,
 * as JSON rendering and as the original EVTX, the rule fires on the 3 events that add exclusions.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Hunt, loadRuleSet, type TimelineRow } from '@intersoc/detect';
import { huntFiles } from './hunt.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const corpora = process.env['INTERSOC_CORPORA'] ?? path.resolve(repo, '../shared/corpora');
const RULE = path.join(corpora, 'sigma/rules/windows/builtin/windefend/win_defender_config_change_exclusion_added.yml');
const SAMPLE = path.join(
  corpora,
  'evtx/hayabusa-sample-evtx/EVTX-to-MITRE-Attack/TA0005-Defense Evasion/T1562.001-Impair Defenses-Disable or Modify tool/ID5007-Defender threat exclusion (native)',
);

describe.skipIf(!existsSync(RULE))('Sigma field names with spaces (corpus)', { tags: ['corpus'] }, () => {
  it.each(['.jsonl.gz', '.evtx.gz'])(
    'Windows Defender Exclusions Added fires 3 times on the %s sample',
    async (ext) => {
      const { ruleSet, allRejected } = loadRuleSet([RULE]);
      expect(allRejected).toEqual([]);
      const rows: TimelineRow[] = [];
      const r = await huntFiles([SAMPLE + ext], new Hunt(ruleSet), (row) => rows.push(row));
      expect(r.skipped).toEqual([]);
      expect(r.records).toBe(4);
      expect(rows.map((x) => x.RuleTitle)).toEqual([
        'Windows Defender Exclusions Added',
        'Windows Defender Exclusions Added',
        'Windows Defender Exclusions Added',
      ]);
    },
  );
});
