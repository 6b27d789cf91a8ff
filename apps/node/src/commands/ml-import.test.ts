import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { register } from './ml.js';

// The fixture models and the libraries' own predictions (packages/learn/src/import/fixtures).
const fixtures = fileURLToPath(new URL('../../../../packages/learn/src/import/fixtures/', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-ml-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

async function ml(args: string[]): Promise<unknown> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    out += String(c);
    return true;
  });
  const program = new Command('intersoc').exitOverride();
  register(program);
  await program.parseAsync(['node', 'intersoc', 'ml', ...args, '--data', path.join(dir, 'data'), '--json']);
  return JSON.parse(out) as unknown;
}

interface Expected {
  rows: (number | null)[][];
  proba: number[] | number[][];
}

/** The fixture rows as a CSV (missing values as empty cells), with a label column. */
function rowsCsv(file: string, e: Expected): string {
  const lines = ['bytes_in,bytes_out,duration,port_class,flags,label'];
  for (const r of e.rows) lines.push(`${r.map((v) => (v === null ? '' : String(v))).join(',')},x`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('intersoc ml import', () => {
  it('stores an XGBoost multiclass model whose predictions are the library’s, and explains them', async () => {
    const e = JSON.parse(readFileSync(path.join(fixtures, 'xgb-multi.expected.json'), 'utf8')) as Expected;
    const r = (await ml([
      'import',
      'xgb',
      '--file',
      path.join(fixtures, 'xgb-multi.json'),
      '--classes',
      'scan,normal,dos',
      '--benign',
      'normal',
    ])) as Record<string, unknown>;
    expect(r).toMatchObject({
      version: 1,
      algorithm: 'xgboost',
      objective: 'multi:softprob',
      trees: 24,
      benign: 'normal',
    });
    expect(r['classes']).toEqual(['normal', 'scan', 'dos']);
    const input = rowsCsv(path.join(dir, 'rows.csv'), e);
    const out = path.join(dir, 'xgb.jsonl');
    await ml(['predict', 'xgb', '--input', input, '--format', 'csv', '--output', out]);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { row: number; score: number; attack: boolean });
    expect(lines.length).toBe(e.rows.length);
    lines.forEach((l, i) => {
      expect(l.row).toBe(i);
      expect(l.score).toBeCloseTo(1 - ((e.proba[i] as number[])[1] as number), 5);
    });
    const attack = lines.findIndex((l) => l.attack);
    const ex = (await ml(['explain', 'xgb', '--input', input, '--format', 'csv', '--row', String(attack)])) as {
      rows: { features: { feature: string; contribution: number }[] }[];
    };
    expect(ex.rows[0]?.features.length).toBeGreaterThan(0);
    const show = (await ml(['show', 'xgb'])) as Record<string, Record<string, unknown>>;
    expect(show['training']?.['importedFrom']).toBe('xgboost');
  });

  it('stores a LightGBM binary model (format from the file) and refuses what it cannot run', async () => {
    const e = JSON.parse(readFileSync(path.join(fixtures, 'lgb-binary.expected.json'), 'utf8')) as Expected;
    const r = (await ml([
      'import',
      'lgb',
      '--file',
      path.join(fixtures, 'lgb-binary.txt'),
      '--threshold',
      '0.6',
    ])) as Record<string, unknown>;
    expect(r).toMatchObject({ algorithm: 'lightgbm', classes: ['benign', 'attack'], threshold: 0.6 });
    const out = path.join(dir, 'lgb.jsonl');
    await ml([
      'predict',
      'lgb',
      '--input',
      rowsCsv(path.join(dir, 'rows2.csv'), e),
      '--format',
      'csv',
      '--output',
      out,
    ]);
    readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .forEach((l, i) => {
        const p = JSON.parse(l) as { score: number; attack: boolean; label: string };
        expect(p.score).toBeCloseTo(e.proba[i] as number, 5);
        expect(p.label).toBe(p.attack ? 'attack' : 'benign');
      });
    const bad = path.join(dir, 'bad.txt');
    writeFileSync(
      bad,
      readFileSync(path.join(fixtures, 'lgb-binary.txt'), 'utf8').replace(
        'objective=binary sigmoid:1',
        'objective=lambdarank',
      ),
    );
    await expect(ml(['import', 'lgb', '--file', bad])).rejects.toThrow(/objective lambdarank is not supported/);
    writeFileSync(bad, 'hello');
    await expect(ml(['import', 'lgb', '--file', bad])).rejects.toThrow(/cannot tell the model format/);
  });
});
