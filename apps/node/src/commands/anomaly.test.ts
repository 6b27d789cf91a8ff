import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { register, type NabRun } from './anomaly.js';

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-anomaly-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

async function nab(args: string[]): Promise<NabRun> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    out += String(c);
    return true;
  });
  const program = new Command('intersoc').exitOverride();
  register(program);
  await program.parseAsync(['node', 'intersoc', 'anomaly', 'nab', ...args, '--json']);
  return JSON.parse(out) as NabRun;
}

/** `rows` hourly rows of a daily cycle; the value jumps by `jump` from row `at`. */
function csv(rows: number, at: number, jump: number): string {
  const lines = ['timestamp,value'];
  for (let i = 0; i < rows; i++) {
    const t = new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString().replace('T', ' ').slice(0, 19);
    lines.push(`${t},${(50 + 20 * Math.sin((2 * Math.PI * i) / 24) + (i >= at ? jump : 0)).toFixed(3)}`);
  }
  return lines.join('\n') + '\n';
}

describe('intersoc anomaly nab', () => {
  it('writes one result file per series in NAB layout, row for row, and scores a labelled corpus', async () => {
    const corpus = path.join(dir, 'corpus');
    mkdirSync(path.join(corpus, 'data', 'catA'), { recursive: true });
    mkdirSync(path.join(corpus, 'data', 'catB'), { recursive: true });
    mkdirSync(path.join(corpus, 'labels'), { recursive: true });
    writeFileSync(path.join(corpus, 'data', 'catA', 'shift.csv'), csv(2000, 1500, 80));
    writeFileSync(path.join(corpus, 'data', 'catB', 'calm.csv'), csv(1000, Infinity, 0));
    writeFileSync(
      path.join(corpus, 'labels', 'combined_windows.json'),
      JSON.stringify({
        'catA/shift.csv': [['2024-03-02 16:00:00.000000', '2024-03-06 00:00:00.000000']],
        'catB/calm.csv': [],
      }),
    );
    const out = path.join(dir, 'out');
    const run = await nab(['--corpus', corpus, '--output', out]);
    expect(run).toMatchObject({ detector: 'intersoc', series: 2, rows: 3000 });
    const lines = readFileSync(path.join(out, 'catA', 'intersoc_shift.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(lines[0]).toBe('timestamp,value,anomaly_score');
    expect(lines).toHaveLength(2001);
    expect(lines[1]?.startsWith('2024-01-01 00:00:00,50.000,')).toBe(true);
    const scores = lines.slice(1).map((l) => Number(l.split(',')[2]));
    expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);
    // Row 1500 is 2024-03-03 12:00, inside the window (rows 1480–1560): detected there, so the standard score is high.
    expect(scores[1500]).toBe(1);
    expect(run.scores?.['standard']?.normalized).toBeGreaterThan(80);
    expect(
      readFileSync(path.join(out, 'catB', 'intersoc_calm.csv'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(1001);
  });

  it('refuses a folder without data/', async () => {
    await expect(nab(['--corpus', dir, '--output', path.join(dir, 'x')])).rejects.toThrow(/no data\/ folder/);
  });
});
