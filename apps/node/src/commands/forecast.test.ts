import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { register } from './forecast.js';

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-forecast-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const corpora = process.env['INTERSOC_CORPORA'] ?? path.resolve(repo, '../shared/corpora');
const taxi = path.join(corpora, 'ml', 'nab', 'data', 'realKnownCause', 'nyc_taxi.csv');

async function forecast(args: string[]): Promise<Record<string, unknown>> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    out += String(c);
    return true;
  });
  const program = new Command('intersoc').exitOverride();
  register(program);
  await program.parseAsync(['node', 'intersoc', 'forecast', ...args]);
  return JSON.parse(out) as Record<string, unknown>;
}

interface Point {
  timestamp: string;
  value: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
}

describe('intersoc forecast (the contract)', () => {
  it('prints model, forecast points with both bands at the next timestamps, and the backtest', async () => {
    const rows = ['timestamp,value'];
    for (let t = 0; t < 24 * 7 * 4; t++) {
      const d = new Date(Date.UTC(2024, 0, 1) + t * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
      rows.push(`${d},${10 + 5 * Math.sin((2 * Math.PI * t) / 24) + ((t * 7919) % 5)}`);
    }
    const file = path.join(dir, 'hourly.csv');
    writeFileSync(file, rows.join('\n'));
    const out = await forecast(['--input', file, '--horizon', '30', '--season', '24', '--json']);
    expect(['snaive', 'ets', 'mstl', 'median']).toContain(out['model']);
    const points = out['forecast'] as Point[];
    expect(points).toHaveLength(30);
    expect(points[0]?.timestamp).toBe('2024-01-29 00:00:00');
    expect(points[29]?.timestamp).toBe('2024-01-30 05:00:00');
    for (const p of points) {
      expect(Object.keys(p).sort()).toEqual(['hi80', 'hi95', 'lo80', 'lo95', 'timestamp', 'value']);
      expect(p.lo95 <= p.lo80 && p.lo80 <= p.value && p.value <= p.hi80 && p.hi80 <= p.hi95).toBe(true);
    }
    const bt = out['backtest'] as { mase: number; baseline_mase: number };
    expect(typeof bt.mase).toBe('number');
    expect(bt.mase).toBeLessThanOrEqual(bt.baseline_mase);
  });

  it('refuses a horizon beyond 14 days, a missing file and a bad season', async () => {
    const file = path.join(dir, 'daily.csv');
    writeFileSync(file, ['timestamp,value', '2024-01-01,1', '2024-01-02,2', '2024-01-03,3', '2024-01-04,4'].join('\n'));
    await expect(forecast(['--input', file, '--horizon', '15', '--json'])).rejects.toThrow(/14 days/);
    await expect(forecast(['--input', path.join(dir, 'none.csv'), '--horizon', '2'])).rejects.toThrow(/cannot read/);
    await expect(forecast(['--input', file, '--horizon', '2', '--season', '0'])).rejects.toThrow(/positive integer/);
    await expect(forecast(['--input', file, '--horizon', '2', '--season', '50'])).rejects.toThrow(
      /longer than the series/,
    );
  });

  it.skipIf(!existsSync(taxi))(
    'beats seasonal naive on a day of NYC taxi demand it did not see',
    { tags: ['corpus'] },
    async () => {
      const lines = readFileSync(taxi, 'utf8').trim().split('\n');
      const held = lines.splice(lines.length - 48, 48);
      const file = path.join(dir, 'taxi.csv');
      writeFileSync(file, lines.join('\n'));
      const out = await forecast(['--input', file, '--horizon', '48', '--season', '48', '--json']);
      const points = out['forecast'] as Point[];
      const truth = held.map((l) => Number(l.split(',')[1]));
      const values = lines.slice(1).map((l) => Number(l.split(',')[1]));
      const snaive = truth.map((_, h) => values[values.length - 48 + h] ?? 0);
      const err = (f: number[]): number => f.reduce((s, v, i) => s + Math.abs(v - (truth[i] ?? 0)), 0);
      expect(points[0]?.timestamp).toBe(held[0]?.split(',')[0]);
      expect(err(points.map((p) => p.value)) / err(snaive)).toBeLessThan(0.85);
    },
  );
});
