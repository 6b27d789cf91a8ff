import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRuleSet } from '@intersoc/detect';
import { covers, detectionReport } from './_detection.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const corpora = process.env['INTERSOC_CORPORA'] ?? path.resolve(repo, '../shared/corpora');

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A Sysmon process creation as the flat mordor JSON has it. */
function proc(image: string, commandLine: string, second: number): string {
  return JSON.stringify({
    Hostname: 'WKS5.lab.local',
    Channel: 'Microsoft-Windows-Sysmon/Operational',
    EventID: 1,
    '@timestamp': `2020-10-19T03:30:${String(second).padStart(2, '0')}.000Z`,
    Image: image,
    CommandLine: commandLine,
    User: 'LAB\\alice',
  });
}

const rule = (id: string, title: string, tags: string[], level: string, field: string, value: string): string =>
  [
    `title: ${title}`,
    `id: ${id}`,
    'status: test',
    ...(tags.length > 0 ? ['tags:', ...tags.map((t) => `  - ${t}`)] : []),
    'logsource:',
    '  category: process_creation',
    '  product: windows',
    'detection:',
    '  selection:',
    `    ${field}: '${value}'`,
    '  condition: selection',
    `level: ${level}`,
    '',
  ].join('\n');

describe('detection quality report', () => {
  it('relates techniques to labels by parent and sub-technique, not by sibling', () => {
    expect(covers('T1003', 'T1003.003')).toBe(true);
    expect(covers('T1003.003', 'T1003')).toBe(true);
    expect(covers('T1003.001', 'T1003.001')).toBe(true);
    expect(covers('T1003.001', 'T1003.003')).toBe(false);
    expect(covers('T1003', 'T1003')).toBe(true);
    expect(covers('T1059', 'T1059003')).toBe(false);
  });

  it('scores labels, off-label alerts and background rules on hand-made captures', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'intersoc-detection-'));
    dirs.push(root);
    const host = path.join(root, 'mordor', 'windows', 'credential_access', 'host');
    mkdirSync(host, { recursive: true });
    const whoami = (s: number): string => proc('C:\\Windows\\System32\\whoami.exe', 'whoami /all', s);
    const captures: [name: string, labels: string[], lines: string[]][] = [
      ['a', ['T1003.001'], [proc('C:\\t\\procdump.exe', 'procdump -ma lsass.exe out.dmp', 1), whoami(2)]],
      ['b', ['T1059.001'], [whoami(3)]],
      ['c', ['T1003.003'], [proc('C:\\t\\procdump.exe', 'procdump -ma lsass.exe x.dmp', 4), whoami(5)]],
      ['d', ['T1021.002'], [proc('C:\\Windows\\System32\\net.exe', 'net use \\\\fs01\\c$', 6), '{"broken', whoami(7)]],
    ];
    const manifest = captures.map(([name, labels, lines]) => {
      const file = `windows/credential_access/host/${name}.jsonl.gz`;
      writeFileSync(path.join(root, 'mordor', file), gzipSync(lines.join('\n')));
      return JSON.stringify({ file, attack_techniques: labels });
    });
    // Not captures: a macOS metadata copy, and a capture with nothing the parser reads.
    writeFileSync(path.join(host, '._a.jsonl.gz'), gzipSync('\u0000\u0005\u0016\u0007'));
    writeFileSync(path.join(host, 'e.jsonl.gz'), gzipSync('not json\n'));
    manifest.push(
      JSON.stringify({ file: 'windows/credential_access/host/._a.jsonl.gz', attack_techniques: ['T1003.001'] }),
      JSON.stringify({ file: 'windows/credential_access/host/e.jsonl.gz', attack_techniques: ['T1562.002'] }),
    );
    writeFileSync(path.join(root, 'mordor', 'manifest.jsonl'), `${manifest.join('\n')}\n`);
    const rules = path.join(root, 'rules');
    mkdirSync(rules);
    writeFileSync(
      path.join(rules, 'r.yml'),
      [
        rule(
          '00000000-0000-4000-8000-000000000001',
          'Lsass Dump',
          ['attack.t1003.001'],
          'high',
          'CommandLine|contains',
          'lsass',
        ),
        rule(
          '00000000-0000-4000-8000-000000000002',
          'Whoami',
          ['attack.t1033'],
          'low',
          'Image|endswith',
          '\\whoami.exe',
        ),
        rule('00000000-0000-4000-8000-000000000003', 'Net Use', [], 'medium', 'Image|endswith', '\\net.exe'),
      ].join('---\n'),
    );
    const { ruleSet } = loadRuleSet([rules]);
    const r = detectionReport(root, ruleSet);
    expect(r.captures).toBe(4);
    expect(r.empty).toEqual(['windows/credential_access/host/e.jsonl.gz']);
    expect(r.events).toBe(7);
    expect(r.alerts).toBe(7);
    // Only capture a is detected; c's lsass rule is a sibling of its label, not a detection.
    expect(r.details.map((d) => [d.file.slice(-10), d.detected, d.exact])).toEqual([
      ['a.jsonl.gz', true, true],
      ['b.jsonl.gz', false, false],
      ['c.jsonl.gz', false, false],
      ['d.jsonl.gz', false, false],
    ]);
    expect(r.labels).toEqual([
      { technique: 'T1003.001', captures: 1, detected: 1, exact: 1, rate: 1 },
      { technique: 'T1003.003', captures: 1, detected: 0, exact: 0, rate: 0 },
      { technique: 'T1021.002', captures: 1, detected: 0, exact: 0, rate: 0 },
      { technique: 'T1059.001', captures: 1, detected: 0, exact: 0, rate: 0 },
    ]);
    expect(r.labelRate).toBe(0.25);
    expect(r.captureRate).toBe(0.25);
    expect(r.anyAlertRate).toBe(1);
    // Whoami (T1033) is off-label everywhere; c's lsass alert is in its label's family; net is untagged.
    expect(r.details.map((d) => [d.offLabelAlerts, d.untagged])).toEqual([
      [1, 0],
      [1, 0],
      [1, 0],
      [1, 1],
    ]);
    expect(r.offLabel.alerts).toBe(4);
    expect(r.offLabel.eventRate).toBe(Math.round((4 / 7) * 1e5) / 1e5);
    expect(r.offLabel.byLevel).toEqual({ low: 4 });
    expect(r.offLabel.backgroundRules.map((b) => [b.title, b.captures, b.alerts])).toEqual([['Whoami', 4, 4]]);
  });
});

const ntds = path.join(corpora, 'mordor', 'windows', 'credential_access', 'host');
const sigmahq = path.join(corpora, 'sigma', 'rules', 'windows');

describe.skipIf(!existsSync(ntds) || !existsSync(sigmahq))(
  'detection quality with SigmaHQ rules on mordor captures',
  { tags: ['corpus'] },
  () => {
    it('detects the ntdsutil capture and misses the credential-prompt one', () => {
      const { ruleSet } = loadRuleSet([sigmahq]);
      const r = detectionReport(corpora, ruleSet, (f) =>
        /cmd_dumping_ntds_dit_file_ntdsutil|psh_input_capture_promptforcreds/.test(f),
      );
      console.info(`detection subset: ${JSON.stringify({ ...r, details: undefined })}`);
      expect(r.captures).toBe(2);
      const byFile = new Map(r.details.map((d) => [path.basename(d.file), d]));
      const ntdsutil = byFile.get('cmd_dumping_ntds_dit_file_ntdsutil.jsonl.gz');
      // SigmaHQ has ntdsutil rules tagged T1003.003, the capture's label.
      expect(ntdsutil?.exact).toBe(true);
      expect(ntdsutil?.techniques).toContain('T1003.003');
      // No SigmaHQ Windows rule recognises a PowerShell credential prompt (T1056.002) in it.
      expect(byFile.get('psh_input_capture_promptforcreds_2020-10-2001320841.jsonl.gz')?.detected).toBe(false);
      expect(r.labelRate).toBe(0.5);
      for (const d of r.details) expect(d.offLabelAlerts + d.untagged).toBeLessThanOrEqual(d.alerts);
    });
  },
);
