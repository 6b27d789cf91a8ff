import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemContext, type SocEvent } from '@intersoc/core';
import { configurePatternLimits, openSqliteCtiStore } from '@intersoc/cti';
import { NODE_DB_FILE, openDatabase } from '@intersoc/storage';
import { iocDetectors } from './ioc-factory.js';

const dirs: string[] = [];
afterAll(() => {
  configurePatternLimits();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const T = Date.parse('2024-03-01T10:00:00Z');
const indicator = (n: number, pattern: string) => ({
  type: 'indicator',
  spec_version: '2.1',
  id: `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  created: '2024-02-28T00:00:00.000Z',
  modified: '2024-02-28T00:00:00.000Z',
  pattern,
  pattern_type: 'stix',
  valid_from: '2024-02-28T00:00:00Z',
  confidence: 80,
});
const event = (id: string, cmd: string): SocEvent => ({
  id,
  time: T,
  ingested: T,
  tenant: 'default',
  source: { format: 'json', kind: 'file', name: 't' },
  raw: '{}',
  fields: {},
  ecs: { 'process.command_line': cmd, 'destination.ip': '198.51.100.7' },
});

function nodeWith(objects: unknown[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-ioc-'));
  dirs.push(dir);
  const db = openDatabase(path.join(dir, NODE_DB_FILE));
  const put = openSqliteCtiStore(db).put(systemContext('default'), objects, { source: 'local' });
  db.close();
  expect(put.map((p) => p.status)).toEqual(objects.map(() => 'added'));
  return dir;
}

describe('the ioc detector kind over the CTI store', () => {
  it('runs a batch holding a pathological LIKE input for an imported indicator without stalling', async () => {
    const dir = nodeWith([
      indicator(1, "[ipv4-addr:value = '198.51.100.7']"),
      indicator(2, "[process:command_line LIKE '%q%q%q%q%q%q%q%q%q%z']"),
    ]);
    const [d] = await iocDetectors({ dataDir: dir, kinds: ['ioc'], iocBudgetMs: 60_000 });
    const batch = [event('x', 'q'.repeat(40)), ...Array.from({ length: 20 }, (_, i) => event(`e${i}`, 'ls'))];
    const alerts = await d?.detect(batch);
    expect(alerts?.filter((a) => a.detector.ruleId.endsWith('001'))).toHaveLength(21);
    (d as unknown as { close(): void }).close();
  });

  it('applies the pattern limits of the detector spec in its thread', async () => {
    const dir = nodeWith([indicator(3, "[file:name IN ('a', 'b', 'c')] AND [file:name = 'd']")]);
    const [tight] = await iocDetectors({ dataDir: dir, kinds: ['ioc'], patternLimits: { maxComparisons: 3 } });
    const fileEvent = (id: string, name: string): SocEvent => ({ ...event(id, 'x'), ecs: { 'file.path': name } });
    expect(await tight?.detect([fileEvent('a', 'a'), fileEvent('d', 'd')])).toEqual([]);
    (tight as unknown as { close(): void }).close();
    const [loose] = await iocDetectors({ dataDir: dir, kinds: ['ioc'], patternLimits: { maxComparisons: 4 } });
    expect((await loose?.detect([fileEvent('a', 'a'), fileEvent('d', 'd')]))?.length).toBe(1);
    (loose as unknown as { close(): void }).close();
  });
});
