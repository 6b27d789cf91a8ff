import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { AlertDraft } from '@intersoc/core';
import { register } from './ioc.js';

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-ioc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

async function ioc(args: string[]): Promise<string> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    out += String(c);
    return true;
  });
  const program = new Command('intersoc').exitOverride();
  register(program);
  await program.parseAsync(['node', 'intersoc', 'ioc', ...args]);
  return out;
}

describe('intersoc ioc match', () => {
  it('matches STIX, MISP and text indicators against JSON and Windows events', async () => {
    const bundle = {
      type: 'bundle',
      id: 'bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      objects: [
        {
          type: 'indicator',
          spec_version: '2.1',
          id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
          created: '2020-01-01T00:00:00.000Z',
          modified: '2020-01-01T00:00:00.000Z',
          pattern: "[domain-name:value = 'evil.example']",
          pattern_type: 'stix',
          valid_from: '2020-01-01T00:00:00Z',
        },
      ],
    };
    writeFileSync(path.join(dir, 'ind.json'), JSON.stringify(bundle));
    writeFileSync(path.join(dir, 'feed.txt'), 'hxxp://bad.example/payload\n203.0.113[.]7\n');
    writeFileSync(
      path.join(dir, 'events.jsonl'),
      [
        JSON.stringify({ '@timestamp': '2024-01-01T00:00:00Z', dns: { question: { name: 'evil.example' } } }),
        JSON.stringify({
          Channel: 'Microsoft-Windows-Sysmon/Operational',
          EventID: 3,
          DestinationIp: '203.0.113.7',
          '@timestamp': '2024-01-01T00:00:01Z',
        }),
        JSON.stringify({ '@timestamp': '2024-01-01T00:00:02Z', source: { ip: '10.0.0.1' } }),
      ].join('\n'),
    );
    const alerts = JSON.parse(
      await ioc([
        'match',
        '--indicators',
        path.join(dir, 'ind.json'),
        path.join(dir, 'feed.txt'),
        '--no-decay',
        '--json',
        path.join(dir, 'events.jsonl'),
      ]),
    ) as AlertDraft[];
    expect(alerts.map((a) => a.summary)).toEqual([
      'dns.question.name evil.example matches domain indicator evil.example',
      'destination.ip 203.0.113.7 matches ip indicator 203.0.113.7',
    ]);
  });
});
