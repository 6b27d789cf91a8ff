/**
 * `intersoc stats` and `intersoc db migrate` through the CLI, in-process: counts from the embedded
 * SQLite node in --data, and from a PostgreSQL store named by --store or INTERSOC_STORE_URL (a
 * scratch database of its own; skipped, saying why, when PostgreSQL is unreachable).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dayOf, eventId, systemContext, type Alert } from '@intersoc/core';
import { IncidentBuilder, PgIncidentStore } from '@intersoc/correlate';
import { encodeBlock, EVENTS_DB_FILE, openEventWriter, type BlockEvent, type WriteBatch } from '@intersoc/storage';
import { createScratchDb, openPgEventStore, openSyncPg, type ScratchDb } from '@intersoc/storage/postgres';
import { createHydrator } from '../pipeline/hydrator.js';
import { register as registerDb } from './db.js';
import { register as registerStats } from './stats.js';

const T0 = Date.UTC(2025, 2, 1);

/** 120 events of `tenant` over two days, and one alert on the first. */
function batch(tenant: string): WriteBatch {
  const events = Array.from({ length: 120 }, (_, i): BlockEvent => {
    const raw = JSON.stringify({ host: `h${i % 3}`, n: i });
    const time = T0 + i * 1_200_000;
    return {
      id: eventId(tenant, `s:${i}`, raw),
      time,
      ingested: time,
      source: { format: 'json', kind: 'file', name: 's' },
      raw,
    };
  });
  const byDay = new Map<number, BlockEvent[]>();
  for (const e of events) byDay.set(dayOf(e.time), [...(byDay.get(dayOf(e.time)) ?? []), e]);
  const alert: Alert = {
    id: `${tenant}-a1`,
    tenant,
    created: T0,
    time: T0,
    severity: 'low',
    tactics: [],
    techniques: [],
    detector: { kind: 'sigma', ruleId: 'r', ruleTitle: 'R' },
    entities: [{ type: 'host', value: 'h0' }],
    eventIds: [events[0]!.id],
    summary: 's',
  };
  return { blocks: [...byDay].map(([day, es]) => encodeBlock(tenant, day, es)), alerts: [alert], deadLetters: [] };
}

/** Runs one CLI command in-process; returns what it printed, or throws what it threw. */
async function cli(args: string[]): Promise<string> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  });
  const program = new Command('intersoc').exitOverride();
  registerDb(program);
  registerStats(program);
  try {
    await program.parseAsync(['node', 'intersoc', ...args]);
    return out;
  } finally {
    spy.mockRestore();
  }
}

describe('intersoc stats on the embedded node', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'intersoc-stats-'));
    const w = openEventWriter(path.join(dir, EVENTS_DB_FILE), createHydrator());
    w.write(batch('acme'));
    w.write(batch('beta'));
    w.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts one tenant of --data', async () => {
    const counts = JSON.parse(await cli(['stats', '--tenant', 'acme', '--data', dir, '--json'])) as Record<
      string,
      number
    >;
    expect(counts).toMatchObject({ events: 120, alerts: 1 });
    expect(Number.isInteger(counts['incidents'])).toBe(true);
    expect(await cli(['stats', '--tenant', 'nobody', '--data', dir, '--json'])).toBe(
      '{"events":0,"alerts":0,"incidents":0}\n',
    );
    await expect(cli(['db', 'migrate', '--data', dir])).rejects.toThrow(/PostgreSQL store/);
  });
});

const db = await createScratchDb();
if (!('url' in db)) console.warn(`postgres stats tests skipped: ${db.unavailable}`);
const live = 'url' in db ? (db as ScratchDb) : undefined;

describe.skipIf(live === undefined)('intersoc stats and db migrate on PostgreSQL', () => {
  const url = live?.url ?? '';
  const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-stats-pg-'));
  afterAll(async () => {
    delete process.env['INTERSOC_STORE_URL'];
    rmSync(dir, { recursive: true, force: true });
    await live?.drop();
  });

  it('migrates once, then counts from --store or INTERSOC_STORE_URL', async () => {
    const migrated = JSON.parse(await cli(['db', 'migrate', '--store', url, '--data', dir, '--json'])) as {
      applied: string[];
    };
    // Every step once, in order (later steps may follow).
    expect(migrated.applied.slice(0, 6)).toEqual([
      '1-events',
      '2-auth',
      '3-correlate',
      '4-incidents',
      '5-cases',
      '6-rules',
    ]);
    expect(await cli(['db', 'migrate', '--store', url, '--data', dir])).toBe('the store is up to date\n');
    const store = await openPgEventStore(url, { max: 1 });
    await store.write(batch('acme'));
    await store.write(batch('acme')); // a replay changes nothing
    await store.write(batch('beta'));
    await store.close();
    // One incident of acme, as the api role's builder writes it.
    const builder = new IncidentBuilder();
    const [alert] = batch('acme').alerts;
    if (!alert) throw new Error('no alert');
    builder.add({ ...alert, entities: [{ type: 'host', value: 'wks-1' }] });
    const pg = openSyncPg(url);
    new PgIncidentStore(pg).apply(systemContext('acme'), builder.drain());
    await pg.close();
    const out = await cli(['stats', '--tenant', 'acme', '--store', url, '--data', dir, '--json']);
    expect(JSON.parse(out)).toEqual({ events: 120, alerts: 1, incidents: 1 });
    process.env['INTERSOC_STORE_URL'] = url;
    expect(JSON.parse(await cli(['stats', '--tenant', 'beta', '--data', dir, '--json']))).toEqual({
      events: 120,
      alerts: 1,
      incidents: 0,
    });
  });
});
