import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { Alert } from '@intersoc/core';
import { EVENTS_DB_FILE, openEventReader } from '@intersoc/storage';
import { createHydrator } from '../pipeline/hydrator.js';
import { register } from './incidents.js';

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-incidents-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const T0 = Date.UTC(2025, 2, 4, 9);

async function cli(args: string[]): Promise<unknown> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    out += String(c);
    return true;
  });
  const program = new Command('intersoc').exitOverride();
  register(program);
  await program.parseAsync(['node', 'intersoc', 'incidents', ...args, '--data', dir, '--json']);
  vi.restoreAllMocks();
  return JSON.parse(out) as unknown;
}

describe('intersoc incidents show --json', () => {
  it('lists the incident’s alerts with the ids of the events they were raised on', async () => {
    // Alerts as the writer commits them; the command catches up on them itself.
    const reader = openEventReader(path.join(dir, EVENTS_DB_FILE), createHydrator());
    const put = reader.db.prepare(
      'INSERT INTO alerts (id, tenant, time, created, severity, rule_id, doc) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    for (let i = 1; i <= 2; i++) {
      const a: Alert = {
        id: `alert-${i}`,
        tenant: 'default',
        created: T0 + i,
        time: T0 + i * 60_000,
        detector: { kind: 'sigma', ruleId: `rule-${i}`, ruleTitle: `Rule ${i}` },
        severity: 'high',
        tactics: ['execution'],
        techniques: ['T1059.001'],
        entities: [
          { type: 'host', value: 'WKS-7' },
          { type: 'user', value: 'CORP\\dana' },
        ],
        eventIds: [`${i}`.repeat(32), `${i + 4}`.repeat(32)],
        summary: `alert ${i}`,
      };
      put.run(a.id, a.tenant, a.time, a.created, a.severity, a.detector.ruleId, JSON.stringify(a));
    }
    reader.close();
    const list = (await cli(['list'])) as { id: string }[];
    expect(list).toHaveLength(1);
    const shown = (await cli(['show', list[0]?.id ?? ''])) as { alerts: { id: string; eventIds: string[] }[] };
    expect(shown.alerts.map((a) => [a.id, a.eventIds])).toEqual([
      ['alert-1', ['1'.repeat(32), '5'.repeat(32)]],
      ['alert-2', ['2'.repeat(32), '6'.repeat(32)]],
    ]);
  });
});
